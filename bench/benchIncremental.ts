/**
 * Incremental benchmark: a full build, then a 1% delta (late and updated
 * orders, see makeDelta.ts) applied by an incremental `run`, then a no-op
 * `run`; every step in its own node process. Verified by a `rebuild` of a copy
 * of the incremental warehouse and by the one-shot baseline over the final files.
 *
 *   BENCH_ORDERS=1000000 BENCH_SEED=42 [BENCH_MEMORY_LIMIT=4GB] [BENCH_THREADS=2] [BENCH_ONESHOT_CHECK=0]
 *   node dist/bench/benchIncremental.js        (or: make bench-incremental)
 *
 * Data: the cached dataset bench/out/data-<orders>-<seed>/ is never modified.
 * bench/out/incr-data-<orders>/ is recreated on every run with hard links to
 * the base files (copies with the same mtimes where links are impossible) and
 * receives the delta files. Writes bench/out/incr-<orders>.json; exits 1 when
 * a verification fails.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  OUT_DIR,
  compareResults,
  ensureDataset,
  kibToMiB,
  machineInfo,
  printComparison,
  readSettings,
  codeVersion,
  reportLoad,
  removeDuckDb,
  copyDuckDb,
  median,
  runChild,
  runPipelineChild,
  table,
  writeJson,
  type Comparison,
  type Measured,
  type PipelineChild,
} from './benchCommon.js';
import { makeDelta, type DeltaKind } from './makeDelta.js';

/** BENCH_DELTA_KIND: scattered (default: late, updated and new orders across the year) or append (new orders on the next day). */
const KIND: DeltaKind = process.env.BENCH_DELTA_KIND === 'append' ? 'append' : 'scattered';

const INCR_TARGET_SHARE = 0.03;
const SMALL_TARGET_SECONDS = 1;
const NOOP_TARGET_SECONDS = 0.5;

interface DeltaSpec {
  /** e.g. `1%` or `100000 orders` */
  label: string;
  /** file-name-safe label */
  tag: string;
  /** order rows of the delta */
  orders: number;
  /** share of the base orders, in percent */
  percent: number;
}

/** BENCH_DELTA_ORDERS=100000[,...] (absolute order rows) or BENCH_DELTAS=0.1,1,10 (percent of the orders, default). */
function deltaSpecs(orders: number): DeltaSpec[] {
  const absolute = process.env.BENCH_DELTA_ORDERS?.trim();
  if (absolute) {
    return absolute.split(',').map((x) => {
      const n = Number(x.trim().replaceAll('_', ''));
      if (!Number.isSafeInteger(n) || n < 1) throw new Error(`BENCH_DELTA_ORDERS: bad value ${JSON.stringify(x)}`);
      return { label: `${n} orders`, tag: `n${n}`, orders: n, percent: (100 * n) / orders };
    });
  }
  const raw = process.env.BENCH_DELTAS?.trim() || '0.1,1,10';
  return raw.split(',').map((x) => {
    const pct = Number(x.trim());
    if (!(pct > 0 && pct <= 100)) throw new Error(`BENCH_DELTAS: bad percentage ${JSON.stringify(x)}`);
    return { label: `${pct}%`, tag: `p${pct}`, orders: Math.max(1, Math.round((orders * pct) / 100)), percent: pct };
  });
}

/** Links (or copies, keeping mtimes) the base files into a fresh data dir. */
function prepareDataDir(baseDir: string, dir: string): { linked: number; copied: number } {
  fs.rmSync(dir, { recursive: true, force: true });
  let linked = 0;
  let copied = 0;
  for (const dataset of ['Orders', 'Deliveries', 'Customers']) {
    fs.mkdirSync(path.join(dir, dataset), { recursive: true });
    for (const name of fs.readdirSync(path.join(baseDir, dataset))) {
      if (name.startsWith('.')) continue;
      const from = path.join(baseDir, dataset, name);
      const to = path.join(dir, dataset, name);
      try {
        fs.linkSync(from, to);
        linked++;
      } catch {
        fs.copyFileSync(from, to);
        const st = fs.statSync(from);
        fs.utimesSync(to, st.atime, st.mtime);
        copied++;
      }
    }
  }
  return { linked, copied };
}

function line(m: Measured<PipelineChild>): string {
  const c = m.child;
  return (
    `wall ${m.wallSeconds.toFixed(2)} s, internal ${c.seconds.toFixed(3)} s, peak RSS ${kibToMiB(c.maxRssKiB)} MiB; ` +
    `changed=${c.changed}, ${c.strategy}, ${c.files} files, ${c.rowsRead} rows read, ${c.keysChanged} keys changed, ` +
    `groups ${c.groupsRecomputed} recomputed / ${c.groupsUpserted} upserted / ${c.groupsDeleted} deleted, ${c.resultRows} rows; load ${m.loadAvg.join(' -> ')}`
  );
}

async function main(): Promise<number> {
  const s = readSettings();
  const oneShotCheck = process.env.BENCH_ONESHOT_CHECK !== '0';
  const specs = deltaSpecs(s.orders);
  console.log(
    `incremental benchmark: ${s.orders} orders, seed ${s.seed}, memory_limit ${s.memoryLimit ?? 'default'}, ` +
      `threads ${s.threads ?? 'default'}, deltas ${specs.map((d) => d.label).join(', ')}, repeat ${s.repeat}`,
  );
  const loadAtStart = reportLoad();
  const data = await ensureDataset(s);
  const baseDataDir = path.join(OUT_DIR, `incr-data-${s.orders}`);
  const links = prepareDataDir(data.dir, baseDataDir);
  console.log(`data: ${path.relative(OUT_DIR, baseDataDir)} (${links.linked} base files hard-linked, ${links.copied} copied)`);

  // The base: one full build; every delta starts from a copy of it.
  const baseWarehouse = path.join(OUT_DIR, `incr-${s.orders}-base.duckdb`);
  removeDuckDb(baseWarehouse);
  const full = await runPipelineChild('full build', { dataDir: baseDataDir, warehouse: baseWarehouse, memoryLimit: s.memoryLimit, threads: s.threads });
  console.log(`full build:  ${line(full)}`);

  const problems: string[] = [];
  const perDelta = [];
  let allMatch = true;
  for (const d of specs) {
    const dataDir = path.join(OUT_DIR, `incr-data-${s.orders}-${d.tag}`);
    prepareDataDir(data.dir, dataDir);
    const delta = await makeDelta({ baseDir: data.dir, outDir: dataDir, orders: s.orders, customers: s.customers, seed: s.seed, deltaOrders: d.orders, kind: KIND });
    console.log(
      `delta ${d.label} (${KIND}): ${delta.newOrders} new orders (${delta.newOrdersInOldWindows} in old windows) + ${delta.updatedOrders} re-sent orders; ` +
        `${delta.newDeliveries} new + ${delta.resentDeliveries} re-sent deliveries (written in ${delta.seconds.toFixed(2)} s, not measured)`,
    );
    const warehouse = path.join(OUT_DIR, `incr-${s.orders}-${d.tag}.duckdb`);
    const common = { dataDir, memoryLimit: s.memoryLimit, threads: s.threads };
    const incrRuns: Measured<PipelineChild>[] = [];
    const noopRuns: Measured<PipelineChild>[] = [];
    for (let i = 0; i < s.repeat; i++) {
      copyDuckDb(baseWarehouse, warehouse);
      const incr = await runPipelineChild(`incremental ${d.label}`, { ...common, warehouse });
      console.log(`  [${i + 1}/${s.repeat}] incremental ${d.label}: ${line(incr)}`);
      incrRuns.push(incr);
      const noop = await runPipelineChild('no-op', { ...common, warehouse });
      console.log(`  [${i + 1}/${s.repeat}] no-op after ${d.label}: ${line(noop)}`);
      noopRuns.push(noop);
      if (incr.child.quarantined.length || incr.child.rowsRejected) {
        problems.push(`${d.label}: delta not fully loaded: ${incr.child.rowsRejected} rows rejected, quarantined ${incr.child.quarantined.join('; ')}`);
      }
      if (!incr.child.changed) problems.push(`${d.label}: the incremental run reported changed=false`);
      if (noop.child.changed) problems.push(`${d.label}: the no-op run reported changed=true`);
    }

    // Verification 1: rebuild (full recompute from the raw tables) of a copy.
    const rebuildDb = path.join(OUT_DIR, `incr-${s.orders}-${d.tag}-rebuild.duckdb`);
    copyDuckDb(warehouse, rebuildDb);
    const rebuild = await runPipelineChild('rebuild', { ...common, warehouse: rebuildDb, rebuild: true });
    console.log(`  rebuild of a copy: ${line(rebuild)}`);
    const vsRebuild = await compareResults(warehouse, 'ecommerce', rebuildDb, 'ecommerce');
    printComparison(`  ${d.label}: incremental vs rebuild`, vsRebuild, 'incremental', 'rebuild');
    removeDuckDb(rebuildDb);
    // Verification 2 (independent of the pipeline's code): the one-shot baseline over the final files.
    let oneShot: Measured | undefined;
    let vsOneShot: Comparison | undefined;
    if (oneShotCheck) {
      const oneShotDb = path.join(OUT_DIR, `incr-oneshot-${s.orders}.duckdb`);
      removeDuckDb(oneShotDb);
      oneShot = await runChild('one-shot', 'childOneShot.js', { ...common, database: oneShotDb });
      vsOneShot = await compareResults(warehouse, 'ecommerce', oneShotDb, 'ecommerce_oneshot');
      printComparison(`  ${d.label}: incremental vs one-shot`, vsOneShot, 'incremental', 'one-shot');
      removeDuckDb(oneShotDb);
    }
    const match = vsRebuild.match && (vsOneShot?.match ?? true);
    allMatch &&= match;
    const incrWall = median(incrRuns.map((r) => r.wallSeconds));
    const incrInternal = median(incrRuns.map((r) => r.child.seconds));
    perDelta.push({
      delta: d, files: delta, incremental: incrRuns, noop: noopRuns, rebuild, oneShot,
      median: {
        incrementalWall: incrWall, incrementalInternal: incrInternal,
        noopWall: median(noopRuns.map((r) => r.wallSeconds)), noopInternal: median(noopRuns.map((r) => r.child.seconds)),
      },
      shareOfFull: { wall: incrWall / full.wallSeconds, internal: incrInternal / full.child.seconds },
      verification: { match, rebuildClean: rebuild.child.groupsUpserted === 0 && rebuild.child.groupsDeleted === 0, vsRebuild, vsOneShot },
    });
    removeDuckDb(warehouse);
  }

  const mark = (ok: boolean) => (ok ? 'ok' : 'MISSED');
  console.log('');
  console.log(
    `${s.orders} orders; every delta applied to a copy of the same full build${s.repeat > 1 ? `; medians of ${s.repeat}` : ''}; ` +
      `load at start ${loadAtStart[0]}, now ${os.loadavg()[0]!.toFixed(2)}:`,
  );
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  console.log(
    table(
      ['step', 'order + delivery rows', 'wall s', 'internal s', '% of full (wall / internal)', 'no-op after: wall / internal s', 'peak RSS MiB', 'keys changed', 'groups upserted', 'verified'],
      [
        ['full build', full.child.rowsRead, full.wallSeconds.toFixed(2), full.child.seconds.toFixed(3), '100%', '', kibToMiB(full.child.maxRssKiB).toFixed(0), '', full.child.groupsUpserted, ''],
        ...perDelta.map((r) => {
          const last = r.incremental[r.incremental.length - 1]!;
          return [
            `delta ${r.delta.label}`,
            `${r.files.newOrders + r.files.updatedOrders} + ${r.files.newDeliveries + r.files.resentDeliveries}`,
            r.median.incrementalWall.toFixed(2),
            r.median.incrementalInternal.toFixed(3),
            `${pct(r.shareOfFull.wall)} / ${pct(r.shareOfFull.internal)}`,
            `${r.median.noopWall.toFixed(2)} / ${r.median.noopInternal.toFixed(3)}`,
            kibToMiB(Math.max(...r.incremental.map((x) => x.child.maxRssKiB))).toFixed(0),
            last.child.keysChanged,
            last.child.groupsUpserted,
            r.verification.match ? 'MATCH' : 'MISMATCH',
          ];
        }),
      ],
    ),
  );
  const targets: string[] = [];
  for (const r of perDelta) {
    if (r.delta.percent === 1) {
      targets.push(`1% delta <= ${INCR_TARGET_SHARE * 100}% of the full build: ${pct(r.shareOfFull.internal)} internal [${mark(r.shareOfFull.internal <= INCR_TARGET_SHARE)}], ${pct(r.shareOfFull.wall)} wall [${mark(r.shareOfFull.wall <= INCR_TARGET_SHARE)}]`);
    }
    if (r.delta.percent === 0.1) {
      targets.push(`0.1% delta <= ${SMALL_TARGET_SECONDS} s wall incl. process start: ${r.median.incrementalWall.toFixed(2)} s [${mark(r.median.incrementalWall <= SMALL_TARGET_SECONDS)}]`);
    }
  }
  const noopWall = Math.max(...perDelta.map((r) => r.median.noopWall));
  targets.push(`no-op <= ${NOOP_TARGET_SECONDS} s wall (worst of the deltas' medians): ${noopWall.toFixed(2)} s [${mark(noopWall <= NOOP_TARGET_SECONDS)}]`);
  for (const t of targets) console.log(`target: ${t}`);
  for (const p of problems) console.log(`PROBLEM: ${p}`);
  const ok = allMatch && problems.length === 0;
  console.log(ok ? 'verification: MATCH' : 'verification: MISMATCH');

  writeJson(path.join(OUT_DIR, `incr-${s.orders}${process.env.BENCH_DELTA_ORDERS ? `-abs` : ''}${KIND === 'append' ? '-append' : ''}.json`), {
    benchmark: 'incremental',
    at: new Date().toISOString(),
    settings: { ...s, deltas: specs, kind: KIND },
    machine: machineInfo(),
    code: codeVersion(),
    loadAtStart,
    loadAtEnd: os.loadavg(),
    data: { ...data, dir: path.relative(OUT_DIR, data.dir), incrDataDir: path.relative(OUT_DIR, baseDataDir), ...links },
    fullBuild: full,
    deltas: perDelta,
    targets,
    verification: { match: ok, problems },
  });
  removeDuckDb(baseWarehouse);
  return ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.stack ?? error.message : error);
    process.exit(2);
  },
);
