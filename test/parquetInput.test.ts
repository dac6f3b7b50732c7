import { quotedString } from '@duckdb/node-api';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { withWarehouse } from '../pipeline/warehouse/Warehouse.js';
import { makeWorkspace, type Workspace } from './support/fixtures.js';

/** Writes data/<rel> as Parquet from a SELECT run in a scratch DuckDB. */
async function writeParquet(ws: Workspace, rel: string, select: string): Promise<void> {
  const file = ws.write(rel, '');
  await withWarehouse({ path: ':memory:' }, (w) => w.run(`COPY (${select}) TO ${quotedString(file)} (FORMAT parquet)`));
}

describe('Parquet drop files', () => {
  let ws: Workspace;
  afterEach(() => ws?.cleanup());

  it('reads typed and all-text Parquet like CSV/JSON: names normalised, union by name, values cast or rejected', async () => {
    ws = makeWorkspace('parquet');
    await writeParquet(
      ws,
      'Orders/typed.parquet',
      `SELECT * FROM (VALUES
         ('YR-1,0', 1::BIGINT, TIMESTAMP '2024-03-01 10:00:00', 'A', 2::BIGINT, 10.5::DOUBLE, 'card'),
         ('2',      1::BIGINT, TIMESTAMP '2024-03-02 10:00:00', 'B', 3.5::DOUBLE::BIGINT, 20::DOUBLE, NULL),
         ('3',      9999999999::BIGINT, TIMESTAMP '2024-03-02 10:00:00', 'B', 1, 5::DOUBLE, NULL)
       ) t("Order ID", "Customer ID", "Order Time", "SKU", "Quantity", "Order Total", "Payment Method")`,
    );
    await writeParquet(
      ws,
      'Orders/text.parquet',
      `SELECT * FROM (VALUES
         ('4', '1', '2024-03-03T10:00:00', 'C', '3.0', '7.25', 'gift'),
         ('5', '1', '2024-03-03 10:00:00', 'C', '3.5', '7', NULL),
         ('6', '1', 'soon', 'C', '1', '7', NULL)
       ) t("order id", "CUSTOMER ID", "Order  Time", "sku", "quantity", "Order Total", "Coupon")`,
    );
    await writeParquet(ws, 'Orders/fractional.parquet', `SELECT '7' AS "Order ID", 3.5::DOUBLE AS "Customer ID", TIMESTAMP '2024-03-01 10:00:00' AS "Order Time", 'A' AS SKU, 3.5::DOUBLE AS Quantity, 1::DOUBLE AS "Order Total"`);
    await writeParquet(ws, 'Deliveries/d.parquet', `SELECT * FROM (VALUES (1::BIGINT, 100::INTEGER), (4, 40)) t("Order ID", "Distance (m)")`);
    await writeParquet(ws, 'Customers/c.parquet', `SELECT 1::BIGINT AS "Customer ID", 'Ann' AS "Customer Name", 12::BIGINT AS "Number of employees"`);
    ws.write('Orders/missing.parquet', '');
    await writeParquet(ws, 'Orders/missing.parquet', `SELECT 1 AS "Order ID"`);
    ws.write('Orders/corrupt.parquet', 'PAR1 this is not parquet');
    const report = await ws.run();
    const byPath = Object.fromEntries(report.files.map((f) => [f.path, f]));
    expect(byPath['Orders/typed.parquet']).toMatchObject({ status: 'loaded', rowsRead: 3, rowsLoaded: 2, rowsRejected: 1 });
    expect(byPath['Orders/text.parquet']).toMatchObject({ status: 'loaded', rowsRead: 3, rowsLoaded: 1, rowsRejected: 2 });
    expect(byPath['Orders/fractional.parquet']).toMatchObject({ status: 'loaded', rowsRead: 1, rowsLoaded: 0, rowsRejected: 1 });
    expect(byPath['Deliveries/d.parquet']).toMatchObject({ status: 'loaded', rowsLoaded: 2 });
    expect(byPath['Customers/c.parquet']).toMatchObject({ status: 'loaded', rowsLoaded: 1 });
    expect(byPath['Orders/missing.parquet']).toMatchObject({ status: 'quarantined' });
    expect(byPath['Orders/missing.parquet']!.reason).toMatch(/^missing required columns Customer_ID, Order_Time/);
    expect(byPath['Orders/corrupt.parquet']).toMatchObject({ status: 'quarantined' });
    expect(byPath['Orders/corrupt.parquet']!.reason).toMatch(/^cannot be read: /);
    // Regression: the reason named the private link DuckDB read (/tmp/pipeline-read-…/input.parquet).
    expect(byPath['Orders/corrupt.parquet']!.reason).toContain(`'Orders/corrupt.parquet'`);
    expect(byPath['Orders/corrupt.parquet']!.reason).not.toMatch(/pipeline-read|input\.parquet/);

    const rejects = await ws.query<{ path: string; line: number; column_name: string; reason: string; raw_record: string }>(
      `SELECT path, line, column_name, reason, raw_record FROM pipeline_rejects ORDER BY path, line`,
    );
    expect(rejects.map((r) => [path.basename(r.path), r.line, r.column_name, r.reason])).toEqual([
      ['fractional.parquet', 1, 'Customer_ID', "Customer_ID '3.5' is not an integer"],
      ['text.parquet', 2, 'Quantity', "Quantity '3.5' is not a whole number"],
      ['text.parquet', 3, 'Order_Time', "Order_Time 'soon' is not an ISO 8601 timestamp"],
      ['typed.parquet', 3, 'Customer_ID', "Customer_ID '9999999999' is out of range (INTEGER)"],
    ]);
    expect(JSON.parse(rejects[1]!.raw_record)).toMatchObject({ quantity: '3.5', 'order id': '5' });
    expect(await ws.query('SELECT Order_ID, Customer_ID, Order_Time::VARCHAR AS t, Quantity, Order_Total, Payment_Method, Coupon FROM raw_orders ORDER BY 1')).toEqual([
      { Order_ID: 1, Customer_ID: 1, t: '2024-03-01 10:00:00', Quantity: 2, Order_Total: 10.5, Payment_Method: 'card', Coupon: null },
      { Order_ID: 2, Customer_ID: 1, t: '2024-03-02 10:00:00', Quantity: 4, Order_Total: 20, Payment_Method: null, Coupon: null },
      { Order_ID: 4, Customer_ID: 1, t: '2024-03-03 10:00:00', Quantity: 3, Order_Total: 7.25, Payment_Method: null, Coupon: 'gift' },
    ]);
    expect(await ws.query('SELECT Customer_ID, Order_Count, Total_Delivery_Distance FROM ecommerce ORDER BY start_timestamp')).toEqual([
      { Customer_ID: 1, Order_Count: 2, Total_Delivery_Distance: 140 },
    ]);
    expect(await ws.query('SELECT Customer_ID, Customer_Name, Number_of_Employees FROM raw_customers')).toEqual([
      { Customer_ID: 1, Customer_Name: 'Ann', Number_of_Employees: 12 },
    ]);
  });
});

describe('a damaged Parquet drop file', () => {
  let ws: Workspace;
  afterEach(() => ws?.cleanup());

  // Guard: an input that DuckDB cannot read (truncated Parquet) must not mark the warehouse corrupt.
  it('is quarantined; the warehouse is not taken for corrupt', async () => {
    ws = makeWorkspace('pqtrunc');
    await writeParquet(ws, 'Orders/full.parquet', `SELECT '1' AS "Order ID", 1 AS "Customer ID", TIMESTAMP '2024-03-01 10:00:00' AS "Order Time", 'A' AS SKU, 1 AS Quantity, 1.0 AS "Order Total" FROM range(1000)`);
    const full = fs.readFileSync(path.join(ws.dataDir, 'Orders/full.parquet'));
    ws.write('Orders/truncated.parquet', Buffer.concat([full.subarray(0, 200), full.subarray(full.length - 8)]));
    ws.write('Orders/cut.parquet', full.subarray(0, full.length - 3));
    const report = await ws.run();
    const byPath = Object.fromEntries(report.files.map((f) => [f.path, f]));
    expect(byPath['Orders/full.parquet']!.status).toBe('loaded');
    expect(byPath['Orders/truncated.parquet']!.status).toBe('quarantined');
    expect(byPath['Orders/cut.parquet']!.status).toBe('quarantined');
    expect((await ws.run()).changed).toBe(false);
    expect(fs.existsSync(`${ws.warehousePath}.corrupt.json`)).toBe(false);
  });
});
