-- Lesson 10: a dbt model of your own, with a test, built into your lab schema.
-- The page: docs/lessons/10-dbt-model.md. Check it: datapark lesson check 10 (it runs
-- `dbt build --select lesson10_customer_orders` as the lab role, then compares the result with a
-- reference query). This is your copy (git ignores it).
--
-- One row per customer who placed an order before var('as_of'), with the columns
--   customer_id, orders (how many), first_order_at, last_order_at (the first and last placed_at).
--
-- TODO 1: the SELECT, from {{ source('source', 'orders') }}.
select 1 as todo
