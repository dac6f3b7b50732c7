-- Step "affected groups" of a run: the (Customer_ID, window) groups a change
-- can touch, read from the keyed state as it stands when this runs. It runs
-- twice, before and after the keyed state is refreshed, so both the old and the
-- new group of a moved order are recomputed. Not run on a full recompute.
-- Reads:  changed_orders(key), changed_deliveries(key), changed_customers(key)
--         (step batch/changed_keys), cur_orders, affected_groups.
-- Writes: affected_groups (adds the groups not in it yet).
-- Variables: window_size  INTERVAL  the window size, e.g. INTERVAL '10 days'.
-- Windows: macro window_start (sql/migrations/V002__lineage.sql).
-- Changed orders and changed deliveries are both Order_IDs: one semi-join on
-- Order_ID for the two (one scan of cur_orders, not two), one on Customer_ID
-- (cheaper than one scan with OR-ed IN lists).
INSERT INTO affected_groups
WITH orders_changed AS (
    SELECT Customer_ID, Order_Time FROM cur_orders
    WHERE Order_ID IN (SELECT key FROM changed_orders UNION ALL SELECT key FROM changed_deliveries)
),
customers_changed AS (
    SELECT Customer_ID, Order_Time FROM cur_orders WHERE Customer_ID IN (SELECT key FROM changed_customers)
),
touched AS (
    SELECT Customer_ID, window_start(Order_Time, getvariable('window_size')) AS start_timestamp
    FROM (
        SELECT * FROM orders_changed
        UNION ALL SELECT * FROM customers_changed
    ) AS changed
    GROUP BY ALL
)
SELECT * FROM touched
EXCEPT SELECT * FROM affected_groups;
