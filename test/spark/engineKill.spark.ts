import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { CLI, ROOT } from '../support/fixtures.js';
import { duckdbRun, engineWorkspace, expectSameResult, sparkArgs, sparkCli, sparkEcommerce, type EngineWorkspace } from './sparkEngine.js';

const remote = inject('sparkRemote');
const runDir = inject('sparkRunDir');
const roots: string[] = [];
afterAll(() => {
  for (const r of roots) fs.rmSync(r, { recursive: true, force: true });
});

function workspace(): EngineWorkspace {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pipeline-engines-kill-'));
  roots.push(root);
  return engineWorkspace(root, remote, 'small');
}

/**
 * Starts `pipeline run --engine spark` (PIPELINE_PROFILE=1: it prints each Spark
 * statement as it finishes) and calls `at` when the output first matches `when`;
 * resolves with the exit code and signal.
 */
function runUntil(ws: EngineWorkspace, when: RegExp, at: (pid: number) => void): Promise<{ code: number | null; signal: string | null; out: string }> {
  const child = spawn(process.execPath, [CLI, 'run', ...sparkArgs(ws)], {
    cwd: ROOT,
    env: { ...process.env, PIPELINE_EXPORT: '0', DATABASE_URL: '', PIPELINE_PROFILE: '1' },
  });
  let out = '';
  let fired = false;
  const onData = (d: Buffer) => {
    out += d.toString();
    if (!fired && when.test(out)) {
      fired = true;
      at(child.pid!);
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, out })));
}

/** Waits until the master lists two live workers again and the Connect app holds 2 cores (executors on both). */
async function clusterWhole(): Promise<void> {
  const port = fs.readFileSync(path.join(runDir, 'master-ui.port'), 'utf8').trim();
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      const m = (await (await fetch(`http://127.0.0.1:${port}/json/`)).json()) as { workers: { state: string }[]; activeapps: { cores: number }[] };
      if (m.workers.filter((w) => w.state === 'ALIVE').length === 2 && m.activeapps.some((a) => a.cores === 2)) return;
    } catch {
      // the master answers again in a moment
    }
    if (Date.now() > deadline) throw new Error('the cluster did not get its second worker back within 120 s');
    await new Promise((r) => setTimeout(r, 1000));
  }
}

describe('kill -9 on the spark engine: the next run ends in the exact result, every file counted once', () => {
  it('kill -9 of the CLI in the middle of a run (after raw rows and keyed state were written, before the commit mark)', async () => {
    const ws = workspace();
    // Killed while the metrics are being written: raw_*, cur_*, the ledger already have new Delta versions.
    const killed = await runUntil(ws, /spark [0-9.]+s (MERGE INTO|INSERT INTO) cur_customers/, (pid) => process.kill(pid, 'SIGKILL'));
    expect(killed.signal, killed.out.slice(-2000)).toBe('SIGKILL');
    // A reader sees nothing of the interrupted run (it reads the last committed versions: none yet).
    expect(await sparkEcommerce(ws)).toEqual([]);
    const status = await sparkCli(ws, ['status', '--json']);
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ version: null, result_rows: 0 });

    const next = await sparkCli(ws, ['run', '--json']);
    expect(next.code, next.stderr).toBe(0);
    const report = JSON.parse(next.stdout);
    expect(report.warnings.join('\n')).toMatch(/interrupted and has been undone/);
    expect(report.files.filter((f: { status: string }) => f.status === 'loaded')).toHaveLength(3);
    await duckdbRun(ws);
    await expectSameResult(ws, 'after kill -9 of the CLI and the next run');

    // and incremental == rebuild on the spark engine (rebuild: every key and group from the lake's raw tables)
    const before = await sparkEcommerce(ws);
    const rebuild = await sparkCli(ws, ['rebuild', '--json']);
    expect(rebuild.code, rebuild.stderr).toBe(0);
    expect(JSON.parse(rebuild.stdout).strategy).toBe('full');
    expect(await sparkEcommerce(ws)).toEqual(before);
  }, 1_200_000);

  it('kill -9 of one Spark worker in the middle of a run: Spark retries on the other worker; the result is exact', async () => {
    const ws = workspace();
    const workerPid = Number(fs.readFileSync(path.join(runDir, 'worker1.pid'), 'utf8'));
    expect(fs.readFileSync(`/proc/${workerPid}/cmdline`, 'utf8')).toMatch(/deploy\.worker\.Worker/);
    try {
      const run = await runUntil(ws, /spark [0-9.]+s CACHE TABLE pipeline_read/, () => process.kill(workerPid, 'SIGKILL'));
      let killedAt = 'during staging';
      if (run.code !== 0) {
        // The run may fail outright (a statement whose retries ran out): it undid itself; the next run loads everything.
        killedAt = `failed run (exit ${run.code}), then a second run`;
        const again = await sparkCli(ws, ['run', '--json']);
        expect(again.code, again.stderr).toBe(0);
      }
      console.log(`[engine kill] worker1 (pid ${workerPid}) killed ${killedAt}; the run exited ${run.code}`);
      await duckdbRun(ws);
      await expectSameResult(ws, `after kill -9 of worker1 ${killedAt}`);
      // and nothing is left to do: every file was counted once
      const noop = await sparkCli(ws, ['run', '--json']);
      expect(JSON.parse(noop.stdout).changed).toBe(false);
    } finally {
      // bring the worker back for whatever runs next (start is idempotent: only missing daemons start)
      execFileSync('bash', [path.join(ROOT, 'spark', 'cluster.sh'), 'start'], { env: { ...process.env, SPARK_RUN_DIR: runDir }, stdio: 'ignore' });
      await clusterWhole();
    }
  }, 1_200_000);
});
