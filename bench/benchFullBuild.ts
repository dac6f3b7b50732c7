/**
 * Full build benchmark: the pipeline's from-scratch run against the
 * hand-written one-statement baseline (bench/oneShotSql.ts), same data, same
 * DuckDB settings, each side in its own node process.
 *
 *   BENCH_ORDERS=1000000 BENCH_SEED=42 [BENCH_MEMORY_LIMIT=4GB] [BENCH_THREADS=2] [BENCH_REPEAT=1]
 *   node dist/bench/benchFullBuild.js          (or: make bench)
 *
 * Writes bench/out/full-<orders>.json; exits 1 when the two results differ.
 */
import os from 'node:os';
import path from 'node:path';
import {
  OUT_DIR,
  compareResults,
  ensureDataset,
  kibToMiB,
  machineInfo,
  median,
  printComparison,
  readSettings,
  codeVersion,
  reportLoad,
  removeDuckDb,
  runChild,
  table,
  writeJson,
  type ChildResult,
  type Measured,
} from './benchCommon.js';

async function main(): Promise<number> {
  const s = readSettings();
  console.log(
    `full build benchmark: ${s.orders} orders, seed ${s.seed}, memory_limit ${s.memoryLimit ?? 'default'}, ` +
      `threads ${s.threads ?? 'default'}, repeat ${s.repeat}`,
  );
  const loadAtStart = reportLoad();
  const data = await ensureDataset(s);
  const pipelineDb = path.join(OUT_DIR, `full-${s.orders}.duckdb`);
  const oneShotDb = path.join(OUT_DIR, `oneshot-${s.orders}.duckdb`);
  const common = { dataDir: data.dir, memoryLimit: s.memoryLimit, threads: s.threads };

  const oneShotRuns: Measured[] = [];
  const pipelineRuns: Measured<ChildResult & { resultRows: number; rowsRead: number; strategy: string }>[] = [];
  for (let i = 0; i < s.repeat; i++) {
    // One-shot first, then the pipeline (alternating when repeated).
    removeDuckDb(oneShotDb);
    const o = await runChild('one-shot', 'childOneShot.js', { ...common, database: oneShotDb });
    oneShotRuns.push(o);
    console.log(`  [${i + 1}/${s.repeat}] one-shot: wall ${o.wallSeconds.toFixed(2)} s, internal ${o.child.seconds.toFixed(2)} s, peak RSS ${kibToMiB(o.child.maxRssKiB)} MiB (load ${o.loadAvg.join(' -> ')})`);
    removeDuckDb(pipelineDb);
    const p = await runChild<ChildResult & { resultRows: number; rowsRead: number; strategy: string }>(
      'pipeline', 'childPipeline.js', { ...common, warehouse: pipelineDb },
    );
    pipelineRuns.push(p);
    console.log(
      `  [${i + 1}/${s.repeat}] pipeline: wall ${p.wallSeconds.toFixed(2)} s, internal ${p.child.seconds.toFixed(2)} s, ` +
        `peak RSS ${kibToMiB(p.child.maxRssKiB)} MiB (${p.child.strategy}, ${p.child.rowsRead} rows read, ${p.child.resultRows} groups; load ${p.loadAvg.join(' -> ')})`,
    );
  }

  const summarize = (runs: Measured[]) => ({
    wallSeconds: median(runs.map((r) => r.wallSeconds)),
    internalSeconds: median(runs.map((r) => r.child.seconds)),
    peakRssMiB: kibToMiB(Math.max(...runs.map((r) => r.child.maxRssKiB))),
  });
  const one = summarize(oneShotRuns);
  const pipe = summarize(pipelineRuns);
  const ratio = {
    wall: pipe.wallSeconds / one.wallSeconds,
    internal: pipe.internalSeconds / one.internalSeconds,
    rss: pipe.peakRssMiB / one.peakRssMiB,
  };
  const rowsRead = pipelineRuns[0]!.child.rowsRead;

  console.log('');
  console.log(`${s.orders} orders (${rowsRead} input rows incl. deliveries and customers)${s.repeat > 1 ? `, median of ${s.repeat}` : ''}:`);
  console.log(
    table(
      ['', 'wall s', 'internal s', 'peak RSS MiB', 'orders/s (wall)'],
      [
        ['one-shot SQL', one.wallSeconds.toFixed(2), one.internalSeconds.toFixed(2), one.peakRssMiB.toFixed(1), Math.round(s.orders / one.wallSeconds)],
        ['pipeline', pipe.wallSeconds.toFixed(2), pipe.internalSeconds.toFixed(2), pipe.peakRssMiB.toFixed(1), Math.round(s.orders / pipe.wallSeconds)],
        ['pipeline / one-shot', `${ratio.wall.toFixed(2)}x`, `${ratio.internal.toFixed(2)}x`, `${ratio.rss.toFixed(2)}x`, ''],
      ],
    ),
  );
  console.log(`pipeline input rows/s (wall): ${Math.round(rowsRead / pipe.wallSeconds)}`);
  console.log('');

  const comparison = await compareResults(pipelineDb, 'ecommerce', oneShotDb, 'ecommerce_oneshot');
  printComparison('pipeline vs one-shot', comparison, 'pipeline', 'one-shot');

  writeJson(path.join(OUT_DIR, `full-${s.orders}.json`), {
    benchmark: 'full-build',
    at: new Date().toISOString(),
    settings: s,
    machine: machineInfo(),
    code: codeVersion(),
    loadAtStart,
    loadAtEnd: os.loadavg(),
    data: { ...data, dir: path.relative(OUT_DIR, data.dir) },
    oneShot: { summary: one, runs: oneShotRuns },
    pipeline: { summary: pipe, runs: pipelineRuns },
    ratioPipelineOverOneShot: ratio,
    ordersPerSecondWall: { oneShot: s.orders / one.wallSeconds, pipeline: s.orders / pipe.wallSeconds },
    inputRowsPerSecondWallPipeline: rowsRead / pipe.wallSeconds,
    verification: comparison,
  });
  return comparison.match ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.stack ?? error.message : error);
    process.exit(2);
  },
);
