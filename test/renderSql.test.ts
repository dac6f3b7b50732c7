import { expect, it } from 'vitest';
import { SqlSnapshot } from '../pipeline/warehouse/sqlFiles.js';

const renderSql = (name: string, params: Record<string, string>) => SqlSnapshot.read().render(name, params);

// Regression: a multi-line value substituted into a `-- {{orders}}:` comment line
// spilled out of the comment and broke the incremental metrics SQL.
it('fills placeholders in SQL but leaves those in comment lines alone', () => {
  const sql = renderSql('marts/ecommerce_metrics.sql', { orders: '(SELECT *\nFROM cur_orders)', window: "INTERVAL '10 days'" });
  expect(sql).toContain('-- {{orders}}:');
  expect(sql).toContain('FROM (SELECT *\nFROM cur_orders)');
  expect(sql).not.toMatch(/^[^-\n]*\{\{/m);
});

it('names the missing value when a placeholder is not given', () => {
  expect(() => renderSql('marts/ecommerce_metrics.sql', { orders: 'cur_orders' })).toThrow(/needs a value for \{\{window\}\}/);
});
