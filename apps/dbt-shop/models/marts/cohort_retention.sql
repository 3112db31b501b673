-- Cohort retention: customers grouped by the day of their first order, and how many of them
-- ordered again N days later (the generator's data spans days, not months).
with orders as (
    select customer_id, placed_at::date as day
    from {{ source('source', 'orders') }}
    where status not in ('cancelled', 'refunded')
),
firsts as (
    select customer_id, min(day) as cohort_day from orders group by customer_id
),
sizes as (
    select cohort_day, count(*) as cohort_size from firsts group by cohort_day
)
select
    f.cohort_day,
    o.day - f.cohort_day as days_since_first_order,
    s.cohort_size,
    count(distinct o.customer_id) as active_customers,
    round(count(distinct o.customer_id)::numeric / s.cohort_size, 4) as retention
from firsts as f
join orders as o using (customer_id)
join sizes as s using (cohort_day)
group by f.cohort_day, o.day - f.cohort_day, s.cohort_size
