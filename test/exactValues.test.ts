import { quotedString } from '@duckdb/node-api';
import { afterEach, describe, expect, it } from 'vitest';
import { withWarehouse } from '../pipeline/warehouse/Warehouse.js';
import { makeWorkspace, type Workspace } from './support/fixtures.js';

// docs/contract.md, "Exact values": a value is loaded exactly as written or its
// row is rejected with a reason, never converted into another value.

const ORDERS_HEADER = 'Order ID,Customer ID,Order Time,SKU,Quantity,Order Total';

async function writeParquet(ws: Workspace, rel: string, select: string): Promise<void> {
  const file = ws.write(rel, '');
  await withWarehouse({ path: ':memory:' }, (w) => w.run(`COPY (${select}) TO ${quotedString(file)} (FORMAT parquet)`));
}

async function rejectsOf(ws: Workspace, path: string) {
  return ws.query<{ line: number; column_name: string; reason: string; raw_record: string; key: number | null }>(
    `SELECT line, column_name, reason, raw_record, key FROM pipeline_rejects WHERE path = ${quotedString(path)} ORDER BY line`,
  );
}

describe('values DuckDB would convert are rejected rows', () => {
  let ws: Workspace;
  afterEach(() => ws?.cleanup());

  // Regression: Customer ID 3.5 -> 4, 0x10 -> 16, 1_000 -> 1000, 1e1 -> 10; Quantity 1_0 -> 10; Order Total 1_0.5 -> 10.5.
  it('integers, whole numbers and decimals: CSV orders', async () => {
    ws = makeWorkspace('exact-csv');
    ws.write(
      'Orders/o.csv',
      [
        ORDERS_HEADER,
        '1,3.5,2024-03-01 10:00:00,A,1,10', // 2
        '2,0x10,2024-03-01 10:00:00,A,1,10', // 3
        '3,1_000,2024-03-01 10:00:00,A,1,10', // 4
        '4,1e1,2024-03-01 10:00:00,A,1,10', // 5
        '5,1,2024-03-01 10:00:00,A,1_0,10', // 6
        '6,1,2024-03-01 10:00:00,A,1,1_0.5', // 7
        '7,1,2024-03-01 10:00:00,A,0x2,10', // 8
        '8,1,2024-03-01 10:00:00,A,1,0x10', // 9
        '9,+7, 2024-03-01 10:00:00 ,A,3.0,1.5e2', // 10 loads: sign, blanks, 3.0, exponent in a decimal
        '10,-2,2024-03-01 10:00:00,A,-4,-0.25', // 11 loads
      ].join('\n') + '\n',
    );
    const report = await ws.run();
    expect(report.files[0]).toMatchObject({ status: 'loaded', rowsRead: 10, rowsLoaded: 2, rowsRejected: 8 });
    const rejects = await rejectsOf(ws, 'Orders/o.csv');
    expect(rejects.map((r) => [r.line, r.column_name, r.reason, r.key])).toEqual([
      [2, 'Customer_ID', "Customer_ID '3.5' is not an integer", 1],
      [3, 'Customer_ID', "Customer_ID '0x10' is not an integer", 2],
      [4, 'Customer_ID', "Customer_ID '1_000' is not an integer", 3],
      [5, 'Customer_ID', "Customer_ID '1e1' is not an integer", 4],
      [6, 'Quantity', "Quantity '1_0' is not written as a whole number (digits, optionally .0)", 5],
      [7, 'Order_Total', "Order_Total '1_0.5' is not a decimal number", 6],
      [8, 'Quantity', "Quantity '0x2' is not written as a whole number (digits, optionally .0)", 7],
      [9, 'Order_Total', "Order_Total '0x10' is not a decimal number", 8],
    ]);
    // The record holds the fields as written (it showed "Quantity":2 for 2.5 and "Customer_ID":4 for 3.5).
    expect(JSON.parse(rejects[0]!.raw_record)).toEqual({
      'Order ID': '1', 'Customer ID': '3.5', 'Order Time': '2024-03-01 10:00:00', SKU: 'A', Quantity: '1', 'Order Total': '10',
    });
    expect(JSON.parse(rejects[4]!.raw_record)).toMatchObject({ Quantity: '1_0' });
    expect(await ws.query('SELECT Order_ID, Customer_ID, Order_Time::VARCHAR AS t, Quantity, Order_Total FROM raw_orders ORDER BY 1')).toEqual([
      { Order_ID: 9, Customer_ID: 7, t: '2024-03-01 10:00:00', Quantity: 3, Order_Total: 150 },
      { Order_ID: 10, Customer_ID: -2, t: '2024-03-01 10:00:00', Quantity: -4, Order_Total: -0.25 },
    ]);
  });

  it('keeps a CSV reject record as written: Quantity 2.5 is "2.5", not 2', async () => {
    ws = makeWorkspace('exact-record');
    ws.write('Orders/o.csv', `${ORDERS_HEADER}\n1,1,2024-03-01 10:00:00,A,2.5,10\n`);
    await ws.run();
    const [reject] = await rejectsOf(ws, 'Orders/o.csv');
    expect(reject!.reason).toBe("Quantity '2.5' is not a whole number");
    expect(JSON.parse(reject!.raw_record)).toMatchObject({ Quantity: '2.5', 'Customer ID': '1' });
  });

  it('integers and whole numbers: JSON customers (strings as written, numbers as the JSON reader reads them)', async () => {
    ws = makeWorkspace('exact-json');
    ws.write(
      'Customers/c.ndjson',
      [
        '{"Customer ID": "3.5"}', // 1
        '{"Customer ID": "0x10"}', // 2
        '{"Customer ID": "1_000"}', // 3
        '{"Customer ID": "1e1"}', // 4
        '{"Customer ID": 1e1}', // 5: the JSON number reads as 10.0
        '{"Customer ID": 3.5}', // 6
        '{"Customer ID": 7, "Number of Employees": "1_0"}', // 7
        '{"Customer ID": 8, "Number of Employees": "2.5"}', // 8
        '{"Customer ID": 9, "Number of Employees": "4.0"}', // 9 loads
        '{"Customer ID": "11", "Number of Employees": 12}', // 10 loads
      ].join('\n') + '\n',
    );
    const report = await ws.run();
    expect(report.files[0]).toMatchObject({ status: 'loaded', rowsRead: 10, rowsLoaded: 2, rowsRejected: 8 });
    const rejects = await rejectsOf(ws, 'Customers/c.ndjson');
    expect(rejects.map((r) => [r.line, r.column_name, r.reason, r.key])).toEqual([
      [1, 'Customer_ID', "Customer_ID '3.5' is not an integer", null],
      [2, 'Customer_ID', "Customer_ID '0x10' is not an integer", null],
      [3, 'Customer_ID', "Customer_ID '1_000' is not an integer", null],
      [4, 'Customer_ID', "Customer_ID '1e1' is not an integer", null],
      [5, 'Customer_ID', "Customer_ID '10.0' is not an integer", null],
      [6, 'Customer_ID', "Customer_ID '3.5' is not an integer", null],
      [7, 'Number_of_Employees', "Number_of_Employees '1_0' is not written as a whole number (digits, optionally .0)", 7],
      [8, 'Number_of_Employees', "Number_of_Employees '2.5' is not a whole number", 8],
    ]);
    expect(rejects[4]!.raw_record).toBe('{"Customer ID": 1e1}');
    expect(await ws.query('SELECT Customer_ID, Number_of_Employees FROM raw_customers ORDER BY 1')).toEqual([
      { Customer_ID: 9, Number_of_Employees: 4 },
      { Customer_ID: 11, Number_of_Employees: 12 },
    ]);
  });

  it('integers and decimals: all-text Parquet, and CSV deliveries', async () => {
    ws = makeWorkspace('exact-parquet');
    await writeParquet(
      ws,
      'Orders/text.parquet',
      `SELECT * FROM (VALUES
         ('1', '3.5',   '2024-03-01 10:00:00', 'A', '1',   '10'),
         ('2', '0x10',  '2024-03-01 10:00:00', 'A', '1',   '10'),
         ('3', '1_000', '2024-03-01 10:00:00', 'A', '1',   '10'),
         ('4', '1e1',   '2024-03-01 10:00:00', 'A', '1',   '10'),
         ('5', '1',     '2024-03-01 10:00:00', 'A', '1_0', '10'),
         ('6', '1',     '2024-03-01 10:00:00', 'A', '1',   '1_0.5'),
         ('7', '1',     '2024-03-01 10:00:00', 'A', '2',   '10.25')
       ) t("Order ID", "Customer ID", "Order Time", "SKU", "Quantity", "Order Total")`,
    );
    ws.write('Deliveries/d.csv', 'Order ID,Distance(m),Tip\n1,0x10,\n2,1_0,\n3,1e3,\n4,5,1_0\n5,5,0.5e1\n');
    const report = await ws.run();
    expect(report.files.map((f) => [f.path, f.rowsRead, f.rowsLoaded, f.rowsRejected]).sort()).toEqual([
      ['Deliveries/d.csv', 5, 2, 3],
      ['Orders/text.parquet', 7, 1, 6],
    ]);
    expect((await rejectsOf(ws, 'Orders/text.parquet')).map((r) => [r.line, r.column_name, r.reason])).toEqual([
      [1, 'Customer_ID', "Customer_ID '3.5' is not an integer"],
      [2, 'Customer_ID', "Customer_ID '0x10' is not an integer"],
      [3, 'Customer_ID', "Customer_ID '1_000' is not an integer"],
      [4, 'Customer_ID', "Customer_ID '1e1' is not an integer"],
      [5, 'Quantity', "Quantity '1_0' is not written as a whole number (digits, optionally .0)"],
      [6, 'Order_Total', "Order_Total '1_0.5' is not a decimal number"],
    ]);
    expect((await rejectsOf(ws, 'Deliveries/d.csv')).map((r) => [r.line, r.column_name, r.reason])).toEqual([
      [2, 'Distance_m', "Distance_m '0x10' is not a decimal number"],
      [3, 'Distance_m', "Distance_m '1_0' is not a decimal number"],
      [5, 'Tip', "Tip '1_0' is not a decimal number"],
    ]);
    expect(await ws.query('SELECT Order_ID, Customer_ID, Quantity, Order_Total FROM raw_orders')).toEqual([
      { Order_ID: 7, Customer_ID: 1, Quantity: 2, Order_Total: 10.25 },
    ]);
    expect(await ws.query('SELECT Order_ID, Distance_m, Tip FROM raw_deliveries ORDER BY 1')).toEqual([
      { Order_ID: 3, Distance_m: 1000, Tip: null },
      { Order_ID: 5, Distance_m: 5, Tip: 5 },
    ]);
  });
});

describe('timestamps with an offset', () => {
  let ws: Workspace;
  afterEach(() => ws?.cleanup());

  // Regression: 2024-03-08T02:00:00+05:00 was stored as 2024-03-08 02:00 (offset dropped, another window);
  // the same instant as a typed TIMESTAMPTZ loaded as 2024-03-07 21:00.
  it('text with an offset or Z is that instant in UTC, in CSV, text Parquet and typed TIMESTAMPTZ alike', async () => {
    ws = makeWorkspace('offset');
    ws.write(
      'Orders/o.csv',
      [
        ORDERS_HEADER,
        '1,1,2024-03-08T02:00:00+05:00,A,1,10',
        '2,1,2024-03-08 02:00:00+0530,A,1,10',
        '3,1,2024-03-07T21:00:00Z,A,1,10',
        '4,1,2024-03-08 02:00:00,A,1,10', // naive: UTC as written
        '5,1,2024-03-08 02:00:00 Europe/Berlin,A,1,10', // a zone name is not the contract's
        '6,1,2024-03-08,A,1,10', // a date alone: midnight
        '7,1,2024-02-30 10:00:00,A,1,10', // no such day
      ].join('\n') + '\n',
    );
    await writeParquet(
      ws,
      'Orders/text.parquet',
      `SELECT '11' AS "Order ID", '1' AS "Customer ID", '2024-03-08T02:00:00+05:00' AS "Order Time", 'A' AS SKU, '1' AS Quantity, '10' AS "Order Total"`,
    );
    await writeParquet(
      ws,
      'Orders/typed.parquet',
      `SELECT '21' AS "Order ID", 1 AS "Customer ID", '2024-03-08T02:00:00+05:00'::TIMESTAMPTZ AS "Order Time", 'A' AS SKU, 1 AS Quantity, 10.0 AS "Order Total"`,
    );
    ws.write('Deliveries/d.csv', 'Order ID,Distance(m),Delivery Time\n1,1,2024-03-08T03:00:00+05:00\n4,1,\n');
    ws.write('Customers/c.json', '{"Customer ID": 1, "Signup Date": "2021-07-22T10:00:00Z"}\n');
    const report = await ws.run();
    expect(report.files.map((f) => [f.path, f.rowsLoaded, f.rowsRejected]).sort()).toEqual([
      ['Customers/c.json', 1, 0],
      ['Deliveries/d.csv', 2, 0],
      ['Orders/o.csv', 5, 2],
      ['Orders/text.parquet', 1, 0],
      ['Orders/typed.parquet', 1, 0],
    ]);
    expect(await ws.query('SELECT Order_ID, Order_Time::VARCHAR AS t FROM raw_orders ORDER BY 1')).toEqual([
      { Order_ID: 1, t: '2024-03-07 21:00:00' },
      { Order_ID: 2, t: '2024-03-07 20:30:00' },
      { Order_ID: 3, t: '2024-03-07 21:00:00' },
      { Order_ID: 4, t: '2024-03-08 02:00:00' },
      { Order_ID: 6, t: '2024-03-08 00:00:00' },
      { Order_ID: 11, t: '2024-03-07 21:00:00' },
      { Order_ID: 21, t: '2024-03-07 21:00:00' },
    ]);
    expect((await rejectsOf(ws, 'Orders/o.csv')).map((r) => [r.line, r.reason])).toEqual([
      [6, "Order_Time '2024-03-08 02:00:00 Europe/Berlin' is not an ISO 8601 timestamp"],
      [8, "Order_Time '2024-02-30 10:00:00' is not a valid date and time"],
    ]);
    // Windows of 10 days from 1970-01-01 meet at 2024-03-08 00:00: order 1 (21:00 UTC on the 7th) is in
    // the window before order 4 (02:00 on the 8th); with its offset dropped it was in the same one.
    expect(await ws.query('SELECT start_timestamp::VARCHAR AS s, Order_Count FROM ecommerce ORDER BY 1')).toEqual([
      { s: '2024-02-27 00:00:00', Order_Count: 1 },
      { s: '2024-03-08 00:00:00', Order_Count: 1 },
    ]);
    // Text columns (Delivery Time, Signup Date) are kept as written.
    expect(await ws.query('SELECT Delivery_Time FROM raw_deliveries ORDER BY Order_ID')).toEqual([
      { Delivery_Time: '2024-03-08T03:00:00+05:00' },
      { Delivery_Time: null },
    ]);
    expect(await ws.query('SELECT Signup_Date FROM raw_customers')).toEqual([{ Signup_Date: '2021-07-22T10:00:00Z' }]);
  });
});
