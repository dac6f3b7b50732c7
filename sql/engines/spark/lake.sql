-- The Spark engine's lake: one path-based Delta table per warehouse table a
-- run reads or writes, same names and columns as the DuckDB warehouse after
-- sql/migrations/V001..V005 (a test compares every column name and type with a
-- freshly migrated DuckDB warehouse: test/spark/steps.spark.ts).
-- The engine executes each CREATE TABLE statement with ` LOCATION '<lake>/<name>'`
-- appended (pipeline/engine/spark/sparkLakeTables.ts), inside the lake's own
-- database, then the views. Types: VARCHAR -> STRING, INTEGER -> INT; TIMESTAMP
-- stays TIMESTAMP, read with the session time zone UTC (the engine sets it),
-- so it behaves as DuckDB's zone-less TIMESTAMP. Not carried over: column
-- DEFAULTs (a Delta table feature; the engine's inserts name every value) and
-- pipeline_sql_files (the Spark run records its SQL checksums itself).
-- Delta forbids spaces in column names: no lake table may have one.

CREATE TABLE IF NOT EXISTS pipeline_files (
    file_id          INT       NOT NULL,
    path             STRING    NOT NULL,
    dataset          STRING    NOT NULL,
    content_hash     STRING    NOT NULL,
    size_bytes       BIGINT    NOT NULL,
    mtime            TIMESTAMP NOT NULL,
    status           STRING    NOT NULL,
    rows_read        BIGINT    NOT NULL,
    rows_loaded      BIGINT    NOT NULL,
    rows_rejected    BIGINT    NOT NULL,
    reason           STRING,
    duplicate_of     STRING,
    run_id           BIGINT    NOT NULL,
    withdrawn_run_id BIGINT
) USING delta;

CREATE TABLE IF NOT EXISTS pipeline_rejects (
    file_id     INT    NOT NULL,
    path        STRING NOT NULL,
    dataset     STRING NOT NULL,
    line        BIGINT,
    column_name STRING,
    reason      STRING NOT NULL,
    raw_record  STRING,
    run_id      BIGINT NOT NULL,
    key         BIGINT
) USING delta;

CREATE TABLE IF NOT EXISTS pipeline_runs (
    run_id            BIGINT    NOT NULL,
    kind              STRING    NOT NULL,
    started_at        TIMESTAMP NOT NULL,
    finished_at       TIMESTAMP NOT NULL,
    files_new         INT       NOT NULL,
    files_loaded      INT       NOT NULL,
    files_quarantined INT       NOT NULL,
    files_withdrawn   INT       NOT NULL,
    rows_read         BIGINT    NOT NULL,
    rows_loaded       BIGINT    NOT NULL,
    rows_rejected     BIGINT    NOT NULL,
    keys_changed      BIGINT    NOT NULL,
    groups_recomputed BIGINT    NOT NULL,
    groups_upserted   BIGINT    NOT NULL,
    groups_deleted    BIGINT    NOT NULL,
    strategy          STRING    NOT NULL,
    note              STRING
) USING delta;

CREATE TABLE IF NOT EXISTS pipeline_settings (
    key   STRING NOT NULL,
    value STRING NOT NULL
) USING delta;

CREATE TABLE IF NOT EXISTS pipeline_withdrawn_rows (
    dataset STRING NOT NULL,
    key     BIGINT NOT NULL,
    file_id INT    NOT NULL,
    _row    BIGINT NOT NULL,
    _line   BIGINT,
    run_id  BIGINT NOT NULL
) USING delta;

CREATE TABLE IF NOT EXISTS raw_orders (
    _file_id       INT       NOT NULL,
    _row           BIGINT    NOT NULL,
    Order_ID       BIGINT    NOT NULL,
    Customer_ID    INT       NOT NULL,
    Order_Time     TIMESTAMP NOT NULL,
    SKU            STRING    NOT NULL,
    Quantity       BIGINT    NOT NULL,
    Order_Total    DOUBLE    NOT NULL,
    Order_Discount DOUBLE,
    Order_Tip      DOUBLE,
    Payment_Method STRING,
    _line          BIGINT
) USING delta;

CREATE TABLE IF NOT EXISTS raw_deliveries (
    _file_id        INT    NOT NULL,
    _row            BIGINT NOT NULL,
    Order_ID        BIGINT NOT NULL,
    Distance_m      DOUBLE NOT NULL,
    Delivery_Time   STRING,
    Driver_ID       STRING,
    Delivery_Status STRING,
    Discount        DOUBLE,
    Tip             DOUBLE,
    _line           BIGINT
) USING delta;

CREATE TABLE IF NOT EXISTS raw_customers (
    _file_id            INT    NOT NULL,
    _row                BIGINT NOT NULL,
    Customer_ID         INT    NOT NULL,
    Customer_Name       STRING,
    Market              STRING,
    Signup_Date         STRING,
    Number_of_Employees BIGINT,
    _line               BIGINT
) USING delta;

CREATE TABLE IF NOT EXISTS cur_orders (
    Order_ID    BIGINT    NOT NULL,
    Customer_ID INT       NOT NULL,
    Order_Time  TIMESTAMP NOT NULL,
    SKU         STRING    NOT NULL,
    Quantity    BIGINT    NOT NULL,
    Order_Total DOUBLE    NOT NULL,
    _file_id    INT       NOT NULL,
    _row        BIGINT    NOT NULL
) USING delta;

CREATE TABLE IF NOT EXISTS cur_deliveries (
    Order_ID   BIGINT NOT NULL,
    Distance_m DOUBLE NOT NULL,
    _file_id   INT    NOT NULL,
    _row       BIGINT NOT NULL
) USING delta;

CREATE TABLE IF NOT EXISTS cur_customers (
    Customer_ID INT    NOT NULL,
    _file_id    INT    NOT NULL,
    _row        BIGINT NOT NULL
) USING delta;

CREATE TABLE IF NOT EXISTS ecommerce_state (
    Customer_ID                  INT       NOT NULL,
    Total_Order_Amount           DOUBLE,
    Average_Order_Amount         DOUBLE,
    Order_Count                  BIGINT    NOT NULL,
    Highest_Order_Amount         FLOAT,
    Lowest_Order_Amount          FLOAT,
    Total_Quantity_Ordered       BIGINT,
    Average_Quantity_Per_Ordered DOUBLE,
    Total_Delivery_Distance      DOUBLE,
    Average_Delivery_Distance    DOUBLE,
    Distict_Products             BIGINT    NOT NULL,
    start_timestamp              TIMESTAMP NOT NULL,
    end_timestamp                TIMESTAMP NOT NULL,
    _version                     BIGINT    NOT NULL
) USING delta;

CREATE TABLE IF NOT EXISTS ecommerce_tombstones (
    Customer_ID     INT       NOT NULL,
    start_timestamp TIMESTAMP NOT NULL,
    _version        BIGINT    NOT NULL
) USING delta;

-- The views of V001 (session-scoped on Spark: the engine creates them in
-- every session, after the tables).
CREATE OR REPLACE TEMPORARY VIEW ecommerce AS
SELECT Customer_ID, Total_Order_Amount, Average_Order_Amount, Order_Count,
       Highest_Order_Amount, Lowest_Order_Amount, Total_Quantity_Ordered,
       Average_Quantity_Per_Ordered, Total_Delivery_Distance,
       Average_Delivery_Distance, Distict_Products, start_timestamp, end_timestamp
FROM ecommerce_state;

CREATE OR REPLACE TEMPORARY VIEW current_orders AS
SELECT r.* FROM cur_orders c JOIN raw_orders r ON r._file_id = c._file_id AND r._row = c._row;

CREATE OR REPLACE TEMPORARY VIEW current_deliveries AS
SELECT r.* FROM cur_deliveries c JOIN raw_deliveries r ON r._file_id = c._file_id AND r._row = c._row;

CREATE OR REPLACE TEMPORARY VIEW current_customers AS
SELECT r.* FROM cur_customers c JOIN raw_customers r ON r._file_id = c._file_id AND r._row = c._row;
