-- Step "keyed state" of a run, Customers: latest file version wins, last
-- record within a file wins. The keys in scope are deleted and recomputed.
-- Reads:  raw_customers, changed_customers(key) (step batch/changed_keys).
-- Writes: cur_customers.
-- Variables: full_recompute  BOOLEAN  true: every key is in scope; false: the keys in changed_customers.
--            rows_since_file_id INTEGER  the lowest _file_id holding a changed key's latest row
--              (the batch's first new file when it only adds files; unset or 0: every row).
DELETE FROM cur_customers WHERE getvariable('full_recompute');
DELETE FROM cur_customers WHERE Customer_ID IN (SELECT key FROM changed_customers);

INSERT INTO cur_customers BY NAME
WITH in_scope AS (
    -- one branch is empty: every row (full recompute) or the rows of the changed keys
    SELECT Customer_ID, _file_id, _row
    FROM raw_customers WHERE getvariable('full_recompute')
    UNION ALL
    SELECT Customer_ID, _file_id, _row
    FROM raw_customers WHERE NOT getvariable('full_recompute') AND Customer_ID IN (SELECT key FROM changed_customers)
      AND _file_id >= coalesce(getvariable('rows_since_file_id'), 0)
),
latest AS (
    SELECT *
    FROM in_scope
    QUALIFY row_number() OVER (PARTITION BY Customer_ID ORDER BY _file_id DESC, _row DESC) = 1
)
SELECT * FROM latest;
