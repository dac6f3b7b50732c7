-- The Spark engine's commit protocol (docs/spark.md, "Commit protocol"). Delta
-- commits are atomic per table only, so a run is made atomic by this log:
--   1. before a run writes anything, a row (state 'started') records the Delta
--      version of every lake table;
--   2. the run's steps commit table by table;
--   3. last, a row (state 'committed') records the versions the run left: the
--      run is committed iff this row exists;
--   4. before the next run (or export) reads anything, a 'started' row with no
--      'committed' row after it means the run was interrupted: every table is
--      RESTOREd to the version its 'started' row recorded, then a row
--      'rolled_back' is added.
-- Readers (status, export, sql) read the tables AS OF the last committed versions.
-- Grain: one row per state change of a run; seq orders them (a rolled-back
-- run's id is used again by the next run).
CREATE TABLE IF NOT EXISTS pipeline_commits (
    seq      BIGINT    NOT NULL,
    run_id   BIGINT    NOT NULL,
    state    STRING    NOT NULL,  -- started | committed | rolled_back
    versions STRING    NOT NULL,  -- JSON {table: Delta version}
    at       TIMESTAMP NOT NULL
) USING delta;
