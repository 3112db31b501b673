-- Order events with their payload parsed: who ordered, in which session, for how much.
select
    e.id as raw_id,
    e.event_id,
    e.event_type,
    e.occurred_at,
    e.order_id,
    {{ safe_uuid("e.payload->>'customer_id'") }} as customer_id,
    {{ safe_uuid("e.payload->>'session_id'") }} as session_id,
    {{ safe_numeric("coalesce(e.payload->>'total_amount', e.payload->>'amount')") }} as amount,
    e.payload->>'reason' as reason
from {{ source('raw', 'order_events') }} as e
