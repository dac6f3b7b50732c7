-- Keyed current state of Deliveries: latest file version wins, last row within a file wins.
SELECT Order_ID, Distance_m, _file_id, _row
FROM raw_deliveries
WHERE {{key_filter}}
QUALIFY row_number() OVER (PARTITION BY Order_ID ORDER BY _file_id DESC, _row DESC) = 1
