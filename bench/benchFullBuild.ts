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
  runPipelineChild,
  table,
  writeJson,
  type Measured,
  type PipelineChild,
} from './benchCommon.js';

type PipelineRun = Measured<PipelineChild>;

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
  let unverified = 0;
  let rowsRead = 0;
  for (const memoryLimit of limits) {
    const mem = memoryLimit ?? 'default';
    const common = { dataDir: data.dir, memoryLimit, threads: s.threads };
    const plainRuns: Measured[] = [];
    const oneShotRuns: Measured[] = [];
    // A one-shot that fails (at 30M the equivalent one ran out of memory with
    // DuckDB's default limit) is a result: the pipeline still runs and is reported.
    const failed: Record<'plain' | 'equivalent', string | undefined> = { plain: undefined, equivalent: undefined };
    const attempt = async (which: 'plain' | 'equivalent', run: () => Promise<Measured>): Promise<Measured | undefined> => {
      try {
        return await run();
      } catch (error) {
        failed[which] = error instanceof Error ? error.message : String(error);
        console.log(`  [${mem}] ${which} one-shot FAILED: ${failed[which]} (its stderr is above)`);
        return undefined;
      }
    };
    const pipelineRuns: PipelineRun[] = [];
    for (let i = 0; i < s.repeat; i++) {
      // Plain one-shot, equivalent one-shot, pipeline (in turn when repeated).
      removeDuckDb(plainDb);
      const f = await attempt('plain', () => runChild('plain one-shot', 'childOneShot.js', { ...common, database: plainDb, plain: true }));
      removeDuckDb(plainDb);
      if (f) {
        plainRuns.push(f);
        console.log(`  [${mem} ${i + 1}/${s.repeat}] plain one-shot (no dedupe): wall ${f.wallSeconds.toFixed(2)} s, internal ${f.child.seconds.toFixed(2)} s, peak RSS ${kibToMiB(f.child.maxRssKiB)} MiB (load ${f.loadAvg.join(' -> ')})`);
      }
      removeDuckDb(oneShotDb);
      const o = await attempt('equivalent', () => runChild('one-shot', 'childOneShot.js', { ...common, database: oneShotDb }));
      if (o) {
        oneShotRuns.push(o);
        console.log(`  [${mem} ${i + 1}/${s.repeat}] equivalent one-shot: wall ${o.wallSeconds.toFixed(2)} s, internal ${o.child.seconds.toFixed(2)} s, peak RSS ${kibToMiB(o.child.maxRssKiB)} MiB (load ${o.loadAvg.join(' -> ')})`);
      }
      removeDuckDb(pipelineDb);
      const p: PipelineRun = await runPipelineChild('pipeline', { ...common, warehouse: pipelineDb });
      pipelineRuns.push(p);
      rowsRead = p.child.rowsRead;
      console.log(
        `  [${mem} ${i + 1}/${s.repeat}] pipeline: wall ${p.wallSeconds.toFixed(2)} s, internal ${p.child.seconds.toFixed(2)} s, ` +
          `peak RSS ${kibToMiB(p.child.maxRssKiB)} MiB (${p.child.strategy}, ${p.child.rowsRead} rows read, ${p.child.resultRows} groups; load ${p.loadAvg.join(' -> ')})`,
      );
    }
    const plain = plainRuns.length ? summarize(plainRuns) : undefined;
    const one = oneShotRuns.length ? summarize(oneShotRuns) : undefined;
    const pipe = summarize(pipelineRuns);
    const over = (base: ReturnType<typeof summarize> | undefined) =>
      base && { wall: pipe.wallSeconds / base.wallSeconds, internal: pipe.internalSeconds / base.internalSeconds, rss: pipe.peakRssMiB / base.peakRssMiB };
    const ratio = over(one);
    const ratioPlain = over(plain);
    const m = `mem ${mem}`;
    const line = (label: string, x: ReturnType<typeof summarize> | undefined, why: string | undefined) =>
      x
        ? [label, x.wallSeconds.toFixed(2), x.internalSeconds.toFixed(2), x.peakRssMiB.toFixed(1), Math.round(s.orders / x.wallSeconds)]
        : [label, 'FAILED', (why ?? '').split('\n')[0]!.slice(0, 60), '', ''];
    const ratioLine = (label: string, r: ReturnType<typeof over>) =>
      r ? [label, `${r.wall.toFixed(2)}x`, `${r.internal.toFixed(2)}x`, `${r.rss.toFixed(2)}x`, ''] : [label, '-', '-', '-', ''];
    rows.push(
      line(`${m}: plain one-shot (floor, no dedupe)`, plain, failed.plain),
      line(`${m}: equivalent one-shot`, one, failed.equivalent),
      line(`${m}: pipeline`, pipe, undefined),
      ratioLine(`${m}: pipeline / equivalent`, ratio),
      ratioLine(`${m}: pipeline / plain`, ratioPlain),
    );
    // Without the equivalent one-shot nothing to compare with: reported as not verified.
    const comparison = one ? await compareResults(pipelineDb, 'ecommerce', oneShotDb, 'ecommerce_oneshot') : undefined;
    if (comparison) printComparison(`[${mem}] pipeline vs equivalent one-shot`, comparison, 'pipeline', 'one-shot');
    else {
      console.log(`[${mem}] pipeline vs equivalent one-shot: NOT VERIFIED (the one-shot failed)`);
      unverified++;
    }
    allMatch &&= comparison?.match ?? true;
    results.push({
      memoryLimit: mem,
      plainOneShot: plain ? { summary: plain, runs: plainRuns } : { failed: failed.plain },
      oneShot: one ? { summary: one, runs: oneShotRuns } : { failed: failed.equivalent },
      pipeline: { summary: pipe, runs: pipelineRuns },
      ratioPipelineOverOneShot: ratio ?? null,
      ratioPipelineOverPlain: ratioPlain ?? null,
      targets: {
        ratioMax: TARGET_RATIO, ratioGoal: GOAL_RATIO,
        // a one-shot that fails is beaten by a pipeline that completes
        timeMet: ratio ? ratio.internal <= TARGET_RATIO && ratio.wall <= TARGET_RATIO : true,
        rssMet: ratio ? ratio.rss <= 1 : true,
      },
      ordersPerSecondWall: { plain: plain && s.orders / plain.wallSeconds, oneShot: one && s.orders / one.wallSeconds, pipeline: s.orders / pipe.wallSeconds },
      inputRowsPerSecondWallPipeline: rowsRead / pipe.wallSeconds,
      verification: comparison ?? { match: null, reason: 'the equivalent one-shot failed' },
    });
  }

  console.log('');
  console.log(`${s.orders} orders (${rowsRead} input rows incl. deliveries and customers)${s.repeat > 1 ? `, median of ${s.repeat}` : ''}, load at start ${loadAtStart[0]}, now ${os.loadavg()[0]!.toFixed(2)}:`);
  console.log(table(['', 'wall s', 'internal s', 'peak RSS MiB', 'orders/s (wall)'], rows));
  const mark = (ok: boolean) => (ok ? 'ok' : 'MISSED');
  for (const r of results) {
    const vs = r.ratioPipelineOverOneShot;
    const floor = r.ratioPipelineOverPlain;
    console.log(
      `targets [mem ${r.memoryLimit}]: pipeline <= ${TARGET_RATIO}x the equivalent one-shot (goal ${GOAL_RATIO}x): ` +
        (vs
          ? `${vs.internal.toFixed(2)}x internal, ${vs.wall.toFixed(2)}x wall [${mark(r.targets.timeMet)}]; peak RSS <= the one-shot's: ${vs.rss.toFixed(2)}x [${mark(r.targets.rssMet)}]; `
          : 'the one-shot FAILED and the pipeline completed [ok]; ') +
        `floor (plain one-shot): ${floor ? `${floor.internal.toFixed(2)}x internal` : 'FAILED'}`,
    );
  }
  const verified = results.length - unverified;
  console.log(
    !allMatch ? 'verification: MISMATCH'
      : verified === 0 ? 'verification: NOT VERIFIED (no equivalent one-shot completed)'
      : unverified > 0 ? `verification: MATCH for ${verified} of ${results.length} memory limits (the others' one-shot failed)`
      : 'verification: MATCH',
  );

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
