import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cli, makeWorkspace, type Workspace } from './support/fixtures.js';

// Issue 18, "no-op run": the CLI's start-up is most of a no-op run. The Spark engine
// (its Connect client: gRPC, protobuf, Arrow), the Postgres exporter (pg) and the file
// watcher load only for the commands that use them: a DuckDB `run --no-export` does not
// load them (measured: the no-op on 10 M orders went from 1.3 s to 0.9 s when they
// stopped loading). Then (0.79 -> 0.69 s for zod alone): the config checks are
// hand-written instead of zod's 95 modules; the commands a run does not use (sql's
// shell, explain, report, generate) load their code when they run; and DuckDB's
// package is loaded with require (warehouse/duckdbApi.ts), because an ESM import of
// it makes Node scan its ~120 CommonJS files for export names (~130 ms).
const TRACE = path.resolve('test/support/traceImports.mjs');
const NOT_FOR_A_DUCKDB_RUN = [/\/engine\/spark\//, /\/pipeline\/spark\//, /\/node_modules\/@grpc\//, /\/node_modules\/apache-arrow\//, /\/node_modules\/pg\//, /\/node_modules\/chokidar\//, /\/export\/runExport\.js$/,
  /\/node_modules\/@duckdb\/node-api\//, /\/node_modules\/zod\//, /\/pipeline\/shell\/ShellSession\.js$/, /\/pipeline\/explain\//, /\/pipeline\/report\//, /\/pipeline\/generate\//];

let ws: Workspace | undefined;
afterEach(() => {
  if (ws) fs.rmSync(ws.root, { recursive: true, force: true });
  ws = undefined;
});

function loadedBy(args: string[], env: NodeJS.ProcessEnv = {}): { code: number | null; stderr: string; modules: string[] } {
  const trace = path.join(ws!.root, `imports-${Math.random().toString(36).slice(2)}.txt`);
  const r = cli(args, { NODE_OPTIONS: `--import ${TRACE}`, PIPELINE_TRACE_IMPORTS: trace, ...env });
  const modules = fs.existsSync(trace) ? [...new Set(fs.readFileSync(trace, 'utf8').split('\n').filter(Boolean))] : [];
  return { code: r.code, stderr: r.stderr, modules };
}

describe('the CLI loads what a command uses', () => {
  it('a DuckDB run --no-export (and its no-op rerun) loads neither the Spark client, pg, the exporter, the watcher, zod, the other commands nor DuckDB as an ES module', () => {
    ws = makeWorkspace('lazy-imports');
    ws.write('Orders/o.csv', 'Order ID,Customer ID,Order Time,SKU,Quantity,Order Total\n1,1,2024-03-01 10:00:00,A,1,10\n');
    ws.write('Deliveries/d.csv', 'Order ID,Distance(m)\n1,5\n');
    ws.write('Customers/c.json', '[{"Customer ID": 1}]');
    const args = ['run', '--no-export', '--data', ws.dataDir, '--warehouse', ws.warehousePath];
    for (const step of ['first run', 'no-op']) {
      const r = loadedBy(args);
      expect(r.code, `${step}: ${r.stderr}`).toBe(0);
      // the trace works: it saw the CLI and the module through which it loads DuckDB
      expect(r.modules.some((m) => m.endsWith('/cli/main.js')), step).toBe(true);
      expect(r.modules.some((m) => m.endsWith('/warehouse/duckdbApi.js')), step).toBe(true);
      expect(r.modules.filter((m) => NOT_FOR_A_DUCKDB_RUN.some((p) => p.test(m))), step).toEqual([]);
    }
  });

  it('the Spark engine is loaded when asked for (and then fails naming the missing endpoint)', () => {
    ws = makeWorkspace('lazy-imports-spark');
    const r = loadedBy(['run', '--no-export', '--engine', 'spark', '--lake', path.join(ws.root, 'lake'), '--data', ws.dataDir], { PIPELINE_SPARK_REMOTE: '' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--spark-remote/);
    expect(r.modules.some((m) => /\/engine\/spark\/runOnSpark\.js$/.test(m))).toBe(true);
  });
});
