-- Staging for one Orders file: rename, cast and normalise only; no business logic.
-- Input: relation `incoming` (one file; names already normalised: whitespace -> _,
-- matched case-insensitively, Discount/Tip -> Order_Discount/Order_Tip; the CSV
-- reader already parsed Customer_ID INTEGER, Order_Time TIMESTAMP, Quantity /
-- Order_Total / Order_Discount / Order_Tip DOUBLE and rejected values that do not
-- parse; known columns the file lacks are NULL; rows come in file order).
-- Numbers and timestamps must be finite (the reader accepts nan, inf, infinity,
-- and 1e400 overflows to inf): such a row is rejected, never loaded.
-- Output: the row as raw_orders stores it, plus _reject_column / _reject_reason
-- (both NULL = the row is good).
WITH normalised AS (
    SELECT *,
        -- 'YR-12345,0' -> 12345, '12345' -> 12345 (macro in sql/migrations/V002__lineage.sql)
        parse_order_id(Order_ID) AS _order_id
    FROM incoming
),
checked AS (
    SELECT *,
        CASE
            WHEN Order_ID IS NULL OR trim(Order_ID) = '' THEN ['Order_ID', 'required column Order_ID is empty']
            WHEN _order_id IS NULL   THEN ['Order_ID', 'Order_ID ''' || Order_ID || ''' is neither YR-<digits>,0 nor <digits>']
            WHEN Customer_ID IS NULL THEN ['Customer_ID', 'required column Customer_ID is empty']
            WHEN Order_Time IS NULL  THEN ['Order_Time', 'required column Order_Time is empty']
            WHEN NOT isfinite(Order_Time)
                                     THEN ['Order_Time', 'Order_Time ' || Order_Time || ' is not a finite timestamp']
            WHEN SKU IS NULL OR trim(SKU) = '' THEN ['SKU', 'required column SKU is empty']
            WHEN Quantity IS NULL    THEN ['Quantity', 'required column Quantity is empty']
            WHEN NOT isfinite(Quantity)
                                     THEN ['Quantity', 'Quantity ' || Quantity || ' is not a finite number']
            WHEN abs(Quantity) > 9e15
                                     THEN ['Quantity', 'Quantity ' || Quantity || ' is out of range (at most 9e15 in absolute value)']
            WHEN Quantity <> trunc(Quantity)
                                     THEN ['Quantity', 'Quantity ' || Quantity || ' is not a whole number']
            WHEN Order_Total IS NULL THEN ['Order_Total', 'required column Order_Total is empty']
            WHEN NOT isfinite(Order_Total)
                                     THEN ['Order_Total', 'Order_Total ' || Order_Total || ' is not a finite number']
            WHEN NOT isfinite(Order_Discount)
                                     THEN ['Order_Discount', 'Order_Discount ' || Order_Discount || ' is not a finite number']
            WHEN NOT isfinite(Order_Tip)
                                     THEN ['Order_Tip', 'Order_Tip ' || Order_Tip || ' is not a finite number']
        END AS _reject
    FROM normalised
)
SELECT * EXCLUDE (_order_id, _reject)
    REPLACE (
        _order_id                AS Order_ID,
        -- TRY_: a rejected row's out-of-range value must not fail the whole file
        TRY_CAST(Quantity AS BIGINT) AS Quantity
    ),
    _reject[1] AS _reject_column,
    _reject[2] AS _reject_reason
FROM checked
