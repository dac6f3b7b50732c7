/**
 * Watch-mode latency: drop 50 small files one by one with `mv` (the
 * recommended atomic drop) into a running `pipeline watch`, and time each from
 * the rename to its row being visible in Postgres.
 *
 *   make bench-watch            (BENCH_DATABASE_URL=postgres://... to use a server of yours;
 *                                default: the embedded server the watcher starts)
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { embeddedOwnerUrl } from '../pipeline/export/embeddedPostgres.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const OUT = path.join(ROOT, 'bench', 'out', 'watch-latency');
const DROPS = Number(process.env.BENCH_DROPS ?? 50);
const PORT = Number(process.env.BENCH_PG_PORT ?? 54339);
const HEADER = 'Order ID,Customer ID,Order Time,SKU,Quantity,Order Total';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function main(): Promise<void> {
  fs.rmSync(OUT, { recursive: true, force: true });
  const data = path.join(OUT, 'data');
  const staging = path.join(OUT, 'incoming');
  for (const d of ['Orders', 'Deliveries', 'Customers']) fs.mkdirSync(path.join(data, d), { recursive: true });
  fs.mkdirSync(staging, { recursive: true });
  fs.chmodSync(OUT, 0o755);
  const customers = Array.from({ length: DROPS }, (_, i) => JSON.stringify({ 'Customer ID': i + 1, 'Customer Name': `c${i + 1}` }));
  fs.writeFileSync(path.join(data, 'Customers', 'customers.ndjson'), customers.join('\n') + '\n');

  let url = process.env.BENCH_DATABASE_URL ?? '';
  const schema = 'bench_latency';
  const args = [path.join(ROOT, 'bin', 'pipeline.js'), 'watch', '--data', data, '--warehouse', path.join(OUT, 'wh.duckdb'), '--pg-schema', schema];
  if (process.env.BENCH_DATABASE_URL) args.push('--postgres', url);
  const watch = spawn(process.execPath, args, {
    env: { ...process.env, PIPELINE_PG_PORT: String(PORT), PIPELINE_EXPORT: '1' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let log = '';
  watch.stdout!.on('data', (d) => (log += d));
  while (!/watching/.test(log)) {
    if (watch.exitCode !== null) throw new Error(`watch exited:\n${log}`);
    await sleep(50);
  }
  // the embedded server's owner password is random per warehouse, stored when watch started it
  url ||= embeddedOwnerUrl(path.join(OUT, 'wh.duckdb'), PORT)!;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  // wait for the start-up export (the customers file) so the table exists
  const waitStart = performance.now();
  for (;;) {
    const r = await client.query(`SELECT to_regclass('${schema}.ecommerce') AS t`);
    if (r.rows[0].t) break;
    if (performance.now() - waitStart > 30_000) throw new Error(`no ${schema}.ecommerce after 30 s; watch log:\n${log}`);
    await sleep(50);
  }

  const latencies: number[] = [];
  for (let i = 0; i < DROPS; i++) {
    const id = 1_000_000 + i;
    const customer = i + 1;
    const orders = path.join(staging, `o${i}.csv`);
    const deliveries = path.join(staging, `d${i}.csv`);
    fs.writeFileSync(orders, `${HEADER}\n${id},${customer},2024-06-01 12:00:00,SKU-${i},1,${10 + i}\n`);
    fs.writeFileSync(deliveries, `Order ID,Distance(m)\n${id},${100 + i}\n`);
    const t0 = performance.now();
    fs.renameSync(deliveries, path.join(data, 'Deliveries', `d${i}.csv`));
    fs.renameSync(orders, path.join(data, 'Orders', `o${i}.csv`));
    for (;;) {
      const r = await client.query(`SELECT 1 FROM ${schema}.ecommerce WHERE "Customer_ID" = $1`, [customer]);
      if (r.rowCount) break;
      if (performance.now() - t0 > 30_000) throw new Error(`drop ${i} not visible after 30 s:\n${log}`);
      await sleep(10);
    }
    latencies.push(performance.now() - t0);
    await sleep(100); // one by one
  }
  await client.end();
  watch.kill('SIGTERM');
  await new Promise((r) => watch.on('exit', r));

  const sorted = [...latencies].sort((a, b) => a - b);
  const result = {
    drops: DROPS,
    p50_ms: Math.round(percentile(sorted, 50)),
    p95_ms: Math.round(percentile(sorted, 95)),
    max_ms: Math.round(sorted[sorted.length - 1]!),
    min_ms: Math.round(sorted[0]!),
    target_p50_ms: 1500,
  };
  console.log(`watch latency, mv drop -> row visible in Postgres, ${DROPS} drops one by one:`);
  console.log(`  p50 ${result.p50_ms} ms   p95 ${result.p95_ms} ms   min ${result.min_ms} ms   max ${result.max_ms} ms   (target p50 <= 1500 ms)`);
  fs.writeFileSync(path.join(ROOT, 'bench', 'out', 'watch-latency.json'), JSON.stringify(result, null, 2));
}

await main();
