import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { stopEmbeddedPostgres } from '../../pipeline/export/stopEmbeddedPostgres.js';
import { CLI, ROOT, makeWorkspace, type Workspace } from './fixtures.js';

export const HEADER = 'Order ID,Customer ID,Order Time,SKU,Quantity,Order Total';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** Whether something accepts TCP connections on 127.0.0.1:port. */
export async function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** A workspace the postgres OS user can reach (its server's data lives under warehouse/postgres), with data to sync. */
export function embeddedWorkspace(name: string): Workspace {
  const ws = makeWorkspace(name);
  fs.chmodSync(ws.root, 0o755);
  ws.write('Orders/a.csv', `${HEADER}\n1,1,2024-03-01 10:00:00,A,1,10.10\n2,2,2024-03-02 10:00:00,B,2,20.5\n`);
  ws.write('Deliveries/a.csv', 'Order ID,Distance(m)\n1,100.5\n2,200\n');
  ws.write('Customers/a.json', '[{"Customer ID": 1}, {"Customer ID": 2}]');
  return ws;
}

export const postmasterPid = (ws: Workspace) => path.join(path.dirname(ws.warehousePath), 'postgres', 'postmaster.pid');

/** The environment for a CLI child that targets the embedded server on `port` (no DATABASE_URL, no PG*). */
export function embeddedEnv(port: number, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: '', PIPELINE_EXPORT: '1', PIPELINE_PG_PORT: String(port), ...extra };
  for (const k of ['PGHOST', 'PGDATABASE', 'PGSERVICE']) delete env[k];
  return env;
}

export interface Child {
  child: ChildProcess;
  output: () => string;
  stdout: () => string;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function spawnCli(args: string[], env: NodeJS.ProcessEnv): Child {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env });
  let out = '';
  let stdout = '';
  child.stdout!.on('data', (d) => {
    out += d;
    stdout += d;
  });
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    output: () => out,
    stdout: () => stdout,
    exited,
    async waitFor(pattern, timeoutMs = 60_000) {
      const end = Date.now() + timeoutMs;
      while (!pattern.test(out)) {
        if (Date.now() > end) throw new Error(`timed out waiting for ${pattern}; output:\n${out}`);
        if (child.exitCode !== null || child.signalCode !== null) throw new Error(`exited (${child.exitCode ?? child.signalCode}):\n${out}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
  };
}

/** Test clean-up: whatever a test left running for this warehouse is stopped, then the workspace removed. */
export async function cleanupEmbedded(ws: Workspace): Promise<void> {
  await stopEmbeddedPostgres(ws.warehousePath).catch(() => undefined);
  ws.cleanup();
}
