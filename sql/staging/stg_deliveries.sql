-- Staging for one Deliveries file: rename, cast and normalise only.
-- Input: relation `incoming` (all VARCHAR; Distance(m) / Distance (m) / Distance_m
-- already mapped to Distance_m; missing known columns are NULL; _row = order in file).
WITH trimmed AS (
    SELECT * REPLACE (
        nullif(trim(Order_ID), '')   AS Order_ID,
        nullif(trim(Distance_m), '') AS Distance_m,
        nullif(trim(Discount), '')   AS Discount,
        nullif(trim(Tip), '')        AS Tip
    )
    FROM incoming
),
cast_values AS (
    SELECT *,
        TRY_CAST(regexp_extract(Order_ID, '^(?:YR-)?([0-9]{1,18})(?:,0)?$', 1) AS BIGINT) AS _order_id,
        TRY_CAST(Distance_m AS DOUBLE) AS _distance_m,
        TRY_CAST(Discount AS DOUBLE)   AS _discount,
        TRY_CAST(Tip AS DOUBLE)        AS _tip
    FROM trimmed
),
checked AS (
    SELECT *,
        CASE
            WHEN Order_ID IS NULL    THEN ['Order_ID', 'required column Order_ID is empty']
            WHEN _order_id IS NULL   THEN ['Order_ID', 'Order_ID ''' || Order_ID || ''' is neither YR-<digits>,0 nor <digits>']
            WHEN Distance_m IS NULL  THEN ['Distance_m', 'required column Distance_m is empty']
            WHEN _distance_m IS NULL THEN ['Distance_m', 'Distance_m ''' || Distance_m || ''' is not a number']
            WHEN Discount IS NOT NULL AND _discount IS NULL
                                     THEN ['Discount', 'Discount ''' || Discount || ''' is not a number']
            WHEN Tip IS NOT NULL AND _tip IS NULL
                                     THEN ['Tip', 'Tip ''' || Tip || ''' is not a number']
        END AS _reject
    FROM cast_values
)
SELECT * EXCLUDE (_order_id, _distance_m, _discount, _tip, _reject)
    REPLACE (
        _order_id   AS Order_ID,
        _distance_m AS Distance_m,
        _discount   AS Discount,
        _tip        AS Tip
    ),
    _reject[1] AS _reject_column,
    _reject[2] AS _reject_reason
FROM checked
