{{ config(materialized='incremental', unique_key='session_id', incremental_strategy='delete+insert') }}
-- One row per clickstream session: when, who, and how far down the funnel it went.
-- Incremental: a run recomputes only the sessions that received events since the last run
-- (raw ids above the highest one seen), from all of those sessions' events, so a session that
-- spans two runs is counted once and whole.
with events as (
    select * from {{ ref('stg_clickstream_events') }}
    {% if is_incremental() %}
    where session_id in (
        select session_id from {{ ref('stg_clickstream_events') }}
        where raw_id > (select coalesce(max(max_raw_id), 0) from {{ this }})
    )
    {% endif %}
)
select
    session_id,
    (array_agg(customer_id order by occurred_at) filter (where customer_id is not null))[1] as customer_id,
    min(occurred_at) as started_at,
    max(occurred_at) as ended_at,
    count(*) as events,
    count(*) filter (where event_type = 'page_view') as page_views,
    bool_or(event_type = 'product_view') as viewed_product,
    bool_or(event_type = 'add_to_cart') as added_to_cart,
    bool_or(event_type = 'checkout_started') as started_checkout,
    max(raw_id) as max_raw_id
from events
group by session_id
