-- The Spark engine's functions: the DuckDB macros the step files call
-- (sql/migrations/), same names, same meaning, as session-scoped SQL functions.
-- The engine executes every statement of this file at session start, after the
-- session settings (spark.sql.session.timeZone = UTC) and before any step.
-- A test (test/unit/engineSteps.test.ts) fails when a function here has no
-- DuckDB macro of the same name; test/spark/steps.spark.ts compares the results.

-- Mirrors window_start (sql/migrations/V002__lineage.sql): DuckDB
-- time_bucket(size, ts, TIMESTAMP '1970-01-01 00:00:00'), the tumbling window
-- [start, start + size) aligned to the epoch; an order on a boundary belongs to
-- the later window; before 1970 it rounds down too (pmod, not %). Exact in
-- microseconds for INTERVAL DAY TO SECOND sizes (the run's window_size); the
-- size in microseconds is epoch + size read back (session time zone UTC).
CREATE OR REPLACE TEMPORARY FUNCTION window_start(ts TIMESTAMP, size INTERVAL DAY TO SECOND)
RETURNS TIMESTAMP
RETURN timestamp_micros(
    unix_micros(ts) - pmod(unix_micros(ts), unix_micros(timestamp_micros(0) + size)));

-- Mirrors same_exact (sql/migrations/V005__engine_shims.sql): integers and
-- timestamps equal, NULL equal to NULL. A SQL function has typed parameters
-- and no overloads, so both are compared as their text: BIGINT and TIMESTAMP
-- (microseconds, UTC) convert to STRING one-to-one.
CREATE OR REPLACE TEMPORARY FUNCTION same_exact(a STRING, b STRING)
RETURNS BOOLEAN
RETURN a IS NOT DISTINCT FROM b;

-- Mirrors same_float (sql/migrations/V005__engine_shims.sql): equal, or within
-- 1e-12 relative (FLOAT_TOLERANCE in pipeline/contract/ecommerceColumns.ts).
CREATE OR REPLACE TEMPORARY FUNCTION same_float(a DOUBLE, b DOUBLE)
RETURNS BOOLEAN
RETURN a IS NOT DISTINCT FROM b OR coalesce(abs(a - b) <= 1e-12 * greatest(abs(a), abs(b)), false);
