import { splitStatements } from '../../shell/splitStatements.js';
import { renderTable } from '../../shell/renderTable.js';
import { terminalField } from '../../cli/terminalField.js';
import type { SparkValue } from '../../spark/SparkConnectClient.js';
import { pinCommitted } from './pinCommitted.js';
import type { SparkLake } from './SparkLake.js';

function text(v: SparkValue): string | null {
  if (v === null) return null;
  if (v instanceof Date) return v.toISOString().replace('T', ' ').replace(/\.000Z$|Z$/, '');
  if (typeof v === 'object') return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x));
  return String(v);
}

/**
 * `pipeline sql --engine spark`: Spark SQL statements on the lake, read-only by
 * default (the tables as of the last committed run; see pinCommitted), with
 * --write on the live tables. Prints each result as a table, CSV or JSON.
 */
export async function runSparkSql(
  l: SparkLake,
  script: string,
  opts: { write: boolean; format: string; maxRows: number; out: (s: string) => void },
): Promise<void> {
  if (!opts.write) await pinCommitted(l);
  const { statements, rest } = splitStatements(script);
  for (const s of [...statements, rest].map((x) => x.trim().replace(/;$/, '')).filter((x) => x.replace(/--[^\n]*/g, '').trim() !== '')) {
    const result = await l.client.sql(s);
    if (result.columns.length === 0) continue;
    const columns = result.columns.map((c) => c.name);
    const rows = result.rows.map((r) => columns.map((c) => text(r[c] ?? null)));
    if (opts.format === 'json') {
      opts.out(JSON.stringify(result.rows, (_k, x) => (typeof x === 'bigint' ? x.toString() : x), 2));
    } else if (opts.format === 'csv') {
      const esc = (v: string | null) => (v === null ? '' : /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
      opts.out([columns.map(esc).join(','), ...rows.map((r) => r.map(esc).join(','))].map(terminalField).join('\n'));
    } else {
      const shown = opts.maxRows > 0 ? rows.slice(0, opts.maxRows) : rows;
      opts.out(renderTable({ columns, types: result.columns.map((c) => c.type), rows: shown, totalRows: rows.length }));
    }
  }
}
