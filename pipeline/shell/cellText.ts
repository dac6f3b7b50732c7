import { terminalSafe } from '../cli/terminalSafe.js';

/**
 * Text on one line, safe for a terminal: line breaks and tabs print as \n,
 * \r and \t, every other control character as a visible escape (\x1b; see
 * terminalSafe), so a value cannot break the table or drive the terminal.
 */
export function oneLine(value: string): string {
  return terminalSafe(value.replace(/[\n\r\t]/g, (c) => (c === '\n' ? '\\n' : c === '\r' ? '\\r' : '\\t')));
}

/**
 * A cell as the table, markdown and line modes print it. SQL NULL prints as
 * NULL (as in the DuckDB CLI); a string that would look the same — 'NULL', or
 * 'NULL' already wrapped in quotes — gets one more pair of quotes, so the two
 * never print alike. One value, one line, no control characters (oneLine).
 */
export function cellText(value: string | null): string {
  if (value === null) return 'NULL';
  if (/^'*NULL'*$/.test(value)) return `'${value}'`;
  return oneLine(value);
}

/** Terminal columns a text takes (one per code point; wide East Asian characters are not measured). */
export function textWidth(s: string): number {
  return [...s].length;
}

/** The widest of `texts` (0 for none); a loop, as a spread of 200k widths overflows the stack. */
export function maxWidth(texts: Iterable<string>): number {
  let widest = 0;
  for (const t of texts) widest = Math.max(widest, textWidth(t));
  return widest;
}

/** Cuts a text to `width` columns, ending in … when cut. */
export function clip(s: string, width: number): string {
  if (textWidth(s) <= width) return s;
  return `${[...s].slice(0, Math.max(0, width - 1)).join('')}…`;
}
