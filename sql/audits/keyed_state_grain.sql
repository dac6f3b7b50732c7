-- Audit "one current row per key", run by every run inside its transaction
-- before COMMIT: rows returned abort the run (AUDIT_FAILED) and roll it back.
-- The run-scoped form of data test sql/tests/keyed_state_unique.sql (which
-- `pipeline check` runs on everything): a run only rewrites the keys in scope.
-- Reads:  cur_orders, cur_deliveries, cur_customers; changed_orders,
--         changed_deliveries, changed_customers (step batch/changed_keys).
-- Variables: full_recompute  BOOLEAN  true: every key is checked.
WITH orders_in_scope AS (
    -- in each CTE one branch is empty: every key (full recompute) or the changed ones
    SELECT Order_ID AS key FROM cur_orders WHERE getvariable('full_recompute')
    UNION ALL
    SELECT Order_ID FROM cur_orders WHERE NOT getvariable('full_recompute') AND Order_ID IN (SELECT key FROM changed_orders)
),
deliveries_in_scope AS (
    SELECT Order_ID AS key FROM cur_deliveries WHERE getvariable('full_recompute')
    UNION ALL
    SELECT Order_ID FROM cur_deliveries WHERE NOT getvariable('full_recompute') AND Order_ID IN (SELECT key FROM changed_deliveries)
),
customers_in_scope AS (
    SELECT Customer_ID AS key FROM cur_customers WHERE getvariable('full_recompute')
    UNION ALL
    SELECT Customer_ID FROM cur_customers WHERE NOT getvariable('full_recompute') AND Customer_ID IN (SELECT key FROM changed_customers)
)
SELECT 'cur_orders' AS tbl, key FROM orders_in_scope GROUP BY key HAVING count(*) > 1
UNION ALL
SELECT 'cur_deliveries', key FROM deliveries_in_scope GROUP BY key HAVING count(*) > 1
UNION ALL
SELECT 'cur_customers', key FROM customers_in_scope GROUP BY key HAVING count(*) > 1
