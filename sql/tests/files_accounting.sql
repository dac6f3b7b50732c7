-- Data test: files where rows read <> rows loaded + rows rejected, or whose
-- counts disagree with the rows actually kept in raw_* / pipeline_rejects.
WITH raw_counts AS (
    SELECT _file_id AS file_id, count(*) AS n FROM raw_orders GROUP BY 1
    UNION ALL SELECT _file_id, count(*) FROM raw_deliveries GROUP BY 1
    UNION ALL SELECT _file_id, count(*) FROM raw_customers GROUP BY 1
),
reject_counts AS (
    SELECT file_id, count(*) AS n FROM pipeline_rejects GROUP BY 1
)
SELECT f.path, f.status, f.rows_read, f.rows_loaded, f.rows_rejected,
       coalesce(r.n, 0) AS raw_rows, coalesce(j.n, 0) AS reject_rows
FROM pipeline_files f
LEFT JOIN raw_counts r USING (file_id)
LEFT JOIN reject_counts j USING (file_id)
WHERE f.rows_read <> f.rows_loaded + f.rows_rejected
   OR f.rows_rejected <> coalesce(j.n, 0)
   OR (f.status = 'loaded' AND f.rows_loaded <> coalesce(r.n, 0))
   OR (f.status <> 'loaded' AND coalesce(r.n, 0) <> 0)
