import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import type { ResultSet } from './ResultSet.js';

export interface ReadOptions {
  /** Keep only this many rows (the rest are streamed past and counted). */
  keepRows?: number;
  /** Also keep DuckDB's JSON conversion (json mode). */
  json?: boolean;
  /** Asked between batches: true stops reading (the statement was interrupted). */
  stopped?: () => boolean;
}

/**
 * Runs one statement and reads its result. With `keepRows`, only that many
 * rows are kept (the rest are streamed past and counted), so a capped table of
 * a huge result costs no memory; `json` also keeps DuckDB's JSON conversion.
 */
export async function readResult(connection: DuckDBConnection, sql: string, options: ReadOptions = {}): Promise<ResultSet> {
  if (options.json) {
    const reader = await connection.runAndReadAll(sql);
    const rows = reader.getRows();
    return { columns: reader.columnNames(), types: reader.columnTypes().map(String), rows, json: reader.getRowsJson(), totalRows: rows.length };
  }
  const result = await connection.stream(sql);
  const keep = options.keepRows ?? Infinity;
  const rows: DuckDBValue[][] = [];
  let totalRows = 0;
  for await (const batch of result.yieldRows()) {
    if (options.stopped?.()) break;
    for (const row of batch) if (rows.length < keep) rows.push(row);
    totalRows += batch.length;
  }
  return { columns: result.columnNames(), types: result.columnTypes().map(String), rows, totalRows };
}
