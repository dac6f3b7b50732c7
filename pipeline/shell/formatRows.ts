import { DuckDBDateValue, type DuckDBValue, type Json } from '@duckdb/node-api';

/** DuckDB stores DATE 'infinity' / '-infinity' as ±(2^31 - 1) days; the client prints them as far-off dates. */
const DATE_INFINITY_DAYS = 2147483647;

function infiniteDate(v: unknown): string | undefined {
  if (v instanceof DuckDBDateValue && Math.abs(v.days) === DATE_INFINITY_DAYS) return v.days > 0 ? 'infinity' : '-infinity';
  return undefined;
}

export type OutputFormat = 'table' | 'csv' | 'json';

/** JSON-safe plain value: bigint as number when safe (else string), dates as ISO-like text. */
export function plainValue(v: unknown): unknown {
  if (typeof v === 'bigint') return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
  if (v instanceof Date) return v.toISOString().replace('T', ' ').replace('Z', '');
  if (v === undefined) return null;
  if (v !== null && typeof v === 'object') return JSON.parse(JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x)));
  return v;
}

/**
 * A DuckDB value as text, the way DuckDB renders it: every value DuckDB can
 * hold prints (infinite timestamps, 38-digit decimals, HUGEINT, NaN), where a
 * conversion to JS Date or number would fail or round. NULL stays null.
 */
export function displayText(v: DuckDBValue): string | null {
  if (v === null) return null;
  if (typeof v === 'string') return v;
  return infiniteDate(v) ?? String(v);
}

const EXACT_NUMBER_TYPES = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|DECIMAL)/;

/**
 * One JSON cell from DuckDB's JSON conversion (which keeps big integers,
 * decimals, infinite timestamps and NaN as strings): a whole or decimal number
 * that a JS number holds exactly becomes a number again.
 */
function jsonCell(value: Json, type: string): Json {
  if (typeof value !== 'string' || !EXACT_NUMBER_TYPES.test(type)) return value;
  const n = Number(value);
  if (!Number.isFinite(n)) return value;
  if (Number.isInteger(n) ? !Number.isSafeInteger(n) || String(n) !== value.replace(/^(-?)0+(?=\d)/, '$1') : Number(n.toString()) !== n || n.toString() !== trimDecimal(value)) return value;
  return n;
}

/** "2.50" -> "2.5", "-0.10" -> "-0.1", "3.00" -> "3": how a JS number prints the same decimal. */
function trimDecimal(s: string): string {
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
}

/** The shape of a materialized DuckDB result that JSON rendering needs. */
export interface JsonSource {
  columnNames(): string[];
  columnTypes(): { toString(): string }[];
  getRowsJson(): Json[][];
  getRows(): DuckDBValue[][];
}

/** Rows as JSON-safe objects: any DuckDB value, numbers as numbers where a JS number holds them exactly. */
export function jsonObjects(result: JsonSource): Record<string, Json>[] {
  const columns = result.columnNames();
  const types = result.columnTypes().map(String);
  const values = result.getRows();
  return result.getRowsJson().map((r, j) =>
    Object.fromEntries(columns.map((c, i) => [c, infiniteDate(values[j]?.[i]) ?? jsonCell(r[i] ?? null, types[i] ?? '')])),
  );
}

/** Rows as a JSON array of objects. */
export function formatJson(result: JsonSource): string {
  return JSON.stringify(jsonObjects(result), null, 2);
}

function csvField(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** Renders rows of display text (see displayText) as an aligned table or CSV. */
export function formatRows(columns: string[], rows: (string | null)[][], format: 'table' | 'csv'): string {
  if (format === 'csv') {
    return [columns.map(csvField).join(','), ...rows.map((r) => r.map((v) => csvField(v ?? '')).join(','))].join('\n');
  }
  const cells = rows.map((r) => r.map((v) => v ?? 'NULL'));
  const widths = columns.map((c, i) => Math.min(60, Math.max(c.length, ...cells.map((r) => r[i]!.length))));
  const fit = (s: string, w: number) => (s.length > w ? `${s.slice(0, w - 1)}…` : s.padEnd(w));
  const line = (vals: string[]) => `│ ${vals.map((v, i) => fit(v, widths[i]!)).join(' │ ')} │`;
  const rule = (l: string, m: string, r: string) => `${l}${widths.map((w) => '─'.repeat(w + 2)).join(m)}${r}`;
  return [
    rule('┌', '┬', '┐'),
    line(columns),
    rule('├', '┼', '┤'),
    ...cells.map(line),
    rule('└', '┴', '┘'),
    `${rows.length} row${rows.length === 1 ? '' : 's'}`,
  ].join('\n');
}
