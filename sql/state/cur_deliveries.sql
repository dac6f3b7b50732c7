-- Step "keyed state" of a run, Deliveries: latest file version wins, last row
-- within a file wins. The keys in scope are deleted and recomputed.
-- Reads:  raw_deliveries, changed_deliveries(key) (step batch/changed_keys).
-- Writes: cur_deliveries.
-- Variables: full_recompute  BOOLEAN  true: every key is in scope; false: the keys in changed_deliveries.
--            rows_since_file_id INTEGER  the lowest _file_id holding a changed key's latest row
--              (the batch's first new file when it only adds files; unset or 0: every row).
DELETE FROM cur_deliveries WHERE getvariable('full_recompute');
DELETE FROM cur_deliveries WHERE Order_ID IN (SELECT key FROM changed_deliveries);

INSERT INTO cur_deliveries BY NAME
WITH in_scope AS (
    -- one branch is empty: every row (full recompute) or the rows of the changed keys
    SELECT Order_ID, Distance_m, _file_id, _row
    FROM raw_deliveries WHERE getvariable('full_recompute')
    UNION ALL
    SELECT Order_ID, Distance_m, _file_id, _row
    FROM raw_deliveries WHERE NOT getvariable('full_recompute') AND Order_ID IN (SELECT key FROM changed_deliveries)
      AND _file_id >= coalesce(getvariable('rows_since_file_id'), 0)
),
latest AS (
    SELECT *
    FROM in_scope
    QUALIFY row_number() OVER (PARTITION BY Order_ID ORDER BY _file_id DESC, _row DESC) = 1
)
-- Layout: in Order_ID order (see cur_orders.sql): the metrics step joins the
-- affected orders to their deliveries by Order_ID, and the scan skips the row
-- groups outside the affected orders' Order_ID range.
SELECT * FROM latest
ORDER BY Order_ID;
