-- V006: what the staging SQL (sql/staging/) needs so that one text runs on
-- DuckDB and on Spark (issue 17). The staging files call these macros instead
-- of DuckDB-only functions (regexp_full_match, isfinite, HUGEINT casts); Spark
-- defines a function of the same name and meaning for each one
-- (sql/engines/spark/values.sql). They change no result: each is what the
-- staging SQL computed inline before.

-- 'digits.digits' (Quantity '2.5'): a whole number with a non-zero fraction
-- gets its own reason ("is not a whole number").
CREATE MACRO is_fraction_text(x) AS
    regexp_full_match(x, ' *[+-]?[0-9]+\.[0-9]+ *');

-- A whole number (Quantity, Number of Employees) as BIGINT: the digits before
-- the fraction of a text is_whole_number_text accepts; NULL when the text is
-- not one or beyond BIGINT (the staging SQL rejects beyond 9e15 itself).
CREATE MACRO parse_whole_number(x) AS
    CASE WHEN is_whole_number_text(x) THEN TRY_CAST(split_part(x, '.', 1) AS BIGINT) END;

-- A decimal as DOUBLE: NULL when the text is not is_decimal_text; an overflow
-- ('1e400') reads as +-inf, which the staging SQL rejects as not finite.
CREATE MACRO parse_decimal(x) AS
    CASE WHEN is_decimal_text(x) THEN TRY_CAST(x AS DOUBLE) END;

-- A DOUBLE that is neither NaN nor +-inf.
CREATE MACRO is_finite_number(d) AS
    isfinite(d);
