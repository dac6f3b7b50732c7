import { afterEach, describe, expect, it } from 'vitest';
import { explainOrder } from '../pipeline/explain/explainOrder.js';
import { explainWindow } from '../pipeline/explain/explainWindow.js';
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
        order_id: 1, status: 'counted', customer_id: 1, window_start: '2024-02-27 00:00:00',
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
      order_id: 2, status: 'counted', customer_id: 1, window_start: '2024-02-27 00:00:00',
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
      order_id: 3, status: 'counted', customer_id: 1, window_start: '2024-02-27 00:00:00',
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
        order_id: 4, status: 'rejected', customer_id: null, window_start: null,
        order_source: null, delivery_source: null, customer_source: null,
        history: [{ dataset: 'Orders', path: 'Orders/a.csv', line: 5, outcome: 'rejected', reason: BAD_TOTAL }],
      },
    });
    expect(explain(ws, ['--order', '5']).json).toEqual({
      order_id: 5, status: 'waiting_for_delivery', customer_id: 1, window_start: '2024-02-27 00:00:00',
      order_source: { path: 'Orders/a.csv', line: 6 },
      delivery_source: null,
      customer_source: { path: 'Customers/c.json', line: 1 },
      history: [{ dataset: 'Orders', path: 'Orders/a.csv', line: 6, outcome: 'current', reason: null }],
    });
    expect(explain(ws, ['--order', '6']).json).toEqual({
      order_id: 6, status: 'waiting_for_customer', customer_id: 2, window_start: '2024-02-27 00:00:00',
      order_source: { path: 'Orders/a.csv', line: 7 },
      delivery_source: { path: 'Deliveries/d1.csv', line: 5 },
      customer_source: null,
      history: [
        { dataset: 'Orders', path: 'Orders/a.csv', line: 7, outcome: 'current', reason: null },
        { dataset: 'Deliveries', path: 'Deliveries/d1.csv', line: 5, outcome: 'current', reason: null },
      ],
    });
    expect(explain(ws, ['--order', 'YR-7,0']).json).toEqual({
      order_id: 7, status: 'withdrawn', customer_id: null, window_start: null,
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
        UNION SELECT key FROM pipeline_withdrawn_rows WHERE dataset = 'Orders' UNION SELECT Order_ID FROM raw_deliveries`)).map((r) => Number(r.id));
      const counted = new Set<number>();
      for (const id of ids) if ((await explainOrder(w, sql, id)).status === 'counted') counted.add(id);
      const listed: number[] = [];
      const rows = await w.all<{ Customer_ID: number; start: string; n: bigint }>(
        `SELECT Customer_ID, start_timestamp::VARCHAR AS start, Order_Count AS n FROM ecommerce`,
      );
      for (const row of rows) {
        const e = await explainWindow(w, sql, row.Customer_ID, row.start);
        expect(e.orders.length, `seed ${seed} step ${step}: row ${row.Customer_ID}@${row.start}`).toBe(Number(row.n));
        listed.push(...e.orders.map((o) => o.order_id));
      }
      expect(new Set(listed).size, `seed ${seed} step ${step}: an order listed in two rows`).toBe(listed.length);
      expect([...listed].sort((a, b) => a - b), `seed ${seed} step ${step}`).toEqual([...counted].sort((a, b) => a - b));
    });
  },
});
