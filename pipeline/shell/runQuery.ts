import type { Warehouse } from '../warehouse/Warehouse.js';
import { displayText, formatJson, formatRows, type OutputFormat } from './formatRows.js';

/** Runs one or more SQL statements; the last one's rows are rendered. */
export async function runQuery(w: Warehouse, sql: string, format: OutputFormat): Promise<string> {
  const reader = await w.connection.runAndReadAll(sql);
  const columns = reader.columnNames();
  if (columns.length === 0) return '';
  if (format === 'json') return formatJson(reader);
  return formatRows(columns, reader.getRows().map((r) => r.map(displayText)), format);
}
