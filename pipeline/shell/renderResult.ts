import { cellText, textWidth } from './cellText.js';
import { displayText, formatCsv, formatJson, type OutputFormat } from './formatRows.js';
import { isNumberType, type ResultSet } from './ResultSet.js';
import { renderTable } from './renderTable.js';

export interface RenderOptions {
  mode: OutputFormat;
  /** Terminal width for table mode; undefined = unlimited. */
  width?: number;
  color?: boolean;
}

function renderMarkdown(result: ResultSet, rows: (string | null)[][]): string {
  const esc = (s: string) => s.replaceAll('|', '\\|');
  const line = (cells: string[]) => `| ${cells.map(esc).join(' | ')} |`;
  return [
    line(result.columns),
    `|${result.types.map((t) => (isNumberType(t) ? '---:' : '---')).join('|')}|`,
    ...rows.map((r) => line(r.map(cellText))),
  ].join('\n');
}

/** `.mode line`: one `column = value` line per cell, a blank line between rows. */
function renderLines(result: ResultSet, rows: (string | null)[][]): string {
  const w = Math.max(0, ...result.columns.map(textWidth));
  return rows
    .map((r) => result.columns.map((c, i) => `${' '.repeat(w - textWidth(c))}${c} = ${cellText(r[i] ?? null)}`).join('\n'))
    .join('\n\n');
}

/** A statement's result in the chosen mode; empty when the statement returns no columns. */
export function renderResult(result: ResultSet, options: RenderOptions): string {
  if (result.columns.length === 0) return '';
  if (options.mode === 'json') return formatJson(result.columns, result.types, result.json ?? [], result.rows);
  const rows = result.rows.map((r) => r.map((v, i) => displayText(v, result.types[i])));
  switch (options.mode) {
    case 'csv':
      return formatCsv(result.columns, rows);
    case 'markdown':
      return renderMarkdown(result, rows);
    case 'line':
      return renderLines(result, rows);
    case 'table':
      return renderTable({ columns: result.columns, types: result.types, rows, totalRows: result.totalRows, width: options.width, color: options.color });
  }
}
