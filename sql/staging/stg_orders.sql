-- Staging for one Orders file: rename, cast and normalise only; no business logic.
-- Input: relation `incoming` (one file; names already normalised: whitespace -> _,
-- matched case-insensitively, Discount/Tip -> Order_Discount/Order_Tip; the CSV
-- reader already parsed Customer_ID INTEGER, Order_Time TIMESTAMP, Quantity /
-- Order_Total / Order_Discount / Order_Tip DOUBLE and rejected values that do not
-- parse; known columns the file lacks are NULL; rows come in file order).
-- Output: the row as raw_orders stores it, plus _reject_column / _reject_reason
-- (both NULL = the row is good).
WITH normalised AS (
    SELECT *,
        -- 'YR-12345,0' -> 12345, '12345' -> 12345
        TRY_CAST(regexp_extract(trim(Order_ID), '^(?:YR-)?([0-9]{1,18})(?:,0)?$', 1) AS BIGINT) AS _order_id
    FROM incoming
),
checked AS (
    SELECT *,
        CASE
            WHEN Order_ID IS NULL OR trim(Order_ID) = '' THEN ['Order_ID', 'required column Order_ID is empty']
            WHEN _order_id IS NULL   THEN ['Order_ID', 'Order_ID ''' || Order_ID || ''' is neither YR-<digits>,0 nor <digits>']
            WHEN Customer_ID IS NULL THEN ['Customer_ID', 'required column Customer_ID is empty']
            WHEN Order_Time IS NULL  THEN ['Order_Time', 'required column Order_Time is empty']
            WHEN SKU IS NULL OR trim(SKU) = '' THEN ['SKU', 'required column SKU is empty']
            WHEN Quantity IS NULL    THEN ['Quantity', 'required column Quantity is empty']
            WHEN Quantity <> trunc(Quantity) OR abs(Quantity) > 9e15
                                     THEN ['Quantity', 'Quantity ' || Quantity || ' is not a whole number']
            WHEN Order_Total IS NULL THEN ['Order_Total', 'required column Order_Total is empty']
        END AS _reject
    FROM normalised
)
SELECT * EXCLUDE (_order_id, _reject)
    REPLACE (
        _order_id                AS Order_ID,
        CAST(Quantity AS BIGINT) AS Quantity
    ),
    _reject[1] AS _reject_column,
    _reject[2] AS _reject_reason
FROM checked
