-- The (Customer_ID, window) groups a change can touch, read from the keyed state
-- as it stands when this runs (it runs before and after the state is updated, so
-- both the old and the new group of a moved order are recomputed).
-- Inputs: changed_orders(key), changed_deliveries(key), changed_customers(key).
SELECT DISTINCT Customer_ID,
       time_bucket({{window}}, Order_Time, TIMESTAMP '1970-01-01 00:00:00') AS start_timestamp
FROM cur_orders
WHERE Order_ID IN (SELECT key FROM changed_orders)
   OR Order_ID IN (SELECT key FROM changed_deliveries)
   OR Customer_ID IN (SELECT key FROM changed_customers)
