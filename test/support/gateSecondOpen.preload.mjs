// Test preload (node --import): the process's SECOND DuckDB open — in `run`,
// the export's re-open after the run committed and closed the warehouse — prints
// "gate: second open" to stderr and waits until the file named by
// PIPELINE_TEST_GATE exists. A test uses the pause to let a sibling take the
// warehouse exactly in that gap, deterministically.
//
// The hook sits in DuckDB's native binding, which every copy of its node-api
// package opens through: the CLI runs a bundle with its own copy of node-api
// (scripts/bundleCli.mjs), so patching the package's DuckDBInstance would miss
// it. The binding's functions are read-only: its module's exports are replaced
// by an object that inherits them and has its own `open`.
import fs from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const id = require.resolve('@duckdb/node-bindings');
const binding = require(id);
let opens = 0;
require.cache[id].exports = Object.create(binding, {
  open: {
    enumerable: true,
    value: async (...args) => {
      if (++opens === 2) {
        process.stderr.write('gate: second open\n');
        const gate = process.env.PIPELINE_TEST_GATE;
        const end = Date.now() + 30_000;
        while (gate && !fs.existsSync(gate) && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
      }
      return binding.open(...args);
    },
  },
});
