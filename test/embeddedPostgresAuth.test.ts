import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { embeddedDataDir, loadEmbeddedPostgres, startEmbeddedPostgres } from '../pipeline/export/embeddedPostgres.js';
import { embeddedSecretFiles, LEGACY_OWNER_PASSWORD } from '../pipeline/export/embeddedSecrets.js';
import { embeddedUrl } from '../pipeline/export/embeddedUrl.js';
import { embeddedServerSettings } from '../pipeline/export/embeddedServerSettings.js';
import { cli, type Workspace } from './support/fixtures.js';
import { cleanupEmbedded, embeddedEnv, embeddedWorkspace, freePort, spawnCli } from './support/embeddedServer.js';
import { failure } from './support/postgres.js';

const mode = (file: string) => fs.statSync(file).mode & 0o777;
const secret = (file: string) => fs.readFileSync(file, 'utf8').trim();

async function loginFails(url: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  } finally {
    await client.end().catch(() => undefined);
  }
}

// Item "The embedded Postgres superuser password": random per warehouse, stored
// 0600, never printed; consumers get a read-only role.
describe('embedded Postgres passwords and the consumers\' role', () => {
  const spaces: Workspace[] = [];
  afterEach(async () => {
    for (const ws of spaces.splice(0)) await cleanupEmbedded(ws);
  });
  const workspace = (name: string) => {
    const ws = embeddedWorkspace(name);
    spaces.push(ws);
    return ws;
  };

  it('two warehouses get different random owner passwords, stored 0600 in a 0700 folder outside the data dir', async () => {
    const passwords: string[] = [];
    for (const name of ['auth-a', 'auth-b']) {
      const ws = workspace(name);
      const port = await freePort();
      const server = await startEmbeddedPostgres(ws.warehousePath, { port, handleSignals: false });
      try {
        const files = embeddedSecretFiles(ws.warehousePath);
        expect(mode(files.dir)).toBe(0o700);
        expect(mode(files.owner)).toBe(0o600);
        expect(mode(files.reader)).toBe(0o600);
        expect(path.dirname(files.dir)).toBe(path.dirname(embeddedDataDir(ws.warehousePath)));
        passwords.push(secret(files.owner), secret(files.reader));
        expect(await loginFails(server.connectionString)).toBeUndefined();
        expect(await loginFails(embeddedUrl('postgres', LEGACY_OWNER_PASSWORD, port))).toBe('28P01');
        // the server runs with the settings of embeddedServerSettings (larger buffers for delta syncs)
        const client = new pg.Client({ connectionString: server.connectionString });
        await client.connect();
        try {
          for (const [name, value] of Object.entries(embeddedServerSettings())) {
            const shown = (await client.query(`SELECT current_setting($1) AS v`, [name])).rows[0].v as string;
            expect(shown.replace('1024MB', '1GB'), name).toBe(value.replace('1024MB', '1GB'));
          }
        } finally {
          await client.end();
        }
      } finally {
        await server.stop();
      }
    }
    expect(new Set(passwords).size).toBe(4);
    for (const p of passwords) expect(p.length).toBeGreaterThanOrEqual(32);
  });

  it('an install made with the old constant password keeps working: the password is rotated and the old one no longer logs in', async () => {
    const ws = workspace('auth-legacy');
    const port = await freePort();
    // what earlier versions created: the superuser's password was "pipeline", nothing stored
    fs.mkdirSync(path.dirname(ws.warehousePath), { recursive: true });
    const EmbeddedPostgres = await loadEmbeddedPostgres();
    const old = new EmbeddedPostgres({
      databaseDir: embeddedDataDir(ws.warehousePath), port, user: 'postgres', password: LEGACY_OWNER_PASSWORD,
      authMethod: 'scram-sha-256', persistent: true, createPostgresUser: process.getuid?.() === 0, onLog: () => undefined, onError: () => undefined,
    });
    await old.initialise();
    const files = embeddedSecretFiles(ws.warehousePath);
    expect(fs.existsSync(files.owner)).toBe(false);
    const server = await startEmbeddedPostgres(ws.warehousePath, { port, handleSignals: false });
    try {
      expect(mode(files.owner)).toBe(0o600);
      expect(fs.existsSync(files.ownerNext)).toBe(false);
      expect(await loginFails(embeddedUrl('postgres', LEGACY_OWNER_PASSWORD, port))).toBe('28P01');
      expect(await loginFails(embeddedUrl('postgres', secret(files.owner), port))).toBeUndefined();
    } finally {
      await server.stop();
    }
    const r = cli(['run', '--data', ws.dataDir, '--warehouse', ws.warehousePath], embeddedEnv(port));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/export: public\.ecommerce version 0 -> 1/);
  });

  it('the consumers\' role from `postgres --url` can SELECT ecommerce but not INSERT, CREATE or COPY … TO PROGRAM', async () => {
    const ws = workspace('auth-reader');
    const port = await freePort();
    const run = cli(['run', '--data', ws.dataDir, '--warehouse', ws.warehousePath], embeddedEnv(port));
    expect(run.code, run.stderr).toBe(0);
    const server = await startEmbeddedPostgres(ws.warehousePath, { port, handleSignals: false });
    try {
      const url = cli(['postgres', '--url', '--warehouse', ws.warehousePath], embeddedEnv(port));
      expect(url.code, url.stderr).toBe(0);
      expect(url.stdout.trim()).toBe(embeddedUrl('ecommerce_reader', secret(embeddedSecretFiles(ws.warehousePath).reader), port));
      const client = new pg.Client({ connectionString: url.stdout.trim() });
      await client.connect();
      try {
        expect((await client.query('SELECT count(*)::int AS n FROM ecommerce')).rows[0].n).toBe(2);
        expect((await client.query('SELECT rolsuper FROM pg_roles WHERE rolname = current_user')).rows[0].rolsuper).toBe(false);
        expect(await failure(client, `INSERT INTO ecommerce ("Customer_ID", "Order_Count", "Distict_Products", start_timestamp) VALUES (9, 1, 1, now())`)).toBe('42501');
        expect(await failure(client, 'DELETE FROM ecommerce')).toBe('42501');
        expect(await failure(client, 'CREATE TABLE public.mine (x int)')).toBe('42501');
        expect(await failure(client, 'CREATE TEMP TABLE mine (x int)')).toBe('42501');
        expect(await failure(client, `COPY (SELECT 1) TO PROGRAM 'true'`)).toBe('42501');
        expect(await failure(client, 'SELECT * FROM pipeline_sync_state')).toBe('42501');
      } finally {
        await client.end();
      }
    } finally {
      await server.stop();
    }
  });

  it('the first start writes no initdb password file to /tmp, and leaves no private one behind', async () => {
    const ws = workspace('auth-tmp');
    const port = await freePort();
    // this worker's temp dir, watched alone (other test files start servers in parallel)
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pipeline-tmpdir-'));
    fs.chmodSync(tmp, 0o755);
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = tmp;
    const created: string[] = [];
    const watcher = fs.watch(tmp, (_event, name) => {
      if (name) created.push(name);
    });
    try {
      expect(os.tmpdir()).toBe(tmp);
      const server = await startEmbeddedPostgres(ws.warehousePath, { port, handleSignals: false });
      await server.stop();
      await new Promise((r) => setTimeout(r, 100)); // let the watcher report
      expect(created).toEqual([]); // initdb's password file goes to warehouse/postgres.initdb (0700), not the temp dir
      expect(fs.existsSync(`${embeddedDataDir(ws.warehousePath)}.initdb`)).toBe(false); // and is removed after initdb
    } finally {
      watcher.close();
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('`pipeline postgres` prints the connection with the passwords masked and says how to get it; status uses the stored password', async () => {
    const ws = workspace('auth-print');
    const port = await freePort();
    expect(cli(['run', '--data', ws.dataDir, '--warehouse', ws.warehousePath], embeddedEnv(port)).code).toBe(0);
    const serve = spawnCli(['postgres', '--warehouse', ws.warehousePath], embeddedEnv(port));
    try {
      await serve.waitFor(/owner \(superuser/);
      const files = embeddedSecretFiles(ws.warehousePath);
      const out = serve.stdout();
      expect(out).not.toContain(secret(files.owner));
      expect(out).not.toContain(secret(files.reader));
      expect(out).toMatch(/ecommerce_reader:\*\*\*\*@127\.0\.0\.1/);
      expect(out).toMatch(/pipeline postgres --url/);
      const status = cli(['status', '--json', '--warehouse', ws.warehousePath], embeddedEnv(port));
      expect(JSON.parse(status.stdout).postgres).toMatchObject({ watermark: 1, duckdbVersion: 1 });
      expect(status.stdout + status.stderr).not.toContain(secret(files.owner));
    } finally {
      serve.child.kill('SIGINT');
      expect((await serve.exited).code).toBe(130);
    }
  });
});
