import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
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
 * The cluster is stopped by the returned teardown, and when starting it fails
 * half-way. For every other exit path (Ctrl-C, SIGTERM, a crash, kill -9 of vitest)
 * a detached guard (`spark/cluster.sh guard <vitest pid>`) stops it as soon as this
 * process is gone: vitest's own signal handling exits without running listeners
 * registered here (tried: neither 'SIGINT' nor 'exit' listeners ran on Ctrl-C).
 * Leftovers of an earlier run are stopped first (spark/cluster.sh only touches
 * processes carrying its run-dir mark).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const root = path.resolve(import.meta.dirname, '../..');
  const runDir = process.env.SPARK_TEST_RUN_DIR ?? path.join(root, '.spark', 'test-run');
  // Development only: reuse a cluster that is already running (e.g. `make spark-cluster`'s),
  // started and stopped by whoever started it. CI never sets this.
  const reuse = process.env.PIPELINE_TEST_SPARK_REMOTE;
  if (reuse) {
    console.log(`spark tier: reusing the running cluster ${reuse} (PIPELINE_TEST_SPARK_REMOTE)`);
    project.provide('sparkRemote', reuse);
    project.provide('sparkRunDir', process.env.PIPELINE_TEST_SPARK_RUN_DIR ?? path.join(root, '.spark', 'run'));
    return async () => {};
  }
  const env = { ...process.env, SPARK_RUN_DIR: runDir };
  const cluster = path.join(root, 'spark', 'cluster.sh');

  const stopGuard = (): void => {
    // the guard is ours: its pid file is written by the guard itself (spark/cluster.sh guard)
    const file = path.join(runDir, 'guard.pid');
    try {
      const pid = Number(fs.readFileSync(file, 'utf8'));
      if (pid > 1 && fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('guard')) process.kill(pid, 'SIGTERM');
    } catch {
      // no guard running
    }
    fs.rmSync(file, { force: true });
  };
  const stop = (): void => {
    try {
      execFileSync('bash', [cluster, 'stop'], { env, stdio: ['ignore', 'inherit', 'inherit'] });
    } catch {
      // best effort: a second stop finds nothing
    }
  };
  const startGuard = (): void => {
    fs.mkdirSync(path.join(runDir, 'logs'), { recursive: true });
    const out = fs.openSync(path.join(runDir, 'logs', 'guard.out'), 'a');
    const guard = spawn('bash', [cluster, 'guard', String(process.pid)], { env, detached: true, stdio: ['ignore', out, out] });
    guard.unref();
    fs.closeSync(out);
  };

  let t = Date.now();
  execFileSync('bash', [path.join(root, 'spark', 'install.sh')], { env, stdio: 'inherit' });
  const installMs = Date.now() - t;
  execFileSync('bash', [cluster, 'stop'], { env, stdio: 'inherit' });
  stopGuard();
  startGuard();
  t = Date.now();
  // cluster.sh's own messages (incl. the tail of the log of whatever failed) go into the error:
  // CI shows the end of the output only. One more try after a failed start (the failure is printed).
  const start = (): { remote?: string; failure?: string } => {
    const r = spawnSync('bash', [cluster, 'start'], { env, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
    if (r.stderr) process.stderr.write(r.stderr);
    if (r.status === 0 && r.stdout.trim().startsWith('sc://')) return { remote: r.stdout.trim() };
    stop();
    return { failure: `${r.error?.message ?? `exit ${r.status ?? r.signal}`}\n${r.stderr.split('\n').slice(-60).join('\n')}` };
  };
  let attempt = start();
  if (attempt.failure !== undefined) {
    console.error(`spark tier: the test cluster did not start; trying once more. First failure:\n${attempt.failure}`);
    attempt = start();
  }
  if (attempt.remote === undefined) {
    throw new Error(`the Spark test cluster did not start (logs in ${runDir}/logs): ${attempt.failure}`);
  }
  const remote = attempt.remote;
  console.log(`spark tier: install check ${installMs} ms, cluster start ${Date.now() - t} ms, ${remote}`);
  project.provide('sparkRemote', remote);
  project.provide('sparkRunDir', runDir);

  return async () => {
    stop();
    stopGuard();
  };
}
