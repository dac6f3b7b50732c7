import { describe, expect, it } from 'vitest';
import { DATASETS } from '../../pipeline/ingest/datasets.js';
import { planColumns } from '../../pipeline/ingest/planColumns.js';

const orders = DATASETS.Orders;
const REQUIRED = ['Order ID', 'Customer ID', 'Order Time', 'SKU', 'Quantity', 'Order Total'];

describe('planColumns', () => {
  it('renames producer names to canonical ones and fills known columns the file lacks with typed NULLs', () => {
    const plan = planColumns(orders, { columns: [...REQUIRED, 'Discount', 'Gift Wrap'] });
    expect(plan.problem).toBeUndefined();
    expect(plan.select).toContain('"Order ID" AS "Order_ID"');
    expect(plan.select).toContain('"Discount" AS "Order_Discount"');
    expect(plan.select).toContain('"Gift Wrap" AS "Gift_Wrap"');
    expect(plan.select).toContain('NULL::DOUBLE AS "Order_Tip"');
    expect(plan.select).toContain('NULL::VARCHAR AS "Payment_Method"');
  });

  it('names every missing required column and what the file has', () => {
    expect(planColumns(orders, { columns: ['Order ID', 'SKU'] }).problem).toBe(
      'missing required columns Customer_ID, Order_Time, Quantity, Order_Total (found: Order ID, SKU)',
    );
    expect(planColumns(orders, { columns: [] }).problem).toMatch(/found: none\)$/);
  });

  it('quarantines two columns that mean the same one, and names reserved by the pipeline', () => {
    expect(planColumns(orders, { columns: [...REQUIRED, 'order_id'] }).problem).toBe('columns "Order ID" and "order_id" both mean Order_ID');
    expect(planColumns(orders, { columns: [...REQUIRED, '_row'] }).problem).toBe('column "_row" uses a name reserved by the pipeline');
    expect(planColumns(orders, { columns: [...REQUIRED, '_reject_reason'] }).problem).toMatch(/reserved/);
  });

  it('JSON datasets read known columns as text and keep the raw record last', () => {
    const plan = planColumns(DATASETS.Customers, { columns: ['Customer ID'], rawRecordColumn: 'json' });
    expect(plan.select).toContain('NULL::VARCHAR AS "Number_of_Employees"');
    expect(plan.select.at(-1)).toBe('"json" AS _raw_record');
  });
});
