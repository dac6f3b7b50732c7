/**
 * The result's columns (docs/contract.md, "Result"), declared once: name, DuckDB
 * and Postgres types, nullability, and how a recomputed value is compared with
 * the stored one. Derived from it: the Postgres DDL and upsert
 * (pipeline/export/ecommerceTable.ts), the tests' comparison
 * (test/support/fixtures.ts diffEcommerce). Checked against it by tests: the
 * DuckDB DDL (sql/migrations/V001__warehouse.sql, which cannot change) and the
 * diff step (sql/marts/ecommerce_diff.sql).
 */
export interface EcommerceColumn {
  name: string;
  /** As DuckDB's information_schema.columns.data_type spells it. */
  duckdbType: 'INTEGER' | 'BIGINT' | 'DOUBLE' | 'FLOAT' | 'TIMESTAMP';
  /** As Postgres's information_schema.columns.data_type spells it (also used in CREATE TABLE). */
  postgresType: 'integer' | 'bigint' | 'double precision' | 'real' | 'timestamp without time zone';
  /** NOT NULL in the DuckDB state table. */
  notNull: boolean;
  /**
   * How a recomputed value is compared with the stored one: `key` identifies the
   * group, `exact` must be equal, `float` may differ by FLOAT_TOLERANCE relative
   * (summation order noise).
   */
  compare: 'key' | 'exact' | 'float';
}

/** Relative tolerance of the diff for `float` columns (sql/marts/ecommerce_diff.sql same_float). */
export const FLOAT_TOLERANCE = 1e-12;

export const ECOMMERCE_COLUMNS: readonly EcommerceColumn[] = [
  { name: 'Customer_ID', duckdbType: 'INTEGER', postgresType: 'integer', notNull: true, compare: 'key' },
  { name: 'Total_Order_Amount', duckdbType: 'DOUBLE', postgresType: 'double precision', notNull: false, compare: 'float' },
  { name: 'Average_Order_Amount', duckdbType: 'DOUBLE', postgresType: 'double precision', notNull: false, compare: 'float' },
  { name: 'Order_Count', duckdbType: 'BIGINT', postgresType: 'bigint', notNull: true, compare: 'exact' },
  { name: 'Highest_Order_Amount', duckdbType: 'FLOAT', postgresType: 'real', notNull: false, compare: 'float' },
  { name: 'Lowest_Order_Amount', duckdbType: 'FLOAT', postgresType: 'real', notNull: false, compare: 'float' },
  { name: 'Total_Quantity_Ordered', duckdbType: 'BIGINT', postgresType: 'bigint', notNull: false, compare: 'exact' },
  { name: 'Average_Quantity_Per_Ordered', duckdbType: 'DOUBLE', postgresType: 'double precision', notNull: false, compare: 'float' },
  { name: 'Total_Delivery_Distance', duckdbType: 'DOUBLE', postgresType: 'double precision', notNull: false, compare: 'float' },
  { name: 'Average_Delivery_Distance', duckdbType: 'DOUBLE', postgresType: 'double precision', notNull: false, compare: 'float' },
  { name: 'Distict_Products', duckdbType: 'BIGINT', postgresType: 'bigint', notNull: true, compare: 'exact' },
  { name: 'start_timestamp', duckdbType: 'TIMESTAMP', postgresType: 'timestamp without time zone', notNull: true, compare: 'key' },
  { name: 'end_timestamp', duckdbType: 'TIMESTAMP', postgresType: 'timestamp without time zone', notNull: true, compare: 'exact' },
];

/** The result's grain: one row per (Customer_ID, window start). */
export const KEY_COLUMNS: readonly string[] = ECOMMERCE_COLUMNS.filter((c) => c.compare === 'key').map((c) => c.name);
