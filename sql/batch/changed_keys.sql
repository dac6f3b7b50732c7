-- Step "changed keys" of a run: the keys the batch touches, per dataset.
-- Reads:  batch_files(file_id, change)  the file versions this batch loads
--         (change = 'loaded', their rows already in raw_*) or withdraws
--         ('withdrawn', their rows still in raw_*; step withdraw_rows deletes them);
--         raw_orders, raw_deliveries, raw_customers.
-- Writes: temp tables changed_orders(key), changed_deliveries(key),
--         changed_customers(key); an empty temp table affected_groups
--         (Customer_ID, start_timestamp) that step marts/affected_groups fills.
-- Variables (SET VARIABLE name = value; read with getvariable('name')):
--   full_recompute  BOOLEAN  true: everything is recomputed anyway, the tables stay empty.
-- By hand: see sql/README.md ("Running the steps by hand").
CREATE OR REPLACE TEMP TABLE changed_orders AS
WITH batch AS (
    SELECT file_id FROM batch_files WHERE NOT getvariable('full_recompute')
)
SELECT DISTINCT Order_ID AS key FROM raw_orders WHERE _file_id IN (SELECT file_id FROM batch);

CREATE OR REPLACE TEMP TABLE changed_deliveries AS
WITH batch AS (
    SELECT file_id FROM batch_files WHERE NOT getvariable('full_recompute')
)
SELECT DISTINCT Order_ID AS key FROM raw_deliveries WHERE _file_id IN (SELECT file_id FROM batch);

CREATE OR REPLACE TEMP TABLE changed_customers AS
WITH batch AS (
    SELECT file_id FROM batch_files WHERE NOT getvariable('full_recompute')
)
SELECT DISTINCT Customer_ID AS key FROM raw_customers WHERE _file_id IN (SELECT file_id FROM batch);

CREATE OR REPLACE TEMP TABLE affected_groups (Customer_ID INTEGER, start_timestamp TIMESTAMP);
