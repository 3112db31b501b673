-- Reference solution of lesson 10.
select
  customer_id,
  count(*) as orders,
  min(placed_at) as first_order_at,
  max(placed_at) as last_order_at
from {{ source('source', 'orders') }}
where placed_at < '{{ var("as_of") }}'::timestamptz
group by customer_id
