-- Spark functions for the contract's value grammar, the ones the staging SQL
-- (sql/staging/) calls. Each mirrors the DuckDB macro of the same name (named in
-- its comment) and gives the same answer on every text: executed statement by
-- statement at session start, after spark.sql.ansi.doubleQuotedIdentifiers =
-- true and spark.sql.session.timeZone = UTC, before any staging.
-- Regular expressions: DuckDB's regexp_full_match (RE2) matches the whole text;
-- Spark's RLIKE / regexp_extract (Java) find a match anywhere, so each pattern is
-- anchored with ^ and \z (Java's $ also matches before a final line break).
-- '\\z' is how a Spark string literal writes \z.
-- Casts: trim() first (the grammar allows only blanks around a value; DuckDB's
-- casts ignore them).

-- is_integer_text (V004)
CREATE OR REPLACE TEMPORARY FUNCTION is_integer_text(x STRING) RETURNS BOOLEAN
    RETURN x RLIKE '^ *[+-]?[0-9]+ *\\z';

-- is_whole_number_text (V004)
CREATE OR REPLACE TEMPORARY FUNCTION is_whole_number_text(x STRING) RETURNS BOOLEAN
    RETURN x RLIKE '^ *[+-]?[0-9]+([.]0+)? *\\z';

-- is_decimal_text (V004)
CREATE OR REPLACE TEMPORARY FUNCTION is_decimal_text(x STRING) RETURNS BOOLEAN
    RETURN x RLIKE '^ *[+-]?[0-9]+([.][0-9]+)?([eE][+-]?[0-9]+)? *\\z';

-- is_non_finite_text (V004)
CREATE OR REPLACE TEMPORARY FUNCTION is_non_finite_text(x STRING) RETURNS BOOLEAN
    RETURN lower(x) RLIKE '^ *[+-]?(inf|infinity|nan) *\\z';

-- is_timestamp_text (V004)
CREATE OR REPLACE TEMPORARY FUNCTION is_timestamp_text(x STRING) RETURNS BOOLEAN
    RETURN x RLIKE '^ *[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]+)?)?(Z|[+-][0-9]{2}(:?[0-9]{2})?)?)? *\\z';

-- is_fraction_text (V006)
CREATE OR REPLACE TEMPORARY FUNCTION is_fraction_text(x STRING) RETURNS BOOLEAN
    RETURN x RLIKE '^ *[+-]?[0-9]+[.][0-9]+ *\\z';

-- parse_order_id (V002): 'YR-12345,0' -> 12345, '12345' -> 12345, else NULL
CREATE OR REPLACE TEMPORARY FUNCTION parse_order_id(x STRING) RETURNS BIGINT
    RETURN try_cast(regexp_extract(trim(x), '^(?:YR-)?([0-9]{1,18})(?:,0)?\\z', 1) AS BIGINT);

-- parse_customer_id (V004): an integer in INTEGER's range, else NULL
CREATE OR REPLACE TEMPORARY FUNCTION parse_customer_id(x STRING) RETURNS INT
    RETURN CASE WHEN is_integer_text(x) THEN try_cast(trim(x) AS INT) END;

-- parse_whole_number (V006): the digits before the (zero) fraction, NULL beyond BIGINT
CREATE OR REPLACE TEMPORARY FUNCTION parse_whole_number(x STRING) RETURNS BIGINT
    RETURN CASE WHEN is_whole_number_text(x) THEN try_cast(split_part(trim(x), '.', 1) AS BIGINT) END;

-- parse_decimal (V006): DuckDB reads an overflowing decimal ('1e400') as +-inf,
-- Spark's try_cast as NULL; a text of the grammar is never NULL otherwise.
CREATE OR REPLACE TEMPORARY FUNCTION parse_decimal(x STRING) RETURNS DOUBLE
    RETURN CASE WHEN is_decimal_text(x) THEN coalesce(
        try_cast(trim(x) AS DOUBLE),
        CASE WHEN ltrim(x) LIKE '-%' THEN CAST('-Infinity' AS DOUBLE) ELSE CAST('Infinity' AS DOUBLE) END) END;

-- is_finite_number (V006): DuckDB's isfinite on a DOUBLE
CREATE OR REPLACE TEMPORARY FUNCTION is_finite_number(d DOUBLE) RETURNS BOOLEAN
    RETURN NOT (isnan(d) OR d = CAST('Infinity' AS DOUBLE) OR d = CAST('-Infinity' AS DOUBLE));

-- timestamp_text_part (V006): part i of a timestamp text (is_timestamp_text's
-- grammar; '' for a part not written): 1 year, 2 month, 3 day, 4 hour,
-- 5 minute, 6 second, 7 fraction, 8 zone (Z, +hh, +hhmm or +hh:mm). DuckDB's
-- parse_utc_timestamp leaves the parts to its casts; this one builds from them.
CREATE OR REPLACE TEMPORARY FUNCTION timestamp_text_part(x STRING, i INT) RETURNS STRING
    RETURN regexp_extract(x, '^ *([0-9]{4})-([0-9]{2})-([0-9]{2})(?:[T ]([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:[.]([0-9]+))?)?(Z|[+-][0-9]{2}(?::?[0-9]{2})?)?)? *\\z', i);

-- zone_offset_minutes (V006): a zone's offset east of UTC in minutes, as
-- DuckDB's TIMESTAMPTZ cast reads it: sign * (hh * 60 + mm) for any two digits
-- each ('+05:60' is six hours); 0 for Z or no zone.
CREATE OR REPLACE TEMPORARY FUNCTION zone_offset_minutes(z STRING) RETURNS INT
    RETURN CASE WHEN substr(z, 1, 1) IN ('+', '-') THEN
        CASE WHEN substr(z, 1, 1) = '-' THEN -1 ELSE 1 END
        * (try_cast(substr(z, 2, 2) AS INT) * 60 + coalesce(try_cast(substr(replace(z, ':', ''), 4, 2) AS INT), 0))
        ELSE 0 END;

-- parse_utc_timestamp (V004): text without a zone is UTC as written, text with Z
-- or an offset that instant in UTC; a fraction beyond microseconds is cut. It
-- reads what DuckDB's TIMESTAMP / TIMESTAMPTZ casts read, quirks included:
-- 24:00[:00] is the next midnight; an offset is sign * (hh * 60 + mm) minutes
-- for any two digits each (+05:60 is six hours); and DuckDB rejects (NULL) a
-- zone after hh:mm without seconds, and blanks after a value without seconds.
CREATE OR REPLACE TEMPORARY FUNCTION parse_utc_timestamp(x STRING) RETURNS TIMESTAMP
    RETURN CASE
        WHEN NOT is_timestamp_text(x) THEN NULL
        WHEN timestamp_text_part(x, 6) = '' AND (x LIKE '% ' OR timestamp_text_part(x, 8) <> '') THEN NULL
        WHEN try_cast(timestamp_text_part(x, 4) AS INT) = 24 AND NOT (
                timestamp_text_part(x, 5) = '00' AND timestamp_text_part(x, 6) IN ('', '00')
                AND substr(timestamp_text_part(x, 7) || '000000', 1, 6) = '000000') THEN NULL
        WHEN try_cast(timestamp_text_part(x, 4) AS INT) > 24 OR try_cast(timestamp_text_part(x, 5) AS INT) > 59
            OR try_cast(timestamp_text_part(x, 6) AS INT) > 59 THEN NULL
        ELSE try_make_timestamp(
                CAST(timestamp_text_part(x, 1) AS INT), CAST(timestamp_text_part(x, 2) AS INT), CAST(timestamp_text_part(x, 3) AS INT),
                0, 0, CAST(0 AS DECIMAL(8, 6)))
            + make_dt_interval(0,
                CAST(coalesce(nullif(timestamp_text_part(x, 4), ''), '0') AS INT),
                CAST(coalesce(nullif(timestamp_text_part(x, 5), ''), '0') AS INT),
                CAST(coalesce(nullif(timestamp_text_part(x, 6), ''), '0') || '.' || substr(timestamp_text_part(x, 7) || '000000', 1, 6) AS DECIMAL(8, 6)))
            - make_dt_interval(0, 0, zone_offset_minutes(timestamp_text_part(x, 8)), 0)
    END;
