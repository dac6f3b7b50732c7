-- Staging for one Customers file: check, cast and normalise only.
-- Input: relation `incoming` (one record per row, every value as text — a JSON
-- number as the JSON reader writes it, e.g. 1e1 as '10.0'; `Number of
-- employees` already matched to Number_of_Employees; rows in record order) with
-- "pipeline raw record", the record as the file has it.
-- The rules are stg_orders.sql's: "pipeline …" columns are the pipeline's own
-- (no input column can be named so); a typed value is cast only when its text
-- matches the contract's grammar (sql/migrations/V004__exact_values.sql) and
-- must be finite. Customer_Name, Market, Signup_Date are text, kept as written.
-- One text for DuckDB and Spark, as stg_orders.sql says.
WITH typed AS (
    SELECT *,
        parse_customer_id(Customer_ID)          AS "pipeline customer id",
        parse_whole_number(Number_of_Employees) AS "pipeline employees"
    FROM incoming
),
checked AS (
    SELECT *,
        -- 'column|reason' (a column name holds no |)
        CASE
            WHEN "pipeline customer id" IS NULL THEN CASE
                WHEN nullif(trim(Customer_ID), '') IS NULL THEN 'Customer_ID|required column Customer_ID is empty'
                WHEN NOT is_integer_text(Customer_ID) THEN 'Customer_ID|Customer_ID ''' || Customer_ID || ''' is not an integer'
                ELSE 'Customer_ID|Customer_ID ''' || Customer_ID || ''' is out of range (INTEGER)' END
            -- optional: empty is NULL
            WHEN CASE WHEN "pipeline employees" IS NULL THEN nullif(trim(Number_of_Employees), '') IS NOT NULL
                      ELSE "pipeline employees" < -9000000000000000 OR "pipeline employees" > 9000000000000000 END THEN CASE
                WHEN is_non_finite_text(Number_of_Employees)
                    THEN 'Number_of_Employees|Number_of_Employees ''' || Number_of_Employees || ''' is not a finite number'
                WHEN is_fraction_text(Number_of_Employees)
                    THEN 'Number_of_Employees|Number_of_Employees ''' || Number_of_Employees || ''' is not a whole number'
                WHEN NOT is_whole_number_text(Number_of_Employees)
                    THEN 'Number_of_Employees|Number_of_Employees ''' || Number_of_Employees || ''' is not written as a whole number (digits, optionally .0)'
                ELSE 'Number_of_Employees|Number_of_Employees ''' || Number_of_Employees || ''' is out of range (at most 9e15 in absolute value)' END
        END AS "pipeline reject"
    FROM typed
)
SELECT
    "pipeline customer id" AS Customer_ID,
    Customer_Name,
    Market,
    Signup_Date,
    "pipeline employees"   AS Number_of_Employees,
    -- the file's other columns, as they came
    * EXCLUDE (
        Customer_ID, Customer_Name, Market, Signup_Date, Number_of_Employees,
        "pipeline customer id", "pipeline employees", "pipeline reject", "pipeline raw record"
    ),
    split_part("pipeline reject", '|', 1)                          AS "pipeline reject column",
    substr("pipeline reject", position('|' IN "pipeline reject") + 1) AS "pipeline reject reason",
    CASE WHEN "pipeline reject" IS NOT NULL THEN "pipeline raw record" END AS "pipeline raw record"
FROM checked
