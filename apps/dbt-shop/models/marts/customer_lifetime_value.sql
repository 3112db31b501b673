-- Customer lifetime value from the shop's own tables: orders that count (not cancelled or
-- refunded), revenue, first and last order, average order value.
with counted as (
    select * from {{ source('source', 'orders') }}
    where status not in ('cancelled', 'refunded')
)
select
    c.customer_id,
    c.country,
    c.registered_at,
    count(o.order_id) as orders,
    coalesce(sum(o.total_amount), 0)::numeric(14, 2) as lifetime_revenue,
    round(avg(o.total_amount), 2) as avg_order_value,
    min(o.placed_at) as first_order_at,
    max(o.placed_at) as last_order_at
from {{ source('source', 'customers') }} as c
left join counted as o using (customer_id)
where c.deleted_at is null
group by c.customer_id, c.country, c.registered_at
