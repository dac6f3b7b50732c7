-- explain: the files whose current version (the latest ledger row of the path)
-- is quarantined. Nothing of such a file was read, so a record explain looks
-- for may be in one of them; explain lists those of the datasets whose record
-- is missing.
SELECT path, dataset, reason
FROM pipeline_files
QUALIFY row_number() OVER (PARTITION BY path ORDER BY file_id DESC) = 1
    AND status = 'quarantined'
ORDER BY dataset, path
