-- The ten metrics per (Customer_ID, window): the product's business logic.
-- {{orders}}: the current orders in scope (cur_orders for a full build, or the
--             orders of the customers touched by a change).
-- {{window}}: the window size, e.g. INTERVAL '10 days'.
-- Windows: macro window_start (sql/migrations/V002__lineage.sql), tumbling and
-- aligned to 1970-01-01 00:00:00, [start, start + size); an order exactly on a
-- boundary belongs to the later window.
WITH orders AS (
    SELECT Order_ID, Customer_ID, Order_Time, SKU, Quantity, Order_Total
    FROM {{orders}}
),
joined AS (
    -- an order counts once its delivery and its customer have both arrived
    SELECT o.Customer_ID,
           o.Order_Total,
           o.Quantity,
           o.SKU,
           d.Distance_m,
           window_start(o.Order_Time, {{window}}) AS start_timestamp
    FROM orders o
    JOIN cur_deliveries d ON d.Order_ID = o.Order_ID
    JOIN cur_customers  c ON c.Customer_ID = o.Customer_ID
)
SELECT Customer_ID,
       sum(Order_Total)                 AS Total_Order_Amount,
       avg(Order_Total)                 AS Average_Order_Amount,
       count(*)                         AS Order_Count,
       CAST(max(Order_Total) AS FLOAT)  AS Highest_Order_Amount,
       CAST(min(Order_Total) AS FLOAT)  AS Lowest_Order_Amount,
       sum(Quantity)::BIGINT            AS Total_Quantity_Ordered,
       avg(Quantity)                    AS Average_Quantity_Per_Ordered,
       sum(Distance_m)                  AS Total_Delivery_Distance,
       avg(Distance_m)                  AS Average_Delivery_Distance,
       count(DISTINCT SKU)              AS Distict_Products,
       start_timestamp,
       start_timestamp + {{window}}     AS end_timestamp
FROM joined
GROUP BY Customer_ID, start_timestamp
