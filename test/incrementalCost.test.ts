import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { withWarehouse } from '../pipeline/warehouse/Warehouse.js';
import { makeWorkspace, ROOT, type Workspace } from './support/fixtures.js';

const HEADER = 'Order ID,Customer ID,Order Time,SKU,Quantity,Order Total';

function ordersFile(from: number, count: number, customer: (i: number) => number): string {
  const lines = [HEADER];
  for (let i = from; i < from + count; i++) {
    lines.push(`${i},${customer(i)},2024-03-${String(1 + (i % 28)).padStart(2, '0')} 10:00:00,S${i % 7},1,${(i % 50) + 1}`);
  }
  return lines.join('\n') + '\n';
}

function deliveriesFile(from: number, count: number): string {
  const lines = ['Order ID,Distance(m)'];
  for (let i = from; i < from + count; i++) lines.push(`${i},${i % 900}`);
  return lines.join('\n') + '\n';
}

describe('incremental cost is proportional to the change (counted, not timed)', () => {
  let ws: Workspace;
  afterEach(() => ws?.cleanup());

  it('a run with one new small file reads only that file and recomputes only its groups', async () => {
    ws = makeWorkspace('cost');
    const customers = Array.from({ length: 200 }, (_, i) => `{"Customer ID": ${i + 1}}`).join('\n');
    ws.write('Customers/c.ndjson', customers + '\n');
    for (let f = 0; f < 20; f++) {
      ws.write(`Orders/o${f}.csv`, ordersFile(f * 1000, 1000, (i) => 1 + (i % 200)));
      ws.write(`Deliveries/d${f}.csv`, deliveriesFile(f * 1000, 1000));
    }
    const first = await ws.run();
    expect(first.rowsRead).toBe(40_200);
    const before = await ws.query<{ n: number }>('SELECT count(*) AS n FROM ecommerce');

    // one small file: 5 new orders of customers 7 and 8, whose deliveries are already there? no: new ids + deliveries
    ws.write('Orders/late.csv', ordersFile(100_000, 5, (i) => (i % 2 === 0 ? 7 : 8)));
    ws.write('Deliveries/late.csv', deliveriesFile(100_000, 5));
    const second = await ws.run();
    expect(second.strategy).toBe('incremental');
    expect(second.files.map((f) => f.path).sort()).toEqual(['Deliveries/late.csv', 'Orders/late.csv']);
    expect(second.rowsRead).toBe(10);
    expect(second.keysChanged).toBe(10); // 5 order keys + 5 delivery keys
    // only windows of customers 7 and 8 on the touched days can change
    expect(second.groupsRecomputed).toBeLessThanOrEqual(10);
    expect(second.groupsUpserted).toBeGreaterThan(0);
    expect(second.groupsUpserted).toBeLessThanOrEqual(second.groupsRecomputed);
    const after = await ws.query<{ n: number }>('SELECT count(*) AS n FROM ecommerce');
    expect(after[0]!.n).toBeGreaterThanOrEqual(before[0]!.n);
    // the rows the run changed carry its version; nothing else does
    const changed = await ws.query<{ Customer_ID: number }>(
      `SELECT DISTINCT Customer_ID FROM ecommerce_state WHERE _version = ${second.runId} ORDER BY 1`,
    );
    expect(changed.map((r) => r.Customer_ID).every((c) => c === 7 || c === 8)).toBe(true);
  });

  it('a rerun with no new files is a no-op: no version, no file read, nothing changed', async () => {
    ws = makeWorkspace('noop');
    ws.write('Orders/o.csv', ordersFile(1, 10, () => 1));
    ws.write('Deliveries/d.csv', deliveriesFile(1, 10));
    ws.write('Customers/c.json', '[{"Customer ID": 1}]');
    await ws.run();
    const state = await ws.query('SELECT * FROM ecommerce_state ORDER BY ALL');
    const again = await ws.run();
    expect(again).toMatchObject({ changed: false, runId: null, files: [], rowsRead: 0, groupsRecomputed: 0 });
    expect(await ws.query('SELECT max(run_id) AS v FROM pipeline_runs')).toEqual([{ v: 1 }]);
    expect(await ws.query('SELECT * FROM ecommerce_state ORDER BY ALL')).toEqual(state);
  });

  it('a file copied under a new name is recognised and reported, not double-counted', async () => {
    ws = makeWorkspace('copy');
    const content = ordersFile(1, 10, () => 1);
    ws.write('Orders/o.csv', content);
    ws.write('Deliveries/d.csv', deliveriesFile(1, 10));
    ws.write('Customers/c.json', '[{"Customer ID": 1}]');
    await ws.run();
    const before = await ws.query('SELECT * FROM ecommerce ORDER BY ALL');
    ws.write('Orders/o_copy.csv', content);
    const r = await ws.run();
    expect(r.files).toMatchObject([{ path: 'Orders/o_copy.csv', duplicateOf: 'Orders/o.csv', status: 'loaded' }]);
    expect(r.groupsUpserted).toBe(0);
    expect(await ws.query('SELECT * FROM ecommerce ORDER BY ALL')).toEqual(before);
  });

  it('a rewritten file withdraws its old rows: removed keys fall back to older files or disappear, emptied groups leave tombstones', async () => {
    ws = makeWorkspace('rewrite');
    ws.write('Orders/old.csv', `${HEADER}\n1,1,2024-03-01 10:00:00,A,1,10\n`);
    ws.write('Orders/new.csv', `${HEADER}\n1,1,2024-03-01 10:00:00,A,1,99\n2,2,2024-04-01 10:00:00,A,1,5\n`);
    ws.write('Deliveries/d.csv', 'Order ID,Distance(m)\n1,1\n2,2\n');
    ws.write('Customers/c.json', '[{"Customer ID": 1}, {"Customer ID": 2}]');
    await ws.run();
    expect(await ws.query('SELECT Customer_ID, Total_Order_Amount FROM ecommerce ORDER BY 1')).toEqual([
      { Customer_ID: 1, Total_Order_Amount: 99 },
      { Customer_ID: 2, Total_Order_Amount: 5 },
    ]);
    ws.write('Orders/new.csv', `${HEADER}\n`); // rewritten: holds no keys any more
    const r = await ws.run({ fullRecomputeShare: Infinity });
    expect(r).toMatchObject({ strategy: 'incremental', filesWithdrawn: 1, groupsDeleted: 1, groupsUpserted: 1 });
    expect(await ws.query('SELECT Customer_ID, Total_Order_Amount FROM ecommerce ORDER BY 1')).toEqual([
      { Customer_ID: 1, Total_Order_Amount: 10 }, // fell back to old.csv
    ]);
    expect(await ws.query(`SELECT Customer_ID, _version FROM ecommerce_tombstones`)).toEqual([{ Customer_ID: 2, _version: r.runId }]);
  });
  // Issue 18, layout: a delta's scans skip row groups by their min/max (zone maps) only
  // when the rows they want sit together. The first build writes the result in window
  // order, the current orders in time order and the current deliveries in Order_ID order,
  // whatever order the files hold them in; a later run appends in the same order.
  it('the tables a delta reads are written in the order its scans skip by (window, time, Order_ID), first build and append', async () => {
    ws = makeWorkspace('layout');
    ws.write('Customers/c.ndjson', Array.from({ length: 50 }, (_, i) => `{"Customer ID": ${i + 1}}`).join('\n') + '\n');
    // rows in scrambled order: times across five months, ids not in time order, deliveries backwards
    const ids = Array.from({ length: 3000 }, (_, i) => i + 1).sort((a, b) => ((a * 7919) % 3001) - ((b * 7919) % 3001));
    const time = (id: number) => `2024-${String(1 + ((id * 31) % 5)).padStart(2, '0')}-${String(1 + ((id * 13) % 28)).padStart(2, '0')} ${String(id % 24).padStart(2, '0')}:00:00`;
    ws.write('Orders/o.csv', [HEADER, ...ids.map((id) => `${id},${1 + ((id * 17) % 50)},${time(id)},S${id % 9},1,${(id % 40) + 1}`)].join('\n') + '\n');
    ws.write('Deliveries/d.csv', ['Order ID,Distance(m)', ...[...ids].sort((a, b) => b - a).map((id) => `${id},${id % 700}`)].join('\n') + '\n');
    await ws.run();

    // rows out of order, read in storage order (rowid)
    const outOfOrder = async (table: string, cols: string[]): Promise<number> => {
      const prev = cols.map((c) => `lag(${c}) OVER (ORDER BY rowid) AS p_${c}`).join(', ');
      // (p1, p2, ...) > (c1, c2, ...) lexicographically
      const later = cols.map((c, i) => [...cols.slice(0, i).map((e) => `p_${e} = ${e}`), `p_${c} > ${c}`].join(' AND ')).map((x) => `(${x})`).join(' OR ');
      const [r] = await ws.query<{ n: number | bigint }>(`SELECT count(*) AS n FROM (SELECT *, ${prev} FROM ${table}) WHERE ${later}`);
      return Number(r!.n);
    };
    expect(await ws.query('SELECT count(*)::INT AS n FROM ecommerce_state')).not.toEqual([{ n: 0 }]);
    expect(await outOfOrder('ecommerce_state', ['start_timestamp', 'Customer_ID'])).toBe(0);
    expect(await outOfOrder('cur_orders', ['Order_Time', 'Order_ID'])).toBe(0);
    expect(await outOfOrder('cur_deliveries', ['Order_ID'])).toBe(0);
    // the check can fail: the files' own order is not sorted
    expect(await outOfOrder('raw_orders', ['Order_Time', 'Order_ID'])).toBeGreaterThan(0);

    // a daily drop: newer orders (June), in scrambled order
    const drop = Array.from({ length: 200 }, (_, i) => 5001 + ((i * 37) % 200));
    ws.write('Orders/june.csv', [HEADER, ...drop.map((id) => `${id},${1 + (id % 50)},2024-06-${String(1 + (id % 20)).padStart(2, '0')} 09:00:00,S${id % 9},2,${id % 30}`)].join('\n') + '\n');
    ws.write('Deliveries/june.csv', ['Order ID,Distance(m)', ...[...drop].reverse().map((id) => `${id},${id % 500}`)].join('\n') + '\n');
    const second = await ws.run();
    expect(second.strategy).toBe('incremental');
    expect(second.groupsUpserted).toBeGreaterThan(0);
    expect(await outOfOrder('ecommerce_state', ['start_timestamp'])).toBe(0);
    expect(await outOfOrder('cur_orders', ['Order_Time', 'Order_ID'])).toBe(0);
    expect(await outOfOrder('cur_deliveries', ['Order_ID'])).toBe(0);
  });

  it('the metrics step reads the current orders of the affected windows only: their span is a filter the scan prunes by, not a join', async () => {
    ws = makeWorkspace('span');
    ws.write('Customers/c.ndjson', Array.from({ length: 40 }, (_, i) => `{"Customer ID": ${i + 1}}`).join('\n') + '\n');
    // five months of orders, one a day per customer group
    const ids = Array.from({ length: 1500 }, (_, i) => i + 1);
    const time = (id: number) => `2024-${String(1 + Math.floor((id - 1) / 300)).padStart(2, '0')}-${String(1 + (id % 28)).padStart(2, '0')} 10:00:00`;
    ws.write('Orders/o.csv', [HEADER, ...ids.map((id) => `${id},${1 + (id % 40)},${time(id)},S${id % 5},1,${(id % 30) + 1}`)].join('\n') + '\n');
    ws.write('Deliveries/d.csv', ['Order ID,Distance(m)', ...ids.map((id) => `${id},${id % 600}`)].join('\n') + '\n');
    await ws.run();
    const metricsSql = fs.readFileSync(path.join(ROOT, 'sql/marts/ecommerce_metrics.sql'), 'utf8');
    const stored = 'SELECT count(*)::INT AS groups, sum(Order_Count)::INT AS orders, sum(Total_Order_Amount)::DOUBLE AS total FROM';
    await withWarehouse({ path: ws.warehousePath, readOnly: true }, async (w) => {
      // the run's setting: the newest windows (May) are affected
      await w.run(`SET VARIABLE window_size = INTERVAL '10 days'`);
      await w.run('SET VARIABLE full_recompute = false');
      await w.run(`CREATE TEMP TABLE affected_groups AS SELECT Customer_ID, start_timestamp FROM ecommerce_state WHERE start_timestamp >= TIMESTAMP '2024-05-01'`);
      await w.run(metricsSql);
      const plan = (await w.all<{ explain_value: string }>('EXPLAIN SELECT * FROM metrics_in_scope')).map((r) => r.explain_value).join('\n');
      // the span reaches the scan of cur_orders as a filter on Order_Time (zone maps skip the older row groups) …
      expect(plan).toMatch(/Order_Time\s*>=\s*'2024-0[45]/);
      // … and no nested-loop join compares every current order with subquery bounds (the old plan)
      expect(plan).not.toMatch(/NESTED_LOOP_JOIN/);
      // the same groups with the same numbers as the stored result
      const [now] = await w.all(`${stored} metrics_in_scope`);
      const [kept] = await w.all(`${stored} ecommerce_state s SEMI JOIN affected_groups g ON g.Customer_ID = s.Customer_ID AND g.start_timestamp = s.start_timestamp`);
      expect(Number(now!.groups)).toBeGreaterThan(0);
      expect(now).toEqual(kept);
      // no affected group: no order in scope
      await w.run('DELETE FROM affected_groups');
      await w.run(metricsSql);
      expect(await w.all('SELECT count(*)::INT AS n FROM metrics_in_scope')).toEqual([{ n: 0 }]);
    });
  });
});
