-- Staging for one Deliveries file: check, cast and normalise only.
-- Input: relation `incoming` (Distance(m) / Distance (m) / Distance_m already
-- mapped to Distance_m; every value as text, exactly as written; missing known
-- columns are NULL; rows come in file order) with "pipeline raw record".
-- The rules are stg_orders.sql's: "pipeline …" columns are the pipeline's own
-- (no input column can be named so); a typed value is cast only when its text
-- matches the contract's grammar (sql/migrations/V004__exact_values.sql) and
-- must be finite. Delivery_Time, Driver_ID, Delivery_Status are text, kept as
-- written. One text for DuckDB and Spark, as stg_orders.sql says.
WITH typed AS (
    SELECT *,
        parse_order_id(Order_ID) AS "pipeline order id",
        parse_decimal(Distance_m) AS "pipeline distance",
        parse_decimal(Discount)   AS "pipeline discount",
        parse_decimal(Tip)        AS "pipeline tip"
    FROM incoming
),
checked AS (
    SELECT *,
        -- 'column|reason' (a column name holds no |)
        CASE
            WHEN "pipeline order id" IS NULL THEN CASE
                WHEN nullif(trim(Order_ID), '') IS NULL THEN 'Order_ID|required column Order_ID is empty'
                ELSE 'Order_ID|Order_ID ''' || Order_ID || ''' is neither YR-<digits>,0 nor <digits>' END
            WHEN "pipeline distance" IS NULL OR NOT is_finite_number("pipeline distance") THEN CASE
                WHEN nullif(trim(Distance_m), '') IS NULL THEN 'Distance_m|required column Distance_m is empty'
                WHEN NOT is_decimal_text(Distance_m) AND NOT is_non_finite_text(Distance_m)
                    THEN 'Distance_m|Distance_m ''' || Distance_m || ''' is not a decimal number'
                ELSE 'Distance_m|Distance_m ''' || Distance_m || ''' is not a finite number' END
            -- optional: empty is NULL
            WHEN CASE WHEN "pipeline discount" IS NULL THEN nullif(trim(Discount), '') IS NOT NULL ELSE NOT is_finite_number("pipeline discount") END THEN CASE
                WHEN NOT is_decimal_text(Discount) AND NOT is_non_finite_text(Discount)
                    THEN 'Discount|Discount ''' || Discount || ''' is not a decimal number'
                ELSE 'Discount|Discount ''' || Discount || ''' is not a finite number' END
            WHEN CASE WHEN "pipeline tip" IS NULL THEN nullif(trim(Tip), '') IS NOT NULL ELSE NOT is_finite_number("pipeline tip") END THEN CASE
                WHEN NOT is_decimal_text(Tip) AND NOT is_non_finite_text(Tip)
                    THEN 'Tip|Tip ''' || Tip || ''' is not a decimal number'
                ELSE 'Tip|Tip ''' || Tip || ''' is not a finite number' END
        END AS "pipeline reject"
    FROM typed
)
SELECT
    "pipeline order id" AS Order_ID,
    "pipeline distance" AS Distance_m,
    Delivery_Time,
    Driver_ID,
    Delivery_Status,
    "pipeline discount" AS Discount,
    "pipeline tip"      AS Tip,
    -- the file's other columns, as they came
    * EXCLUDE (
        Order_ID, Distance_m, Delivery_Time, Driver_ID, Delivery_Status, Discount, Tip,
        "pipeline order id", "pipeline distance", "pipeline discount", "pipeline tip", "pipeline reject", "pipeline raw record"
    ),
    split_part("pipeline reject", '|', 1)                          AS "pipeline reject column",
    substr("pipeline reject", position('|' IN "pipeline reject") + 1) AS "pipeline reject reason",
    CASE WHEN "pipeline reject" IS NOT NULL THEN "pipeline raw record" END AS "pipeline raw record"
FROM checked
