import { describe, expect, it } from 'vitest';
import { DATASETS } from '../../pipeline/ingest/datasets.js';
import { planColumns } from '../../pipeline/ingest/planColumns.js';

const orders = DATASETS.Orders;
const REQUIRED = ['Order ID', 'Customer ID', 'Order Time', 'SKU', 'Quantity', 'Order Total'];

describe('planColumns', () => {
  it('renames producer names to canonical ones and fills known columns the file lacks with NULL text', () => {
    const plan = planColumns(orders, { columns: [...REQUIRED, 'Discount', 'Gift Wrap'] });
    expect(plan.problem).toBeUndefined();
    expect(plan.select).toContain('"Order ID" AS "Order_ID"');
    expect(plan.select).toContain('"Discount" AS "Order_Discount"');
    expect(plan.select).toContain('"Gift Wrap" AS "Gift_Wrap"');
    expect(plan.select).toContain('NULL::VARCHAR AS "Order_Tip"');
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
    expect(planColumns(orders, { columns: [...REQUIRED, '_row'] }).problem).toBe(
      'column "_row" uses the name _row, reserved by the pipeline (reserved: _file_id, _row, _line, rowid)',
    );
    expect(planColumns(orders, { columns: [...REQUIRED, ' ROWID '] }).problem).toMatch(/^column " ROWID " uses the name ROWID, reserved/);
    // The staging SQL's own columns are named "pipeline …": a producer's name, normalised, cannot be one.
    expect(planColumns(orders, { columns: [...REQUIRED, '_reject_reason', 'pipeline reject reason'] }).select).toContain(
      '"pipeline reject reason" AS "pipeline_reject_reason"',
    );
  });

  it('keeps the record for rejects last: the raw record column (JSON, Parquet) or the CSV fields as written', () => {
    const plan = planColumns(DATASETS.Customers, { columns: ['Customer ID'], rawRecordColumn: 'json' });
    expect(plan.select).toContain('NULL::VARCHAR AS "Number_of_Employees"');
    expect(plan.select.at(-1)).toBe('"json" AS "pipeline raw record"');
    expect(planColumns(orders, { columns: REQUIRED }).select.at(-1)).toBe(
      `struct_pack(${REQUIRED.map((c) => `"${c}" := "${c}"`).join(', ')}) AS "pipeline raw record"`,
    );
  });
});
