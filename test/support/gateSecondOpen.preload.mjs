// Test preload (node --import): the process's SECOND DuckDB open — in `run`,
// the export's re-open after the run committed and closed the warehouse — prints
// "gate: second open" to stderr and waits until the file named by
// PIPELINE_TEST_GATE exists. A test uses the pause to let a sibling take the
// warehouse exactly in that gap, deterministically.
import fs from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';

const create = DuckDBInstance.create.bind(DuckDBInstance);
let opens = 0;
DuckDBInstance.create = async (...args) => {
  if (++opens === 2) {
    process.stderr.write('gate: second open\n');
    const gate = process.env.PIPELINE_TEST_GATE;
    const end = Date.now() + 30_000;
    while (gate && !fs.existsSync(gate) && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
  }
  return create(...args);
};
