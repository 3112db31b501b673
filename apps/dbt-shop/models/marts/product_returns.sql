-- Product returns: how often each product's orders end refunded, from the shop's tables.
select
    p.product_id,
    p.name,
    p.category,
    count(distinct i.order_id) as orders,
    count(distinct i.order_id) filter (where o.status = 'refunded') as refunded_orders,
    round(
        (count(distinct i.order_id) filter (where o.status = 'refunded'))::numeric
        / nullif(count(distinct i.order_id), 0), 4
    ) as return_rate
from {{ source('source', 'products') }} as p
join {{ source('source', 'order_items') }} as i using (product_id)
join {{ source('source', 'orders') }} as o using (order_id)
group by p.product_id, p.name, p.category
