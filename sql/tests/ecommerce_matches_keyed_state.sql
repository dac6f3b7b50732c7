-- Data test: groups (Customer_ID, window) where the result (ecommerce_state)
-- disagrees with the keyed state: a group the current orders make and the
-- result lacks, a result row no current order makes, or another order count,
-- quantity, highest/lowest amount, or total amount or distance (beyond float
-- noise: 1e-9 relative). Same rules as sql/marts/ecommerce_metrics.sql: an
-- order counts once its delivery and its customer have arrived; windows of the
-- size the last run used (pipeline_settings key `window`).
-- Repair: `pipeline rebuild` (recomputes the keyed state and the result from the raw tables).
-- Cost: one join of the keyed state and one aggregation (part of what a full recompute does).
WITH expected AS (
    SELECT o.Customer_ID,
           window_start(o.Order_Time, (SELECT value::INTERVAL FROM pipeline_settings WHERE key = 'window')) AS start_timestamp,
           count(*) AS orders, sum(o.Quantity) AS quantity, sum(o.Order_Total) AS total,
           CAST(max(o.Order_Total) AS FLOAT) AS highest, CAST(min(o.Order_Total) AS FLOAT) AS lowest,
           sum(d.Distance_m) AS distance
    FROM cur_orders o
    JOIN cur_deliveries d ON d.Order_ID = o.Order_ID
    JOIN cur_customers c ON c.Customer_ID = o.Customer_ID
    GROUP BY ALL
)
SELECT coalesce(e.Customer_ID, s.Customer_ID) AS Customer_ID,
       coalesce(e.start_timestamp, s.start_timestamp) AS start_timestamp,
       e.orders AS expected_orders, s.Order_Count AS result_orders,
       e.total AS expected_total, s.Total_Order_Amount AS result_total
FROM expected e
FULL JOIN ecommerce_state s ON s.Customer_ID = e.Customer_ID AND s.start_timestamp = e.start_timestamp
WHERE e.Customer_ID IS NULL OR s.Customer_ID IS NULL
   OR e.orders <> s.Order_Count
   OR e.quantity IS DISTINCT FROM s.Total_Quantity_Ordered
   OR e.highest IS DISTINCT FROM s.Highest_Order_Amount
   OR e.lowest IS DISTINCT FROM s.Lowest_Order_Amount
   OR NOT coalesce(abs(e.total - s.Total_Order_Amount) <= 1e-9 * greatest(abs(e.total), abs(s.Total_Order_Amount)), false)
   OR NOT coalesce(abs(e.distance - s.Total_Delivery_Distance) <= 1e-9 * greatest(abs(e.distance), abs(s.Total_Delivery_Distance)), false)
