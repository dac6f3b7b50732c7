-- V005: the diff's comparisons as warehouse macros, so each engine defines
-- them once under the same name (the Spark engine: sql/engines/spark/functions.sql,
-- same names, same meaning). They were temp macros in sql/marts/ecommerce_diff.sql;
-- the step files now call only names both engines define.

-- Integers and timestamps: equal, NULL equal to NULL.
CREATE MACRO same_exact(a, b) AS a IS NOT DISTINCT FROM b;

-- Floating-point metrics: equal, or within 1e-12 relative (summing the same
-- doubles in another order changes the last bit; such noise is no change).
-- The tolerance is FLOAT_TOLERANCE in pipeline/contract/ecommerceColumns.ts.
CREATE MACRO same_float(a, b) AS
    a IS NOT DISTINCT FROM b OR coalesce(abs(a - b) <= 1e-12 * greatest(abs(a), abs(b)), false);
