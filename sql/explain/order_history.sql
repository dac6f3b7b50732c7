-- explain --order: every row the warehouse has seen for one Order_ID, in the
-- Orders and Deliveries datasets, across file versions, oldest first.
-- $1: the Order_ID (already normalised: 'YR-12345,0' -> 12345).
-- outcome: current (the keyed state's row), overridden (a later row or file
-- version holds the key), withdrawn (its file version was superseded or
-- retracted), rejected (the row broke a rule; reason says which).
WITH loaded AS (
    SELECT 'Orders' AS dataset, r._file_id AS file_id, r._row, r._line,
           c.Order_ID IS NOT NULL AS is_current
    FROM raw_orders r
    LEFT JOIN cur_orders c ON c.Order_ID = r.Order_ID AND c._file_id = r._file_id AND c._row = r._row
    WHERE r.Order_ID = $1
    UNION ALL
    SELECT 'Deliveries', r._file_id, r._row, r._line, c.Order_ID IS NOT NULL
    FROM raw_deliveries r
    LEFT JOIN cur_deliveries c ON c.Order_ID = r.Order_ID AND c._file_id = r._file_id AND c._row = r._row
    WHERE r.Order_ID = $1
),
seen AS (
    SELECT dataset, file_id, _row, _line AS line,
           CASE WHEN is_current THEN 'current' ELSE 'overridden' END AS outcome,
           CASE WHEN NOT is_current THEN 'a later row or file version holds this Order_ID' END AS reason
    FROM loaded
    UNION ALL
    SELECT w.dataset, w.file_id, w._row, w._line, 'withdrawn', f.reason
    FROM pipeline_withdrawn_rows w JOIN pipeline_files f USING (file_id)
    WHERE w.dataset IN ('Orders', 'Deliveries') AND w.key = $1
    UNION ALL
    SELECT dataset, file_id, NULL, line, 'rejected', reason
    FROM pipeline_rejects
    WHERE dataset IN ('Orders', 'Deliveries') AND key = $1
)
SELECT s.dataset, f.path, s.line, s.outcome, s.reason
FROM seen s JOIN pipeline_files f USING (file_id)
ORDER BY s.file_id, s.line NULLS LAST, s._row
