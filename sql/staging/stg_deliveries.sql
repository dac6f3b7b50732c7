-- Staging for one Deliveries file: rename, cast and normalise only.
-- Input: relation `incoming` (Distance(m) / Distance (m) / Distance_m already
-- mapped to Distance_m; the CSV reader parsed Distance_m, Discount, Tip as DOUBLE
-- and rejected values that do not parse; missing known columns are NULL;
-- rows come in file order).
WITH normalised AS (
    SELECT *,
        parse_order_id(Order_ID) AS _order_id
    FROM incoming
),
checked AS (
    SELECT *,
        CASE
            WHEN Order_ID IS NULL OR trim(Order_ID) = '' THEN ['Order_ID', 'required column Order_ID is empty']
            WHEN _order_id IS NULL  THEN ['Order_ID', 'Order_ID ''' || Order_ID || ''' is neither YR-<digits>,0 nor <digits>']
            WHEN Distance_m IS NULL THEN ['Distance_m', 'required column Distance_m is empty']
            WHEN NOT isfinite(Distance_m) THEN ['Distance_m', 'Distance_m ' || Distance_m || ' is not a finite number']
            WHEN NOT isfinite(Discount)   THEN ['Discount', 'Discount ' || Discount || ' is not a finite number']
            WHEN NOT isfinite(Tip)        THEN ['Tip', 'Tip ' || Tip || ' is not a finite number']
        END AS _reject
    FROM normalised
)
SELECT * EXCLUDE (_order_id, _reject)
    REPLACE (_order_id AS Order_ID),
    _reject[1] AS _reject_column,
    _reject[2] AS _reject_reason
FROM checked
