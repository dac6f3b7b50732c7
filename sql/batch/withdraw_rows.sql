-- Step "withdraw rows" of a run: the rows of withdrawn file versions (the
-- previous version of a rewritten file, or a retracted file) leave the raw
-- tables; their lineage stays (explain reports them as withdrawn).
-- Runs after steps changed_keys and marts/affected_groups (groups as they were),
-- before the keyed state is refreshed.
-- Reads:  batch_files(file_id, change)  rows with change = 'withdrawn';
--         raw_orders, raw_deliveries, raw_customers.
-- Writes: pipeline_withdrawn_rows (appends), raw_orders, raw_deliveries, raw_customers (deletes).
-- Variables: run_id  BIGINT  the run withdrawing them (pipeline_withdrawn_rows.run_id).
INSERT INTO pipeline_withdrawn_rows
WITH withdrawn AS (
    SELECT file_id FROM batch_files WHERE change = 'withdrawn'
)
SELECT 'Orders', Order_ID, _file_id, _row, _line, getvariable('run_id')
FROM raw_orders WHERE _file_id IN (SELECT file_id FROM withdrawn);

INSERT INTO pipeline_withdrawn_rows
WITH withdrawn AS (
    SELECT file_id FROM batch_files WHERE change = 'withdrawn'
)
SELECT 'Deliveries', Order_ID, _file_id, _row, _line, getvariable('run_id')
FROM raw_deliveries WHERE _file_id IN (SELECT file_id FROM withdrawn);

INSERT INTO pipeline_withdrawn_rows
WITH withdrawn AS (
    SELECT file_id FROM batch_files WHERE change = 'withdrawn'
)
SELECT 'Customers', Customer_ID, _file_id, _row, _line, getvariable('run_id')
FROM raw_customers WHERE _file_id IN (SELECT file_id FROM withdrawn);

DELETE FROM raw_orders     WHERE _file_id IN (SELECT file_id FROM batch_files WHERE change = 'withdrawn');
DELETE FROM raw_deliveries WHERE _file_id IN (SELECT file_id FROM batch_files WHERE change = 'withdrawn');
DELETE FROM raw_customers  WHERE _file_id IN (SELECT file_id FROM batch_files WHERE change = 'withdrawn');
