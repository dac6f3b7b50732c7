-- V001: the warehouse's own tables. Applied once; its checksum is recorded in
-- pipeline_sql_files and a later edit is reported as an error (write V002 instead).

-- Every file the pipeline has seen, one row per file version (a rewritten file
-- gets a new row; file_id is the arrival sequence and orders "most recent").
CREATE TABLE pipeline_files (
    file_id        INTEGER   NOT NULL,  -- arrival sequence, strictly increasing
    path           VARCHAR   NOT NULL,  -- relative to the data dir, e.g. Orders/x.csv
    dataset        VARCHAR   NOT NULL,  -- Orders | Deliveries | Customers
    content_hash   VARCHAR   NOT NULL,  -- sha256 of the bytes on disk
    size_bytes     BIGINT    NOT NULL,
    mtime          TIMESTAMP NOT NULL,
    status         VARCHAR   NOT NULL,  -- loaded | quarantined | superseded | retracted
    rows_read      BIGINT    NOT NULL DEFAULT 0,
    rows_loaded    BIGINT    NOT NULL DEFAULT 0,
    rows_rejected  BIGINT    NOT NULL DEFAULT 0,
    reason         VARCHAR,             -- why quarantined / withdrawn
    duplicate_of   VARCHAR,             -- path of an earlier file with identical content
    run_id         BIGINT    NOT NULL,  -- run that ingested it
    withdrawn_run_id BIGINT             -- run that superseded / retracted it
);

-- One row per rejected input row, kept for good.
CREATE TABLE pipeline_rejects (
    file_id     INTEGER NOT NULL,
    path        VARCHAR NOT NULL,
    dataset     VARCHAR NOT NULL,
    line        BIGINT,            -- 1-based physical line in the file (header = line 1); record number for JSON
    column_name VARCHAR,
    reason      VARCHAR NOT NULL,
    raw_record  VARCHAR,           -- the offending line / record as text
    run_id      BIGINT  NOT NULL
);

-- One row per run (run, rebuild, retract), with what it did.
CREATE TABLE pipeline_runs (
    run_id            BIGINT    NOT NULL,  -- also the version stamped on changed ecommerce rows
    kind              VARCHAR   NOT NULL,
    started_at        TIMESTAMP NOT NULL,
    finished_at       TIMESTAMP NOT NULL,
    files_new         INTEGER   NOT NULL,
    files_loaded      INTEGER   NOT NULL,
    files_quarantined INTEGER   NOT NULL,
    files_withdrawn   INTEGER   NOT NULL,
    rows_read         BIGINT    NOT NULL,
    rows_loaded       BIGINT    NOT NULL,
    rows_rejected     BIGINT    NOT NULL,
    keys_changed      BIGINT    NOT NULL,
    groups_recomputed BIGINT    NOT NULL,
    groups_upserted   BIGINT    NOT NULL,
    groups_deleted    BIGINT    NOT NULL,
    strategy          VARCHAR   NOT NULL,  -- incremental | full
    note              VARCHAR
);

-- Checksums of every file under sql/ as last applied.
CREATE TABLE pipeline_sql_files (
    name       VARCHAR   NOT NULL,
    kind       VARCHAR   NOT NULL,
    checksum   VARCHAR   NOT NULL,
    applied_at TIMESTAMP NOT NULL
);

CREATE TABLE pipeline_settings (
    key   VARCHAR NOT NULL,
    value VARCHAR NOT NULL
);

-- Raw tables: every loaded row of every active file version, already staged
-- (renamed, cast, Order_ID normalised). Columns grow by name as files add columns.
CREATE TABLE raw_orders (
    _file_id       INTEGER   NOT NULL,
    _row           BIGINT    NOT NULL,  -- 0-based row order within the file
    Order_ID       BIGINT    NOT NULL,
    Customer_ID    INTEGER   NOT NULL,
    Order_Time     TIMESTAMP NOT NULL,
    SKU            VARCHAR   NOT NULL,
    Quantity       BIGINT    NOT NULL,
    Order_Total    DOUBLE    NOT NULL,
    Order_Discount DOUBLE,
    Order_Tip      DOUBLE,
    Payment_Method VARCHAR
);

CREATE TABLE raw_deliveries (
    _file_id        INTEGER NOT NULL,
    _row            BIGINT  NOT NULL,
    Order_ID        BIGINT  NOT NULL,
    Distance_m      DOUBLE  NOT NULL,
    Delivery_Time   VARCHAR,
    Driver_ID       VARCHAR,
    Delivery_Status VARCHAR,
    Discount        DOUBLE,
    Tip             DOUBLE
);

CREATE TABLE raw_customers (
    _file_id            INTEGER NOT NULL,
    _row                BIGINT  NOT NULL,
    Customer_ID         INTEGER NOT NULL,
    Customer_Name       VARCHAR,
    Market              VARCHAR,
    Signup_Date         VARCHAR,
    Number_of_Employees BIGINT
);

-- Keyed current state: one row per key, pointing at the raw row of the most
-- recent file version holding it (last row within a file wins). Only the columns
-- the metrics use are kept here; current_orders / current_deliveries /
-- current_customers below show the whole current record.
CREATE TABLE cur_orders (
    Order_ID    BIGINT    NOT NULL,
    Customer_ID INTEGER   NOT NULL,
    Order_Time  TIMESTAMP NOT NULL,
    SKU         VARCHAR   NOT NULL,
    Quantity    BIGINT    NOT NULL,
    Order_Total DOUBLE    NOT NULL,
    _file_id    INTEGER   NOT NULL,
    _row        BIGINT    NOT NULL
);

CREATE TABLE cur_deliveries (
    Order_ID   BIGINT  NOT NULL,
    Distance_m DOUBLE  NOT NULL,
    _file_id   INTEGER NOT NULL,
    _row       BIGINT  NOT NULL
);

CREATE TABLE cur_customers (
    Customer_ID INTEGER NOT NULL,
    _file_id    INTEGER NOT NULL,
    _row        BIGINT  NOT NULL
);

-- The result with the version (run_id) that last changed each row.
CREATE TABLE ecommerce_state (
    Customer_ID                  INTEGER   NOT NULL,
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
);

-- Groups that disappeared, with the version that deleted them (for the export).
CREATE TABLE ecommerce_tombstones (
    Customer_ID     INTEGER   NOT NULL,
    start_timestamp TIMESTAMP NOT NULL,
    _version        BIGINT    NOT NULL
);

-- The product's result: exactly the contract's columns.
CREATE VIEW ecommerce AS
SELECT Customer_ID, Total_Order_Amount, Average_Order_Amount, Order_Count,
       Highest_Order_Amount, Lowest_Order_Amount, Total_Quantity_Ordered,
       Average_Quantity_Per_Ordered, Total_Delivery_Distance,
       Average_Delivery_Distance, Distict_Products, start_timestamp, end_timestamp
FROM ecommerce_state;

-- The whole current record per key (every column any file version had).
CREATE VIEW current_orders AS
SELECT r.* FROM cur_orders c JOIN raw_orders r USING (_file_id, _row);

CREATE VIEW current_deliveries AS
SELECT r.* FROM cur_deliveries c JOIN raw_deliveries r USING (_file_id, _row);

CREATE VIEW current_customers AS
SELECT r.* FROM cur_customers c JOIN raw_customers r USING (_file_id, _row);
