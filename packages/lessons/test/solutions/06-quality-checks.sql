-- Reference solution of lesson 6 (the checker gives the names a test's suffix).

CREATE OR REPLACE VIEW lesson06_duplicate_orders AS
SELECT * FROM lesson06_orders
WHERE order_id IN (
    SELECT order_id FROM lesson06_orders GROUP BY order_id HAVING count(*) > 1
);

CREATE OR REPLACE VIEW lesson06_negative_totals AS
SELECT * FROM lesson06_orders
WHERE total_amount IS NULL OR total_amount < 0;

CREATE OR REPLACE VIEW lesson06_unknown_status AS
SELECT * FROM lesson06_orders
WHERE status IS NULL
   OR status NOT IN ('placed', 'paid', 'shipped', 'delivered', 'cancelled', 'refunded');
