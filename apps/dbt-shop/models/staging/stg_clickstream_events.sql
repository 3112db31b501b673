-- Clickstream events: the session, the (optional) customer, the kind of step in the funnel.
select
    e.id as raw_id,
    e.event_id,
    e.event_type,
    e.occurred_at,
    e.session_id,
    {{ safe_uuid("e.payload->>'customer_id'") }} as customer_id
from {{ source('raw', 'clickstream_events') }} as e
