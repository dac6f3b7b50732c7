-- Keyed current state of Customers: latest file version wins, last record within a file wins.
SELECT Customer_ID, _file_id, _row
FROM raw_customers
WHERE {{key_filter}}
QUALIFY row_number() OVER (PARTITION BY Customer_ID ORDER BY _file_id DESC, _row DESC) = 1
