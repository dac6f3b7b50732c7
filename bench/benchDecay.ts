/**
 * Decay benchmark (`make bench-decay`): a long `watch` day. A full build, then
 * BENCH_DECAY_RUNS (100) successive incremental runs, each with its own new
 * 0.1 % delta (BENCH_DECAY_PERCENT; bench/makeDelta.ts with index 1, 2, ...:
 * new orders with fresh IDs, other re-sent orders, later mtimes), then a no-op.
 * Every run in its own node process, on the same warehouse file.
 *
 * Measured: each run's wall and internal time and the warehouse size after it
 * (file + WAL). Compared with a fresh full build of the same final files:
 * - warehouse size after the last run <= 1.5x the fresh build's;
 * - the last runs no slower than 1.25x the first ones (medians of the first and
 *   last 5 runs; the single 1st and last are printed too);
 * - the no-op after the series <= 0.5 s wall.
 * Verified: the decayed warehouse's result equals the fresh build's group by
 * group (and the one-shot's over the final files unless BENCH_ONESHOT_CHECK=0).
 *
 *   BENCH_ORDERS=1000000 BENCH_DECAY_RUNS=100 BENCH_DECAY_PERCENT=0.1 node dist/bench/benchDecay.js
 */
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import {
  OUT_DIR,
  codeVersion,
  compareResults,
  duckDbBytes,
  ensureDataset,
  kibToMiB,
  machineInfo,
  median,
  mib,
  printComparison,
  readSettings,
  removeDuckDb,
  reportLoad,
  runChild,
  runPipelineChild,
  table,
  writeJson,
  type Comparison,
  type Measured,
  type PipelineChild,
} from './benchCommon.js';
import { makeDelta } from './makeDelta.js';

const SIZE_TARGET = 1.5;
const SLOWDOWN_TARGET = 1.25;
const NOOP_TARGET_SECONDS = 0.5;

function linkBase(baseDir: string, dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
  for (const dataset of ['Orders', 'Deliveries', 'Customers']) {
    fs.mkdirSync(path.join(dir, dataset), { recursive: true });
    for (const name of fs.readdirSync(path.join(baseDir, dataset))) {
      if (name.startsWith('.')) continue;
      const from = path.join(baseDir, dataset, name);
      const to = path.join(dir, dataset, name);
      try {
        fs.linkSync(from, to);
      } catch {
        fs.copyFileSync(from, to);
        const st = fs.statSync(from);
        fs.utimesSync(to, st.atime, st.mtime);
      }
    }
  }
}

async function main(): Promise<number> {
  const s = readSettings();
  const runs = Number(process.env.BENCH_DECAY_RUNS ?? 100);
  const percent = Number(process.env.BENCH_DECAY_PERCENT ?? 0.1);
  if (!Number.isSafeInteger(runs) || runs < 1) throw new Error('BENCH_DECAY_RUNS must be an integer >= 1');
  if (!(percent > 0 && percent <= 100)) throw new Error('BENCH_DECAY_PERCENT must be in (0, 100]');
  const deltaOrders = Math.max(1, Math.round((s.orders * percent) / 100));
  const oneShotCheck = process.env.BENCH_ONESHOT_CHECK !== '0';
  console.log(`decay benchmark: ${s.orders} orders, ${runs} runs of a ${percent}% delta (${deltaOrders} order rows each), seed ${s.seed}, memory_limit ${s.memoryLimit ?? 'default'}`);
  const loadAtStart = reportLoad();
  const data = await ensureDataset(s);
  const dataDir = path.join(OUT_DIR, `decay-data-${s.orders}`);
  linkBase(data.dir, dataDir);
  const warehouse = path.join(OUT_DIR, `decay-${s.orders}.duckdb`);
  const common = { dataDir, memoryLimit: s.memoryLimit, threads: s.threads };
  removeDuckDb(warehouse);
  const full = await runPipelineChild('full build', { ...common, warehouse });
  const fullBytes = duckDbBytes(warehouse);
  console.log(`full build: wall ${full.wallSeconds.toFixed(2)} s, internal ${full.child.seconds.toFixed(2)} s, ${mib(fullBytes)} MiB`);

  const problems: string[] = [];
  const series: { run: number; wall: number; internal: number; bytes: number; load: number; groupsUpserted: number; rssMiB: number }[] = [];
  for (let k = 1; k <= runs; k++) {
    await makeDelta({ baseDir: data.dir, outDir: dataDir, orders: s.orders, customers: s.customers, seed: s.seed, deltaOrders, index: k });
    const r = await runPipelineChild(`run ${k}`, { ...common, warehouse });
    if (!r.child.changed || r.child.rowsRejected || r.child.quarantined.length) problems.push(`run ${k}: changed=${r.child.changed}, ${r.child.rowsRejected} rejected, ${r.child.quarantined.length} quarantined`);
    const bytes = duckDbBytes(warehouse);
    series.push({ run: k, wall: r.wallSeconds, internal: r.child.seconds, bytes, load: r.loadAvg[0], groupsUpserted: r.child.groupsUpserted, rssMiB: kibToMiB(r.child.maxRssKiB) });
    if (k === 1 || k === runs || k % 10 === 0) {
      console.log(`  run ${k}/${runs}: wall ${r.wallSeconds.toFixed(2)} s, internal ${r.child.seconds.toFixed(3)} s, ${r.child.groupsUpserted} groups upserted, warehouse ${mib(bytes)} MiB (load ${r.loadAvg.join(' -> ')})`);
    }
  }
  const noops: Measured<PipelineChild>[] = [];
  for (let i = 0; i < 3; i++) noops.push(await runPipelineChild('no-op', { ...common, warehouse }));
  if (noops.some((n) => n.child.changed)) problems.push('a no-op run reported changed=true');
  const decayedBytes = duckDbBytes(warehouse);

  const freshDb = path.join(OUT_DIR, `decay-${s.orders}-fresh.duckdb`);
  removeDuckDb(freshDb);
  const fresh = await runPipelineChild('fresh build', { ...common, warehouse: freshDb });
  const freshBytes = duckDbBytes(freshDb);
  console.log(`fresh build of the same files: wall ${fresh.wallSeconds.toFixed(2)} s, internal ${fresh.child.seconds.toFixed(2)} s, ${mib(freshBytes)} MiB`);
  const vsFresh = await compareResults(warehouse, 'ecommerce', freshDb, 'ecommerce');
  printComparison('decayed vs fresh build', vsFresh, 'decayed', 'fresh');
  let vsOneShot: Comparison | undefined;
  if (oneShotCheck) {
    const oneShotDb = path.join(OUT_DIR, `decay-oneshot-${s.orders}.duckdb`);
    removeDuckDb(oneShotDb);
    await runChild('one-shot', 'childOneShot.js', { ...common, database: oneShotDb });
    vsOneShot = await compareResults(warehouse, 'ecommerce', oneShotDb, 'ecommerce_oneshot');
    printComparison('decayed vs one-shot', vsOneShot, 'decayed', 'one-shot');
    removeDuckDb(oneShotDb);
  }

  const n = Math.min(5, Math.floor(runs / 2) || 1);
  const firstWall = median(series.slice(0, n).map((x) => x.wall));
  const lastWall = median(series.slice(-n).map((x) => x.wall));
  const firstInternal = median(series.slice(0, n).map((x) => x.internal));
  const lastInternal = median(series.slice(-n).map((x) => x.internal));
  const sizeRatio = decayedBytes / freshBytes;
  const slowWall = lastWall / firstWall;
  const slowInternal = lastInternal / firstInternal;
  const noopWall = median(noops.map((x) => x.wallSeconds));
  const noopInternal = median(noops.map((x) => x.child.seconds));
  const mark = (ok: boolean) => (ok ? 'ok' : 'MISSED');

  console.log('');
  console.log(`${s.orders} orders, ${runs} runs of ${deltaOrders} order rows; load at start ${loadAtStart[0]}, now ${os.loadavg()[0]!.toFixed(2)}:`);
  console.log(table(['', 'value'], [
    ['fresh build of the final files: size MiB', mib(freshBytes)],
    ['after the full build: size MiB', mib(fullBytes)],
    [`after ${runs} runs + no-op: size MiB`, `${mib(decayedBytes)} (${sizeRatio.toFixed(2)}x fresh)`],
    ['run 1 / run ' + runs + ': wall s', `${series[0]!.wall.toFixed(2)} / ${series[series.length - 1]!.wall.toFixed(2)}`],
    ['run 1 / run ' + runs + ': internal s', `${series[0]!.internal.toFixed(3)} / ${series[series.length - 1]!.internal.toFixed(3)}`],
    [`median of first ${n} / last ${n}: wall s`, `${firstWall.toFixed(2)} / ${lastWall.toFixed(2)} (${slowWall.toFixed(2)}x)`],
    [`median of first ${n} / last ${n}: internal s`, `${firstInternal.toFixed(3)} / ${lastInternal.toFixed(3)} (${slowInternal.toFixed(2)}x)`],
    ['no-op after the series (median of 3): wall / internal s', `${noopWall.toFixed(2)} / ${noopInternal.toFixed(3)}`],
  ]));
  console.log(`target: warehouse <= ${SIZE_TARGET}x a fresh build: ${sizeRatio.toFixed(2)}x [${mark(sizeRatio <= SIZE_TARGET)}]`);
  console.log(`target: last runs <= ${SLOWDOWN_TARGET}x the first: ${slowWall.toFixed(2)}x wall [${mark(slowWall <= SLOWDOWN_TARGET)}], ${slowInternal.toFixed(2)}x internal [${mark(slowInternal <= SLOWDOWN_TARGET)}]`);
  console.log(`target: no-op <= ${NOOP_TARGET_SECONDS} s wall: ${noopWall.toFixed(2)} s [${mark(noopWall <= NOOP_TARGET_SECONDS)}]`);
  for (const p of problems) console.log(`PROBLEM: ${p}`);
  const ok = vsFresh.match && (vsOneShot?.match ?? true) && problems.length === 0;
  console.log(ok ? 'verification: MATCH' : 'verification: MISMATCH');
  writeJson(path.join(OUT_DIR, `decay-${s.orders}.json`), {
    benchmark: 'decay', at: new Date().toISOString(), settings: { ...s, runs, percent, deltaOrders }, machine: machineInfo(), code: codeVersion(),
    loadAtStart, loadAtEnd: os.loadavg(), fullBuild: full, fullBytes, series, noops, fresh, freshBytes, decayedBytes,
    ratios: { size: sizeRatio, slowdownWall: slowWall, slowdownInternal: slowInternal }, noop: { wall: noopWall, internal: noopInternal },
    verification: { match: ok, vsFresh, vsOneShot, problems },
  });
  removeDuckDb(freshDb);
  return ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.stack ?? error.message : error);
    process.exit(2);
  },
);
