import { afterEach, describe, expect, it } from 'vitest';
import { explainOrder } from '../pipeline/explain/explainOrder.js';
import { explainWindow } from '../pipeline/explain/explainWindow.js';
import { printOrderExplanation } from '../pipeline/explain/printExplanation.js';
import { SqlSnapshot } from '../pipeline/warehouse/sqlFiles.js';
import { withWarehouse } from '../pipeline/warehouse/Warehouse.js';
import { cli, makeWorkspace, type Workspace } from './support/fixtures.js';
import { propertySuite } from './support/propertySuite.js';

const HEADER = 'Order ID,Customer ID,Order Time,SKU,Quantity,Order Total';
const BAD_TOTAL = "Order_Total 'ten' is not a decimal number";

function explain(ws: Workspace, args: string[]) {
  const r = cli(['explain', ...args, '--json', '--warehouse', ws.warehousePath, '--data', ws.dataDir]);
  return { code: r.code, json: r.stdout ? JSON.parse(r.stdout) : null, stderr: r.stderr };
}

/**
 * Every status occurs: counted, re-sent in a later file, a rewritten file whose
 * removed row falls back to an older file, rejected, waiting for a (late)
 * delivery, waiting for a (late) customer, withdrawn by retract, unknown.
 * The files are archived after the first run: explain reads only the warehouse.
 */
async function buildFixture(ws: Workspace): Promise<void> {
  ws.write(
    'Orders/a.csv',
    [
      HEADER,
      '"YR-1,0",1,2024-03-01 10:00:00,A,1,10', // line 2
      '2,1,2024-03-01 11:00:00,B,1,20', // 3: re-sent in b.csv
      '3,1,2024-03-02 10:00:00,C,2,30', // 4: also in r.csv, which is rewritten without it
      '4,1,2024-03-02 11:00:00,D,1,ten', // 5: rejected
      '5,1,2024-03-03 10:00:00,E,1,50', // 6: its delivery comes late
      '6,2,2024-03-03 11:00:00,F,1,60', // 7: its customer comes late
    ].join('\n') + '\n',
    1,
  );
  ws.write('Orders/b.csv', `${HEADER}\n2,1,2024-03-01 11:00:00,B,1,25\n`, 2);
  ws.write('Orders/r.csv', `${HEADER}\n3,1,2024-03-02 10:00:00,C,2,35\n8,1,2024-03-04 10:00:00,G,1,80\n`, 3);
  ws.write('Orders/x.csv', `${HEADER}\n7,1,2024-03-05 10:00:00,H,1,70\n`, 4);
  ws.write('Deliveries/d1.csv', 'Order ID,Distance(m)\n1,100\n2,200\n3,300\n6,600\n7,700\n8,800\n', 5);
  ws.write('Customers/c.json', '{"Customer ID": 1}\n', 6);
  await ws.run({ archive: true });
  ws.write('Orders/r.csv', `${HEADER}\n8,1,2024-03-04 10:00:00,G,1,80\n`, 7);
  await ws.run();
  await ws.run({ retract: 'Orders/x.csv' });
}

describe('explain', () => {
  let ws: Workspace;
  afterEach(() => ws?.cleanup());

  it('says for each order whether it is counted, why not, and which source rows it comes from', async () => {
    ws = makeWorkspace('explain');
    await buildFixture(ws);
    const withdrawnByRewrite = 'replaced by a new version of Orders/r.csv';
    const overridden = 'a later row or file version holds this Order_ID';
    expect(explain(ws, ['--order', 'YR-1,0'])).toEqual({
      code: 0,
      stderr: '',
      json: {
        order_id: 1, status: 'counted', quarantined_files: [], customer_id: 1, window_start: '2024-02-27 00:00:00',
        order_source: { path: 'Orders/a.csv', line: 2 },
        delivery_source: { path: 'Deliveries/d1.csv', line: 2 },
        customer_source: { path: 'Customers/c.json', line: 1 },
        history: [
          { dataset: 'Orders', path: 'Orders/a.csv', line: 2, outcome: 'current', reason: null },
          { dataset: 'Deliveries', path: 'Deliveries/d1.csv', line: 2, outcome: 'current', reason: null },
        ],
      },
    });
    expect(explain(ws, ['--order', '2']).json).toEqual({
      order_id: 2, quarantined_files: [], status: 'counted', customer_id: 1, window_start: '2024-02-27 00:00:00',
      order_source: { path: 'Orders/b.csv', line: 2 },
      delivery_source: { path: 'Deliveries/d1.csv', line: 3 },
      customer_source: { path: 'Customers/c.json', line: 1 },
      history: [
        { dataset: 'Orders', path: 'Orders/a.csv', line: 3, outcome: 'overridden', reason: overridden },
        { dataset: 'Orders', path: 'Orders/b.csv', line: 2, outcome: 'current', reason: null },
        { dataset: 'Deliveries', path: 'Deliveries/d1.csv', line: 3, outcome: 'current', reason: null },
      ],
    });
    expect(explain(ws, ['--order', '3']).json).toEqual({
      order_id: 3, quarantined_files: [], status: 'counted', customer_id: 1, window_start: '2024-02-27 00:00:00',
      order_source: { path: 'Orders/a.csv', line: 4 },
      delivery_source: { path: 'Deliveries/d1.csv', line: 4 },
      customer_source: { path: 'Customers/c.json', line: 1 },
      history: [
        { dataset: 'Orders', path: 'Orders/a.csv', line: 4, outcome: 'current', reason: null },
        { dataset: 'Orders', path: 'Orders/r.csv', line: 2, outcome: 'withdrawn', reason: withdrawnByRewrite },
        { dataset: 'Deliveries', path: 'Deliveries/d1.csv', line: 4, outcome: 'current', reason: null },
      ],
    });
    expect(explain(ws, ['--order', '4'])).toEqual({
      code: 0,
      stderr: '',
      json: {
        order_id: 4, status: 'rejected', quarantined_files: [], customer_id: null, window_start: null,
        order_source: null, delivery_source: null, customer_source: null,
        history: [{ dataset: 'Orders', path: 'Orders/a.csv', line: 5, outcome: 'rejected', reason: BAD_TOTAL }],
      },
    });
    expect(explain(ws, ['--order', '5']).json).toEqual({
      order_id: 5, quarantined_files: [], status: 'waiting_for_delivery', customer_id: 1, window_start: '2024-02-27 00:00:00',
      order_source: { path: 'Orders/a.csv', line: 6 },
      delivery_source: null,
      customer_source: { path: 'Customers/c.json', line: 1 },
      history: [{ dataset: 'Orders', path: 'Orders/a.csv', line: 6, outcome: 'current', reason: null }],
    });
    expect(explain(ws, ['--order', '6']).json).toEqual({
      order_id: 6, quarantined_files: [], status: 'waiting_for_customer', customer_id: 2, window_start: '2024-02-27 00:00:00',
      order_source: { path: 'Orders/a.csv', line: 7 },
      delivery_source: { path: 'Deliveries/d1.csv', line: 5 },
      customer_source: null,
      history: [
        { dataset: 'Orders', path: 'Orders/a.csv', line: 7, outcome: 'current', reason: null },
        { dataset: 'Deliveries', path: 'Deliveries/d1.csv', line: 5, outcome: 'current', reason: null },
      ],
    });
    expect(explain(ws, ['--order', 'YR-7,0']).json).toEqual({
      order_id: 7, status: 'withdrawn', quarantined_files: [], customer_id: null, window_start: null,
      order_source: null, delivery_source: null, customer_source: null,
      history: [
        { dataset: 'Orders', path: 'Orders/x.csv', line: 2, outcome: 'withdrawn', reason: 'retracted by the retract command' },
        { dataset: 'Deliveries', path: 'Deliveries/d1.csv', line: 6, outcome: 'current', reason: null },
      ],
    });
    expect(explain(ws, ['--order', '8']).json.history).toEqual([
      { dataset: 'Orders', path: 'Orders/r.csv', line: 3, outcome: 'withdrawn', reason: withdrawnByRewrite },
      { dataset: 'Deliveries', path: 'Deliveries/d1.csv', line: 7, outcome: 'current', reason: null },
      { dataset: 'Orders', path: 'Orders/r.csv', line: 2, outcome: 'current', reason: null },
    ]);
    const unknown = explain(ws, ['--order', '999']);
    expect(unknown.code).toBe(1);
    expect(unknown.json).toMatchObject({ order_id: 999, status: 'unknown', history: [] });
    expect(unknown.stderr).toMatch(/never seen order 999/);
    expect(explain(ws, ['--order', 'ZZ-9']).code).toBe(2);

    // the late delivery and the late customer arrive
    ws.write('Deliveries/d2.csv', 'Order ID,Distance(m)\n"YR-5,0",500\n', 8);
    ws.write('Customers/c2.json', '[{"Customer ID": 2}]', 9);
    await ws.run();
    expect(explain(ws, ['--order', '5']).json).toMatchObject({ status: 'counted', delivery_source: { path: 'Deliveries/d2.csv', line: 2 } });
    expect(explain(ws, ['--order', '6']).json).toMatchObject({ status: 'counted', customer_source: { path: 'Customers/c2.json', line: 1 } });
  });

  it('lists exactly the orders counted in a result row, and the window\'s orders that are not counted', async () => {
    ws = makeWorkspace('explainwin');
    await buildFixture(ws);
    const src = (order: [string, number], delivery: [string, number]) => ({
      order_source: { path: order[0], line: order[1] },
      delivery_source: { path: delivery[0], line: delivery[1] },
      customer_source: { path: 'Customers/c.json', line: 1 },
    });
    expect(explain(ws, ['--customer', '1', '--at', '2024-03-03 12:00:00'])).toEqual({
      code: 0,
      stderr: '',
      json: {
        customer_id: 1,
        window_start: '2024-02-27 00:00:00',
        window_end: '2024-03-08 00:00:00',
        row: {
          Customer_ID: 1, Total_Order_Amount: 145, Average_Order_Amount: 36.25, Order_Count: 4,
          Highest_Order_Amount: 80, Lowest_Order_Amount: 10, Total_Quantity_Ordered: 5,
          Average_Quantity_Per_Ordered: 1.25, Total_Delivery_Distance: 1400, Average_Delivery_Distance: 350,
          Distict_Products: 4, start_timestamp: '2024-02-27 00:00:00', end_timestamp: '2024-03-08 00:00:00',
        },
        orders: [
          { order_id: 1, ...src(['Orders/a.csv', 2], ['Deliveries/d1.csv', 2]) },
          { order_id: 2, ...src(['Orders/b.csv', 2], ['Deliveries/d1.csv', 3]) },
          { order_id: 3, ...src(['Orders/a.csv', 4], ['Deliveries/d1.csv', 4]) },
          { order_id: 8, ...src(['Orders/r.csv', 2], ['Deliveries/d1.csv', 7]) },
        ],
        not_counted: [{ order_id: 5, status: 'waiting_for_delivery' }],
      },
    });
    const waiting = explain(ws, ['--customer', '2', '--at', '2024-03-01']);
    expect(waiting.json).toMatchObject({ row: null, orders: [], not_counted: [{ order_id: 6, status: 'waiting_for_customer' }] });
    const none = explain(ws, ['--customer', '1', '--at', '2025-01-01']);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/customer 1 has no ecommerce row and no current order in the window \[2024-12-23 00:00:00, 2025-01-02 00:00:00\)/);
    const human = cli(['explain', '--customer', '1', '--at', '2024-03-03', '--warehouse', ws.warehousePath]);
    expect(human.stdout).toContain('counted orders (4):');
    expect(human.stdout).toContain('order Orders/b.csv:2, delivery Deliveries/d1.csv:3, customer Customers/c.json:1');
  });

  it('keeps 17- and 18-digit order ids exact in --order, --customer, --json and text (…992 and …993 are two orders, 18 nines is not 10^18)', async () => {
    ws = makeWorkspace('explainbig');
    ws.write(
      'Orders/big.csv',
      [
        HEADER,
        '9007199254740993,2,2024-04-01 10:00:00,A,1,10', // line 2: 2^53 + 1, a JS number rounds it to …992
        '9007199254740992,2,2024-04-01 11:00:00,B,1,20', // 3
        '"YR-999999999999999999,0",2,2024-04-01 12:00:00,C,1,30', // 4: a JS number makes it 10^18
        '7,2,2024-04-02 10:00:00,D,1,40', // 5
      ].join('\n') + '\n',
    );
    ws.write('Deliveries/d.csv', 'Order ID,Distance(m)\n9007199254740993,1\n9007199254740992,2\n999999999999999999,3\n7,4\n');
    ws.write('Customers/c.json', '{"Customer ID": 2}\n');
    await ws.run();

    const window = cli(['explain', '--customer', '2', '--at', '2024-04-01', '--json', '--warehouse', ws.warehousePath]);
    expect(window.code).toBe(0);
    // ids a JS number holds exactly are numbers, the others strings of their digits
    expect(JSON.parse(window.stdout).orders.map((o: { order_id: unknown; order_source: { line: number } }) => [o.order_id, o.order_source.line])).toEqual([
      [7, 5], ['9007199254740992', 3], ['9007199254740993', 2], ['999999999999999999', 4],
    ]);
    const text = cli(['explain', '--customer', '2', '--at', '2024-04-01', '--warehouse', ws.warehousePath]).stdout;
    expect(text).toContain('9007199254740993   order Orders/big.csv:2,');
    expect(text).toContain('9007199254740992   order Orders/big.csv:3,');
    expect(text).toContain('999999999999999999 order Orders/big.csv:4,');
    expect(text).not.toContain('1000000000000000000');

    const order = explain(ws, ['--order', '9007199254740993']);
    expect(order).toMatchObject({ code: 0, stderr: '', json: { order_id: '9007199254740993', status: 'counted', customer_id: 2, order_source: { path: 'Orders/big.csv', line: 2 } } });
    expect(cli(['explain', '--order', 'YR-999999999999999999,0', '--warehouse', ws.warehousePath]).stdout).toMatch(
      /^order 999999999999999999: counted \(customer 2, .*\n {2}order {5}Orders\/big\.csv:4\n/,
    );
    // in process, the id is a bigint
    await withWarehouse({ path: ws.warehousePath, readOnly: true }, async (w) => {
      const e = await explainOrder(w, SqlSnapshot.read(), 9007199254740992n);
      expect([e.order_id, e.order_source]).toEqual([9007199254740992n, { path: 'Orders/big.csv', line: 3 }]);
    });
  });

  it('says what it saw of an order no order row holds: only its delivery (waiting_for_order, exit 0), or nothing but quarantined files it could not read', async () => {
    ws = makeWorkspace('explainseen');
    ws.write('Orders/a.csv', `${HEADER}\n1,1,2024-03-01 10:00:00,A,1,10\n`, 1);
    ws.write('Orders/q.csv', 'Order ID,Customer ID\n41,1\n', 2); // no Order Time column: quarantined, nothing read
    ws.write('Deliveries/d1.csv', 'Order ID,Distance(m)\n1,100\n40,400\n', 3);
    ws.write('Customers/c.json', '{"Customer ID": 1}\n', 4);
    await ws.run();
    const quarantined = { path: 'Orders/q.csv', dataset: 'Orders', reason: expect.stringContaining('Order_Time') };

    const deliveryOnly = explain(ws, ['--order', '40']);
    expect(deliveryOnly).toEqual({
      code: 0,
      stderr: '',
      json: {
        order_id: 40, status: 'waiting_for_order', customer_id: null, window_start: null,
        order_source: null, delivery_source: null, customer_source: null,
        history: [{ dataset: 'Deliveries', path: 'Deliveries/d1.csv', line: 3, outcome: 'current', reason: null }],
        quarantined_files: [quarantined],
      },
    });
    const deliveryText = cli(['explain', '--order', '40', '--warehouse', ws.warehousePath]);
    expect(deliveryText.stdout).toContain('order 40: not counted: its delivery is here, no order row for it has arrived');
    expect(deliveryText.stdout).toMatch(/Deliveries Deliveries\/d1\.csv:3 +current/);
    expect(deliveryText.stdout + deliveryText.stderr).not.toMatch(/never seen/);

    const unread = explain(ws, ['--order', '41']);
    expect(unread).toMatchObject({ code: 1, json: { order_id: 41, status: 'unknown', history: [], quarantined_files: [quarantined] } });
    expect(unread.stderr).toMatch(/never seen order 41; 1 quarantined file was not read and may hold it/);
    await withWarehouse({ path: ws.warehousePath, readOnly: true }, async (w) => {
      const lines: string[] = [];
      printOrderExplanation(await explainOrder(w, SqlSnapshot.read(), 41n), (l) => lines.push(l));
      expect(lines).toEqual(['order 41: never seen', 'quarantined, not read (may hold what is missing):', expect.stringMatching(/^ {2}Orders +Orders\/q\.csv +.*Order_Time/)]);
      // counted: nothing is missing, no quarantined file is listed
      expect(await explainOrder(w, SqlSnapshot.read(), 1n)).toMatchObject({ status: 'counted', quarantined_files: [] });
    });
  });

  it('refuses an empty or non-integer --customer and a bad --at as USAGE (exit 2) naming the option; --at with an offset or Z is converted to UTC', async () => {
    ws = makeWorkspace('explainargs');
    ws.write('Orders/a.csv', `${HEADER}\n1,2,2024-04-06 23:30:00,A,1,10\n`); // window [2024-03-28, 2024-04-07) (10 days from 1970-01-01)
    ws.write('Deliveries/d.csv', 'Order ID,Distance(m)\n1,5\n');
    ws.write('Customers/c.json', '{"Customer ID": 2}\n');
    await ws.run();
    // every refused form is in test/unit/parseCustomerIdArg.test.ts and parseAtArg.test.ts; here: through the CLI
    const empty = explain(ws, ['--customer', '', '--at', '2024-04-01']);
    expect(empty).toMatchObject({ code: 2, json: null });
    expect(empty.stderr).toContain('error [USAGE]: --customer "" is not a Customer ID');
    for (const at of ['294247-01-10', 'nonsense']) {
      const r = explain(ws, ['--customer', '2', '--at', at]);
      expect(r, at).toMatchObject({ code: 2, json: null });
      expect(r.stderr, at).toContain(`error [USAGE]: --at ${JSON.stringify(at)} is not a timestamp`);
      expect(r.stderr, at).not.toContain('--window');
    }
    // 2024-04-07 01:00 at +02:00 is 2024-04-06 23:00 UTC: the order's window, not the next one
    const windowOf = (at: string) => explain(ws, ['--customer', '2', '--at', at]);
    expect(windowOf('2024-04-07T01:00:00+02:00')).toMatchObject({ code: 0, json: { window_start: '2024-03-28 00:00:00', orders: [{ order_id: 1 }] } });
    // 2024-04-06 23:00 at -02:00 is 2024-04-07 01:00 UTC: the next window, where customer 2 has nothing
    const next = windowOf('2024-04-06T23:00:00-02:00');
    expect(next.code).toBe(1);
    expect(next.stderr).toContain('customer 2 has no ecommerce row and no current order in the window [2024-04-07 00:00:00, 2024-04-17 00:00:00)');
  });
});

/**
 * Property: after every step of random drop sequences, an order's status is
 * `counted` exactly when it is in some result row's order list, and the order
 * lists of a customer's rows partition its counted orders (each row lists
 * exactly Order_Count orders).
 */
propertySuite(301, 8, {
  skipRebuildChecks: true,
  afterStep: async ({ ws, step, seed }) => {
    const sql = SqlSnapshot.read();
    await withWarehouse({ path: ws.warehousePath, readOnly: true }, async (w) => {
      const ids = (await w.all<{ id: bigint }>(`
        SELECT Order_ID AS id FROM raw_orders UNION SELECT key FROM pipeline_rejects WHERE dataset = 'Orders' AND key IS NOT NULL
        UNION SELECT key FROM pipeline_withdrawn_rows WHERE dataset = 'Orders' UNION SELECT Order_ID FROM raw_deliveries`)).map((r) => r.id);
      const counted = new Set<bigint>();
      for (const id of ids) if ((await explainOrder(w, sql, id)).status === 'counted') counted.add(id);
      const listed: bigint[] = [];
      const rows = await w.all<{ Customer_ID: number; start: string; n: bigint }>(
        `SELECT Customer_ID, start_timestamp::VARCHAR AS start, Order_Count AS n FROM ecommerce`,
      );
      for (const row of rows) {
        const e = await explainWindow(w, sql, row.Customer_ID, row.start);
        expect(e.orders.length, `seed ${seed} step ${step}: row ${row.Customer_ID}@${row.start}`).toBe(Number(row.n));
        listed.push(...e.orders.map((o) => o.order_id));
      }
      expect(new Set(listed).size, `seed ${seed} step ${step}: an order listed in two rows`).toBe(listed.length);
      const ascending = (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0);
      expect([...listed].sort(ascending), `seed ${seed} step ${step}`).toEqual([...counted].sort(ascending));
    });
  },
});
