/**
 * Many-small-files benchmark (issue 18): the same orders + deliveries (+ the
 * same three customers files) dropped as N files of 500 rows each and as one
 * file each; the wall time of a first build (`pipeline run --no-export`, CLI,
 * including process start) of each, median of BENCH_REPEAT (default 3), then
 * one new 200-row orders file on top of the many-files warehouse.
 *
 *   BENCH_ORDERS=1000000 BENCH_SEED=42 [BENCH_REPEAT=3] [BENCH_FILE_ROWS=500] [BENCH_CLI=other/bin/pipeline.js]
 *   node dist/bench/benchSmallFiles.js         (or: make bench-small-files)
 *
 * Data: bench/out/small-<orders>-<seed>-<files>/ (cached, never modified);
 * the 200-row file goes into a linked copy. Ratios are measured in one run,
 * so load from other work on the machine affects both sides alike. BENCH_CLI
 * measures another build's CLI (e.g. a checkout of the code before a change).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateDataset } from '../pipeline/generate/generateDataset.js';
import { OUT_DIR, REPO_DIR, codeVersion, copyDuckDb, median, readSettings, removeDuckDb, table, writeJson } from './benchCommon.js';

const settings = readSettings();
const repeat = Math.max(1, Number(process.env.BENCH_REPEAT ?? 3) || 3);
const fileRows = Math.max(10, Number(process.env.BENCH_FILE_ROWS ?? 500) || 500);
const manyFiles = Math.max(1, Math.round(settings.orders / fileRows));
const NEW_FILE_ROWS = 200;
const CLI = process.env.BENCH_CLI?.trim() || 'bin/pipeline.js';

async function dataset(files: number): Promise<string> {
  const dir = path.join(OUT_DIR, `small-${settings.orders}-${settings.seed}-${files}`);
  const marker = path.join(dir, '.bench-complete.json');
  if (fs.existsSync(marker)) return dir;
  fs.rmSync(dir, { recursive: true, force: true });
  console.log(`data: generating ${settings.orders} orders as ${files} orders + ${files} deliveries files into ${path.relative(REPO_DIR, dir)} ...`);
  const t0 = performance.now();
  const report = await generateDataset({ outDir: dir, orders: settings.orders, customers: settings.customers, seed: settings.seed, files });
  fs.writeFileSync(marker, JSON.stringify({ files: report.files.length, seconds: (performance.now() - t0) / 1000 }));
  return dir;
}

function countFiles(dir: string): number {
  let n = 0;
  for (const d of ['Orders', 'Deliveries', 'Customers']) n += fs.readdirSync(path.join(dir, d)).length;
  return n;
}

/** Wall seconds of `pipeline run --no-export` (process start to exit). */
function cliRun(dataDir: string, warehouse: string, env: NodeJS.ProcessEnv = {}): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [CLI, 'run', '--no-export', '--data', dataDir, '--warehouse', warehouse], {
    cwd: REPO_DIR,
    env: { ...process.env, PIPELINE_PROFILE: '0', ...env },
    encoding: 'utf8',
    maxBuffer: 256 * 2 ** 20,
  });
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`run failed (exit ${r.status}) on ${dataDir}\n${r.stdout}\n${r.stderr}`);
  return seconds;
}

function loadAvg(): string {
  try {
    return execFileSync('uptime', { encoding: 'utf8' }).trim();
  } catch {
    return os.loadavg().map((x) => x.toFixed(2)).join(' ');
  }
}

/** A linked copy of `from` (mtimes kept) plus one new 200-row orders CSV. */
function dataWithNewFile(from: string, to: string): void {
  fs.rmSync(to, { recursive: true, force: true });
  for (const d of ['Orders', 'Deliveries', 'Customers']) {
    fs.mkdirSync(path.join(to, d), { recursive: true });
    for (const f of fs.readdirSync(path.join(from, d))) fs.linkSync(path.join(from, d, f), path.join(to, d, f));
  }
  // 200 rows of the last plain orders file, as a correction file arriving now.
  const plain = fs.readdirSync(path.join(from, 'Orders')).filter((f) => f.endsWith('.csv')).sort().pop()!;
  const lines = fs.readFileSync(path.join(from, 'Orders', plain), 'utf8').split('\n');
  fs.writeFileSync(path.join(to, 'Orders', 'orders_new_200.csv'), `${lines.slice(0, NEW_FILE_ROWS + 1).join('\n')}\n`);
}

const one = await dataset(1);
const many = await dataset(manyFiles);
fs.mkdirSync(OUT_DIR, { recursive: true });
const whOne = path.join(OUT_DIR, 'small-one.duckdb');
const whMany = path.join(OUT_DIR, 'small-many.duckdb');
console.log(`code ${JSON.stringify(codeVersion())}, CLI ${CLI}`);
console.log(`before: ${loadAvg()}`);

const oneTimes: number[] = [];
const manyTimes: number[] = [];
for (let i = 0; i < repeat; i++) {
  // Alternate, so load changes hit both sides alike.
  removeDuckDb(whOne);
  oneTimes.push(cliRun(one, whOne));
  removeDuckDb(whMany);
  manyTimes.push(cliRun(many, whMany));
  console.log(`  round ${i + 1}: few files ${oneTimes[i]!.toFixed(2)} s, many files ${manyTimes[i]!.toFixed(2)} s`);
}

const plusDir = path.join(OUT_DIR, `small-${settings.orders}-plus`);
dataWithNewFile(many, plusDir);
const whPlus = path.join(OUT_DIR, 'small-plus.duckdb');
const newFileTimes: number[] = [];
for (let i = 0; i < repeat; i++) {
  removeDuckDb(whPlus);
  copyDuckDb(whMany, whPlus);
  newFileTimes.push(cliRun(plusDir, whPlus));
}
removeDuckDb(whPlus);

const m1 = median(oneTimes);
const mN = median(manyTimes);
const mNew = median(newFileTimes);
const filesOne = countFiles(one);
const filesMany = countFiles(many);
console.log();
console.log(
  table(
    ['case', 'files', 'median s', 'runs s'],
    [
      ['first build, few files', filesOne, m1.toFixed(2), oneTimes.map((t) => t.toFixed(2)).join(' ')],
      [`first build, ${fileRows}-row files`, filesMany, mN.toFixed(2), manyTimes.map((t) => t.toFixed(2)).join(' ')],
      [`one new ${NEW_FILE_ROWS}-row file on the many files`, filesMany + 1, mNew.toFixed(2), newFileTimes.map((t) => t.toFixed(2)).join(' ')],
    ],
  ),
);
console.log(`many files / few files: ${(mN / m1).toFixed(2)}x (bar <= 2x, goal <= 1.2x)`);
console.log(`one new ${NEW_FILE_ROWS}-row file: ${mNew.toFixed(2)} s (bar <= 0.5 s, goal <= 0.3 s)`);
console.log(`after: ${loadAvg()}`);
writeJson(path.join(OUT_DIR, `small-files-${settings.orders}.json`), {
  cli: CLI,
  orders: settings.orders,
  fileRows,
  filesOne,
  filesMany,
  oneTimes,
  manyTimes,
  newFileTimes,
  ratio: mN / m1,
  newFileSeconds: mNew,
  code: codeVersion(),
  load: os.loadavg(),
});
