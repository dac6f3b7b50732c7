-- Step "metrics" of a run: the ten metrics per (Customer_ID, window), the
-- product's business logic (columns: docs/contract.md, "Result"; declared once
-- in pipeline/contract/ecommerceColumns.ts, which a test checks this against).
-- Reads:  cur_orders, cur_deliveries, cur_customers; affected_groups (step
--         marts/affected_groups) when not a full recompute.
-- Writes: temp view metrics_in_scope (the groups in scope as they are now; a
--         group that lost all its orders has no row). A view, not a table: the
--         first build inserts it straight into ecommerce_state, the diff
--         materialises it once (new_metrics), so the result is written once.
-- Variables: window_size     INTERVAL  the window size, e.g. INTERVAL '10 days'.
--            full_recompute  BOOLEAN   true: every group; false: the groups in affected_groups.
--            affected_from, affected_to  TIMESTAMP  set here, below: the span of the affected windows.
-- Windows: macro window_start (sql/migrations/V002__lineage.sql), tumbling and
-- aligned to 1970-01-01 00:00:00, [start, start + size); an order exactly on a
-- boundary belongs to the later window.

-- The span of the affected windows, [first start, last start + size), as two
-- constants: a filter comparing a column with a constant is pushed into the scan
-- and skips row groups by their min/max (zone maps). The same bounds written as
-- scalar subqueries in the filter became a nested-loop join over every current
-- order. On 10M orders, the diff step (which reads this view), old and new
-- alternating: a 0.1 % append 132-143 -> 89-102 ms, a 0.1 % drop spread over the
-- year 714-749 -> 611-649 ms (bench/README.md, sixth session).
-- No affected group: both NULL, and no order is in scope.
SET VARIABLE affected_from = (SELECT min(start_timestamp) FROM affected_groups);
SET VARIABLE affected_to = (SELECT max(start_timestamp) FROM affected_groups) + getvariable('window_size');

CREATE OR REPLACE TEMP VIEW metrics_in_scope AS
WITH affected_orders AS (
    -- first the affected customers' orders (a cheap semi-join on the integer
    -- key), then, of those, the ones in an affected window. The Order_Time range
    -- is implied by the semi-join below (an order of window [start, start + size)
    -- has start <= Order_Time < start + size) and changes no result; it lets the
    -- scan skip the row groups of cur_orders outside the affected windows' span
    -- (zone maps): a daily drop touches the newest windows only, and cur_orders
    -- holds its rows in time order (sql/state/cur_orders.sql, "Layout"). Measured
    -- on 10M orders, a 1 % append (94k groups in the newest windows): this step
    -- 268 -> 125 ms once cur_orders and cur_deliveries are sorted (bench/README.md,
    -- issue 18); a drop spread over the year costs the same.
    SELECT o.Order_ID, o.Customer_ID, o.Order_Time, o.SKU, o.Quantity, o.Order_Total
    FROM (
        SELECT Order_ID, Customer_ID, Order_Time, SKU, Quantity, Order_Total,
               window_start(Order_Time, getvariable('window_size')) AS _start
        FROM cur_orders
        WHERE NOT getvariable('full_recompute')
          AND Customer_ID IN (SELECT DISTINCT Customer_ID FROM affected_groups)
          AND Order_Time >= getvariable('affected_from')
          AND Order_Time < getvariable('affected_to')
    ) o
    SEMI JOIN affected_groups g ON g.Customer_ID = o.Customer_ID AND g.start_timestamp = o._start
),
orders AS (
    -- one branch is empty: every current order (full recompute) or the affected ones
    SELECT Order_ID, Customer_ID, Order_Time, SKU, Quantity, Order_Total
    FROM cur_orders WHERE getvariable('full_recompute')
    UNION ALL
    SELECT * FROM affected_orders
),
joined AS (
    -- an order counts once its delivery and its customer have both arrived
    SELECT o.Customer_ID,
           o.Order_Total,
           o.Quantity,
           o.SKU,
           d.Distance_m,
           window_start(o.Order_Time, getvariable('window_size')) AS start_timestamp
    FROM orders o
    JOIN cur_deliveries d ON d.Order_ID = o.Order_ID
    JOIN cur_customers  c ON c.Customer_ID = o.Customer_ID
),
per_product AS (
    -- one row per group and SKU first, so the number of distinct products is a
    -- plain count of rows below (count(DISTINCT SKU) made this step 1.5x slower
    -- at 10M orders: bench/README.md)
    SELECT Customer_ID, start_timestamp, SKU,
           sum(Order_Total)  AS total,
           count(*)          AS orders,
           max(Order_Total)  AS highest,
           min(Order_Total)  AS lowest,
           sum(Quantity)     AS quantity,
           sum(Distance_m)   AS distance
    FROM joined
    GROUP BY Customer_ID, start_timestamp, SKU
),
metrics AS (
    SELECT Customer_ID,
           sum(total)                     AS Total_Order_Amount,
           sum(total) / sum(orders)       AS Average_Order_Amount,
           CAST(sum(orders) AS BIGINT)    AS Order_Count,
           CAST(max(highest) AS FLOAT)    AS Highest_Order_Amount,
           CAST(min(lowest) AS FLOAT)     AS Lowest_Order_Amount,
           CAST(sum(quantity) AS BIGINT)  AS Total_Quantity_Ordered,
           sum(quantity) / sum(orders)    AS Average_Quantity_Per_Ordered,
           sum(distance)                  AS Total_Delivery_Distance,
           sum(distance) / sum(orders)    AS Average_Delivery_Distance,
           count(*)                       AS Distict_Products,
           start_timestamp,
           start_timestamp + getvariable('window_size') AS end_timestamp
    FROM per_product
    GROUP BY Customer_ID, start_timestamp
)
SELECT * FROM metrics;
