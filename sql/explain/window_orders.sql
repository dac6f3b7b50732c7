-- explain --customer --window: the customer's current orders in one window,
-- each with where its record, delivery and customer come from, and whether it
-- is counted.
-- $1: Customer_ID; $2: the window start; $3: the window size (an INTERVAL).
-- {{order_sources}}: sql/explain/order_sources.sql.
SELECT Order_ID, has_delivery, has_customer,
       order_path, order_line, delivery_path, delivery_line, customer_path, customer_line
FROM ({{order_sources}})
WHERE Customer_ID = $1
  AND Order_Time >= $2::TIMESTAMP AND Order_Time < $2::TIMESTAMP + $3::INTERVAL
ORDER BY Order_ID
