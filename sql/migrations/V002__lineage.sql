-- V002: lineage, so `pipeline explain` can say which source rows make up a
-- number and why an order is not counted, answered from the warehouse alone
-- (also after the files were archived or retracted).

-- The physical line (header = 1; record number for JSON, row number for
-- Parquet) of every loaded row. Rows loaded before V002 have NULL.
ALTER TABLE raw_orders ADD COLUMN _line BIGINT;
ALTER TABLE raw_deliveries ADD COLUMN _line BIGINT;
ALTER TABLE raw_customers ADD COLUMN _line BIGINT;

-- The normalised key (Order_ID or Customer_ID) of a rejected row, when the row
-- had a readable one.
ALTER TABLE pipeline_rejects ADD COLUMN key BIGINT;

-- Rows of withdrawn file versions (superseded or retracted): their raw rows
-- are deleted, their lineage stays here.
CREATE TABLE pipeline_withdrawn_rows (
    dataset  VARCHAR NOT NULL,   -- Orders | Deliveries | Customers
    key      BIGINT  NOT NULL,   -- Order_ID or Customer_ID
    file_id  INTEGER NOT NULL,   -- the withdrawn file version
    _row     BIGINT  NOT NULL,
    _line    BIGINT,
    run_id   BIGINT  NOT NULL    -- the run that withdrew it
);

-- One definition of the contract's key parsing, used by staging and lineage:
-- 'YR-12345,0' -> 12345, '12345' -> 12345, anything else -> NULL.
CREATE MACRO parse_order_id(x) AS
    TRY_CAST(regexp_extract(trim(x), '^(?:YR-)?([0-9]{1,18})(?:,0)?$', 1) AS BIGINT);
CREATE MACRO parse_customer_id(x) AS
    TRY_CAST(nullif(trim(x), '') AS INTEGER);

-- One definition of the window rule (contract: tumbling windows aligned to
-- 1970-01-01 00:00:00, [start, start + size); an order exactly on a boundary
-- belongs to the later window). `size` is an INTERVAL.
CREATE MACRO window_start(ts, size) AS
    time_bucket(size, ts, TIMESTAMP '1970-01-01 00:00:00');
