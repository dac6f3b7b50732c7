-- explain --order: the order's current record and where its delivery and
-- customer come from (no row when no current order holds the id).
-- $1: the Order_ID; $2: the window size (an INTERVAL, e.g. '10 days').
-- {{order_sources}}: sql/explain/order_sources.sql.
SELECT Customer_ID,
       strftime(window_start(Order_Time, $2::INTERVAL), '%Y-%m-%d %H:%M:%S') AS window_start,
       order_path, order_line, delivery_path, delivery_line, customer_path, customer_line,
       has_delivery, has_customer
FROM ({{order_sources}})
WHERE Order_ID = $1
