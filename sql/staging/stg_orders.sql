-- Staging for one Orders file: rename, cast and normalise only; no business logic.
-- Input: relation `incoming` (one file, every column VARCHAR, names already
-- normalised: whitespace -> _, matched case-insensitively, Discount/Tip ->
-- Order_Discount/Order_Tip; known columns the file lacks are NULL; _row = order in file).
-- Output: the typed row plus _reject_column/_reject_reason (both NULL = row is good).
WITH trimmed AS (
    SELECT * REPLACE (
        nullif(trim(Order_ID), '')       AS Order_ID,
        nullif(trim(Customer_ID), '')    AS Customer_ID,
        nullif(trim(Order_Time), '')     AS Order_Time,
        nullif(trim(SKU), '')            AS SKU,
        nullif(trim(Quantity), '')       AS Quantity,
        nullif(trim(Order_Total), '')    AS Order_Total,
        nullif(trim(Order_Discount), '') AS Order_Discount,
        nullif(trim(Order_Tip), '')      AS Order_Tip
    )
    FROM incoming
),
cast_values AS (
    SELECT *,
        -- 'YR-12345,0' -> 12345, '12345' -> 12345
        TRY_CAST(regexp_extract(Order_ID, '^(?:YR-)?([0-9]{1,18})(?:,0)?$', 1) AS BIGINT) AS _order_id,
        TRY_CAST(Customer_ID AS INTEGER)   AS _customer_id,
        TRY_CAST(Order_Time AS TIMESTAMP)  AS _order_time,
        TRY_CAST(Quantity AS DOUBLE)       AS _quantity,
        TRY_CAST(Order_Total AS DOUBLE)    AS _order_total,
        TRY_CAST(Order_Discount AS DOUBLE) AS _order_discount,
        TRY_CAST(Order_Tip AS DOUBLE)      AS _order_tip
    FROM trimmed
),
checked AS (
    SELECT *,
        CASE
            WHEN Order_ID IS NULL     THEN ['Order_ID', 'required column Order_ID is empty']
            WHEN _order_id IS NULL    THEN ['Order_ID', 'Order_ID ''' || Order_ID || ''' is neither YR-<digits>,0 nor <digits>']
            WHEN Customer_ID IS NULL  THEN ['Customer_ID', 'required column Customer_ID is empty']
            WHEN _customer_id IS NULL THEN ['Customer_ID', 'Customer_ID ''' || Customer_ID || ''' is not an INTEGER']
            WHEN Order_Time IS NULL   THEN ['Order_Time', 'required column Order_Time is empty']
            WHEN _order_time IS NULL  THEN ['Order_Time', 'Order_Time ''' || Order_Time || ''' is not a TIMESTAMP']
            WHEN SKU IS NULL          THEN ['SKU', 'required column SKU is empty']
            WHEN Quantity IS NULL     THEN ['Quantity', 'required column Quantity is empty']
            WHEN _quantity IS NULL OR _quantity <> trunc(_quantity) OR abs(_quantity) > 9e15
                                      THEN ['Quantity', 'Quantity ''' || Quantity || ''' is not a whole number']
            WHEN Order_Total IS NULL  THEN ['Order_Total', 'required column Order_Total is empty']
            WHEN _order_total IS NULL THEN ['Order_Total', 'Order_Total ''' || Order_Total || ''' is not a number']
            WHEN Order_Discount IS NOT NULL AND _order_discount IS NULL
                                      THEN ['Order_Discount', 'Order_Discount ''' || Order_Discount || ''' is not a number']
            WHEN Order_Tip IS NOT NULL AND _order_tip IS NULL
                                      THEN ['Order_Tip', 'Order_Tip ''' || Order_Tip || ''' is not a number']
        END AS _reject
    FROM cast_values
)
SELECT * EXCLUDE (_order_id, _customer_id, _order_time, _quantity, _order_total,
                  _order_discount, _order_tip, _reject)
    REPLACE (
        _order_id                 AS Order_ID,
        _customer_id              AS Customer_ID,
        _order_time               AS Order_Time,
        CAST(_quantity AS BIGINT) AS Quantity,
        _order_total              AS Order_Total,
        _order_discount           AS Order_Discount,
        _order_tip                AS Order_Tip
    ),
    _reject[1] AS _reject_column,
    _reject[2] AS _reject_reason
FROM checked
