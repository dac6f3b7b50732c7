-- The (Customer_ID, window) groups a change can touch, read from the keyed state
-- as it stands when this runs (it runs before and after the state is updated, so
-- both the old and the new group of a moved order are recomputed).
-- Inputs: changed_orders(key), changed_deliveries(key), changed_customers(key).
-- Changed orders and changed deliveries are both Order_IDs: one semi-join on
-- Order_ID for the two (one scan of cur_orders instead of two), one on
-- Customer_ID (cheaper than one scan with OR-ed IN lists).
WITH orders_changed AS (
    SELECT Customer_ID, Order_Time FROM cur_orders
    WHERE Order_ID IN (SELECT key FROM changed_orders UNION ALL SELECT key FROM changed_deliveries)
),
customers_changed AS (
    SELECT Customer_ID, Order_Time FROM cur_orders WHERE Customer_ID IN (SELECT key FROM changed_customers)
)
SELECT Customer_ID, window_start(Order_Time, {{window}}) AS start_timestamp
FROM (
    SELECT * FROM orders_changed
    UNION ALL SELECT * FROM customers_changed
)
GROUP BY ALL
