-- Staging for one Orders file: check, cast and normalise only; no business logic.
-- Input: relation `incoming` (one file; names already normalised: whitespace -> _,
-- matched case-insensitively, Discount/Tip -> Order_Discount/Order_Tip; every
-- value as text, exactly as written; known columns the file lacks are NULL;
-- rows come in file order) with "pipeline raw record", the record for rejects.
-- Columns the pipeline adds are named "pipeline …": normalised names hold no
-- space, so no input column can be named so (docs/contract.md, "Reserved names").
-- A value is loaded exactly as written or its row is rejected with a reason,
-- never turned into another value: a typed value is cast only when its text
-- matches the contract's grammar (macros in sql/migrations/V004__exact_values.sql:
-- DuckDB's casts alone round '3.5' to 4 and read '0x10', '1_000', '1e1'), and
-- must be finite (DuckDB reads nan, inf, infinity; 1e400 overflows).
-- Output: the known columns as raw_orders stores them, every other column of
-- `incoming` as it came, "pipeline reject column" / "pipeline reject reason"
-- (both NULL = the row is good) and, for a rejected row, "pipeline raw record".
-- One text for DuckDB and Spark (issue 17): only constructs both accept; the
-- functions it calls are macros (sql/migrations/) on DuckDB and functions of the
-- same name on Spark (sql/engines/spark/values.sql). The one difference is
-- spelled by the Spark renderer: `* EXCLUDE (…)` is Spark's `* EXCEPT (…)`.
WITH typed AS (
    SELECT *,
        -- 'YR-12345,0' -> 12345, '12345' -> 12345 (macro in sql/migrations/V002__lineage.sql)
        parse_order_id(Order_ID)          AS "pipeline order id",
        parse_customer_id(Customer_ID)    AS "pipeline customer id",
        parse_utc_timestamp(Order_Time)   AS "pipeline order time",
        parse_whole_number(Quantity)      AS "pipeline quantity",
        parse_decimal(Order_Total)        AS "pipeline order total",
        parse_decimal(Order_Discount)     AS "pipeline discount",
        parse_decimal(Order_Tip)          AS "pipeline tip"
    FROM incoming
),
checked AS (
    SELECT *,
        -- Each test reads the cast value first; why it failed is worked out only for failing rows.
        -- 'column|reason' (a column name holds no |).
        CASE
            WHEN "pipeline order id" IS NULL THEN CASE
                WHEN nullif(trim(Order_ID), '') IS NULL THEN 'Order_ID|required column Order_ID is empty'
                ELSE 'Order_ID|Order_ID ''' || Order_ID || ''' is neither YR-<digits>,0 nor <digits>' END
            WHEN "pipeline customer id" IS NULL THEN CASE
                WHEN nullif(trim(Customer_ID), '') IS NULL THEN 'Customer_ID|required column Customer_ID is empty'
                WHEN NOT is_integer_text(Customer_ID) THEN 'Customer_ID|Customer_ID ''' || Customer_ID || ''' is not an integer'
                ELSE 'Customer_ID|Customer_ID ''' || Customer_ID || ''' is out of range (INTEGER)' END
            -- parse_utc_timestamp reads only the grammar's text: never infinity
            WHEN "pipeline order time" IS NULL THEN CASE
                WHEN nullif(trim(Order_Time), '') IS NULL THEN 'Order_Time|required column Order_Time is empty'
                WHEN is_non_finite_text(Order_Time) THEN 'Order_Time|Order_Time ''' || Order_Time || ''' is not a finite timestamp'
                WHEN NOT is_timestamp_text(Order_Time) THEN 'Order_Time|Order_Time ''' || Order_Time || ''' is not an ISO 8601 timestamp'
                ELSE 'Order_Time|Order_Time ''' || Order_Time || ''' is not a valid date and time' END
            WHEN SKU IS NULL OR trim(SKU) = '' THEN 'SKU|required column SKU is empty'
            WHEN "pipeline quantity" IS NULL THEN CASE
                WHEN nullif(trim(Quantity), '') IS NULL THEN 'Quantity|required column Quantity is empty'
                WHEN is_non_finite_text(Quantity) THEN 'Quantity|Quantity ''' || Quantity || ''' is not a finite number'
                WHEN is_fraction_text(Quantity) THEN 'Quantity|Quantity ''' || Quantity || ''' is not a whole number'
                WHEN NOT is_whole_number_text(Quantity) THEN 'Quantity|Quantity ''' || Quantity || ''' is not written as a whole number (digits, optionally .0)'
                ELSE 'Quantity|Quantity ''' || Quantity || ''' is out of range (at most 9e15 in absolute value)' END
            WHEN "pipeline quantity" < -9000000000000000 OR "pipeline quantity" > 9000000000000000
                THEN 'Quantity|Quantity ''' || Quantity || ''' is out of range (at most 9e15 in absolute value)'
            WHEN "pipeline order total" IS NULL OR NOT is_finite_number("pipeline order total") THEN CASE
                WHEN nullif(trim(Order_Total), '') IS NULL THEN 'Order_Total|required column Order_Total is empty'
                WHEN NOT is_decimal_text(Order_Total) AND NOT is_non_finite_text(Order_Total)
                    THEN 'Order_Total|Order_Total ''' || Order_Total || ''' is not a decimal number'
                ELSE 'Order_Total|Order_Total ''' || Order_Total || ''' is not a finite number' END
            -- optional: empty is NULL
            WHEN CASE WHEN "pipeline discount" IS NULL THEN nullif(trim(Order_Discount), '') IS NOT NULL ELSE NOT is_finite_number("pipeline discount") END THEN CASE
                WHEN NOT is_decimal_text(Order_Discount) AND NOT is_non_finite_text(Order_Discount)
                    THEN 'Order_Discount|Order_Discount ''' || Order_Discount || ''' is not a decimal number'
                ELSE 'Order_Discount|Order_Discount ''' || Order_Discount || ''' is not a finite number' END
            WHEN CASE WHEN "pipeline tip" IS NULL THEN nullif(trim(Order_Tip), '') IS NOT NULL ELSE NOT is_finite_number("pipeline tip") END THEN CASE
                WHEN NOT is_decimal_text(Order_Tip) AND NOT is_non_finite_text(Order_Tip)
                    THEN 'Order_Tip|Order_Tip ''' || Order_Tip || ''' is not a decimal number'
                ELSE 'Order_Tip|Order_Tip ''' || Order_Tip || ''' is not a finite number' END
        END AS "pipeline reject"
    FROM typed
)
SELECT
    "pipeline order id"    AS Order_ID,
    "pipeline customer id" AS Customer_ID,
    "pipeline order time"  AS Order_Time,
    SKU,
    "pipeline quantity"    AS Quantity,
    "pipeline order total" AS Order_Total,
    "pipeline discount"    AS Order_Discount,
    "pipeline tip"         AS Order_Tip,
    Payment_Method,
    -- the file's other columns, as they came
    * EXCLUDE (
        Order_ID, Customer_ID, Order_Time, SKU, Quantity, Order_Total, Order_Discount, Order_Tip, Payment_Method,
        "pipeline order id", "pipeline customer id", "pipeline order time", "pipeline quantity",
        "pipeline order total", "pipeline discount", "pipeline tip", "pipeline reject", "pipeline raw record"
    ),
    split_part("pipeline reject", '|', 1)                          AS "pipeline reject column",
    substr("pipeline reject", position('|' IN "pipeline reject") + 1) AS "pipeline reject reason",
    CASE WHEN "pipeline reject" IS NOT NULL THEN "pipeline raw record" END AS "pipeline raw record"
FROM checked
