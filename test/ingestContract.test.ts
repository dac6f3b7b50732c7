import zlib from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { makeWorkspace, type Workspace } from './support/fixtures.js';

const CUSTOMERS = '{"Customer ID": 1}\n{"Customer ID": 2}\n';

describe('ingestion by the data contract', () => {
  let ws: Workspace;
  afterEach(() => ws?.cleanup());

  it('reads evolving schemas as one relation (added, reordered, re-cased, aliased, gzip, extra columns)', async () => {
    ws = makeWorkspace('evolve');
    ws.write('Orders/v1.csv', 'Order ID,Customer ID,Order Time,SKU,Quantity,Order Total\n"YR-1,0",1,2024-03-01 10:00:00,A,1,10\n');
    ws.write(
      'Orders/v2.csv.gz',
      zlib.gzipSync('order total,SKU,Customer  ID,Order Time,Order ID,Quantity,Discount,Tip,Payment Method,Coupon Code\n20.5,B,2,2024-03-02T11:00:00.5,2,2.0,1.5,-0.5,card,SPRING\n'),
    );
    ws.write('Deliveries/a.csv', 'Order ID,Distance(m)\n1,100\n');
    ws.write('Deliveries/b.csv', 'Distance_m,Order ID,Driver ID\n250.5,"YR-2,0",d-7\n');
    ws.write('Customers/c.ndjson', '{"Customer ID": 1, "Number of employees": 5}\n{"Customer ID": 2, "Number of Employees": 12, "Tier": "gold"}\n');
    const report = await ws.run();
    expect(report.files.map((f) => [f.path, f.status, f.rowsLoaded])).toEqual([
      ['Orders/v1.csv', 'loaded', 1],
      ['Orders/v2.csv.gz', 'loaded', 1],
      ['Deliveries/a.csv', 'loaded', 1],
      ['Deliveries/b.csv', 'loaded', 1],
      ['Customers/c.ndjson', 'loaded', 2],
    ]);
    const orders = await ws.query(
      'SELECT Order_ID, Customer_ID, Quantity, Order_Total, Order_Discount, Order_Tip, Payment_Method, Coupon_Code FROM raw_orders ORDER BY Order_ID',
    );
    expect(orders).toEqual([
      { Order_ID: 1, Customer_ID: 1, Quantity: 1, Order_Total: 10, Order_Discount: null, Order_Tip: null, Payment_Method: null, Coupon_Code: null },
      { Order_ID: 2, Customer_ID: 2, Quantity: 2, Order_Total: 20.5, Order_Discount: 1.5, Order_Tip: -0.5, Payment_Method: 'card', Coupon_Code: 'SPRING' },
    ]);
    expect(await ws.query('SELECT Customer_ID, Number_of_Employees, Tier FROM raw_customers ORDER BY 1')).toEqual([
      { Customer_ID: 1, Number_of_Employees: 5, Tier: null },
      { Customer_ID: 2, Number_of_Employees: 12, Tier: 'gold' },
    ]);
    expect(await ws.query('SELECT Customer_ID, Total_Delivery_Distance FROM ecommerce ORDER BY 1')).toEqual([
      { Customer_ID: 1, Total_Delivery_Distance: 100 },
      { Customer_ID: 2, Total_Delivery_Distance: 250.5 },
    ]);
  });

  it('joins YR-<id>,0 and plain ids in either dataset', async () => {
    ws = makeWorkspace('ids');
    ws.write('Orders/o.csv', 'Order ID,Customer ID,Order Time,SKU,Quantity,Order Total\n"YR-10,0",1,2024-03-01 10:00:00,A,1,1\n11,1,2024-03-01 10:00:00,A,1,2\n');
    ws.write('Deliveries/d.csv', 'Order ID,Distance(m)\n10,5\n"YR-11,0",7\n');
    ws.write('Customers/c.json', CUSTOMERS);
    await ws.run();
    expect(await ws.query('SELECT Order_Count, Total_Delivery_Distance FROM ecommerce')).toEqual([
      { Order_Count: 2, Total_Delivery_Distance: 12 },
    ]);
  });

  it('rejects bad rows with file, line, column and reason, loads the rest, and accounts for every row', async () => {
    ws = makeWorkspace('rejects');
    ws.write(
      'Orders/o.csv',
      [
        'Order ID,Customer ID,Order Time,SKU,Quantity,Order Total',
        '1,1,2024-03-01 10:00:00,A,1,10', // line 2 ok
        '2,1,2024-03-01 10:00:00,A,1,ten', // line 3 bad number
        '3,1,yesterday,A,1,10', // line 4 bad timestamp
        ',1,2024-03-01 10:00:00,A,1,10', // line 5 missing key
        '4,1,2024-03-01 10:00:00,A,1', // line 6 wrong field count
        '5,1,2024-03-01 10:00:00,A,1.5,10', // line 7 quantity not whole
        'ZZ-6,1,2024-03-01 10:00:00,A,1,10', // line 8 unknown id form
        '7,1,2024-03-01 10:00:00,A,2,30', // line 9 ok
      ].join('\n') + '\n',
    );
    ws.write('Deliveries/d.csv', 'Order ID,Distance(m)\n1,1\n7,1\n');
    ws.write('Customers/c.json', CUSTOMERS);
    const report = await ws.run();
    const file = report.files.find((f) => f.path === 'Orders/o.csv')!;
    expect(file).toMatchObject({ status: 'loaded', rowsRead: 8, rowsLoaded: 2, rowsRejected: 6 });
    const rejects = await ws.query<{ line: number; column_name: string | null; reason: string }>(
      `SELECT line, column_name, reason FROM pipeline_rejects WHERE path = 'Orders/o.csv' ORDER BY line`,
    );
    expect(rejects.map((r) => [r.line, r.column_name])).toEqual([
      [3, 'Order_Total'],
      [4, 'Order_Time'],
      [5, 'Order_ID'],
      [6, 'Order_Total'],
      [7, 'Quantity'],
      [8, 'Order_ID'],
    ]);
    expect(rejects[0]!.reason).toBe("Order_Total 'ten' is not a decimal number");
    expect(rejects[2]!.reason).toContain('empty');
    expect(rejects[3]!.reason).toMatch(/MISSING COLUMNS/);
    expect(await ws.query('SELECT Order_Count, Total_Order_Amount FROM ecommerce')).toEqual([
      { Order_Count: 2, Total_Order_Amount: 40 },
    ]);
    // The accounting invariant, for every file, as a data test.
    expect(await ws.query((await import('node:fs')).readFileSync('sql/tests/files_accounting.sql', 'utf8'))).toEqual([]);
  });

  it('quarantines unreadable files and files missing a required column; the others go on', async () => {
    ws = makeWorkspace('quarantine');
    ws.write('Orders/good.csv', 'Order ID,Customer ID,Order Time,SKU,Quantity,Order Total\n1,1,2024-03-01 10:00:00,A,1,10\n');
    ws.write('Orders/header_only.csv', 'Order ID,Customer ID,Order Time,SKU,Quantity,Order Total\n');
    ws.write('Orders/no_total.csv', 'Order ID,Customer ID,Order Time,SKU,Quantity\n2,1,2024-03-01 10:00:00,A,1\n');
    ws.write('Orders/garbage.csv', Buffer.from([0x00, 0xff, 0x13, 0x37, 0x0a, 0xde, 0xad, 0xbe, 0xef, 0x0a]));
    ws.write('Orders/empty.csv', '');
    ws.write('Customers/broken.json', '[{"Customer ID": 1}, {"Customer ID": ');
    ws.write('Customers/c.json', CUSTOMERS);
    ws.write('Deliveries/d.csv', 'Order ID,Distance(m)\n1,1\n');
    ws.write('Orders/.hidden.csv', 'x');
    ws.write('Orders/partial.csv.part', 'x');
    ws.write('Orders/backup.csv~', 'x');
    const report = await ws.run();
    const status = Object.fromEntries(report.files.map((f) => [f.path, f.status]));
    expect(status).toEqual({
      'Orders/good.csv': 'loaded',
      'Orders/header_only.csv': 'loaded',
      'Orders/no_total.csv': 'quarantined',
      'Orders/garbage.csv': 'quarantined',
      'Orders/empty.csv': 'quarantined',
      'Customers/broken.json': 'quarantined',
      'Customers/c.json': 'loaded',
      'Deliveries/d.csv': 'loaded',
    });
    expect(report.files.find((f) => f.path === 'Orders/no_total.csv')!.reason).toMatch(/missing required column Order_Total/);
    // Reasons name the user's file, never the private link DuckDB read.
    for (const f of report.files) expect(f.reason ?? '').not.toMatch(/pipeline-read|input\.(csv|json|parquet)/);
    expect(report.files.find((f) => f.path === 'Customers/broken.json')!.reason).toContain('Customers/broken.json');
    expect(report.filesIgnored.map((f) => f.path).sort()).toEqual(['Orders/.hidden.csv', 'Orders/backup.csv~', 'Orders/partial.csv.part']);
    expect(await ws.query('SELECT Order_Count FROM ecommerce')).toEqual([{ Order_Count: 1 }]);
    // Quarantined files are kept in the ledger with their reason, and not re-read while unchanged.
    const again = await ws.run();
    expect(again.changed).toBe(false);
  });

  it('last row wins within a file; the latest file wins across files', async () => {
    ws = makeWorkspace('dups');
    ws.write('Orders/a.csv', 'Order ID,Customer ID,Order Time,SKU,Quantity,Order Total\n1,1,2024-03-01 10:00:00,A,1,10\n1,1,2024-03-01 10:00:00,A,1,11\n2,1,2024-03-01 10:00:00,B,1,5\n');
    ws.write('Orders/b.csv', 'Order ID,Customer ID,Order Time,SKU,Quantity,Order Total\n"YR-2,0",1,2024-03-01 10:00:00,B,1,6\n');
    ws.write('Deliveries/d.csv', 'Order ID,Distance(m)\n1,1\n2,1\n2,3\n');
    ws.write('Customers/c.json', CUSTOMERS);
    await ws.run();
    expect(await ws.query('SELECT Order_Count, Total_Order_Amount, Total_Delivery_Distance FROM ecommerce')).toEqual([
      { Order_Count: 2, Total_Order_Amount: 17, Total_Delivery_Distance: 4 },
    ]);
  });

  it('late deliveries and customers complete orders that arrived earlier, in old windows', async () => {
    ws = makeWorkspace('late');
    ws.write('Orders/o.csv', 'Order ID,Customer ID,Order Time,SKU,Quantity,Order Total\n1,1,2020-01-01 10:00:00,A,1,10\n2,2,2024-03-01 10:00:00,A,1,20\n');
    ws.write('Customers/c1.json', '[{"Customer ID": 1}]');
    await ws.run();
    expect(await ws.query('SELECT * FROM ecommerce')).toEqual([]);
    ws.write('Deliveries/d.csv', 'Order ID,Distance(m)\n1,1\n2,2\n');
    const r2 = await ws.run({ fullRecomputeShare: Infinity });
    expect(r2.strategy).toBe('incremental');
    expect(await ws.query('SELECT Customer_ID, start_timestamp FROM ecommerce')).toEqual([
      { Customer_ID: 1, start_timestamp: '2019-12-30 00:00:00.000' },
    ]);
    ws.write('Customers/c2.json', '[{"Customer ID": 2}]');
    expect((await ws.run({ fullRecomputeShare: Infinity })).strategy).toBe('incremental');
    expect(await ws.query('SELECT Customer_ID FROM ecommerce ORDER BY 1')).toEqual([{ Customer_ID: 1 }, { Customer_ID: 2 }]);
  });

  it('a file whose modification time lies in the future (tar, rsync -t, touch -d) is loaded, not left waiting', async () => {
    ws = makeWorkspace('future-mtime');
    const inAYear = Math.floor(Date.now() / 1000) + 365 * 86_400;
    ws.write('Customers/c.json', '[{"Customer ID": 1}]');
    ws.write('Orders/o.csv', 'Order ID,Customer ID,Order Time,SKU,Quantity,Order Total\n1,1,2024-03-02 10:00:00,A,1,10\n', inAYear - 1_704_067_200);
    const report = await ws.run();
    expect(report.filesWaiting).toEqual([]);
    expect(report.rowsLoaded).toBe(2);
    expect(await ws.query('SELECT count(*) AS n FROM cur_orders')).toEqual([{ n: 1 }]);
  });
});
