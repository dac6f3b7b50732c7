import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, type PipelineConfig } from '../../pipeline/config/loadConfig.js';
import { ECOMMERCE_COLUMNS } from '../../pipeline/contract/ecommerceColumns.js';
import { runPipeline, type RunOptions, type RunReport } from '../../pipeline/run/runPipeline.js';
import { plainValue } from '../../pipeline/shell/formatRows.js';
import { withWarehouse } from '../../pipeline/warehouse/Warehouse.js';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const CLI = path.join(ROOT, 'bin/pipeline.js');

/** A temp data dir with the three drop folders and a warehouse path beside it. */
export interface Workspace {
  root: string;
  dataDir: string;
  warehousePath: string;
  config: PipelineConfig;
  /** Writes data/<rel>; mtime in seconds since 2024-01-01 keeps arrival order explicit. */
  write(rel: string, content: string | Buffer, mtimeSec?: number): string;
  remove(rel: string): void;
  run(options?: RunOptions, overrides?: Partial<PipelineConfig>): Promise<RunReport>;
  query<T = Record<string, unknown>>(sql: string): Promise<T[]>;
  cleanup(): void;
}

let mtimeCounter = 0;

export function makeWorkspace(name = 'ws'): Workspace {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `pipeline-${name}-`));
  const dataDir = path.join(root, 'data');
  for (const d of ['Orders', 'Deliveries', 'Customers']) fs.mkdirSync(path.join(dataDir, d), { recursive: true });
  const warehousePath = path.join(root, 'warehouse', 'ecommerce.duckdb');
  const config = loadConfig({ data: dataDir, warehouse: warehousePath, threads: 2 }, {});
  const ws: Workspace = {
    root,
    dataDir,
    warehousePath,
    config,
    write(rel, content, mtimeSec) {
      const file = path.join(dataDir, rel);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, content);
      const t = 1_704_067_200 + (mtimeSec ?? ++mtimeCounter);
      fs.utimesSync(file, t, t);
      return file;
    },
    remove(rel) {
      fs.rmSync(path.join(dataDir, rel), { force: true });
    },
    run(options, overrides) {
      return runPipeline({ ...config, ...overrides }, options);
    },
    query<T>(sql: string) {
      // a probe of the tables as they are, also the parts of an interrupted first build
      return withWarehouse({ path: warehousePath, readOnly: true, allowInterruptedFirstBuild: true }, async (w) =>
        (await w.all(sql)).map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, plainValue(v)])) as T),
      );
    },
    cleanup() {
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
  return ws;
}

/**
 * Runs the built CLI in a child process. The Postgres export is off unless the
 * test asks for it (PIPELINE_EXPORT=1 and --postgres), so runs never reach for
 * an embedded server of their own.
 */
export function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: ROOT,
    env: { ...process.env, PIPELINE_EXPORT: '0', DATABASE_URL: '', ...env },
    encoding: 'utf8',
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * cli() without blocking the test worker: a chain of long synchronous cli()
 * calls starves vitest's worker RPC ("Timeout calling onTaskUpdate" after 60 s
 * on a loaded machine). Use it for slow commands in long tests.
 */
export function cliAsync(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return spawnAsync(process.execPath, [CLI, ...args], { env: { ...process.env, PIPELINE_EXPORT: '0', DATABASE_URL: '', ...env } });
}

/** A child process run to its end without blocking the test worker (see cliAsync); killed after timeoutMs if given. */
export function spawnAsync(
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {},
): Promise<{ code: number | null; stdout: string; stderr: string; signal: NodeJS.Signals | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd ?? ROOT, env: options.env ?? process.env });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = options.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), options.timeoutMs) : undefined;
    child.once('error', reject);
    child.once('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ code, stdout, stderr, signal });
    });
  });
}

export const ECOMMERCE_ORDERED = 'SELECT * FROM ecommerce ORDER BY Customer_ID, start_timestamp';

/** float32 columns (FLOAT) carry ~7 significant digits: compared to 1e-6 relative. */
const FLOAT32_TOLERANCE = 1e-6;
const TYPE_OF = new Map(ECOMMERCE_COLUMNS.map((c) => [c.name, c.duckdbType]));

/**
 * Compares two ecommerce row sets by the declared columns (pipeline/contract/
 * ecommerceColumns.ts): DOUBLE columns to relTol relative, FLOAT to 1e-6, the
 * rest exactly. A column that is not declared is a difference too.
 */
export function diffEcommerce(a: Record<string, unknown>[], b: Record<string, unknown>[], relTol = 1e-9): string[] {
  const problems: string[] = [];
  if (a.length !== b.length) problems.push(`row count ${a.length} vs ${b.length}`);
  const key = (r: Record<string, unknown>) => `${r.Customer_ID}|${r.start_timestamp}`;
  const bm = new Map(b.map((r) => [key(r), r]));
  for (const ra of a) {
    const rb = bm.get(key(ra));
    if (!rb) {
      problems.push(`missing group ${key(ra)} on the right`);
      continue;
    }
    for (const [col, va] of Object.entries(ra)) {
      const vb = rb[col];
      const type = TYPE_OF.get(col);
      if (type === undefined) problems.push(`${key(ra)} ${col}: not a column of the contract`);
      if ((type === 'DOUBLE' || type === 'FLOAT') && typeof va === 'number' && typeof vb === 'number') {
        const tol = type === 'FLOAT' ? FLOAT32_TOLERANCE : relTol;
        if (Math.abs(va - vb) > tol * Math.max(1, Math.abs(va), Math.abs(vb))) problems.push(`${key(ra)} ${col}: ${va} vs ${vb}`);
      } else if (va !== vb) {
        problems.push(`${key(ra)} ${col}: ${String(va)} vs ${String(vb)}`);
      }
    }
    bm.delete(key(ra));
  }
  for (const k of bm.keys()) problems.push(`extra group ${k} on the right`);
  return problems.slice(0, 20);
}
