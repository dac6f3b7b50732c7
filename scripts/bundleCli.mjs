// Bundles the CLI (`bin/pipeline.js` loads dist/bundle/main.js), after tsc has
// written dist/. Why (issue 18, no-op run): Node 20's ES module loader spends
// ~0.1 s resolving and linking the ~100 modules of our code and yargs, and
// DuckDB's package is ~150 CommonJS files (~0.115 s to require, 0.07 s as one
// file). A no-op `run` on 10 M orders went 0.59 -> 0.45 s with this bundle
// (medians of 8 alternating runs; 0.49 s with node-api left out of it).
//
// What is bundled: our code, and the packages the start of every command needs
// (DuckDB's node-api and yargs), each with everything it imports. A package our
// code imports for one command only (pg, the Spark client's gRPC and Arrow,
// chokidar, embedded Postgres) stays a package loaded from node_modules when that
// command runs, and a command's code that is imported lazily (`await import`)
// stays a chunk of its own, loaded only then (test/lazyImports.test.ts checks
// both, by the module paths esbuild writes in comments before each module).
// DuckDB's native binding cannot be bundled: it is required from node_modules.
//
// Tests and benchmarks import dist/ modules directly; only the CLI runs the bundle.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BUNDLED_PACKAGES = new Set(['@duckdb/node-api', 'yargs']);
const NEVER_BUNDLED = new Set(['@duckdb/node-bindings']);

/** `@scope/name/sub` -> `@scope/name`, `name/sub` -> `name`. */
function packageName(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

const selectPackages = {
  name: 'select-packages',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('node:')) return undefined;
      const name = packageName(args.path);
      if (NEVER_BUNDLED.has(name)) return { path: args.path, external: true };
      // A package imported by a bundled package is bundled with it (its copy may be nested).
      const fromPackage = path.relative(ROOT, args.importer).split(path.sep).includes('node_modules');
      if (fromPackage || BUNDLED_PACKAGES.has(name)) return undefined;
      return { path: args.path, external: true };
    });
  },
};

// warehouse/duckdbApi.ts loads DuckDB's package with createRequire (an ES import of it
// costs dist/'s other users ~0.13 s): esbuild cannot follow that call, so here it
// becomes a plain require, which esbuild bundles.
const DUCKDB_API_LOAD = "createRequire(import.meta.url)('@duckdb/node-api')";
const bundleDuckdbApi = {
  name: 'bundle-duckdb-api',
  setup(build) {
    build.onLoad({ filter: /[\\/]warehouse[\\/]duckdbApi\.js$/ }, async (args) => {
      const text = await fs.promises.readFile(args.path, 'utf8');
      if (!text.includes(DUCKDB_API_LOAD)) throw new Error(`${args.path} no longer loads DuckDB with ${DUCKDB_API_LOAD}: update scripts/bundleCli.mjs`);
      return { contents: text.replace(DUCKDB_API_LOAD, "require('@duckdb/node-api')"), loader: 'js' };
    });
  },
};

const OUT_DIR = path.join(ROOT, 'dist', 'bundle');
// chunk names carry a content hash: without this, every build would leave the last one's chunks behind
fs.rmSync(OUT_DIR, { recursive: true, force: true });

await esbuild.build({
  absWorkingDir: ROOT,
  entryPoints: ['dist/pipeline/cli/main.js'],
  outdir: OUT_DIR,
  entryNames: '[name]',
  chunkNames: '[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  // DuckDB's package is CommonJS: its require() of the native binding needs a require in ESM.
  banner: { js: "import { createRequire as __bundleCreateRequire } from 'node:module'; const require = __bundleCreateRequire(import.meta.url);" },
  plugins: [selectPackages, bundleDuckdbApi],
  logLevel: 'warning',
});
