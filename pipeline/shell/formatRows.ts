export type OutputFormat = 'table' | 'csv' | 'json';

/** JSON-safe plain value: bigint as number when safe (else string), dates as ISO-like text. */
export function plainValue(v: unknown): unknown {
  if (typeof v === 'bigint') return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
  if (v instanceof Date) return v.toISOString().replace('T', ' ').replace('Z', '');
  if (v === undefined) return null;
  if (v !== null && typeof v === 'object') return JSON.parse(JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x)));
  return v;
}

function text(v: unknown): string {
  const p = plainValue(v);
  if (p === null) return '';
  if (typeof p === 'object') return JSON.stringify(p);
  return String(p);
}

function csvField(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** Renders query rows as an aligned table, CSV, or JSON (an array of objects). */
export function formatRows(columns: string[], rows: unknown[][], format: OutputFormat): string {
  if (format === 'json') {
    return JSON.stringify(rows.map((r) => Object.fromEntries(columns.map((c, i) => [c, plainValue(r[i])]))), null, 2);
  }
  if (format === 'csv') {
    return [columns.map(csvField).join(','), ...rows.map((r) => r.map((v) => csvField(text(v))).join(','))].join('\n');
  }
  const cells = rows.map((r) => r.map((v) => (v === null ? 'NULL' : text(v))));
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
