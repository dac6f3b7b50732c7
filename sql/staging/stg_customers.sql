-- Staging for one Customers file: rename, cast and normalise only.
-- Input: relation `incoming` (one JSON record per row, every value as VARCHAR;
-- `Number of employees` already matched to Number_of_Employees; rows in record order).
WITH trimmed AS (
    SELECT * REPLACE (
        nullif(trim(Customer_ID), '')         AS Customer_ID,
        nullif(trim(Number_of_Employees), '') AS Number_of_Employees
    )
    FROM incoming
),
cast_values AS (
    SELECT *,
        parse_customer_id(Customer_ID)                    AS _customer_id,
        TRY_CAST(TRY_CAST(Number_of_Employees AS DOUBLE) AS BIGINT) AS _employees,
        TRY_CAST(Number_of_Employees AS DOUBLE)           AS _employees_d
    FROM trimmed
),
checked AS (
    SELECT *,
        CASE
            WHEN Customer_ID IS NULL  THEN ['Customer_ID', 'required column Customer_ID is empty']
            WHEN _customer_id IS NULL THEN ['Customer_ID', 'Customer_ID ''' || Customer_ID || ''' is not an INTEGER']
            WHEN Number_of_Employees IS NOT NULL AND _employees_d IS NULL
                                      THEN ['Number_of_Employees', 'Number_of_Employees ''' || Number_of_Employees || ''' is not a number']
            WHEN NOT isfinite(_employees_d)
                                      THEN ['Number_of_Employees', 'Number_of_Employees ''' || Number_of_Employees || ''' is not a finite number']
            WHEN abs(_employees_d) > 9e15
                                      THEN ['Number_of_Employees', 'Number_of_Employees ''' || Number_of_Employees || ''' is out of range (at most 9e15 in absolute value)']
            WHEN _employees_d <> trunc(_employees_d)
                                      THEN ['Number_of_Employees', 'Number_of_Employees ''' || Number_of_Employees || ''' is not a whole number']
        END AS _reject
    FROM cast_values
)
SELECT * EXCLUDE (_customer_id, _employees, _employees_d, _reject)
    REPLACE (
        _customer_id AS Customer_ID,
        _employees   AS Number_of_Employees
    ),
    _reject[1] AS _reject_column,
    _reject[2] AS _reject_reason
FROM checked
