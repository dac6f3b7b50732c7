import { execFileSync } from 'node:child_process';
import path from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    sparkRemote: string;
    sparkRunDir: string;
  }
}

/**
 * Installs the pinned Spark runtime (idempotent) and starts the test cluster in its
 * own run dir, so a person's `make spark-cluster` (in .spark/run) is left alone.
 * The cluster is stopped by the returned teardown, and also on SIGINT/SIGTERM/SIGHUP
 * and process exit, and when starting it fails half-way. Leftovers of an earlier
 * run that was killed with -9 are stopped first (spark/cluster.sh only touches
 * processes carrying its run-dir mark).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const root = path.resolve(import.meta.dirname, '../..');
  const runDir = process.env.SPARK_TEST_RUN_DIR ?? path.join(root, '.spark', 'test-run');
  const env = { ...process.env, SPARK_RUN_DIR: runDir };
  const cluster = path.join(root, 'spark', 'cluster.sh');

  let stopped = false;
  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    try {
      execFileSync('bash', [cluster, 'stop'], { env, stdio: ['ignore', 'inherit', 'inherit'] });
    } catch {
      // best effort: a second stop finds nothing
    }
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    stop();
    process.kill(process.pid, signal);
  };
  for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(s, onSignal);
  process.once('exit', stop);

  let t = Date.now();
  execFileSync('bash', [path.join(root, 'spark', 'install.sh')], { env, stdio: 'inherit' });
  const installMs = Date.now() - t;
  execFileSync('bash', [cluster, 'stop'], { env, stdio: 'inherit' });
  t = Date.now();
  let remote: string;
  try {
    remote = execFileSync('bash', [cluster, 'start'], { env, stdio: ['ignore', 'pipe', 'inherit'] }).toString().trim();
  } catch (err) {
    stop();
    throw new Error(`the Spark test cluster did not start (logs in ${runDir}/logs): ${(err as Error).message.split('\n')[0]}`);
  }
  console.log(`spark tier: install check ${installMs} ms, cluster start ${Date.now() - t} ms, ${remote}`);
  project.provide('sparkRemote', remote);
  project.provide('sparkRunDir', runDir);

  return async () => {
    stop();
    for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.removeListener(s, onSignal);
    process.removeListener('exit', stop);
  };
}
