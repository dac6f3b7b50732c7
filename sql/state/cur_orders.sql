-- Step "keyed state" of a run, Orders (docs/contract.md, "Arrival order and
-- current state"): for each Order_ID, the row of the most recently ingested
-- file version that holds it (highest _file_id); within one file the last row
-- wins (highest _row). The keys in scope are deleted and recomputed.
-- Reads:  raw_orders, changed_orders(key) (step batch/changed_keys).
-- Writes: cur_orders.
-- Variables: full_recompute  BOOLEAN  true: every key is in scope; false: the keys in changed_orders.
--            rows_since_file_id INTEGER  the lowest _file_id holding a changed key's latest row
--              (the batch's first new file when it only adds files; unset or 0: every row).
DELETE FROM cur_orders WHERE getvariable('full_recompute');
DELETE FROM cur_orders WHERE Order_ID IN (SELECT key FROM changed_orders);

INSERT INTO cur_orders BY NAME
WITH in_scope AS (
    -- one branch is empty: every row (full recompute) or the rows of the changed keys
    SELECT Order_ID, Customer_ID, Order_Time, SKU, Quantity, Order_Total, _file_id, _row
    FROM raw_orders WHERE getvariable('full_recompute')
    UNION ALL
    SELECT Order_ID, Customer_ID, Order_Time, SKU, Quantity, Order_Total, _file_id, _row
    FROM raw_orders WHERE NOT getvariable('full_recompute') AND Order_ID IN (SELECT key FROM changed_orders)
      AND _file_id >= coalesce(getvariable('rows_since_file_id'), 0)
),
latest AS (
    SELECT *
    FROM in_scope
    QUALIFY row_number() OVER (PARTITION BY Order_ID ORDER BY _file_id DESC, _row DESC) = 1
)
-- Layout: in time order (the window function leaves its partitions in hash
-- order). The metrics step reads the orders of the affected windows through an
-- Order_Time range, and this step and "affected groups" look keys up by
-- Order_ID, which grows with time: with the rows sorted, zone maps (min/max per
-- row group) skip the rest of the history. A batch's rows are appended sorted;
-- a daily drop's orders are the newest, so the table stays in order.
SELECT * FROM latest
ORDER BY Order_Time, Order_ID;
