-- Data test: keys whose keyed state (cur_*) is not what the raw rows say
-- (sql/state/: the row of the highest _file_id wins, then the highest _row):
-- a key with raw rows and no current row, a current row with no raw rows, one
-- pointing at another row, or holding other values than the row it points at
-- (compared by hash). `pos` is _file_id * 2^32 + _row of a row; the result
-- names the row the raw rows say (expected_*) and the one the state has (found_*).
-- Repair: `pipeline rebuild` (recomputes the keyed state and the result from the raw tables).
-- Cost: one aggregation of each raw table by key (as a full recompute of the keyed state reads).
WITH latest_orders AS (
    SELECT Order_ID, max(pos) AS pos, arg_max(h, pos) AS h
    FROM (SELECT Order_ID, _file_id::BIGINT * 4294967296 + _row AS pos,
                 hash(Customer_ID, Order_Time, SKU, Quantity, Order_Total) AS h
          FROM raw_orders)
    GROUP BY Order_ID
),
cur_o AS (
    SELECT Order_ID, _file_id::BIGINT * 4294967296 + _row AS pos,
           hash(Customer_ID, Order_Time, SKU, Quantity, Order_Total) AS h
    FROM cur_orders
),
latest_deliveries AS (
    SELECT Order_ID, max(pos) AS pos, arg_max(h, pos) AS h
    FROM (SELECT Order_ID, _file_id::BIGINT * 4294967296 + _row AS pos, hash(Distance_m) AS h FROM raw_deliveries)
    GROUP BY Order_ID
),
cur_d AS (
    SELECT Order_ID, _file_id::BIGINT * 4294967296 + _row AS pos, hash(Distance_m) AS h FROM cur_deliveries
),
latest_customers AS (
    SELECT Customer_ID, max(_file_id::BIGINT * 4294967296 + _row) AS pos FROM raw_customers GROUP BY Customer_ID
)
SELECT 'cur_orders' AS tbl, coalesce(l.Order_ID, c.Order_ID) AS key,
       l.pos // 4294967296 AS expected_file_id, l.pos % 4294967296 AS expected_row,
       c.pos // 4294967296 AS found_file_id, c.pos % 4294967296 AS found_row, l.h <> c.h AS values_differ
FROM latest_orders l FULL JOIN cur_o c USING (Order_ID)
WHERE l.pos IS DISTINCT FROM c.pos OR l.h IS DISTINCT FROM c.h
UNION ALL
SELECT 'cur_deliveries', coalesce(l.Order_ID, c.Order_ID),
       l.pos // 4294967296, l.pos % 4294967296, c.pos // 4294967296, c.pos % 4294967296, l.h <> c.h
FROM latest_deliveries l FULL JOIN cur_d c USING (Order_ID)
WHERE l.pos IS DISTINCT FROM c.pos OR l.h IS DISTINCT FROM c.h
UNION ALL
SELECT 'cur_customers', coalesce(l.Customer_ID, c.Customer_ID),
       l.pos // 4294967296, l.pos % 4294967296, c._file_id, c._row, NULL
FROM latest_customers l FULL JOIN cur_customers c USING (Customer_ID)
WHERE l.pos IS DISTINCT FROM c._file_id::BIGINT * 4294967296 + c._row
