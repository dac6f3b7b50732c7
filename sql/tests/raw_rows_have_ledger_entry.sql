-- Data test: raw rows and rejected rows whose file version has no ledger entry
-- (pipeline_files) that keeps them: no entry at all (e.g. a ledger row deleted
-- by hand), or an entry whose rows are not loaded. Such rows still count in
-- the keyed state and the result, but no file accounts for them.
-- Repair: `pipeline rebuild` drops them and recomputes (the next `pipeline run`
-- loads the file again if it is still in a drop folder).
-- Cost: one scan of the _file_id columns (anti-join with the small ledger).
WITH loaded AS (SELECT file_id FROM pipeline_files WHERE status = 'loaded')
SELECT 'raw_orders' AS tbl, _file_id AS file_id, count(*) AS rows_without_ledger_entry
FROM raw_orders WHERE _file_id NOT IN (SELECT file_id FROM loaded) GROUP BY ALL
UNION ALL
SELECT 'raw_deliveries', _file_id, count(*)
FROM raw_deliveries WHERE _file_id NOT IN (SELECT file_id FROM loaded) GROUP BY ALL
UNION ALL
SELECT 'raw_customers', _file_id, count(*)
FROM raw_customers WHERE _file_id NOT IN (SELECT file_id FROM loaded) GROUP BY ALL
UNION ALL
SELECT 'pipeline_rejects', file_id, count(*)
FROM pipeline_rejects WHERE file_id NOT IN (SELECT file_id FROM pipeline_files) GROUP BY ALL
