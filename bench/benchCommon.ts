/**
 * Shared helpers of the benchmarks (bench/benchFullBuild.ts, bench/benchIncremental.ts):
 * settings from the environment, the cached generated dataset, measured child
 * processes, result comparison and table printing.
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { generateDataset } from '../pipeline/generate/generateDataset.js';
import type { RunReport } from '../pipeline/run/runReport.js';

/** dist/bench/ at run time (the compiled child scripts live next to this file). */
export const BENCH_DIST_DIR = path.dirname(fileURLToPath(import.meta.url));
/** <repo>/ (dist/bench/../..). */
export const REPO_DIR = path.resolve(BENCH_DIST_DIR, '..', '..');
/** <repo>/bench/out/: generated data, benchmark warehouses and JSON results (git-ignored). */
export const OUT_DIR = path.join(REPO_DIR, 'bench', 'out');

export interface BenchSettings {
  orders: number;
  seed: number;
  customers: number;
  memoryLimit?: string;
  threads?: number;
  repeat: number;
}

function intFromEnv(name: string, fallback: number, min: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw.trim().replaceAll('_', ''));
  if (!Number.isSafeInteger(value) || value < min) {
    throw new Error(`${name} must be an integer >= ${min}, got ${JSON.stringify(raw)}`);
  }
  return value;
}

/** BENCH_ORDERS (1000000), BENCH_SEED (42), BENCH_MEMORY_LIMIT, BENCH_THREADS, BENCH_REPEAT (1). */
export function readSettings(): BenchSettings {
  const orders = intFromEnv('BENCH_ORDERS', 1_000_000, 100);
  const memoryLimit = process.env.BENCH_MEMORY_LIMIT?.trim() || undefined;
  const threadsRaw = process.env.BENCH_THREADS?.trim();
  return {
    orders,
    seed: intFromEnv('BENCH_SEED', 42, Number.MIN_SAFE_INTEGER),
    // Same default as `pipeline generate`: one customer per 12 orders.
    customers: Math.max(10, Math.round(orders / 12)),
    memoryLimit,
    threads: threadsRaw ? intFromEnv('BENCH_THREADS', 0, 1) : undefined,
    repeat: intFromEnv('BENCH_REPEAT', 1, 1),
  };
}

/** Commit and uncommitted changes under pipeline/ and sql/ (what was measured). */
export function codeVersion(): { commit: string; dirtyFiles: string[] } {
  const git = (args: string[]) => {
    try {
      return execFileSync('git', args, { cwd: REPO_DIR, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    } catch {
      return '';
    }
  };
  const commit = git(['rev-parse', '--short', 'HEAD']).trim() || 'unknown';
  const dirtyFiles = git(['status', '--porcelain', '--', 'pipeline', 'sql', 'bench/oneShotSql.ts']).split('\n').filter(Boolean);
  return { commit, dirtyFiles };
}

export function machineInfo() {
  return {
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    totalMemGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
  };
}

// ---------------------------------------------------------------------------
// Generated dataset, cached between runs

export interface DatasetInfo {
  dir: string;
  /** Seconds spent generating now, or null when the cached copy was reused. */
  generatedSeconds: number | null;
  /** Generation time recorded in the marker when the data was made. */
  originalSeconds: number;
  files: number;
  bytes: number;
}

const MARKER = '.bench-complete.json';

/**
 * bench/out/data-<orders>-<seed>/ with Orders/, Deliveries/, Customers/. A
 * marker file written after the generator has finished makes it reusable; a
 * folder without the marker (an interrupted generation) is deleted and redone.
 */
export async function ensureDataset(s: BenchSettings): Promise<DatasetInfo> {
  const dir = path.join(OUT_DIR, `data-${s.orders}-${s.seed}`);
  const marker = path.join(dir, MARKER);
  if (fs.existsSync(marker)) {
    const m = JSON.parse(fs.readFileSync(marker, 'utf8')) as { seconds: number; files: number; bytes: number };
    console.log(`data: reusing ${path.relative(REPO_DIR, dir)} (${m.files} files, ${mib(m.bytes)} MiB; generated in ${m.seconds.toFixed(1)} s)`);
    return { dir, generatedSeconds: null, originalSeconds: m.seconds, files: m.files, bytes: m.bytes };
  }
  fs.rmSync(dir, { recursive: true, force: true });
  console.log(`data: generating ${s.orders} orders, ${s.customers} customers, seed ${s.seed} into ${path.relative(REPO_DIR, dir)} ...`);
  const t0 = performance.now();
  const report = await generateDataset({ outDir: dir, orders: s.orders, customers: s.customers, seed: s.seed });
  const seconds = (performance.now() - t0) / 1000;
  const bytes = report.files.reduce((a, f) => a + f.bytes, 0);
  fs.writeFileSync(
    marker,
    JSON.stringify({ orders: s.orders, customers: s.customers, seed: s.seed, seconds, files: report.files.length, bytes, at: new Date().toISOString() }, null, 2),
  );
  console.log(`data: generated ${report.files.length} files, ${mib(bytes)} MiB in ${seconds.toFixed(1)} s`);
  return { dir, generatedSeconds: seconds, originalSeconds: seconds, files: report.files.length, bytes };
}

// ---------------------------------------------------------------------------
// Measured child processes

/** What a child script prints as its last stdout line. */
export interface ChildResult {
  /** Seconds the child measured itself (see the child scripts for the span). */
  seconds: number;
  /** process.resourceUsage().maxRSS at the end, after DuckDB was closed (KiB on Linux). */
  maxRssKiB: number;
  [extra: string]: unknown;
}

/** What runPipelineChild returns: the CLI's run report's counters after one run. */
export interface PipelineChild
  extends ChildResult,
    Pick<
      RunReport,
      | 'changed' | 'strategy' | 'filesSeen' | 'rowsRead' | 'rowsRejected' | 'keysChanged'
      | 'groupsRecomputed' | 'groupsUpserted' | 'groupsDeleted' | 'resultRows'
    > {
  /** report.files.length */
  files: number;
  /** `<path>: <reason>` of each quarantined file */
  quarantined: string[];
}

export interface Measured<T extends ChildResult = ChildResult> {
  label: string;
  /** Parent-side wall time from spawn to exit: node start-up, DuckDB open, work, checkpoint, close. */
  wallSeconds: number;
  /** 1-minute load average when the child started and when it ended (other work on the machine distorts timings). */
  loadAvg: [number, number];
  child: T;
}

/** A node process run to its end: what it printed on stdout, its exit code, wall time and load. */
async function runNode(nodeArgs: string[], env?: NodeJS.ProcessEnv): Promise<{ out: string; code: number | null; wallSeconds: number; loadAvg: [number, number] }> {
  const loadBefore = os.loadavg()[0]!;
  const t0 = performance.now();
  const child = spawn(process.execPath, nodeArgs, { stdio: ['ignore', 'pipe', 'inherit'], cwd: REPO_DIR, env });
  let out = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    out += chunk;
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (c, signal) => resolve(c ?? (signal ? -1 : null)));
  });
  const wallSeconds = (performance.now() - t0) / 1000;
  return { out, code, wallSeconds, loadAvg: [round2(loadBefore), round2(os.loadavg()[0]!)] };
}

/** Runs dist/bench/<script> with `args` (one JSON argument) in a fresh node process. */
export async function runChild<T extends ChildResult>(label: string, script: string, args: object): Promise<Measured<T>> {
  const { out, code, wallSeconds, loadAvg } = await runNode([path.join(BENCH_DIST_DIR, script), JSON.stringify(args)]);
  const last = out.trim().split('\n').filter((l) => l.startsWith('{')).pop();
  if (code !== 0 || !last) {
    throw new Error(`${label}: child ${script} failed (exit ${code})\n${out}`);
  }
  return { label, wallSeconds, loadAvg, child: JSON.parse(last) as T };
}

/** One pipeline run (or rebuild) measured by runPipelineChild. */
export interface PipelineChildArgs {
  dataDir: string;
  warehouse: string;
  memoryLimit?: string;
  threads?: number;
  rebuild?: boolean;
}

/**
 * One `pipeline run --no-export --json` (`rebuild` with `rebuild: true`) of the
 * CLI a user runs (bin/pipeline.js: the bundle), in a process of its own: the
 * wall time is issue 18's "wall time of the CLI including process start", and
 * `seconds` the run report's own (warehouse open to result, before the close).
 * Flags only: the caller's PIPELINE_* variables and DATABASE_URL do not reach it.
 * Its peak RSS comes from a preload (bench/reportRss.ts) that prints it at exit.
 */
export async function runPipelineChild(label: string, args: PipelineChildArgs): Promise<Measured<PipelineChild>> {
  const flags = ['--no-export', '--json', '--data', args.dataDir, '--warehouse', args.warehouse];
  if (args.memoryLimit) flags.push('--memory-limit', args.memoryLimit);
  if (args.threads !== undefined) flags.push('--threads', String(args.threads));
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('PIPELINE_') && k !== 'DATABASE_URL'));
  const { out, code, wallSeconds, loadAvg } = await runNode(
    ['--import', pathToFileURL(path.join(BENCH_DIST_DIR, 'reportRss.js')).href, path.join(REPO_DIR, 'bin', 'pipeline.js'), args.rebuild ? 'rebuild' : 'run', ...flags],
    env,
  );
  const lines = out.trim().split('\n');
  const rss = lines.pop() ?? '';
  if (code !== 0 || !rss.startsWith('{"maxRssKiB"')) throw new Error(`${label}: the CLI failed (exit ${code})\n${out}`);
  const report = JSON.parse(lines.join('\n')) as RunReport;
  const child_: PipelineChild = {
    seconds: report.seconds,
    maxRssKiB: (JSON.parse(rss) as { maxRssKiB: number }).maxRssKiB,
    changed: report.changed,
    strategy: report.strategy,
    files: report.files.length,
    filesSeen: report.filesSeen,
    quarantined: report.files.filter((f) => f.status === 'quarantined').map((f) => `${f.path}: ${f.reason ?? ''}`),
    rowsRead: report.rowsRead,
    rowsRejected: report.rowsRejected,
    keysChanged: report.keysChanged,
    groupsRecomputed: report.groupsRecomputed,
    groupsUpserted: report.groupsUpserted,
    groupsDeleted: report.groupsDeleted,
    resultRows: report.resultRows,
  };
  return { label, wallSeconds, loadAvg, child: child_ };
}

/** Deletes a DuckDB file with its WAL, spill directory and the records kept beside it (no-op check, corruption finding). */
export function removeDuckDb(file: string): void {
  fs.rmSync(file, { force: true });
  fs.rmSync(`${file}.wal`, { force: true });
  fs.rmSync(`${file}.settled.json`, { force: true });
  fs.rmSync(`${file}.corrupt.json`, { force: true });
  fs.rmSync(`${file}.tmp`, { recursive: true, force: true });
}

// ---------------------------------------------------------------------------
// Result comparison

export interface Aggregates {
  rows: number;
  orderCount: number;
  totalOrderAmount: number;
  distinctProducts: number;
  totalQuantity: number;
  totalDistance: number;
}

export interface Comparison {
  match: boolean;
  a: Aggregates;
  b: Aggregates;
  problems: string[];
  /** Groups only on one side, and groups present on both with a metric outside the tolerance. */
  onlyA: number;
  onlyB: number;
  valueDiffs: number;
  examples: unknown[];
}

export const REL_TOL = 1e-9;

function relClose(a: number, b: number, tol = REL_TOL): boolean {
  return Math.abs(a - b) <= tol * Math.max(Math.abs(a), Math.abs(b));
}

function sqlPath(p: string): string {
  return `'${p.replaceAll("'", "''")}'`;
}

const DOUBLE_COLS = [
  'Total_Order_Amount', 'Average_Order_Amount', 'Average_Quantity_Per_Ordered',
  'Total_Delivery_Distance', 'Average_Delivery_Distance',
];
const EXACT_COLS = [
  'Order_Count', 'Highest_Order_Amount', 'Lowest_Order_Amount', 'Total_Quantity_Ordered',
  'Distict_Products', 'end_timestamp',
];

/**
 * Compares two result tables in two DuckDB files (opened read-only):
 * row count, sum(Order_Count), sum(Total_Order_Amount) (relative 1e-9) and
 * sum(Distict_Products), then group by group: same (Customer_ID, start_timestamp)
 * keys, integer/real/timestamp columns equal, double columns within 1e-9 relative.
 */
export async function compareResults(fileA: string, tableA: string, fileB: string, tableB: string): Promise<Comparison> {
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    await conn.run(`ATTACH ${sqlPath(fileA)} AS a (READ_ONLY)`);
    await conn.run(`ATTACH ${sqlPath(fileB)} AS b (READ_ONLY)`);
    const agg = async (rel: string): Promise<Aggregates> => {
      const r = await conn.runAndReadAll(`
        SELECT count(*)::DOUBLE AS rows, coalesce(sum(Order_Count), 0)::DOUBLE AS oc,
               coalesce(sum(Total_Order_Amount), 0)::DOUBLE AS toa, coalesce(sum(Distict_Products), 0)::DOUBLE AS dp,
               coalesce(sum(Total_Quantity_Ordered), 0)::DOUBLE AS tq, coalesce(sum(Total_Delivery_Distance), 0)::DOUBLE AS td
        FROM ${rel}`);
      const [rows, oc, toa, dp, tq, td] = r.getRows()[0]! as number[];
      return { rows: rows!, orderCount: oc!, totalOrderAmount: toa!, distinctProducts: dp!, totalQuantity: tq!, totalDistance: td! };
    };
    const a = await agg(`a.${tableA}`);
    const b = await agg(`b.${tableB}`);
    const problems: string[] = [];
    if (a.rows !== b.rows) problems.push(`row count ${a.rows} vs ${b.rows}`);
    if (a.orderCount !== b.orderCount) problems.push(`sum(Order_Count) ${a.orderCount} vs ${b.orderCount}`);
    if (!relClose(a.totalOrderAmount, b.totalOrderAmount)) {
      problems.push(`sum(Total_Order_Amount) ${a.totalOrderAmount} vs ${b.totalOrderAmount} (relative tolerance ${REL_TOL})`);
    }
    if (a.distinctProducts !== b.distinctProducts) problems.push(`sum(Distict_Products) ${a.distinctProducts} vs ${b.distinctProducts}`);

    const differs = [
      ...DOUBLE_COLS.map(
        (c) => `((x.${c} IS NULL) <> (y.${c} IS NULL) OR abs(x.${c} - y.${c}) > ${REL_TOL} * greatest(abs(x.${c}), abs(y.${c})))`,
      ),
      ...EXACT_COLS.map((c) => `x.${c} IS DISTINCT FROM y.${c}`),
    ].join(' OR ');
    const joined = `
      FROM a.${tableA} x FULL OUTER JOIN b.${tableB} y
        ON x.Customer_ID = y.Customer_ID AND x.start_timestamp = y.start_timestamp`;
    const counts = (await conn.runAndReadAll(`
      SELECT count(*) FILTER (WHERE y.Customer_ID IS NULL)::DOUBLE,
             count(*) FILTER (WHERE x.Customer_ID IS NULL)::DOUBLE,
             count(*) FILTER (WHERE x.Customer_ID IS NOT NULL AND y.Customer_ID IS NOT NULL AND (${differs}))::DOUBLE
      ${joined}`)).getRows()[0]! as number[];
    const [onlyA, onlyB, valueDiffs] = counts as [number, number, number];
    if (onlyA) problems.push(`${onlyA} groups only in ${tableA}`);
    if (onlyB) problems.push(`${onlyB} groups only in ${tableB}`);
    if (valueDiffs) problems.push(`${valueDiffs} groups with a different metric`);
    let examples: unknown[] = [];
    if (onlyA + onlyB + valueDiffs > 0) {
      examples = (await conn.runAndReadAll(`
        SELECT coalesce(x.Customer_ID, y.Customer_ID) AS Customer_ID, coalesce(x.start_timestamp, y.start_timestamp)::VARCHAR AS start,
               x.Order_Count AS a_count, y.Order_Count AS b_count, x.Total_Order_Amount AS a_total, y.Total_Order_Amount AS b_total,
               x.Total_Delivery_Distance AS a_dist, y.Total_Delivery_Distance AS b_dist,
               x.Distict_Products AS a_products, y.Distict_Products AS b_products
        ${joined}
        WHERE x.Customer_ID IS NULL OR y.Customer_ID IS NULL OR (${differs})
        ORDER BY 1, 2 LIMIT 5`)).getRowObjectsJson();
    }
    return { match: problems.length === 0, a, b, problems, onlyA, onlyB, valueDiffs, examples };
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

export function printComparison(what: string, c: Comparison, labelA: string, labelB: string): void {
  const fmt = (x: Aggregates) =>
    `rows ${x.rows}, sum(Order_Count) ${x.orderCount}, sum(Total_Order_Amount) ${x.totalOrderAmount.toFixed(2)}, ` +
    `sum(Distict_Products) ${x.distinctProducts}, sum(Total_Quantity_Ordered) ${x.totalQuantity}, ` +
    `sum(Total_Delivery_Distance) ${x.totalDistance.toFixed(1)}`;
  console.log(`  ${labelA.padEnd(12)} ${fmt(c.a)}`);
  console.log(`  ${labelB.padEnd(12)} ${fmt(c.b)}`);
  if (c.match) {
    console.log(`${what}: MATCH (aggregates and every group; doubles within relative ${REL_TOL})`);
  } else {
    console.log(`${what}: MISMATCH - ${c.problems.join('; ')}`);
    for (const e of c.examples) console.log(`    ${JSON.stringify(e)}`);
  }
}

// ---------------------------------------------------------------------------
// Formatting

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

/** Warns when the machine is busy: the benchmark measures wall time on shared cores. */
export function reportLoad(): number[] {
  const load = os.loadavg().map(round2);
  const cpus = os.cpus().length;
  console.log(`load average ${load.join(' / ')} (1/5/15 min) on ${cpus} cores${load[0]! > 0.5 ? ' - WARNING: other work is running, timings will be distorted' : ''}`);
  return load;
}

export function mib(bytes: number): string {
  return (bytes / 2 ** 20).toFixed(1);
}

export function kibToMiB(kib: number): number {
  return Math.round((kib / 1024) * 10) / 10;
}

export function median(values: number[]): number {
  const s = [...values].sort((x, y) => x - y);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Plain text table, first column left-aligned, others right-aligned. */
export function table(header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(cells[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

export function writeJson(file: string, value: unknown): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
  console.log(`results written to ${path.relative(REPO_DIR, file)}`);
}

/**
 * Copies a DuckDB file (and its WAL, if any) over `to`, and flushes the copy to
 * disk: the copy is the benchmark's setup, and left dirty in the page cache its
 * write-back landed in the measured run (the COMMIT's fsync waited for ~600 MB at
 * 10M orders: a 0.1 % append measured 1.66-1.77 s in the bench and 1.06-1.31 s by
 * hand on a synced copy, issue 18).
 */
export function copyDuckDb(from: string, to: string): void {
  removeDuckDb(to);
  const copy = (src: string, dst: string) => {
    fs.copyFileSync(src, dst);
    const fd = fs.openSync(dst, 'r+');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  };
  copy(from, to);
  if (fs.existsSync(`${from}.wal`)) copy(`${from}.wal`, `${to}.wal`);
}

/** Size of a DuckDB file plus its WAL, in bytes. */
export function duckDbBytes(file: string): number {
  const size = (f: string) => (fs.existsSync(f) ? fs.statSync(f).size : 0);
  return size(file) + size(`${file}.wal`);
}
