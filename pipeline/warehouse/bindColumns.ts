import { duckdb, type DuckDBType, type DuckDBValue } from './duckdbApi.js';

/** One column of rows to bind: its SQL type and its values (null = NULL). */
export type BoundColumn =
  | { type: 'INTEGER'; values: readonly (number | null)[] }
  | { type: 'BIGINT'; values: readonly (number | bigint | null)[] }
  | { type: 'VARCHAR'; values: readonly (string | null)[] };

let listTypes: Record<BoundColumn['type'], DuckDBType> | undefined;

/** LIST(INTEGER) etc., made at first use (DuckDB's node-api loads when a command first needs it: duckdbApi.ts). */
function listOf(type: BoundColumn['type']): DuckDBType {
  const { LIST, INTEGER, BIGINT, VARCHAR } = duckdb();
  listTypes ??= { INTEGER: LIST(INTEGER), BIGINT: LIST(BIGINT), VARCHAR: LIST(VARCHAR) };
  return listTypes[type];
}

/**
 * Rows bound column by column: each column is one LIST parameter ($1, $2, …,
 * in the order given), read back row by row with `unnest($n)` in the statement
 * (several unnests in one SELECT line up by position), e.g.
 * `INSERT INTO t SELECT unnest($1), unnest($2)`. One statement for any number of
 * rows, values bound (a NUL or a quote in a string stays as written). 4,000
 * ledger rows: 2.4 s as VALUES tuples of 400 rows, 0.2 s as lists (issue 18,
 * many small files).
 */
export function bindColumns(columns: readonly BoundColumn[]): { values: DuckDBValue[]; types: DuckDBType[] } {
  const rows = columns[0]?.values.length ?? 0;
  for (const c of columns) if (c.values.length !== rows) throw new Error(`bindColumns: columns of ${rows} and ${c.values.length} values`);
  return {
    values: columns.map((c) =>
      duckdb().listValue(c.type === 'BIGINT' ? c.values.map((v) => (typeof v === 'number' ? BigInt(v) : v)) : (c.values as DuckDBValue[])),
    ),
    types: columns.map((c) => listOf(c.type)),
  };
}
