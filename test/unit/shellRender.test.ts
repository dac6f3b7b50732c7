import { expect, it } from 'vitest';
import { renderResult } from '../../pipeline/shell/renderResult.js';
import { renderTable } from '../../pipeline/shell/renderTable.js';
import { renderTableList } from '../../pipeline/shell/renderTableList.js';

const RAW = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/;
const OSC = '\x1b]0;pwned\x07';

it('renderTable measures and draws 200,000 rows (a spread of that many widths overflowed the stack)', () => {
  const rows = Array.from({ length: 200_000 }, (_, i) => [String(i)]);
  const table = renderTable({ columns: ['i'], types: ['BIGINT'], rows, totalRows: rows.length });
  const lines = table.split('\n');
  expect(lines).toHaveLength(200_000 + 5);
  expect(lines.at(-2)).toBe('└────────┘');
  expect(lines.at(-3)).toBe('│ 199999 │');
});

it('renderTable escapes control characters in cells, column names and the hidden-columns footer; tabs and newlines print as \\t, \\n', () => {
  const columns = [`name${OSC}`, ...Array.from({ length: 8 }, (_, i) => `c${i}\x1b[31m`)];
  const input = { columns, types: columns.map(() => 'VARCHAR'), rows: [columns.map(() => `a\tb\nc${OSC}\x9b`)], totalRows: 1 };
  for (const table of [renderTable(input), renderTable({ ...input, width: 50 })]) {
    expect(table).not.toMatch(RAW);
    expect(table).toContain('name\\x1b]0;pwned\\x07');
  }
  expect(renderTable(input)).toContain('a\\tb\\nc\\x1b]0;pwned\\x07\\x9b');
  expect(renderTable({ ...input, width: 50 })).toMatch(/columns hidden: .*c\d\\x1b\[31m/);
  // Every line of a cut table fits the width: escapes are measured as printed.
  for (const line of renderTable({ ...input, width: 50 }).split('\n')) expect([...line].length).toBeLessThanOrEqual(50);
});

it('csv is exact for files and pipes and escaped for a terminal; json escapes DEL and C1 the JSON way', () => {
  const result = { columns: [`x${OSC}`], types: ['VARCHAR'], rows: [[`v${OSC}\x7f`]], totalRows: 1 };
  expect(renderResult(result, { mode: 'csv' })).toBe(`x${OSC}\nv${OSC}\x7f`);
  expect(renderResult(result, { mode: 'csv', terminal: true })).toBe('x\\x1b]0;pwned\\x07\nv\\x1b]0;pwned\\x07\\x7f');
  for (const mode of ['markdown', 'line'] as const) expect(renderResult(result, { mode })).not.toMatch(RAW);
  const json = renderResult({ ...result, rows: [['\x9b\x7f']], json: [['\x9b\x7f']] }, { mode: 'json' });
  expect(json).not.toMatch(RAW);
  expect(JSON.parse(json)).toEqual([{ [`x${OSC}`]: '\x9b\x7f' }]);
});

it('.tables: every table of the warehouse described, pipeline_withdrawn_rows too; a name with ESC escaped; "constructor" is just a table', () => {
  const list = renderTableList([
    { name: 'pipeline_withdrawn_rows', kind: 'table' },
    { name: `evil${OSC}`, kind: 'table' },
    { name: 'constructor', kind: 'table' },
    { name: 'toString', kind: 'view' },
  ]);
  expect(list).toMatch(/pipeline_withdrawn_rows +rows of withdrawn \(superseded or retracted\) file versions/);
  expect(list).toMatch(/^ {2}evil\\x1b\]0;pwned\\x07 +table$/m);
  expect(list).toMatch(/^ {2}constructor +table$/m);
  expect(list).toMatch(/^ {2}toString +view$/m);
  expect(list).not.toMatch(RAW);
});
