/**
 * Full build benchmark: the pipeline's from-scratch run against the
 * hand-written one-statement baseline (bench/oneShotSql.ts), same data, same
 * DuckDB settings, each side in its own node process.
 *
 *   BENCH_ORDERS=1000000 BENCH_SEED=42 [BENCH_MEMORY_LIMIT=4GB] [BENCH_THREADS=2] [BENCH_REPEAT=1]
 *   [BENCH_MEMORY_LIMITS=default,6GB]  (one comparison per memory limit; make bench-scale)
 *   node dist/bench/benchFullBuild.js          (or: make bench)
 *
 * Three sides per repetition: the plain one-shot (no latest-wins dedupe: the
 * floor, timed only), the equivalent one-shot (latest row per key wins: the
 * target and the verification), the pipeline.
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

type PipelineRun = Measured<ChildResult & { resultRows: number; rowsRead: number; strategy: string }>;

/** BENCH_MEMORY_LIMITS=default,6GB: run the whole comparison once per memory limit (the scale check). */
function memoryLimits(fallback: string | undefined): (string | undefined)[] {
  const raw = process.env.BENCH_MEMORY_LIMITS?.trim();
  if (!raw) return [fallback];
  return raw.split(',').map((x) => x.trim()).map((x) => (x === '' || x === 'default' ? undefined : x));
}

const TARGET_RATIO = 1.0;
const GOAL_RATIO = 0.8;

async function main(): Promise<number> {
  const s = readSettings();
  const limits = memoryLimits(s.memoryLimit);
  console.log(
    `full build benchmark: ${s.orders} orders, seed ${s.seed}, memory_limit ${limits.map((l) => l ?? 'default').join(' and ')}, ` +
      `threads ${s.threads ?? 'default'}, repeat ${s.repeat}`,
  );
  const loadAtStart = reportLoad();
  const data = await ensureDataset(s);
  const pipelineDb = path.join(OUT_DIR, `full-${s.orders}.duckdb`);
  const oneShotDb = path.join(OUT_DIR, `oneshot-${s.orders}.duckdb`);
  const plainDb = path.join(OUT_DIR, `oneshot-plain-${s.orders}.duckdb`);

  const summarize = (runs: Measured[]) => ({
    wallSeconds: median(runs.map((r) => r.wallSeconds)),
    internalSeconds: median(runs.map((r) => r.child.seconds)),
    peakRssMiB: kibToMiB(Math.max(...runs.map((r) => r.child.maxRssKiB))),
  });
  const results = [];
  const rows: (string | number)[][] = [];
  let allMatch = true;
  let rowsRead = 0;
  for (const memoryLimit of limits) {
    const mem = memoryLimit ?? 'default';
    const common = { dataDir: data.dir, memoryLimit, threads: s.threads };
    const plainRuns: Measured[] = [];
    const oneShotRuns: Measured[] = [];
    const pipelineRuns: PipelineRun[] = [];
    for (let i = 0; i < s.repeat; i++) {
      // Plain one-shot, equivalent one-shot, pipeline (in turn when repeated).
      removeDuckDb(plainDb);
      const f = await runChild('plain one-shot', 'childOneShot.js', { ...common, database: plainDb, plain: true });
      plainRuns.push(f);
      removeDuckDb(plainDb);
      console.log(`  [${mem} ${i + 1}/${s.repeat}] plain one-shot (no dedupe): wall ${f.wallSeconds.toFixed(2)} s, internal ${f.child.seconds.toFixed(2)} s, peak RSS ${kibToMiB(f.child.maxRssKiB)} MiB (load ${f.loadAvg.join(' -> ')})`);
      removeDuckDb(oneShotDb);
      const o = await runChild('one-shot', 'childOneShot.js', { ...common, database: oneShotDb });
      oneShotRuns.push(o);
      console.log(`  [${mem} ${i + 1}/${s.repeat}] equivalent one-shot: wall ${o.wallSeconds.toFixed(2)} s, internal ${o.child.seconds.toFixed(2)} s, peak RSS ${kibToMiB(o.child.maxRssKiB)} MiB (load ${o.loadAvg.join(' -> ')})`);
      removeDuckDb(pipelineDb);
      const p: PipelineRun = await runChild('pipeline', 'childPipeline.js', { ...common, warehouse: pipelineDb });
      pipelineRuns.push(p);
      console.log(
        `  [${mem} ${i + 1}/${s.repeat}] pipeline: wall ${p.wallSeconds.toFixed(2)} s, internal ${p.child.seconds.toFixed(2)} s, ` +
          `peak RSS ${kibToMiB(p.child.maxRssKiB)} MiB (${p.child.strategy}, ${p.child.rowsRead} rows read, ${p.child.resultRows} groups; load ${p.loadAvg.join(' -> ')})`,
      );
    }
    const plain = summarize(plainRuns);
    const one = summarize(oneShotRuns);
    const pipe = summarize(pipelineRuns);
    const ratio = {
      wall: pipe.wallSeconds / one.wallSeconds,
      internal: pipe.internalSeconds / one.internalSeconds,
      rss: pipe.peakRssMiB / one.peakRssMiB,
    };
    const ratioPlain = {
      wall: pipe.wallSeconds / plain.wallSeconds,
      internal: pipe.internalSeconds / plain.internalSeconds,
      rss: pipe.peakRssMiB / plain.peakRssMiB,
    };
    rowsRead = pipelineRuns[0]!.child.rowsRead;
    const m = `mem ${mem}`;
    rows.push(
      [`${m}: plain one-shot (floor, no dedupe)`, plain.wallSeconds.toFixed(2), plain.internalSeconds.toFixed(2), plain.peakRssMiB.toFixed(1), Math.round(s.orders / plain.wallSeconds)],
      [`${m}: equivalent one-shot`, one.wallSeconds.toFixed(2), one.internalSeconds.toFixed(2), one.peakRssMiB.toFixed(1), Math.round(s.orders / one.wallSeconds)],
      [`${m}: pipeline`, pipe.wallSeconds.toFixed(2), pipe.internalSeconds.toFixed(2), pipe.peakRssMiB.toFixed(1), Math.round(s.orders / pipe.wallSeconds)],
      [`${m}: pipeline / equivalent`, `${ratio.wall.toFixed(2)}x`, `${ratio.internal.toFixed(2)}x`, `${ratio.rss.toFixed(2)}x`, ''],
      [`${m}: pipeline / plain`, `${ratioPlain.wall.toFixed(2)}x`, `${ratioPlain.internal.toFixed(2)}x`, `${ratioPlain.rss.toFixed(2)}x`, ''],
    );
    const comparison = await compareResults(pipelineDb, 'ecommerce', oneShotDb, 'ecommerce_oneshot');
    printComparison(`[${mem}] pipeline vs equivalent one-shot`, comparison, 'pipeline', 'one-shot');
    allMatch &&= comparison.match;
    results.push({
      memoryLimit: mem,
      plainOneShot: { summary: plain, runs: plainRuns },
      oneShot: { summary: one, runs: oneShotRuns },
      pipeline: { summary: pipe, runs: pipelineRuns },
      ratioPipelineOverOneShot: ratio,
      ratioPipelineOverPlain: ratioPlain,
      targets: {
        ratioMax: TARGET_RATIO, ratioGoal: GOAL_RATIO,
        timeMet: ratio.internal <= TARGET_RATIO && ratio.wall <= TARGET_RATIO,
        rssMet: ratio.rss <= 1,
      },
      ordersPerSecondWall: { plain: s.orders / plain.wallSeconds, oneShot: s.orders / one.wallSeconds, pipeline: s.orders / pipe.wallSeconds },
      inputRowsPerSecondWallPipeline: rowsRead / pipe.wallSeconds,
      verification: comparison,
    });
  }

  console.log('');
  console.log(`${s.orders} orders (${rowsRead} input rows incl. deliveries and customers)${s.repeat > 1 ? `, median of ${s.repeat}` : ''}, load at start ${loadAtStart[0]}, now ${os.loadavg()[0]!.toFixed(2)}:`);
  console.log(table(['', 'wall s', 'internal s', 'peak RSS MiB', 'orders/s (wall)'], rows));
  const mark = (ok: boolean) => (ok ? 'ok' : 'MISSED');
  for (const r of results) {
    console.log(
      `targets [mem ${r.memoryLimit}]: pipeline <= ${TARGET_RATIO}x the equivalent one-shot (goal ${GOAL_RATIO}x): ` +
        `${r.ratioPipelineOverOneShot.internal.toFixed(2)}x internal, ${r.ratioPipelineOverOneShot.wall.toFixed(2)}x wall [${mark(r.targets.timeMet)}]; ` +
        `peak RSS <= the one-shot's: ${r.ratioPipelineOverOneShot.rss.toFixed(2)}x [${mark(r.targets.rssMet)}]; ` +
        `floor (plain one-shot): ${r.ratioPipelineOverPlain.internal.toFixed(2)}x internal`,
    );
  }
  console.log(allMatch ? 'verification: MATCH' : 'verification: MISMATCH');

  writeJson(path.join(OUT_DIR, `full-${s.orders}.json`), {
    benchmark: 'full-build',
    at: new Date().toISOString(),
    settings: { ...s, memoryLimits: limits.map((l) => l ?? 'default') },
    machine: machineInfo(),
    code: codeVersion(),
    loadAtStart,
    loadAtEnd: os.loadavg(),
    data: { ...data, dir: path.relative(OUT_DIR, data.dir) },
    results,
  });
  return allMatch ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.stack ?? error.message : error);
    process.exit(2);
  },
);
