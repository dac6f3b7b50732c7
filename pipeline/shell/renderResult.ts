import { terminalSafe } from '../cli/terminalSafe.js';
import { cellText, maxWidth, oneLine, textWidth } from './cellText.js';
import { displayText, formatCsv, formatJson, type OutputFormat } from './formatRows.js';
import { isNumberType, type ResultSet } from './ResultSet.js';
import { renderTable } from './renderTable.js';

export interface RenderOptions {
  mode: OutputFormat;
  /** Terminal width for table mode; undefined = unlimited. */
  width?: number;
  color?: boolean;
  /**
   * The text goes to a terminal: csv prints control characters as visible
   * escapes (terminalSafe). Off, csv keeps every value exactly (files, pipes).
   * Table, markdown and line modes always escape them; json escapes them the
   * JSON way (\u001b), which reads back as the same value.
   */
  terminal?: boolean;
}

function renderMarkdown(result: ResultSet, rows: (string | null)[][]): string {
  const esc = (s: string) => s.replaceAll('|', '\\|');
  const line = (cells: string[]) => `| ${cells.map(esc).join(' | ')} |`;
  return [
    line(result.columns.map(oneLine)),
    `|${result.types.map((t) => (isNumberType(t) ? '---:' : '---')).join('|')}|`,
    ...rows.map((r) => line(r.map(cellText))),
  ].join('\n');
}

/** `.mode line`: one `column = value` line per cell, a blank line between rows. */
function renderLines(result: ResultSet, rows: (string | null)[][]): string {
  const names = result.columns.map(oneLine);
  const w = maxWidth(names);
  return rows
    .map((r) => names.map((c, i) => `${' '.repeat(w - textWidth(c))}${c} = ${cellText(r[i] ?? null)}`).join('\n'))
    .join('\n\n');
}

/**
 * JSON.stringify escapes C0 controls (\u001b) but leaves DEL, the C1 controls
 * and the bidi overrides raw; as \uXXXX they parse back to the same string.
 */
function jsonTerminalSafe(json: string): string {
  return json.replace(/[\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A statement's result in the chosen mode; empty when the statement returns no columns. */
export function renderResult(result: ResultSet, options: RenderOptions): string {
  if (result.columns.length === 0) return '';
  if (options.mode === 'json') return jsonTerminalSafe(formatJson(result.columns, result.types, result.json ?? [], result.rows));
  const rows = result.rows.map((r) => r.map((v, i) => displayText(v, result.types[i])));
  switch (options.mode) {
    case 'csv':
      return options.terminal
        ? formatCsv(result.columns.map(terminalSafe), rows.map((r) => r.map((v) => (v === null ? null : terminalSafe(v)))))
        : formatCsv(result.columns, rows);
    case 'markdown':
      return renderMarkdown(result, rows);
    case 'line':
      return renderLines(result, rows);
    case 'table':
      return renderTable({ columns: result.columns, types: result.types, rows, totalRows: result.totalRows, width: options.width, color: options.color });
  }
}
