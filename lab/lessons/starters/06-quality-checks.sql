-- Lesson 6: data-quality checks, each a view that returns the offending rows of
-- lab.lesson06_orders (a day of the shop's orders that `datapark lesson start 6` copied):
-- none on good data. The page: docs/lessons/06-quality-checks.md. The checker runs this file
-- itself, as the lab role, then puts a defect into the table and asks each view whether it
-- caught it: datapark lesson check 6. This is your copy (git ignores it).

-- Unique: each order_id once. Return the rows whose order_id occurs more than once.
CREATE OR REPLACE VIEW lesson06_duplicate_orders AS
SELECT * FROM lesson06_orders
WHERE false; -- TODO 1

-- Valid amounts: total_amount is there and not negative.
CREATE OR REPLACE VIEW lesson06_negative_totals AS
SELECT * FROM lesson06_orders
WHERE false; -- TODO 2

-- Known statuses: one of the shop's six.
CREATE OR REPLACE VIEW lesson06_unknown_status AS
SELECT * FROM lesson06_orders
WHERE false; -- TODO 3
