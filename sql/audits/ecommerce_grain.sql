-- Audit "one row per (Customer_ID, window)", run by every run inside its
-- transaction before COMMIT: rows returned abort the run (AUDIT_FAILED) and
-- roll it back. The run-scoped form of data test sql/tests/ecommerce_unique_groups.sql
-- (which `pipeline check` runs on everything): a run can only duplicate the
-- groups it wrote, and on an incremental run those are in affected_groups.
-- Reads:  ecommerce_state; affected_groups (step batch/changed_keys, marts/affected_groups).
-- Variables: full_recompute  BOOLEAN  true: every group is checked.
WITH in_scope AS (
    -- one branch is empty: every group (full recompute) or the affected ones
    SELECT Customer_ID, start_timestamp FROM ecommerce_state WHERE getvariable('full_recompute')
    UNION ALL
    SELECT s.Customer_ID, s.start_timestamp FROM ecommerce_state s
    SEMI JOIN affected_groups g ON g.Customer_ID = s.Customer_ID AND g.start_timestamp = s.start_timestamp
    WHERE NOT getvariable('full_recompute')
)
SELECT Customer_ID, start_timestamp, count(*) AS copies
FROM in_scope
GROUP BY ALL
HAVING count(*) > 1
