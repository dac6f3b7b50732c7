import { expect, it } from 'vitest';
import { fillPlaceholders, SqlSnapshot } from '../../pipeline/warehouse/sqlFiles.js';

const TEXT = `-- {{orders}}: the orders in scope
SELECT * FROM {{orders}} WHERE ts < now() - {{window}}`;

// Regression: a multi-line value substituted into a `-- {{orders}}:` comment line
// spilled out of the comment and broke the incremental metrics SQL.
it('fills placeholders in SQL but leaves those in comment lines alone', () => {
  const sql = fillPlaceholders('x.sql', TEXT, { orders: '(SELECT *\nFROM cur_orders)', window: "INTERVAL '10 days'" });
  expect(sql).toContain('-- {{orders}}:');
  expect(sql).toContain('FROM (SELECT *\nFROM cur_orders)');
  expect(sql).not.toMatch(/^[^-\n]*\{\{/m);
});

it('names the missing value when a placeholder is not given', () => {
  expect(() => fillPlaceholders('x.sql', TEXT, { orders: 'cur_orders' })).toThrow(/sql\/x\.sql needs a value for \{\{window\}\}/);
});

it('a snapshot renders exactly the text it was given and names a missing file', () => {
  const snapshot = new SqlSnapshot([{ name: 'marts/m.sql', kind: 'marts', checksum: 'c', text: 'SELECT 1' }]);
  expect(snapshot.render('marts/m.sql')).toBe('SELECT 1');
  expect(snapshot.ofKind('marts').map((f) => f.name)).toEqual(['marts/m.sql']);
  expect(() => snapshot.render('marts/gone.sql')).toThrow(/sql\/marts\/gone\.sql is missing/);
});

it('the run steps take no {{placeholders}}: they read variables and named tables', () => {
  const snapshot = SqlSnapshot.read();
  for (const f of snapshot.files.filter((x) => ['batch', 'state', 'marts'].includes(x.kind))) {
    expect(() => snapshot.render(f.name), f.name).not.toThrow();
  }
});
