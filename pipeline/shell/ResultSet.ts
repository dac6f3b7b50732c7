import type { DuckDBValue, Json } from '@duckdb/node-api';

/** One statement's result as the shell renders it: the rows kept (maybe fewer than all) and how many there were. */
export interface ResultSet {
  columns: string[];
  /** DuckDB type names, e.g. FLOAT, DECIMAL(18,3), TIMESTAMP. */
  types: string[];
  rows: DuckDBValue[][];
  /** DuckDB's JSON conversion of `rows`, cell for cell (json mode only). */
  json?: Json[][];
  /** Rows the statement returned; more than rows.length when capped. */
  totalRows: number;
}

const NUMBER_TYPES = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL)\b/;

/** Numbers are right-aligned, as DuckDB aligns them. */
export function isNumberType(type: string): boolean {
  return NUMBER_TYPES.test(type);
}
