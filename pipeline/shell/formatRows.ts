import { isDuckDBDateValue, type DuckDBValue, type Json } from '../warehouse/duckdbApi.js';
import { shortestFloat32 } from './shortestFloat32.js';

/** DuckDB stores DATE 'infinity' / '-infinity' as ±(2^31 - 1) days; the client prints them as far-off dates. */
const DATE_INFINITY_DAYS = 2147483647;

function infiniteDate(v: unknown): string | undefined {
  if (isDuckDBDateValue(v) && Math.abs(v.days) === DATE_INFINITY_DAYS) return v.days > 0 ? 'infinity' : '-infinity';
  return undefined;
}

/** How results print: `--format` and the shell's `.mode`. */
export type OutputFormat = 'table' | 'csv' | 'json' | 'markdown' | 'line';
/** DuckDB's CLI shows 40 rows of a long result. */
export const DEFAULT_MAX_ROWS = 40;
export const OUTPUT_FORMATS: readonly OutputFormat[] = ['table', 'csv', 'json', 'markdown', 'line'];

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
 * conversion to JS Date or number would fail or round; a FLOAT with its
 * shortest float32 digits (378.63, not 378.6300048828125). NULL stays null.
 */
export function displayText(v: DuckDBValue, type?: string): string | null {
  if (v === null) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && type === 'FLOAT') return shortestFloat32(v);
  return infiniteDate(v) ?? String(v);
}

const EXACT_NUMBER_TYPES = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|DECIMAL)/;

/**
 * One JSON cell from DuckDB's JSON conversion (which keeps big integers,
 * decimals, infinite timestamps and NaN as strings): a whole or decimal number
 * that a JS number holds exactly becomes a number again.
 */
function jsonCell(value: Json, type: string): Json {
  if (typeof value === 'number' && type === 'FLOAT') return Number(shortestFloat32(value));
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
  return toJsonObjects(result.columnNames(), result.columnTypes().map(String), result.getRowsJson(), result.getRows());
}

/** `json`: DuckDB's JSON conversion of `values`, cell for cell; `types`: the column types. */
function toJsonObjects(columns: string[], types: string[], json: Json[][], values: DuckDBValue[][]): Record<string, Json>[] {
  return json.map((r, j) =>
    Object.fromEntries(columns.map((c, i) => [c, infiniteDate(values[j]?.[i]) ?? jsonCell(r[i] ?? null, types[i] ?? '')])),
  );
}

/** Rows as a JSON array of objects. */
export function formatJson(columns: string[], types: string[], json: Json[][], values: DuckDBValue[][]): string {
  return JSON.stringify(toJsonObjects(columns, types, json, values), null, 2);
}

function csvField(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** Rows of display text (see displayText) as CSV with a header; NULL is an empty field. */
export function formatCsv(columns: string[], rows: (string | null)[][]): string {
  return [columns.map(csvField).join(','), ...rows.map((r) => r.map((v) => csvField(v ?? '')).join(','))].join('\n');
}
