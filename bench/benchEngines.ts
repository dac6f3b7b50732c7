/**
 * Engines benchmark (issue 17): the same job on the DuckDB engine and on the
 * Spark engine (this machine's standalone cluster: master + 2 workers of 1
 * core + Spark Connect), each as the user runs it (`pipeline run` in its own
 * process): a full build, a 1 % delta (makeDelta.ts: late and updated orders),
 * a no-op run. Ratios Spark / DuckDB are from the same sitting; the load
 * average is printed with every step (a shared 2-core machine).
 *
 *   BENCH_ORDERS=1000000 [BENCH_SPARK_REMOTE=sc://host:port] node dist/bench/benchEngines.js   (make bench-engines)
 *
 * Without BENCH_SPARK_REMOTE the local cluster is started in bench/out/spark-run
 * and stopped at the end. Checks the two results agree (group count and sums).
 * Writes bench/out/engines-<orders>.json.
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { OUT_DIR, REPO_DIR, ensureDataset, machineInfo, readSettings, table, writeJson } from './benchCommon.js';
import { makeDelta } from './makeDelta.js';

const CLI = path.join(REPO_DIR, 'bin', 'pipeline.js');

function prepareDataDir(baseDir: string, dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
  for (const ds of ['Orders', 'Deliveries', 'Customers']) {
    fs.mkdirSync(path.join(dir, ds), { recursive: true });
    const from = path.join(baseDir, ds);
    if (!fs.existsSync(from)) continue;
    for (const f of fs.readdirSync(from)) {
      const src = path.join(from, f);
      const dst = path.join(dir, ds, f);
      try {
        fs.linkSync(src, dst);
      } catch {
        fs.copyFileSync(src, dst);
        const st = fs.statSync(src);
        fs.utimesSync(dst, st.atime, st.mtime);
      }
    }
  }
}

interface Step {
  engine: 'duckdb' | 'spark';
  step: string;
  seconds: number;
  load: [number, number];
  report: { strategy: string; rowsLoaded: number; groupsUpserted: number; resultRows: number };
}

function cli(args: string[]): Promise<{ seconds: number; stdout: string; load: [number, number] }> {
  const before = os.loadavg()[0]!;
  const t0 = performance.now();
  const child = spawn(process.execPath, [CLI, ...args], { cwd: REPO_DIR, env: { ...process.env, PIPELINE_EXPORT: '0' }, stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  child.stdout.on('data', (d) => (stdout += d));
  return new Promise((resolve, reject) =>
    child.on('close', (code) => {
      const seconds = (performance.now() - t0) / 1000;
      if (code !== 0) reject(new Error(`pipeline ${args.join(' ')} exited ${code}\n${stdout}`));
      else resolve({ seconds, stdout, load: [Math.round(before * 100) / 100, Math.round(os.loadavg()[0]! * 100) / 100] });
    }),
  );
}

const SUMS = 'SELECT count(*) AS n, round(sum(Total_Order_Amount), 2) AS total, sum(Order_Count) AS orders FROM ecommerce';

async function main(): Promise<void> {
  const s = readSettings();
  const data = await ensureDataset(s);
  const work = path.join(OUT_DIR, `engines-${s.orders}`);
  fs.rmSync(work, { recursive: true, force: true });
  fs.mkdirSync(work, { recursive: true });
  let remote = process.env.BENCH_SPARK_REMOTE?.trim();
  const runDir = path.join(OUT_DIR, 'spark-run');
  const clusterEnv = { ...process.env, SPARK_RUN_DIR: runDir };
  if (!remote) {
    execFileSync('bash', [path.join(REPO_DIR, 'spark', 'install.sh')], { stdio: 'inherit' });
    const t = performance.now();
    remote = execFileSync('bash', [path.join(REPO_DIR, 'spark', 'cluster.sh'), 'start'], { env: clusterEnv, stdio: ['ignore', 'pipe', 'inherit'] }).toString().trim();
    console.log(`spark: local cluster ${remote} up in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  }
  const steps: Step[] = [];
  const sums: Record<string, string> = {};
  try {
    for (const engine of ['duckdb', 'spark'] as const) {
      const dataDir = path.join(work, `data-${engine}`);
      prepareDataDir(data.dir, dataDir);
      const args = ['--data', dataDir, '--warehouse', path.join(work, `${engine}.duckdb`)];
      if (engine === 'spark') args.push('--engine', 'spark', '--spark-remote', remote, '--lake', path.join(work, 'lake'));
      const run = async (step: string) => {
        const r = await cli(['run', '--json', ...args]);
        const report = JSON.parse(r.stdout);
        steps.push({ engine, step, seconds: r.seconds, load: r.load, report: { strategy: report.strategy, rowsLoaded: report.rowsLoaded, groupsUpserted: report.groupsUpserted, resultRows: report.resultRows } });
        console.log(`${engine.padEnd(6)} ${step.padEnd(10)} ${r.seconds.toFixed(2).padStart(8)} s  (${report.strategy}, ${report.rowsLoaded} rows loaded, ${report.groupsUpserted} groups upserted; load ${r.load.join(' -> ')})`);
      };
      await run('full build');
      await makeDelta({ baseDir: data.dir, outDir: dataDir, orders: s.orders, customers: s.customers, seed: s.seed });
      await run('1% delta');
      await run('no-op');
      sums[engine] = (await cli(['sql', '--format', 'csv', SUMS, ...args])).stdout.trim().split('\n').pop()!;
    }
  } finally {
    if (!process.env.BENCH_SPARK_REMOTE) execFileSync('bash', [path.join(REPO_DIR, 'spark', 'cluster.sh'), 'stop'], { env: clusterEnv, stdio: 'inherit' });
  }
  const by = (e: string, st: string) => steps.find((x) => x.engine === e && x.step === st)!;
  const rows = ['full build', '1% delta', 'no-op'].map((st) => {
    const d = by('duckdb', st);
    const k = by('spark', st);
    return [st, d.seconds.toFixed(2), k.seconds.toFixed(2), (k.seconds / d.seconds).toFixed(1) + 'x', `${d.load[0]} / ${k.load[0]}`];
  });
  console.log(`\n${s.orders} orders, ${os.cpus().length} cores; Spark: 2 workers x 1 core, 768 MB executors`);
  console.log(table(['step', 'duckdb s', 'spark s', 'spark/duckdb', 'load (1 min) at start'], rows));
  const agree = sums.duckdb === sums.spark;
  console.log(`results: duckdb ${sums.duckdb} | spark ${sums.spark} -> ${agree ? 'equal' : 'DIFFERENT'}`);
  writeJson(path.join(OUT_DIR, `engines-${s.orders}.json`), { machine: machineInfo(), orders: s.orders, remote, steps, sums, agree });
  if (!agree) process.exitCode = 1;
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
