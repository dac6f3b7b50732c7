import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import { PipelineError } from '../errors/PipelineError.js';
import { isProcessAlive, processStartTime } from './isProcessAlive.js';

/** Who holds the lock: a process on this host (its start time tells a reused pid apart). */
interface LockOwner {
  pid: number;
  start: string | null;
  host: string;
  since: string;
  /** Tells two holders in one process apart (release removes only its own lock). */
  token?: string;
}

/** The process's start time (isProcessAlive.ts), or null where there is no /proc (as the lock file holds it). */
function processStart(pid: number): string | null {
  return processStartTime(pid) ?? null;
}

function ownerAlive(owner: LockOwner): boolean {
  if (owner.host !== os.hostname()) return true; // another machine's process: cannot tell, so it holds the lock
  if (!isProcessAlive(owner.pid)) return false;
  return owner.start === null || processStart(owner.pid) === null || processStart(owner.pid) === owner.start;
}

function parseOwner(text: string): LockOwner | undefined {
  try {
    const o = JSON.parse(text) as LockOwner;
    return Number.isInteger(o?.pid) && typeof o.host === 'string' ? o : undefined;
  } catch {
    return undefined;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface ParquetLockOptions {
  /** How long to wait for another export of the same folder; then WAREHOUSE_LOCKED. */
  waitMs: number;
  /** Called once when waiting starts. */
  onWait?: (message: string) => void;
}

/**
 * Runs `work` holding `<lock>` (an exclusive lock file with the holder's pid,
 * host and process start time): exports into one folder take turns. The file
 * appears whole (written beside it, then hard-linked into place, which fails
 * when it exists). A lock whose process is gone (killed, or its pid reused by
 * another program) is stale and taken over.
 */
export async function withParquetLock<T>(lock: string, options: ParquetLockOptions, work: () => Promise<T>): Promise<T> {
  const me: LockOwner = { pid: process.pid, start: processStart(process.pid), host: os.hostname(), since: new Date().toISOString(), token: crypto.randomBytes(6).toString('hex') };
  const mine = `${JSON.stringify(me)}\n`;
  await acquire(lock, mine, options);
  try {
    return await work();
  } finally {
    try {
      if (fs.readFileSync(lock, 'utf8') === mine) fs.unlinkSync(lock);
    } catch {
      // already gone
    }
  }
}

async function acquire(lock: string, mine: string, options: ParquetLockOptions): Promise<void> {
  const deadline = Date.now() + options.waitMs;
  const tmp = `${lock}.${process.pid}.${crypto.randomBytes(4).toString('hex')}`;
  fs.writeFileSync(tmp, mine);
  let told = false;
  try {
    for (;;) {
      try {
        fs.linkSync(tmp, lock);
        return;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code !== 'EEXIST') {
          if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP') throw error;
          // no hard links on this file system: exclusive create (a crash between create and write leaves it empty, taken as stale)
          try {
            fs.writeFileSync(lock, mine, { flag: 'wx' });
            return;
          } catch (e) {
            if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
          }
        }
      }
      let held: string;
      try {
        held = fs.readFileSync(lock, 'utf8');
      } catch {
        continue; // released in between
      }
      const owner = parseOwner(held);
      if (owner === undefined || !ownerAlive(owner)) {
        if (owner !== undefined || (held === '' && emptyForLong(lock))) {
          breakStale(lock, held);
          continue;
        }
      }
      if (Date.now() >= deadline) {
        throw new PipelineError(
          'WAREHOUSE_LOCKED',
          owner
            ? `another export (pid ${owner.pid} on ${owner.host}, since ${owner.since}) is writing this Parquet folder (${lock}); try again when it is done`
            : `${lock} exists and is not a lock this command wrote; remove it if no export is running`,
        );
      }
      if (!told) {
        options.onWait?.(`another export is writing this Parquet folder (pid ${owner?.pid ?? '?'}); waiting up to ${Math.round((deadline - Date.now()) / 1000)}s`);
        told = true;
      }
      await sleep(40 + Math.random() * 80);
    }
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

/** An empty lock (exclusive create without hard links, killed before writing): stale after a few seconds. */
function emptyForLong(lock: string): boolean {
  try {
    return Date.now() - fs.statSync(lock).mtimeMs > 5000;
  } catch {
    return false;
  }
}

/**
 * Removes a stale lock — only the one that was read: it is moved aside first,
 * and when what was moved is not what was read (another process took the lock
 * over in between), it is put back.
 */
function breakStale(lock: string, seen: string): void {
  const aside = `${lock}.stale.${process.pid}.${crypto.randomBytes(4).toString('hex')}`;
  try {
    fs.renameSync(lock, aside);
  } catch {
    return;
  }
  try {
    if (fs.readFileSync(aside, 'utf8') !== seen) fs.linkSync(aside, lock);
  } catch {
    // a new lock is in place already: it holds
  } finally {
    fs.rmSync(aside, { force: true });
  }
}
