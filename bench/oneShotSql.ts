/**
 * The baseline the pipeline is measured against: one hand-written DuckDB
 * statement computing the same ten metrics straight from the drop folders
 * (union by name, the three Distance spellings, both Order_ID forms, latest
 * file wins per key, inner joins, epoch-aligned windows). No ledger, no
 * rejects, no incremental state: what a data engineer would write by hand.
 */
export function oneShotSql(dataDir: string, window = '10 days', variant: 'equivalent' | 'plain' = 'equivalent'): string {
  const d = dataDir.replaceAll("'", "''");
  if (variant === 'plain') return plainOneShotSql(d, window);
  return `
CREATE TABLE ecommerce_oneshot AS
WITH orders_raw AS (
    SELECT * FROM read_csv('${d}/Orders/*.csv*', union_by_name = true, filename = true, normalize_names = false,
                           types = {'Order ID': 'VARCHAR', 'Customer ID': 'INTEGER', 'Order Total': 'DOUBLE', 'Quantity': 'DOUBLE'})
),
orders AS (
    SELECT CAST(regexp_extract("Order ID", '^(?:YR-)?([0-9]+)(?:,0)?$', 1) AS BIGINT) AS order_id,
           arg_max({customer_id: "Customer ID", order_time: CAST("Order Time" AS TIMESTAMP), sku: SKU,
                    quantity: CAST(Quantity AS BIGINT), total: "Order Total"}, filename) AS o
    FROM orders_raw GROUP BY 1
),
deliveries_raw AS (
    SELECT * FROM read_csv('${d}/Deliveries/*.csv*', union_by_name = true, filename = true, types = {'Order ID': 'VARCHAR'})
),
deliveries AS (
    SELECT CAST(regexp_extract("Order ID", '^(?:YR-)?([0-9]+)(?:,0)?$', 1) AS BIGINT) AS order_id,
           -- *COLUMNS unpacks the matching columns into coalesce's arguments; a bare
           -- COLUMNS() would instead yield one output column per spelling, all named distance.
           arg_max(CAST(coalesce(*COLUMNS('^Distance')) AS DOUBLE), filename) AS distance
    FROM deliveries_raw GROUP BY 1
),
${customersAndMetrics(d, window, '(SELECT order_id, unnest(o) FROM orders)')}`;
}


/**
 * The floor: the same query without the latest-wins dedupe (every order and
 * delivery row counts, no arg_max per key). Its result is NOT the pipeline's
 * when a key occurs twice; it is only timed, to show what the dedupe costs.
 * Table ecommerce_plain.
 */
function plainOneShotSql(d: string, window: string): string {
  return `
CREATE TABLE ecommerce_plain AS
WITH orders AS (
    SELECT CAST(regexp_extract("Order ID", '^(?:YR-)?([0-9]+)(?:,0)?$', 1) AS BIGINT) AS order_id,
           "Customer ID" AS customer_id, CAST("Order Time" AS TIMESTAMP) AS order_time, SKU AS sku,
           CAST(Quantity AS BIGINT) AS quantity, "Order Total" AS total
    FROM read_csv('${d}/Orders/*.csv*', union_by_name = true, normalize_names = false,
                  types = {'Order ID': 'VARCHAR', 'Customer ID': 'INTEGER', 'Order Total': 'DOUBLE', 'Quantity': 'DOUBLE'})
),
deliveries AS (
    SELECT CAST(regexp_extract("Order ID", '^(?:YR-)?([0-9]+)(?:,0)?$', 1) AS BIGINT) AS order_id,
           CAST(coalesce(*COLUMNS('^Distance')) AS DOUBLE) AS distance
    FROM read_csv('${d}/Deliveries/*.csv*', union_by_name = true, types = {'Order ID': 'VARCHAR'})
),
${customersAndMetrics(d, window, 'orders')}`;
}

/**
 * What both variants share: the customers that exist, and the ten metrics per
 * customer and window over `orders` (order_id, customer_id, order_time, sku,
 * quantity, total) joined with `deliveries` (order_id, distance).
 */
function customersAndMetrics(d: string, window: string, orders: string): string {
  return `customers AS (
    SELECT DISTINCT "Customer ID" AS customer_id
    FROM read_json('${d}/Customers/*', union_by_name = true, format = 'auto')
)
SELECT o.customer_id AS Customer_ID,
       sum(o.total) AS Total_Order_Amount,
       avg(o.total) AS Average_Order_Amount,
       count(*) AS Order_Count,
       CAST(max(o.total) AS FLOAT) AS Highest_Order_Amount,
       CAST(min(o.total) AS FLOAT) AS Lowest_Order_Amount,
       sum(o.quantity) AS Total_Quantity_Ordered,
       avg(o.quantity) AS Average_Quantity_Per_Ordered,
       sum(d.distance) AS Total_Delivery_Distance,
       avg(d.distance) AS Average_Delivery_Distance,
       count(DISTINCT o.sku) AS Distict_Products,
       time_bucket(INTERVAL '${window}', o.order_time, TIMESTAMP '1970-01-01') AS start_timestamp,
       time_bucket(INTERVAL '${window}', o.order_time, TIMESTAMP '1970-01-01') + INTERVAL '${window}' AS end_timestamp
FROM ${orders} o
JOIN deliveries d USING (order_id)
JOIN customers c USING (customer_id)
GROUP BY ALL`;
}
