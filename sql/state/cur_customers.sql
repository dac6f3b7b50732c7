-- Keyed current state of Customers: latest file version wins, last record within a file wins.
SELECT Customer_ID, Customer_Name, Market, Signup_Date, Number_of_Employees, _file_id
FROM raw_customers
WHERE {{key_filter}}
QUALIFY row_number() OVER (PARTITION BY Customer_ID ORDER BY _file_id DESC, _row DESC) = 1
