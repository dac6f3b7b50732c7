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

-- Part i of a timestamp text of is_timestamp_text's grammar ('' for a part not
-- written, or when the text is not one): 1 year, 2 month, 3 day, 4 hour,
-- 5 minute, 6 second, 7 fraction, 8 zone (Z, +hh, +hhmm or +hh:mm). DuckDB's parse_utc_timestamp leaves this to its casts;
-- Spark's builds the timestamp from these parts (sql/engines/spark/values.sql).
CREATE MACRO timestamp_text_part(x, i) AS
    regexp_extract(x, '^ *([0-9]{4})-([0-9]{2})-([0-9]{2})(?:[T ]([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:\.([0-9]+))?)?(Z|[+-][0-9]{2}(?::?[0-9]{2})?)?)? *$', i);

-- A zone's offset east of UTC in minutes, as DuckDB's TIMESTAMPTZ cast reads
-- it: sign * (hh * 60 + mm) for any two digits each ('+05:60' is six hours);
-- 0 for Z or no zone. (DuckDB's parse_utc_timestamp leaves this to its cast.)
CREATE MACRO zone_offset_minutes(z) AS
    CASE WHEN substr(z, 1, 1) IN ('+', '-') THEN
        CASE WHEN substr(z, 1, 1) = '-' THEN -1 ELSE 1 END
        * (TRY_CAST(substr(z, 2, 2) AS INTEGER) * 60 + coalesce(TRY_CAST(substr(replace(z, ':', ''), 4, 2) AS INTEGER), 0))
        ELSE 0 END;
