-- Two statements: a view, then a query over it.
CREATE TEMPORARY VIEW numbers AS SELECT id FROM range(10);
SELECT sum(id) AS total FROM numbers;
