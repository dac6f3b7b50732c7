/**
 * `make bench-v3`: every row of issue 18's target table ("Engine v3") from one
 * command. Runs the existing benchmarks one after the other as child processes
 * (`node dist/bench/<x>.js` with their BENCH_* settings, output shown as it
 * comes), reads the JSON each writes into bench/out/, and prints the table:
 * row | measured | as the issue states it | bar | goal | met/missed, with the
 * command that re-runs each row. The rows are computed in bench/engineV3Table.ts.
 *
 *   BENCH_ORDERS=10000000 (default: the issue's)  BENCH_V3_BIG_ORDERS (3x)  BENCH_V3_SCALE_DELTA (1 % of the orders)
 *   BENCH_V3_SMALL_FILES_ORDERS=1000000  BENCH_V3_HUGE=1 (opt-in: BENCH_V3_HUGE_ORDERS, 10x, memory limit 8GB)
 *   BENCH_V3_ONLY=append-1,scale,...  (rows; see ROW_IDS)  BENCH_DECAY_RUNS=100
 *   node dist/bench/benchEngineV3.js
 *
 * Every incremental result is verified by the sub-benchmark (MATCH against a
 * rebuild); a part that exits non-zero (a MISMATCH or an error) fails its rows
 * and makes this command exit 1 after the remaining parts. Writes
 * bench/out/engine-v3-<orders>.json (engine-v3-<orders>-only-<rows>.json with BENCH_V3_ONLY).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BENCH_DIST_DIR, OUT_DIR, REPO_DIR, codeVersion, machineInfo, reportLoad, writeJson } from './benchCommon.js';
import {
  ROW_IDS, computeRows, formatRows, onePercent, planParts,
  type PartId, type PartOutcome, type PartSpec, type RowId, type V3Settings,
} from './engineV3Table.js';

function intFromEnv(name: string, fallback: number): number {
  const raw = process.env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw.replaceAll('_', ''));
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got ${JSON.stringify(raw)}`);
  return value;
}

/** Knobs the sub-benchmarks read that each part sets itself: the caller's values must not leak into a part. */
const PER_PART_KEYS = ['BENCH_ORDERS', 'BENCH_DELTAS', 'BENCH_DELTA_ORDERS', 'BENCH_DELTA_KIND', 'BENCH_MEMORY_LIMITS', 'BENCH_ONESHOT_CHECK', 'BENCH_DECAY_RUNS', 'BENCH_DECAY_PERCENT'];
/**
 * Knobs that apply to every part and are repeated in the re-run commands. (BENCH_DATABASE_URL reaches
 * the export part with the rest of the environment but is never printed: it may hold a password.)
 */
const PASS_THROUGH_KEYS = ['BENCH_SEED', 'BENCH_MEMORY_LIMIT', 'BENCH_THREADS', 'BENCH_REPEAT', 'BENCH_PG_PORT'];

function readV3Settings(): V3Settings {
  const orders = intFromEnv('BENCH_ORDERS', 10_000_000);
  const only = process.env.BENCH_V3_ONLY?.trim();
  let rows: RowId[] | null = null;
  if (only) {
    rows = only.split(',').map((x) => x.trim()).filter(Boolean) as RowId[];
    const bad = rows.filter((r) => !(ROW_IDS as readonly string[]).includes(r));
    if (bad.length) throw new Error(`BENCH_V3_ONLY: unknown row ${bad.join(', ')}; rows are ${ROW_IDS.join(', ')}`);
  }
  const s: V3Settings = {
    orders,
    bigOrders: intFromEnv('BENCH_V3_BIG_ORDERS', 3 * orders),
    hugeOrders: intFromEnv('BENCH_V3_HUGE_ORDERS', 10 * orders),
    huge: process.env.BENCH_V3_HUGE === '1',
    hugeMemoryLimit: '8GB',
    smallFilesOrders: intFromEnv('BENCH_V3_SMALL_FILES_ORDERS', 1_000_000),
    scaleDelta: intFromEnv('BENCH_V3_SCALE_DELTA', onePercent(orders)),
    decayRuns: intFromEnv('BENCH_DECAY_RUNS', 100),
    only: rows,
    passThrough: Object.fromEntries(PASS_THROUGH_KEYS.filter((k) => process.env[k]?.trim()).map((k) => [k, process.env[k]!.trim()])),
  };
  if (s.bigOrders <= orders) throw new Error(`BENCH_V3_BIG_ORDERS (${s.bigOrders}) must be above BENCH_ORDERS (${orders})`);
  if (s.hugeOrders <= orders || s.hugeOrders === s.bigOrders) throw new Error(`BENCH_V3_HUGE_ORDERS (${s.hugeOrders}) must be above BENCH_ORDERS and differ from BENCH_V3_BIG_ORDERS`);
  return s;
}

/** The sub-benchmark's command line, as a user would type it (for the JSON and the log). */
function commandOf(p: PartSpec, passThrough: Record<string, string>): string {
  return `${Object.entries({ ...passThrough, ...p.env }).map(([k, v]) => `${k}=${v}`).join(' ')} node dist/bench/${p.script}`;
}

interface PartRun {
  id: PartId;
  what: string;
  command: string;
  exitCode: number | null;
  wallSeconds: number;
  /** 1/5/15-minute load averages when the part started and ended */
  loadBefore: number[];
  loadAfter: number[];
  jsonFile: string;
}

async function runPart(p: PartSpec, index: number, total: number, passThrough: Record<string, string>): Promise<{ run: PartRun; outcome: PartOutcome }> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of PER_PART_KEYS) delete env[k];
  Object.assign(env, p.env);
  const command = commandOf(p, passThrough);
  const jsonFile = path.join(OUT_DIR, p.json);
  console.log(`\n=== bench-v3 part ${index}/${total}: ${p.id} (${p.what})\n=== ${command}`);
  const loadBefore = reportLoad();
  const started = Date.now();
  const child = spawn(process.execPath, [path.join(BENCH_DIST_DIR, p.script)], { cwd: REPO_DIR, env, stdio: 'inherit' });
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve(code ?? (signal ? -1 : null)));
  });
  const wallSeconds = (Date.now() - started) / 1000;
  const loadAfter = os.loadavg().map((x) => Math.round(x * 100) / 100);
  const run: PartRun = { id: p.id, what: p.what, command, exitCode, wallSeconds, loadBefore, loadAfter, jsonFile: path.relative(REPO_DIR, jsonFile) };
  console.log(`=== ${p.id}: exit ${exitCode} after ${wallSeconds.toFixed(1)} s (load ${loadBefore[0]} -> ${loadAfter[0]})`);
  // A JSON older than this part is a previous run's: never read as this run's.
  const fresh = fs.existsSync(jsonFile) && fs.statSync(jsonFile).mtimeMs >= started - 1000;
  const json = fresh ? (JSON.parse(fs.readFileSync(jsonFile, 'utf8')) as unknown) : undefined;
  if (exitCode !== 0) {
    return { run, outcome: { json, failed: `exit ${exitCode} (a MISMATCH or an error: see its output above)` } };
  }
  if (!fresh) return { run, outcome: { failed: `no new ${path.relative(REPO_DIR, jsonFile)}` } };
  return { run, outcome: { json } };
}

async function main(): Promise<number> {
  const s = readV3Settings();
  const plan = planParts(s);
  console.log(
    `bench-v3 (issue 18's target table): ${s.orders} orders (vs ${s.bigOrders}; same drop ${s.scaleDelta} orders), ` +
      `small files ${s.smallFilesOrders} orders, huge ${s.huge ? `${s.hugeOrders} orders` : 'off'}, decay ${s.decayRuns} runs; ` +
      `rows ${s.only ? s.only.join(', ') : 'all'}; ${plan.parts.length} parts: ${plan.parts.map((p) => p.id).join(', ')}`,
  );
  const loadAtStart = reportLoad();
  const started = new Date();
  const runs: PartRun[] = [];
  const outcomes: Partial<Record<PartId, PartOutcome>> = {};
  for (const [i, p] of plan.parts.entries()) {
    const { run, outcome } = await runPart(p, i + 1, plan.parts.length, s.passThrough);
    runs.push(run);
    outcomes[p.id] = outcome;
  }
  const rows = computeRows(s, plan, outcomes);
  const failedParts = runs.filter((r) => r.exitCode !== 0);
  const totalMinutes = (Date.now() - started.getTime()) / 60000;

  console.log(`\nEngine v3 targets (issue 18): ${s.orders}-order history unless a row says otherwise; wall time including ` +
    `process start unless noted; ${os.cpus().length} cores, load ${loadAtStart[0]} at start, ${os.loadavg()[0]!.toFixed(2)} now; ` +
    `${totalMinutes.toFixed(1)} min in all; code ${codeVersion().commit}:`);
  console.log(formatRows(rows));
  console.log('\nre-run one row (its part(s) only):');
  for (const r of rows) console.log(`  ${r.id.padEnd(13)} ${r.rerun}`);
  const why = new Map<string, string[]>();
  for (const r of rows.filter((x) => x.status === 'not run' || x.status === 'failed')) {
    const key = `${r.status}: ${r.reason}`;
    why.set(key, [...(why.get(key) ?? []), r.id]);
  }
  for (const [reason, ids] of why) console.log(`${ids.join(', ')}: ${reason}`);
  console.log(failedParts.length ? `bench-v3: FAILED (${failedParts.map((r) => `${r.id} exit ${r.exitCode}`).join(', ')})` : 'bench-v3: every part verified (MATCH) and completed');

  // A BENCH_V3_ONLY run does not overwrite the whole table's file.
  writeJson(path.join(OUT_DIR, `engine-v3-${s.orders}${s.only ? `-only-${s.only.join('-')}` : ''}.json`), {
    benchmark: 'engine-v3',
    at: started.toISOString(),
    minutes: totalMinutes,
    settings: s,
    machine: machineInfo(),
    code: codeVersion(),
    loadAtStart,
    loadAtEnd: os.loadavg(),
    rows,
    parts: runs.map((r) => ({ ...r, result: outcomes[r.id]?.json ?? null, failed: outcomes[r.id]?.failed ?? null })),
  });
  return failedParts.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.stack ?? error.message : error);
    process.exit(2);
  },
);
