import fs from 'node:fs';
import path from 'node:path';
import { embeddedPaths } from './embeddedPaths.js';
import { isProcessAlive, processArgv } from './isProcessAlive.js';
import { withLock } from './serverLock.js';

export interface StopResult {
  /** Whether a server was serving this warehouse's data directory (and was stopped). */
  wasRunning: boolean;
  pid?: number;
  dataDir: string;
  message: string;
}

/** A running postmaster as its postmaster.pid describes it: status is `starting`, `ready` or `stopping`. */
export interface ServerStatus {
  pid: number;
  port: number;
  status: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** True when /proc shows pid is a postgres started on dataDir (guards against a reused pid). */
function servesDataDir(pid: number, dataDir: string): boolean {
  const args = processArgv(pid);
  if (!args) return !fs.existsSync('/proc'); // no /proc (not Linux): trust postmaster.pid
  return /postgres/.test(path.basename(args[0] ?? '')) && args.some((a) => path.resolve(a) === dataDir);
}

/**
 * The postmaster serving dataDir, from its postmaster.pid (pid, port, status
 * lines); undefined when none runs. A postmaster.pid whose process is gone (or
 * is no postgres on this directory) is removed.
 */
export function serverStatus(dataDir: string): ServerStatus | undefined {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  let lines: string[];
  try {
    lines = fs.readFileSync(pidFile, 'utf8').split('\n');
  } catch {
    return undefined;
  }
  const pid = Number(lines[0]);
  if (!isProcessAlive(pid) || !servesDataDir(pid, dataDir)) {
    if (lines.length > 1) fs.rmSync(pidFile, { force: true }); // a file still being written has one line
    return undefined;
  }
  return { pid, port: Number(lines[3]), status: (lines[7] ?? 'starting').trim() || 'starting' };
}

/**
 * Stops the postmaster serving dataDir by sending it SIGINT — Postgres's fast
 * shutdown: sessions are ended, in-progress transactions roll back — and
 * waits for it to exit; SIGQUIT after timeoutMs. Call holding the server lock.
 */
export async function stopServer(dataDir: string, timeoutMs = 30_000): Promise<StopResult> {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  const stale = fs.existsSync(pidFile) ? Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]) : undefined;
  const running = serverStatus(dataDir);
  if (!running) {
    const message = stale
      ? `no embedded Postgres was running for ${dataDir} (removed a stale postmaster.pid of pid ${stale})`
      : `no embedded Postgres was running for ${dataDir}`;
    return { wasRunning: false, pid: stale, dataDir, message };
  }
  const { pid } = running;
  process.kill(pid, 'SIGINT');
  const deadline = Date.now() + timeoutMs;
  while (isProcessAlive(pid)) {
    if (Date.now() > deadline) {
      process.kill(pid, 'SIGQUIT');
      await sleep(2000);
      break;
    }
    await sleep(50);
  }
  if (isProcessAlive(pid)) throw new Error(`the embedded Postgres (pid ${pid}) for ${dataDir} did not stop`);
  return { wasRunning: true, pid, dataDir, message: `stopped the embedded Postgres (pid ${pid}) serving ${dataDir}` };
}

/**
 * `pipeline postgres --stop`: stops the server serving this warehouse's data
 * directory, whoever started it and whoever uses it (e.g. left running by a
 * killed export). Commands still using it (a watch) start it again when they
 * next need it; a `pipeline postgres` serving it ends. A postmaster.pid whose
 * process is gone is removed.
 */
export async function stopEmbeddedPostgres(warehousePath: string, timeoutMs = 30_000): Promise<StopResult> {
  const paths = embeddedPaths(warehousePath);
  if (!fs.existsSync(path.dirname(paths.dataDir))) return stopServer(paths.dataDir, timeoutMs); // nothing to stop
  return withLock(paths.lock, () => stopServer(paths.dataDir, timeoutMs), 'cannot stop the embedded Postgres');
}
