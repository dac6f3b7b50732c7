-- Step "drop unledgered rows" of a `rebuild` only, before the full recompute:
-- raw rows whose file version has no ledger entry that keeps them loaded, and
-- rejected rows of a file version the ledger does not know (e.g. a ledger row
-- deleted by hand; data test sql/tests/raw_rows_have_ledger_entry.sql finds
-- them). No file accounts for them, so they leave; the next run loads the file
-- again if it is still in a drop folder (it is not in the ledger).
-- Reads:  pipeline_files.
-- Writes: raw_orders, raw_deliveries, raw_customers, pipeline_rejects (deletes).
-- Variables: none.
DELETE FROM raw_orders WHERE _file_id NOT IN (SELECT file_id FROM pipeline_files WHERE status = 'loaded');
DELETE FROM raw_deliveries WHERE _file_id NOT IN (SELECT file_id FROM pipeline_files WHERE status = 'loaded');
DELETE FROM raw_customers WHERE _file_id NOT IN (SELECT file_id FROM pipeline_files WHERE status = 'loaded');
DELETE FROM pipeline_rejects WHERE file_id NOT IN (SELECT file_id FROM pipeline_files);
