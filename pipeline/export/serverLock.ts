import fs from 'node:fs';
import { identityAlive, processIdentity } from './isProcessAlive.js';

/**
 * A lock file between the processes of one machine: it holds the identity
 * ("<pid> <start time>") of the process holding it, and one whose holder no
 * longer runs (killed with SIGKILL) is broken by the next one that wants it.
 * Synchronous, so an 'exit' handler can take it too. Not reentrant: work
 * holding it must not wait for it again.
 */
const held = new Set<string>();

/** Creates `file` with `content` unless it exists, content complete from the first moment (link of a written file). */
function createExclusive(file: string, content: string): boolean {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, content, { mode: 0o600 });
  try {
    fs.linkSync(tmp, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

function readOwner(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Removes a lock whose holder `owner` is dead. Two processes may find it dead
 * at once: the removal runs under `<file>.break` (held for microseconds) and
 * re-reads the owner first, so a lock the other one took meanwhile is kept.
 */
function breakStale(file: string, owner: string): void {
  const breaker = `${file}.break`;
  if (!createExclusive(breaker, processIdentity())) {
    const other = readOwner(breaker);
    if (other !== undefined && !identityAlive(other)) fs.rmSync(breaker, { force: true });
    return;
  }
  try {
    if (readOwner(file) === owner) fs.rmSync(file, { force: true });
  } finally {
    fs.rmSync(breaker, { force: true });
  }
}

/** Takes the lock if it is free (or its holder is dead); false while a live process (this one included) holds it. */
export function tryLockSync(file: string): boolean {
  if (held.has(file)) return false;
  for (let attempt = 0; attempt < 3; attempt++) {
    if (createExclusive(file, processIdentity())) {
      held.add(file);
      return true;
    }
    const owner = readOwner(file);
    if (owner === undefined) continue; // released meanwhile
    if (identityAlive(owner)) return false;
    breakStale(file, owner);
  }
  return false;
}

export function holdsLock(file: string): boolean {
  return held.has(file);
}

export function unlockSync(file: string): void {
  if (held.delete(file)) fs.rmSync(file, { force: true });
}

/** The pid holding the lock, for messages. */
export function lockOwnerPid(file: string): number | undefined {
  const owner = readOwner(file);
  return owner ? Number(owner.split(/\s+/)[0]) : undefined;
}

/** tryLockSync, retried for up to waitMs without leaving the thread (for an 'exit' handler). */
export function lockSyncWithin(file: string, waitMs: number): boolean {
  const deadline = Date.now() + waitMs;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    if (tryLockSync(file)) return true;
    if (Date.now() > deadline) return false;
    Atomics.wait(pause, 0, 0, 25);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs `work` holding the lock, waiting for it up to timeoutMs (then an error naming the holder). */
export async function withLock<T>(file: string, work: () => Promise<T>, what: string, timeoutMs = 180_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (!tryLockSync(file)) {
    if (Date.now() > deadline) {
      throw new Error(`${what}: pid ${lockOwnerPid(file)} has held ${file} for over ${Math.round(timeoutMs / 1000)} s`);
    }
    await sleep(50);
  }
  try {
    return await work();
  } finally {
    unlockSync(file);
  }
}
