/**
 * Read-side timings on an existing warehouse (e.g. a 10M one from the benchmarks):
 * `pipeline explain --order ID --json` and `explain --customer ID --at TS --json`
 * as fresh CLI processes (wall, median of BENCH_REPEAT, default 5), and the same
 * calls in this process (open read-only + explain + close, and the explain call
 * alone), medians too. Verifies that the order is found as counted and the
 * window's order count equals the ecommerce row's.
 *
 *   node dist/bench/benchExplain.js <warehouse.duckdb>      (or: make bench-explain WAREHOUSE=...)
 */
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { explainOrder } from '../pipeline/explain/explainOrder.js';
import { explainWindow } from '../pipeline/explain/explainWindow.js';
import { SqlSnapshot } from '../pipeline/warehouse/sqlFiles.js';
import { Warehouse } from '../pipeline/warehouse/Warehouse.js';
import { REPO_DIR, median, reportLoad, table } from './benchCommon.js';

const warehouse = path.resolve(process.argv[2] ?? '');
const repeat = Number(process.env.BENCH_REPEAT ?? 5);
reportLoad();
const w0 = await Warehouse.open({ path: warehouse, readOnly: true });
const pick = (await w0.one<{ order_id: bigint; customer: number; at: string; oc: bigint }>(`
  SELECT o.Order_ID AS order_id, o.Customer_ID AS customer, strftime(o.Order_Time, '%Y-%m-%d %H:%M:%S') AS at, e.Order_Count AS oc
  FROM cur_orders o JOIN ecommerce e ON e.Customer_ID = o.Customer_ID AND o.Order_Time >= e.start_timestamp AND o.Order_Time < e.end_timestamp
  WHERE o.Order_ID = (SELECT max(Order_ID) // 2 FROM cur_orders)`))!;
w0.close();
const orderId = String(pick.order_id);
console.log(`warehouse ${path.relative(REPO_DIR, warehouse)}: order ${orderId}, customer ${pick.customer} at ${pick.at} (window of ${pick.oc} orders)`);

const cli = (args: string[]) => {
  const t0 = performance.now();
  const out = execFileSync(process.execPath, [path.join(REPO_DIR, 'bin', 'pipeline.js'), ...args, '--warehouse', warehouse, '--json'], { encoding: 'utf8', maxBuffer: 1 << 28 });
  return { seconds: (performance.now() - t0) / 1000, json: JSON.parse(out) as Record<string, unknown> };
};
const sql = SqlSnapshot.read();
const inProcess = async (f: (w: Warehouse) => Promise<unknown>) => {
  const t0 = performance.now();
  const w = await Warehouse.open({ path: warehouse, readOnly: true });
  const t1 = performance.now();
  const r = await f(w);
  const t2 = performance.now();
  w.close();
  const t3 = performance.now();
  return { withOpen: (t3 - t0) / 1000, call: (t2 - t1) / 1000, r };
};

const rows: (string | number)[][] = [];
const problems: string[] = [];
for (const [label, args, f] of [
  ['explain --order', ['explain', '--order', orderId], (w: Warehouse) => explainOrder(w, sql, BigInt(orderId))],
  ['explain --customer --at', ['explain', '--customer', String(pick.customer), '--at', pick.at], (w: Warehouse) => explainWindow(w, sql, pick.customer, pick.at)],
] as const) {
  const walls: number[] = [];
  let last: Record<string, unknown> = {};
  for (let i = 0; i < repeat; i++) {
    const r = cli([...args]);
    walls.push(r.seconds);
    last = r.json;
  }
  const withOpen: number[] = [];
  const call: number[] = [];
  for (let i = 0; i < repeat; i++) {
    const r = await inProcess(f as (w: Warehouse) => Promise<unknown>);
    withOpen.push(r.withOpen);
    call.push(r.call);
  }
  if (label === 'explain --order' && last.status !== 'counted') problems.push(`order ${orderId}: status ${String(last.status)}, expected counted`);
  if (label !== 'explain --order' && !JSON.stringify(last).includes(String(pick.oc))) problems.push(`window explanation does not mention the order count ${pick.oc}`);
  rows.push([label, median(walls).toFixed(3), `${Math.min(...walls).toFixed(3)}-${Math.max(...walls).toFixed(3)}`, median(withOpen).toFixed(3), median(call).toFixed(3)]);
}
console.log(table(['command (--json)', `CLI wall s (median of ${repeat})`, 'min-max', 'in-process open+call+close s', 'in-process call s'], rows));
console.log(`load now ${os.loadavg()[0]!.toFixed(2)}`);
for (const p of problems) console.log(`PROBLEM: ${p}`);
console.log(problems.length ? 'verification: MISMATCH' : 'verification: OK (order counted, window count matches)');
process.exit(problems.length ? 1 : 0);
