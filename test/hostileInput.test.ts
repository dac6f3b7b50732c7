import zlib from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { cli, makeWorkspace, type Workspace } from './support/fixtures.js';

const ORDERS_HEADER = 'Order ID,Customer ID,Order Time,SKU,Quantity,Order Total';
const order = (id: number, extra = '') => `${id},1,2024-03-01 10:00:00,A${extra},1,10`;

/** Order ids loaded per file path, read back through the ledger. */
async function idsByPath(ws: Workspace): Promise<Record<string, number[]>> {
  const rows = await ws.query<{ path: string; ids: number[] }>(`
    SELECT f.path, list(r.Order_ID::INTEGER ORDER BY r.Order_ID) AS ids
    FROM raw_orders r JOIN pipeline_files f ON f.file_id = r._file_id
    GROUP BY f.path`);
  return Object.fromEntries(rows.map((r) => [r.path, r.ids]));
}

async function rejectsOf(ws: Workspace, path: string) {
  return ws.query<{ line: number; column_name: string | null; reason: string; raw_record: string }>(
    `SELECT line, column_name, reason, raw_record FROM pipeline_rejects WHERE path = '${path.replaceAll("'", "''")}' ORDER BY line`,
  );
}

describe('hostile file names', () => {
  let ws: Workspace;
  afterEach(() => ws?.cleanup());

  // Regression: DuckDB's readers take a path as a glob pattern; `o[1].csv` read o1.csv's rows.
  it('reads a file whose name holds glob characters as exactly that file', async () => {
    ws = makeWorkspace('glob');
    const names = [
      'o1.csv', 'o[1].csv', '*.csv', 'orders_2024_01.csv', 'orders_2024_0?.csv', '{o1,o2}.csv',
      'back\\slash.csv', '-leading-dash.csv', 'new\nline.csv', "quote's;$(x)`.csv",
    ];
    names.forEach((name, i) => ws.write(`Orders/${name}`, `${ORDERS_HEADER}\n${order(100 + i)}\n${order(200 + i)}\n`));
    ws.write('Customers/c1.json', '{"Customer ID": 1}\n');
    ws.write('Customers/c[1].json', '{"Customer ID": 2}\n');
    const report = await ws.run();
    expect(report.files.every((f) => f.status === 'loaded' && f.rowsRead === (f.dataset === 'Orders' ? 2 : 1))).toBe(true);
    const ids = await idsByPath(ws);
    expect(ids).toEqual(Object.fromEntries(names.map((name, i) => [`Orders/${name}`, [100 + i, 200 + i]])));
    const customers = await ws.query<{ path: string; id: number }>(
      `SELECT f.path, r.Customer_ID AS id FROM raw_customers r JOIN pipeline_files f ON f.file_id = r._file_id ORDER BY 1`,
    );
    expect(customers).toEqual([{ path: 'Customers/c1.json', id: 1 }, { path: 'Customers/c[1].json', id: 2 }]);
  });
});

describe('hostile content', () => {
  let ws: Workspace;
  afterEach(() => ws?.cleanup());

  // Regression: a 40-50 MB line vanished (read = 2, loaded = 2, rejected = 0).
  it.each([
    ['a 3 MB line', 3, false],
    ['a 45 MB line', 45, false],
    ['a 45 MB line in a gzip file', 45, true],
  ])('rejects a line over the maximum line size with its size: %s', async (_name, mb, gzip) => {
    ws = makeWorkspace('longline');
    const text = `${ORDERS_HEADER}\n${order(1)}\n${order(2, 'x'.repeat(mb * 1024 * 1024))}\n${order(3)}\n`;
    const file = gzip ? 'Orders/long.csv.gz' : 'Orders/long.csv';
    ws.write(file, gzip ? zlib.gzipSync(text) : text);
    const report = await ws.run();
    expect(report.files[0]).toMatchObject({ status: 'loaded', rowsRead: 3, rowsLoaded: 2, rowsRejected: 1 });
    const [reject] = await rejectsOf(ws, file);
    expect(reject!.line).toBe(3);
    expect(reject!.reason).toMatch(/^line is \d+ bytes, over the maximum line size of 2000000 bytes$/);
    expect(reject!.raw_record.startsWith('2,1,2024-03-01 10:00:00,Axxx')).toBe(true);
    expect(reject!.raw_record.length).toBeLessThan(300);
    expect((await idsByPath(ws))[file]).toEqual([1, 3]);
  });

  // Regression: infinity as Order Time made windows at infinity and crashed check/sql;
  // inf / NaN / 1e400 amounts turned metrics into NaN.
  it('rejects non-finite numbers and timestamps with a reason', async () => {
    ws = makeWorkspace('nonfinite');
    ws.write(
      'Orders/o.csv',
      [
        ORDERS_HEADER,
        '1,1,infinity,A,1,10',
        '2,1,-infinity,A,1,10',
        '3,1,2024-03-01 10:00:00,A,1,inf',
        '4,1,2024-03-01 10:00:00,A,1,NaN',
        '5,1,2024-03-01 10:00:00,A,1,1e400',
        '6,1,2024-03-01 10:00:00,A,-inf,10',
        '7,1,2024-03-01 10:00:00,A,1,10',
      ].join('\n') + '\n',
    );
    ws.write('Deliveries/d.csv', 'Order ID,Distance(m)\n7,nan\n8,5\n');
    ws.write('Customers/c.json', '{"Customer ID": 1, "Number of Employees": "inf"}\n{"Customer ID": 2, "Number of Employees": 3}\n');
    const report = await ws.run();
    expect(report.files.map((f) => [f.path, f.rowsRead, f.rowsLoaded, f.rowsRejected])).toEqual([
      ['Orders/o.csv', 7, 1, 6],
      ['Deliveries/d.csv', 2, 1, 1],
      ['Customers/c.json', 2, 1, 1],
    ]);
    expect(await rejectsOf(ws, 'Orders/o.csv')).toMatchObject([
      { line: 2, column_name: 'Order_Time', reason: "Order_Time 'infinity' is not a finite timestamp" },
      { line: 3, column_name: 'Order_Time', reason: "Order_Time '-infinity' is not a finite timestamp" },
      { line: 4, column_name: 'Order_Total', reason: "Order_Total 'inf' is not a finite number" },
      { line: 5, column_name: 'Order_Total', reason: "Order_Total 'NaN' is not a finite number" },
      { line: 6, column_name: 'Order_Total', reason: "Order_Total '1e400' is not a finite number" },
      { line: 7, column_name: 'Quantity', reason: "Quantity '-inf' is not a finite number" },
    ]);
    expect((await rejectsOf(ws, 'Deliveries/d.csv'))[0]).toMatchObject({ line: 2, reason: "Distance_m 'nan' is not a finite number" });
    expect((await rejectsOf(ws, 'Customers/c.json'))[0]).toMatchObject({ line: 1, reason: `Number_of_Employees 'inf' is not a finite number` });
    expect(await ws.query('SELECT count(*)::INT AS n FROM ecommerce WHERE NOT isfinite(start_timestamp) OR isnan(Total_Order_Amount)')).toEqual([{ n: 0 }]);
    expect(cli(['check', '--warehouse', ws.warehousePath]).code).toBe(0);
  });

  // Regression: `sql` crashed with "TIMESTAMP value out of range for JS Date".
  it('sql prints any value DuckDB can hold: infinite timestamps, huge decimals and integers, NaN', () => {
    ws = makeWorkspace('sqlvalues');
    const q = `SELECT 'infinity'::TIMESTAMP AS t, '-infinity'::DATE AS d, 12345678901234567890123456789.5::DECIMAL(38,1) AS dec,
                      170141183460469231731687303715884105727::HUGEINT AS h, 'nan'::DOUBLE AS n, 9007199254740993::BIGINT AS b`;
    const table = cli(['sql', q, '--write', '--warehouse', ws.warehousePath]);
    expect(table.stderr).toBe('');
    expect(table.code).toBe(0);
    for (const v of ['infinity', '-infinity', '12345678901234567890123456789.5', '170141183460469231731687303715884105727', 'NaN', '9007199254740993']) {
      expect(table.stdout).toContain(v);
    }
    const json = cli(['sql', q, '--format', 'json', '--warehouse', ws.warehousePath]);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual([
      { t: 'infinity', d: '-infinity', dec: '12345678901234567890123456789.5', h: '170141183460469231731687303715884105727', n: 'NaN', b: '9007199254740993' },
    ]);
    const csv = cli(['sql', q, '--format', 'csv', '--warehouse', ws.warehousePath]);
    expect(csv.stdout.trim().split('\n')[1]).toBe('infinity,-infinity,12345678901234567890123456789.5,170141183460469231731687303715884105727,NaN,9007199254740993');
  });

  // Regression: Quantity 99999999999999999999 quarantined the whole file (a cast error).
  it('rejects an out-of-range quantity as a row and loads the rest of the file', async () => {
    ws = makeWorkspace('range');
    ws.write(
      'Orders/o.csv',
      [ORDERS_HEADER, '1,1,2024-03-01 10:00:00,A,99999999999999999999,10', '2,1,2024-03-01 10:00:00,A,1e16,10', '3,1,2024-03-01 10:00:00,A,2.5,10', order(4)].join('\n') + '\n',
    );
    const report = await ws.run();
    expect(report.files[0]).toMatchObject({ status: 'loaded', rowsRead: 4, rowsLoaded: 1, rowsRejected: 3 });
    expect(await rejectsOf(ws, 'Orders/o.csv')).toMatchObject([
      { line: 2, column_name: 'Quantity', reason: "Quantity '99999999999999999999' is out of range (at most 9e15 in absolute value)" },
      { line: 3, column_name: 'Quantity', reason: "Quantity '1e16' is not written as a whole number (digits, optionally .0)" },
      { line: 4, column_name: 'Quantity', reason: "Quantity '2.5' is not a whole number" },
    ]);
  });

  // Regression: the record number was stored as the line after a quoted field spanning lines.
  it('reports physical line numbers after quoted fields that span lines and after blank lines', async () => {
    ws = makeWorkspace('lines');
    ws.write(
      'Orders/o.csv',
      [
        ORDERS_HEADER, // 1
        '1,1,2024-03-01 10:00:00,"multi', // 2
        'line SKU",1,10', // 3
        '', // 4
        '2,1,2024-03-01 10:00:00,A,1,ten', // 5 reader reject
        '"3\r', // 6
        '",1,2024-03-01 10:00:00,A,1,10', // 7 value reject (bad id) starting on line 6
        '4,1,2024-03-01 10:00:00,A,1.5,10', // 8 value reject
        order(5), // 9
      ].join('\n') + '\n',
    );
    const report = await ws.run();
    expect(report.files[0]).toMatchObject({ status: 'loaded', rowsRead: 5, rowsLoaded: 2, rowsRejected: 3 });
    expect((await rejectsOf(ws, 'Orders/o.csv')).map((r) => [r.line, r.column_name])).toEqual([
      [5, 'Order_Total'],
      [6, 'Order_ID'],
      [8, 'Quantity'],
    ]);
  });

  // Regression: a JSON reject kept the staged record (bad value nulled), not the record as written.
  it('keeps a rejected JSON record exactly as the file has it', async () => {
    ws = makeWorkspace('jsonraw');
    const bad = '{"Customer ID": "12x", "Customer Name": "Zoë",   "Number of Employees": 3}';
    ws.write('Customers/c.ndjson', `{"Customer ID": 1}\n${bad}\n`);
    await ws.run();
    const [reject] = await rejectsOf(ws, 'Customers/c.ndjson');
    expect(reject).toMatchObject({ line: 2, column_name: 'Customer_ID' });
    expect(JSON.parse(reject!.raw_record)).toEqual(JSON.parse(bad));
    expect(reject!.raw_record).toContain('"12x"');
  });

  // Regression: a 50 MB header-only file produced a 1.1 MB quarantine reason.
  it('keeps quarantine reasons to a few hundred characters', async () => {
    ws = makeWorkspace('reason');
    const manyColumns = Array.from({ length: 20_000 }, (_, i) => `column number ${i}`).join(',');
    ws.write('Orders/wide.csv', `${manyColumns}\n`);
    ws.write('Orders/huge-header.csv', `${'h'.repeat(3_000_000)}\n`);
    const report = await ws.run();
    for (const f of report.files) {
      expect(f.status).toBe('quarantined');
      expect(f.reason!.length).toBeLessThanOrEqual(300);
    }
    expect(report.files.find((f) => f.path === 'Orders/wide.csv')!.reason).toMatch(/^missing required columns Order_ID, Customer_ID/);
    expect(report.files.find((f) => f.path === 'Orders/huge-header.csv')!.reason).toMatch(/header line is 3000000 bytes/);
    const status = cli(['status', '--json', '--no-export', '--warehouse', ws.warehousePath]);
    expect(status.stdout.length).toBeLessThan(20_000);
  });
});
