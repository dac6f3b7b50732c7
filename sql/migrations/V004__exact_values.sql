-- V004: the contract's value grammar (docs/contract.md, "Exact values"). A value
-- is loaded exactly as written or its row is rejected; it is never turned into
-- another value. DuckDB's own casts are more forgiving than the contract: they
-- round '3.5' to the integer 4 and read '0x10' as 16, '1_000' as 1000, '1e1'
-- as 10, and a TIMESTAMP cast drops an offset ('…T02:00:00+05:00' -> 02:00).
-- So every typed value is matched against one of these patterns before it is
-- cast. Blanks around a value are allowed (the casts ignore them); nothing else.

-- integer: optional sign, decimal digits.
CREATE MACRO is_integer_text(x) AS
    regexp_full_match(x, ' *[+-]?[0-9]+ *');

-- whole number (Quantity, Number of Employees): an integer, or one written
-- with a zero fraction ('3.0').
CREATE MACRO is_whole_number_text(x) AS
    regexp_full_match(x, ' *[+-]?[0-9]+(\.0+)? *');

-- decimal: optional sign, digits, optional fraction, optional exponent
-- ('1.5e2'; DATA_CONTRACT.md allows it for decimals, not for integers).
CREATE MACRO is_decimal_text(x) AS
    regexp_full_match(x, ' *[+-]?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)? *');

-- the words DuckDB reads as non-finite numbers and timestamps.
CREATE MACRO is_non_finite_text(x) AS
    regexp_full_match(lower(x), ' *[+-]?(inf|infinity|nan) *');

-- timestamp: ISO 8601 date, optionally a space or T and hh:mm[:ss[.fraction]],
-- then optionally a zone: Z or an offset (+05, +0500, +05:00).
CREATE MACRO is_timestamp_text(x) AS
    regexp_full_match(x, ' *[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?(Z|[+-][0-9]{2}(:?[0-9]{2})?)?)? *');

-- The contract's rule for a timestamp: text without a zone is naive UTC and
-- read as written; text with Z or an offset is that instant, converted to UTC
-- (as a typed TIMESTAMP WITH TIME ZONE Parquet column is). NULL when the text
-- is not a timestamp of the grammar above or not a valid date and time. Staging
-- (Order_Time) and anything that reads a timestamp a user typed use this.
CREATE MACRO parse_utc_timestamp(x) AS
    CASE
        WHEN NOT is_timestamp_text(x) THEN NULL
        -- past the date (10 characters after the blanks), only a zone holds Z, + or -
        WHEN regexp_matches(substr(ltrim(x), 11), '[Z+-]') THEN timezone('UTC', TRY_CAST(x AS TIMESTAMPTZ))
        ELSE TRY_CAST(x AS TIMESTAMP)
    END;

-- Customer_ID: an integer in INTEGER's range, else NULL (V002's version cast
-- with DuckDB's rules: '3.5' became 4, '0x10' 16, '1e1' 10).
CREATE OR REPLACE MACRO parse_customer_id(x) AS
    CASE WHEN is_integer_text(x) THEN TRY_CAST(x AS INTEGER) END;
