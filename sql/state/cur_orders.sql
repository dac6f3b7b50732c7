-- Keyed current state of Orders (docs/contract.md, "Arrival order and current state"): for each Order_ID,
-- the row of the most recently ingested file version that holds it (highest
-- _file_id); within one file the last row wins (highest _row).
-- {{key_filter}}: TRUE for a full build, or a predicate limiting the keys recomputed.
SELECT Order_ID, Customer_ID, Order_Time, SKU, Quantity, Order_Total, _file_id, _row
FROM raw_orders
WHERE {{key_filter}}
QUALIFY row_number() OVER (PARTITION BY Order_ID ORDER BY _file_id DESC, _row DESC) = 1
