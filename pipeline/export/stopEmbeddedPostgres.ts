import fs from 'node:fs';
import path from 'node:path';
import { embeddedDataDir } from './embeddedPostgres.js';
import { isProcessAlive } from './isProcessAlive.js';

export interface StopResult {
  /** Whether a server was serving this warehouse's data directory (and was stopped). */
  wasRunning: boolean;
  pid?: number;
  dataDir: string;
  message: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** True when /proc shows pid is a postgres started on dataDir (guards against a reused pid). */
function servesDataDir(pid: number, dataDir: string): boolean {
  try {
    const args = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return /postgres/.test(path.basename(args[0] ?? '')) && args.some((a) => path.resolve(a) === dataDir);
  } catch {
    return !fs.existsSync('/proc'); // no /proc (not Linux): trust postmaster.pid
  }
}

/**
 * `pipeline postgres --stop`: stops the server serving this warehouse's data
 * directory, whoever started it (e.g. left running by a killed export), by
 * sending its postmaster (pid from postmaster.pid) SIGINT — Postgres's fast
 * shutdown: sessions are ended, in-progress transactions roll back — and
 * waiting for it to exit; SIGQUIT after timeoutMs. A postmaster.pid whose
 * process is gone is removed.
 */
export async function stopEmbeddedPostgres(warehousePath: string, timeoutMs = 30_000): Promise<StopResult> {
  const dataDir = path.resolve(embeddedDataDir(warehousePath));
  const pidFile = path.join(dataDir, 'postmaster.pid');
  let text: string;
  try {
    text = fs.readFileSync(pidFile, 'utf8');
  } catch {
    return { wasRunning: false, dataDir, message: `no embedded Postgres was running for ${dataDir}` };
  }
  const pid = Number(text.split('\n')[0]);
  if (!isProcessAlive(pid) || !servesDataDir(pid, dataDir)) {
    fs.rmSync(pidFile, { force: true });
    return { wasRunning: false, pid, dataDir, message: `no embedded Postgres was running for ${dataDir} (removed a stale postmaster.pid of pid ${pid})` };
  }
  process.kill(pid, 'SIGINT');
  const deadline = Date.now() + timeoutMs;
  while (isProcessAlive(pid)) {
    if (Date.now() > deadline) {
      process.kill(pid, 'SIGQUIT');
      await sleep(2000);
      break;
    }
    await sleep(100);
  }
  if (isProcessAlive(pid)) throw new Error(`the embedded Postgres (pid ${pid}) for ${dataDir} did not stop`);
  return { wasRunning: true, pid, dataDir, message: `stopped the embedded Postgres (pid ${pid}) serving ${dataDir}` };
}
