/**
 * A cell as the table, markdown and line modes print it. SQL NULL prints as
 * NULL (as in the DuckDB CLI); a string that would look the same — 'NULL', or
 * 'NULL' already wrapped in quotes — gets one more pair of quotes, so the two
 * never print alike. Line breaks and tabs print as \n, \r and \t: one value,
 * one line.
 */
export function cellText(value: string | null): string {
  if (value === null) return 'NULL';
  if (/^'*NULL'*$/.test(value)) return `'${value}'`;
  return value.replace(/[\n\r\t]/g, (c) => (c === '\n' ? '\\n' : c === '\r' ? '\\r' : '\\t'));
}

/** Terminal columns a text takes (one per code point; wide East Asian characters are not measured). */
export function textWidth(s: string): number {
  return [...s].length;
}

/** Cuts a text to `width` columns, ending in … when cut. */
export function clip(s: string, width: number): string {
  if (textWidth(s) <= width) return s;
  return `${[...s].slice(0, Math.max(0, width - 1)).join('')}…`;
}
