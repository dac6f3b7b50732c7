import { cellText, clip, maxWidth, oneLine, textWidth } from './cellText.js';
import { isNumberType } from './ResultSet.js';

export interface TableInput {
  columns: string[];
  types: string[];
  /** Display text of the rows shown (null = SQL NULL). */
  rows: (string | null)[][];
  /** Rows the statement returned; the rest are noted as "… N more rows". */
  totalRows: number;
  /** Terminal width: columns that do not fit are hidden and noted. Undefined = unlimited (pipes, CI). */
  width?: number;
  /** Dim NULLs with ANSI escapes (a colour terminal). */
  color?: boolean;
}

/** Widest a column gets on a terminal; longer values end in …. Unlimited without a width. */
const MAX_CELL = 60;
const HIDDEN = '…';

/**
 * Which columns fit in `width`: DuckDB's way, first and last columns first,
 * working inwards; the hidden ones become one … column where they were.
 */
function fitColumns(widths: number[], width: number | undefined): number[] {
  const all = widths.map((_, i) => i);
  const total = (ids: number[]) => ids.reduce((a, i) => a + widths[i]! + 3, 1);
  if (width === undefined || total(all) <= width) return all;
  const order: number[] = [];
  for (let l = 0, r = widths.length - 1; l <= r; l++, r--) {
    order.push(l);
    if (r !== l) order.push(r);
  }
  const shown: number[] = [];
  for (const i of order) {
    if (total([...shown, i]) + HIDDEN.length + 3 > width) break;
    shown.push(i);
  }
  return shown.sort((a, b) => a - b);
}

/**
 * A result as a box table, the way the DuckDB CLI draws it: numbers
 * right-aligned, NULL distinct from the string 'NULL' (dimmed on a colour
 * terminal), columns beyond the terminal width hidden with a note, rows beyond
 * the shown ones noted as "… N more rows", cells and column names on one line
 * with control characters escaped (oneLine). Pure: text in, text out.
 */
export function renderTable(input: TableInput): string {
  const { types } = input;
  const columns = input.columns.map(oneLine);
  const cells = input.rows.map((r) => r.map(cellText));
  const cap = input.width === undefined ? Infinity : Math.min(MAX_CELL, Math.max(8, input.width - 8));
  const natural = columns.map((c, i) => Math.min(cap, Math.max(textWidth(c), maxWidth(cells.map((r) => r[i]!)))));
  let shown = fitColumns(natural, input.width);
  const widths = [...natural];
  if (shown.length === 0) {
    // Not even one column fits: show the first, cut to the width.
    shown = [0];
    widths[0] = Math.max(1, (input.width ?? 0) - 4 - (columns.length > 1 ? HIDDEN.length + 3 : 0));
  }
  const hidden = columns.length - shown.length;
  // Positions in the drawn table: shown columns, with one … column at the first gap.
  const slots: (number | 'hidden')[] = [];
  shown.forEach((c, k) => {
    slots.push(c);
    if (hidden > 0 && shown[k + 1] !== undefined && shown[k + 1]! !== c + 1) slots.push('hidden');
  });
  if (hidden > 0 && !slots.includes('hidden')) slots.push('hidden');

  const slotWidth = (s: number | 'hidden') => (s === 'hidden' ? HIDDEN.length : widths[s]!);
  const pad = (text: string, w: number, right: boolean) => {
    const t = clip(text, w);
    const fill = ' '.repeat(w - textWidth(t));
    return right ? fill + t : t + fill;
  };
  const dim = (s: string) => (input.color ? s.replace('NULL', '\x1b[2mNULL\x1b[22m') : s);
  const line = (texts: (s: number | 'hidden') => { text: string; right: boolean; isNull: boolean }) =>
    `│ ${slots
      .map((s) => {
        const t = texts(s);
        const padded = pad(t.text, slotWidth(s), t.right);
        return t.isNull ? dim(padded) : padded;
      })
      .join(' │ ')} │`;
  const rule = (l: string, m: string, r: string) => `${l}${slots.map((s) => '─'.repeat(slotWidth(s) + 2)).join(m)}${r}`;
  const out = [
    rule('┌', '┬', '┐'),
    line((s) => ({ text: s === 'hidden' ? HIDDEN : columns[s]!, right: false, isNull: false })),
    rule('├', '┼', '┤'),
    ...cells.map((row, j) =>
      line((s) =>
        s === 'hidden'
          ? { text: HIDDEN, right: false, isNull: false }
          : { text: row[s]!, right: isNumberType(types[s] ?? ''), isNull: input.rows[j]![s] === null },
      ),
    ),
    rule('└', '┴', '┘'),
  ];
  const more = input.totalRows - input.rows.length;
  if (more > 0) out.push(`… ${more} more row${more === 1 ? '' : 's'}`);
  let footer = `${input.totalRows} row${input.totalRows === 1 ? '' : 's'}`;
  if (more > 0) footer += ` (${input.rows.length} shown)`;
  if (hidden > 0) {
    const names = columns.filter((_, i) => !shown.includes(i)).join(', ');
    footer += `, ${hidden} column${hidden === 1 ? '' : 's'} hidden: ${names}`;
    if (input.width !== undefined) footer = clip(footer, input.width);
  }
  out.push(footer);
  return out.join('\n');
}
