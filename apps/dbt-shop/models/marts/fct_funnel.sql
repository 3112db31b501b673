-- The funnel from clickstream to order, per day a session started: sessions, then those that
-- viewed a product, added to cart, started checkout and placed an order (order_placed events
-- carry the session).
with ordered as (
    select distinct session_id from {{ ref('stg_order_events') }}
    where event_type = 'order_placed' and session_id is not null
)
select
    s.started_at::date as day,
    count(*) as sessions,
    count(*) filter (where s.viewed_product) as viewed_product,
    count(*) filter (where s.added_to_cart) as added_to_cart,
    count(*) filter (where s.started_checkout) as started_checkout,
    count(o.session_id) as ordered,
    round(count(o.session_id)::numeric / nullif(count(*), 0), 4) as conversion_rate
from {{ ref('fct_sessions') }} as s
left join ordered as o using (session_id)
group by 1
