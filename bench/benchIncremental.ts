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
  runChild,
  table,
  writeJson,
  type ChildResult,
  type Comparison,
  type Measured,
} from './benchCommon.js';
import { makeDelta } from './makeDelta.js';

interface PipelineChild extends ChildResult {
  changed: boolean;
  strategy: string;
  files: number;
  filesSeen: number;
  quarantined: string[];
  rowsRead: number;
  rowsRejected: number;
  keysChanged: number;
  groupsRecomputed: number;
  groupsUpserted: number;
  groupsDeleted: number;
  resultRows: number;
}

const INCR_TARGET_SHARE = 0.03;
const NOOP_TARGET_SECONDS = 0.5;

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

function copyDuckDb(from: string, to: string): void {
  removeDuckDb(to);
  fs.copyFileSync(from, to);
  if (fs.existsSync(`${from}.wal`)) fs.copyFileSync(`${from}.wal`, `${to}.wal`);
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
  console.log(
    `incremental benchmark: ${s.orders} orders, seed ${s.seed}, memory_limit ${s.memoryLimit ?? 'default'}, ` +
      `threads ${s.threads ?? 'default'}`,
  );
  const loadAtStart = reportLoad();
  const data = await ensureDataset(s);
  const dataDir = path.join(OUT_DIR, `incr-data-${s.orders}`);
  const links = prepareDataDir(data.dir, dataDir);
  console.log(`data: ${path.relative(OUT_DIR, dataDir)} (${links.linked} base files hard-linked, ${links.copied} copied)`);

  const warehouse = path.join(OUT_DIR, `incr-${s.orders}.duckdb`);
  const common = { dataDir, memoryLimit: s.memoryLimit, threads: s.threads };
  removeDuckDb(warehouse);
  const full = await runChild<PipelineChild>('full build', 'childPipeline.js', { ...common, warehouse });
  console.log(`full build:  ${line(full)}`);

  const delta = await makeDelta({ baseDir: data.dir, outDir: dataDir, orders: s.orders, customers: s.customers, seed: s.seed });
  console.log(
    `delta: ${delta.newOrders} new orders (${delta.newOrdersInOldWindows} in old windows) + ${delta.updatedOrders} re-sent orders; ` +
      `${delta.newDeliveries} new + ${delta.resentDeliveries} re-sent deliveries (written in ${delta.seconds.toFixed(2)} s, not measured)`,
  );

  const incr = await runChild<PipelineChild>('incremental', 'childPipeline.js', { ...common, warehouse });
  console.log(`incremental: ${line(incr)}`);
  const noop = await runChild<PipelineChild>('no-op', 'childPipeline.js', { ...common, warehouse });
  console.log(`no-op:       ${line(noop)}`);

  // Verification 1: rebuild (full recompute from the raw tables) of a copy.
  const rebuildDb = path.join(OUT_DIR, `incr-${s.orders}-rebuild.duckdb`);
  copyDuckDb(warehouse, rebuildDb);
  const rebuild = await runChild<PipelineChild>('rebuild', 'childPipeline.js', { ...common, warehouse: rebuildDb, rebuild: true });
  console.log(`rebuild:     ${line(rebuild)}`);
  const rebuildClean = rebuild.child.groupsUpserted === 0 && rebuild.child.groupsDeleted === 0;
  const vsRebuild = await compareResults(warehouse, 'ecommerce', rebuildDb, 'ecommerce');

  // Verification 2 (independent of the pipeline's code): the one-shot baseline over the final files.
  let oneShot: Measured | undefined;
  let vsOneShot: Comparison | undefined;
  if (oneShotCheck) {
    const oneShotDb = path.join(OUT_DIR, `incr-oneshot-${s.orders}.duckdb`);
    removeDuckDb(oneShotDb);
    oneShot = await runChild('one-shot', 'childOneShot.js', { ...common, database: oneShotDb });
    console.log(`one-shot over the final files: wall ${oneShot.wallSeconds.toFixed(2)} s, internal ${oneShot.child.seconds.toFixed(2)} s`);
    vsOneShot = await compareResults(warehouse, 'ecommerce', oneShotDb, 'ecommerce_oneshot');
  }

  const shareInternal = incr.child.seconds / full.child.seconds;
  const shareWall = incr.wallSeconds / full.wallSeconds;
  const mark = (ok: boolean) => (ok ? 'ok' : 'MISSED');
  console.log('');
  console.log(`${s.orders} orders, delta ${delta.newOrders + delta.updatedOrders} order rows + ${delta.newDeliveries + delta.resentDeliveries} delivery rows:`);
  console.log(
    table(
      ['step', 'wall s', 'internal s', '% of full (wall)', '% of full (internal)', 'peak RSS MiB', 'keys changed', 'recomputed', 'upserted', 'deleted'],
      [full, incr, noop, rebuild].map((m) => [
        m.label,
        m.wallSeconds.toFixed(2),
        m.child.seconds.toFixed(3),
        m === full ? '100%' : `${((100 * m.wallSeconds) / full.wallSeconds).toFixed(1)}%`,
        m === full ? '100%' : `${((100 * m.child.seconds) / full.child.seconds).toFixed(1)}%`,
        kibToMiB(m.child.maxRssKiB).toFixed(1),
        m.child.keysChanged,
        m.child.groupsRecomputed,
        m.child.groupsUpserted,
        m.child.groupsDeleted,
      ]),
    ),
  );
  console.log(
    `targets: incremental <= ${INCR_TARGET_SHARE * 100}% of the full build: ${(shareInternal * 100).toFixed(2)}% internal ` +
      `[${mark(shareInternal <= INCR_TARGET_SHARE)}], ${(shareWall * 100).toFixed(2)}% wall [${mark(shareWall <= INCR_TARGET_SHARE)}]; ` +
      `no-op <= ${NOOP_TARGET_SECONDS} s: ${noop.child.seconds.toFixed(3)} s internal [${mark(noop.child.seconds <= NOOP_TARGET_SECONDS)}], ` +
      `${noop.wallSeconds.toFixed(2)} s wall incl. node start-up [${mark(noop.wallSeconds <= NOOP_TARGET_SECONDS)}]; ` +
      `no-op changed=${noop.child.changed} [${mark(!noop.child.changed)}]`,
  );
  console.log('');

  const problems: string[] = [];
  if (incr.child.quarantined.length || incr.child.rowsRejected) {
    problems.push(`delta not fully loaded: ${incr.child.rowsRejected} rows rejected, quarantined ${incr.child.quarantined.join('; ')}`);
  }
  if (noop.child.changed) problems.push('the no-op run reported changed=true');
  console.log(
    `rebuild of a copy: groupsUpserted=${rebuild.child.groupsUpserted}, groupsDeleted=${rebuild.child.groupsDeleted}` +
      (rebuildClean ? ' (nothing to change)' : ' (rows rewritten; comparing values with tolerance)'),
  );
  printComparison('incremental vs rebuild', vsRebuild, 'incremental', 'rebuild');
  if (vsOneShot) printComparison('incremental vs one-shot', vsOneShot, 'incremental', 'one-shot');
  for (const p of problems) console.log(`PROBLEM: ${p}`);
  const ok = vsRebuild.match && (vsOneShot?.match ?? true) && problems.length === 0;
  console.log(ok ? 'verification: MATCH' : 'verification: MISMATCH');

  writeJson(path.join(OUT_DIR, `incr-${s.orders}.json`), {
    benchmark: 'incremental',
    at: new Date().toISOString(),
    settings: s,
    machine: machineInfo(),
    code: codeVersion(),
    loadAtStart,
    loadAtEnd: os.loadavg(),
    data: { ...data, dir: path.relative(OUT_DIR, data.dir), incrDataDir: path.relative(OUT_DIR, dataDir), ...links },
    delta,
    fullBuild: full,
    incremental: incr,
    noop,
    rebuild,
    incrementalShareOfFull: { internal: shareInternal, wall: shareWall },
    targets: {
      incrementalShare: INCR_TARGET_SHARE,
      incrementalMetInternal: shareInternal <= INCR_TARGET_SHARE,
      noopSeconds: NOOP_TARGET_SECONDS,
      noopMetInternal: noop.child.seconds <= NOOP_TARGET_SECONDS,
      noopMetWall: noop.wallSeconds <= NOOP_TARGET_SECONDS,
    },
    verification: { match: ok, rebuildClean, vsRebuild, oneShot, vsOneShot, problems },
  });
  return ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.stack ?? error.message : error);
    process.exit(2);
  },
);
