import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { cli, makeWorkspace, type Workspace } from './support/fixtures.js';

// Issue 18, "no-op run": the CLI's start-up is most of a no-op run. The Spark engine
// (its Connect client: gRPC, protobuf, Arrow), the Postgres exporter (pg) and the file
// watcher load only for the commands that use them: a DuckDB `run --no-export` does not
// load them (measured: the no-op on 10 M orders went from 1.3 s to 0.9 s when they
// stopped loading). Then (0.79 -> 0.69 s for zod alone): the config checks are
// hand-written instead of zod's 95 modules; the commands a run does not use (sql's
// shell, explain, report, generate) load their code when they run. Then (0.59 -> 0.45 s):
// the CLI runs as one bundle (scripts/bundleCli.mjs) holding our code, yargs and DuckDB's
// node-api (~150 CommonJS files, never loaded from node_modules by the CLI); a lazily
// imported command stays a chunk of its own.
//
// What a process loaded: the files Node resolved (traced), and for a file of the
// bundle, the modules esbuild wrote into it (a comment with the module's path opens each).
const TRACE = path.resolve('test/support/traceImports.mjs');
const BUNDLE_DIR = path.resolve('dist/bundle');
const NOT_FOR_A_DUCKDB_RUN = [/\/engine\/spark\//, /\/pipeline\/spark\//, /\/node_modules\/@grpc\//, /\/node_modules\/apache-arrow\//, /\/node_modules\/pg\//, /\/node_modules\/chokidar\//, /\/export\/runExport\.js$/,
  /\/node_modules\/zod\//, /\/pipeline\/shell\/ShellSession\.js$/, /\/pipeline\/explain\//, /\/pipeline\/report\//, /\/pipeline\/generate\//];

/** The module paths esbuild wrote into a bundle file ("// dist/pipeline/cli/main.js"), as absolute paths. */
function bundledModules(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  return [...text.matchAll(/^\/\/ ((?:dist|node_modules)\/\S+)$/gm)].map((m) => path.resolve(m[1]!));
}

let ws: Workspace | undefined;
afterEach(() => {
  if (ws) fs.rmSync(ws.root, { recursive: true, force: true });
  ws = undefined;
});

function loadedBy(args: string[], env: NodeJS.ProcessEnv = {}): { code: number | null; stderr: string; files: string[]; modules: string[]; native: string[] } {
  const trace = path.join(ws!.root, `imports-${Math.random().toString(36).slice(2)}.txt`);
  const r = cli(args, { NODE_OPTIONS: `--import ${TRACE}`, PIPELINE_TRACE_IMPORTS: trace, ...env });
  const urls = fs.existsSync(trace) ? [...new Set(fs.readFileSync(trace, 'utf8').split('\n').filter(Boolean))] : [];
  const files = urls.filter((u) => u.startsWith('file:')).map((u) => fileURLToPath(u));
  const bundled = files.filter((f) => f.startsWith(BUNDLE_DIR + path.sep)).flatMap(bundledModules);
  const native = urls.filter((u) => u.startsWith('dlopen:')).map((u) => u.slice('dlopen:'.length));
  return { code: r.code, stderr: r.stderr, files, modules: [...new Set([...files, ...bundled])], native };
}

describe('the CLI loads what a command uses', () => {
  it("a DuckDB run --no-export (and its no-op rerun) loads neither the Spark client, pg, the exporter, the watcher, zod nor the other commands, and DuckDB's node-api only from the bundle; the no-op not DuckDB's library", () => {
    ws = makeWorkspace('lazy-imports');
    ws.write('Orders/o.csv', 'Order ID,Customer ID,Order Time,SKU,Quantity,Order Total\n1,1,2024-03-01 10:00:00,A,1,10\n');
    ws.write('Deliveries/d.csv', 'Order ID,Distance(m)\n1,5\n');
    ws.write('Customers/c.json', '[{"Customer ID": 1}]');
    const args = ['run', '--no-export', '--data', ws.dataDir, '--warehouse', ws.warehousePath];
    for (const step of ['first run', 'no-op']) {
      const r = loadedBy(args);
      expect(r.code, `${step}: ${r.stderr}`).toBe(0);
      // the trace works: it saw the bundle, and in it the CLI, the module through which it loads DuckDB and DuckDB's node-api
      expect(r.files.some((f) => f === path.join(BUNDLE_DIR, 'main.js')), step).toBe(true);
      expect(r.modules.some((m) => m.endsWith('/dist/pipeline/cli/main.js')), step).toBe(true);
      expect(r.modules.some((m) => m.endsWith('/warehouse/duckdbApi.js')), step).toBe(true);
      expect(r.modules.some((m) => m.includes('/node_modules/@duckdb/node-api/')), step).toBe(true);
      expect(r.modules.filter((m) => NOT_FOR_A_DUCKDB_RUN.some((p) => p.test(m))), step).toEqual([]);
      // nothing of our code or of DuckDB's node-api is loaded outside the bundle
      expect(r.files.filter((f) => f.includes(`${path.sep}dist${path.sep}pipeline${path.sep}`) || f.includes('/node_modules/@duckdb/node-api/')), step).toEqual([]);
      // DuckDB's native library loads when a command first uses DuckDB: the no-op, answered from the
      // record of the first run (run/settledRun.ts), never does
      const duckdbLibrary = r.native.filter((f) => f.includes('/@duckdb/'));
      if (step === 'first run') expect(duckdbLibrary, step).toHaveLength(1);
      else expect(duckdbLibrary, step).toEqual([]);
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
