import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cli, type Workspace } from './support/fixtures.js';
import {
  cleanupEmbedded, embeddedEnv, embeddedWorkspace, freePort, portOpen, postmasterPid, spawnCli,
} from './support/embeddedServer.js';

// Item "Signals leave nothing running": a command stops the embedded server it
// started on every exit path, and a server or change files left by a kill -9 are
// cleaned up by `postgres --stop` / the next export.
describe('the embedded Postgres is not left running', () => {
  const spaces: Workspace[] = [];
  afterEach(async () => {
    for (const ws of spaces.splice(0)) await cleanupEmbedded(ws);
  });
  const workspace = (name: string) => {
    const ws = embeddedWorkspace(name);
    spaces.push(ws);
    return ws;
  };

  it.each([
    ['SIGTERM', 'export', 143],
    ['SIGINT', 'run', 130],
  ] as const)('%s during the export of `%s` stops the embedded server it started, then exits %i', async (signal, command, code) => {
    const ws = workspace(`sig-${command}`);
    const port = await freePort();
    if (command === 'export') expect(cli(['run', '--data', ws.dataDir, '--warehouse', ws.warehousePath]).code).toBe(0);
    const child = spawnCli([command, '--data', ws.dataDir, '--warehouse', ws.warehousePath], embeddedEnv(port, { PIPELINE_PAUSE_AT: 'export-before-copy' }));
    await child.waitFor(/paused at export-before-copy/);
    expect(fs.existsSync(postmasterPid(ws))).toBe(true);
    expect(await portOpen(port)).toBe(true);
    child.child.kill(signal);
    expect(await child.exited).toEqual({ code, signal: null });
    expect(child.output()).toMatch(new RegExp(`${signal}: leaving the embedded Postgres \\(stopped if no other command uses it\\)`));
    expect(fs.existsSync(postmasterPid(ws))).toBe(false);
    expect(await portOpen(port)).toBe(false);
    // and the next command starts its own and leaves nothing behind either
    const again = cli(['export', '--warehouse', ws.warehousePath], embeddedEnv(port));
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/export: public\.ecommerce version 0 -> 1/);
    expect(fs.existsSync(postmasterPid(ws))).toBe(false);
    expect(await portOpen(port)).toBe(false);
  });

  it('a server left running by an export killed with SIGKILL is stopped by `postgres --stop`, which says so', async () => {
    const ws = workspace('sig-stop');
    const port = await freePort();
    expect(cli(['run', '--data', ws.dataDir, '--warehouse', ws.warehousePath]).code).toBe(0);
    const killed = spawnCli(['export', '--warehouse', ws.warehousePath], embeddedEnv(port, { PIPELINE_CRASH_AT: 'export-before-copy' }));
    expect((await killed.exited).signal).toBe('SIGKILL');
    expect(await portOpen(port)).toBe(true); // left behind
    const stop = cli(['postgres', '--stop', '--warehouse', ws.warehousePath], embeddedEnv(port));
    expect(stop.code, stop.stderr).toBe(0);
    expect(stop.stdout).toMatch(/^stopped the embedded Postgres \(pid \d+\) serving .*postgres$/m);
    expect(fs.existsSync(postmasterPid(ws))).toBe(false);
    expect(await portOpen(port)).toBe(false);
    const nothing = cli(['postgres', '--stop', '--warehouse', ws.warehousePath], embeddedEnv(port));
    expect(nothing.code).toBe(0);
    expect(nothing.stdout).toMatch(/^no embedded Postgres was running for /m);
  });

  it('change files left by a killed export (rows-<dead pid>.csv) are removed by the next export; a live process\'s are kept', async () => {
    const ws = workspace('sig-files');
    const port = await freePort();
    expect(cli(['run', '--data', ws.dataDir, '--warehouse', ws.warehousePath]).code).toBe(0);
    const killed = spawnCli(['export', '--warehouse', ws.warehousePath], embeddedEnv(port, { PIPELINE_CRASH_AT: 'export-before-copy' }));
    expect((await killed.exited).signal).toBe('SIGKILL');
    const workDir = `${ws.warehousePath}.export`;
    const left = fs.readdirSync(workDir).sort();
    expect(left).toEqual([`deletes-${killed.child.pid}.csv`, `rows-${killed.child.pid}.csv`]);
    fs.writeFileSync(path.join(workDir, `rows-${process.pid}.csv`), ''); // a live process's (this one's): not touched
    const next = cli(['export', '--warehouse', ws.warehousePath], embeddedEnv(port));
    expect(next.code, next.stderr).toBe(0);
    expect(fs.readdirSync(workDir)).toEqual([`rows-${process.pid}.csv`]);
  });

  it('the next export takes over a server whose starter was killed with SIGKILL and stops it; one served by a live `pipeline postgres` is left serving', async () => {
    const ws = workspace('sig-adopt');
    const port = await freePort();
    expect(cli(['run', '--data', ws.dataDir, '--warehouse', ws.warehousePath]).code).toBe(0);
    const killed = spawnCli(['export', '--warehouse', ws.warehousePath], embeddedEnv(port, { PIPELINE_CRASH_AT: 'export-before-copy' }));
    expect((await killed.exited).signal).toBe('SIGKILL');
    expect(await portOpen(port)).toBe(true);
    const next = cli(['export', '--warehouse', ws.warehousePath], embeddedEnv(port));
    expect(next.code, next.stderr).toBe(0);
    expect(fs.existsSync(postmasterPid(ws))).toBe(false);
    expect(await portOpen(port)).toBe(false);
    // a live `pipeline postgres` keeps serving while exports come and go
    const serve = spawnCli(['postgres', '--warehouse', ws.warehousePath], embeddedEnv(port));
    await serve.waitFor(/serving on/);
    const during = cli(['export', '--warehouse', ws.warehousePath], embeddedEnv(port));
    expect(during.code, during.stderr).toBe(0);
    expect(await portOpen(port)).toBe(true);
    serve.child.kill('SIGTERM');
    expect((await serve.exited).code).toBe(143);
    expect(await portOpen(port)).toBe(false);
  });
});
