import fs from 'node:fs';

/** Whether a process with this pid exists (EPERM: it does, it is someone else's); a zombie (exited, not reaped) does not count. */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}

/** When the process started (clock ticks since boot, /proc/<pid>/stat field 22); undefined without /proc. */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/**
 * "<pid> <start time>": names one process even after its pid is reused by
 * another (the start time differs). Just "<pid>" where /proc is missing.
 */
export function processIdentity(pid = process.pid): string {
  const started = processStartTime(pid);
  return started ? `${pid} ${started}` : String(pid);
}

/** Whether the process a processIdentity() names still runs (not another one that got its pid). */
export function identityAlive(identity: string): boolean {
  const [pid, started] = identity.trim().split(/\s+/);
  if (!isProcessAlive(Number(pid))) return false;
  const now = started ? processStartTime(Number(pid)) : undefined;
  return now === undefined || now === started;
}

/** A process's arguments (/proc/<pid>/cmdline; argv[0] first); undefined when they cannot be read (gone, not ours, or no /proc). */
export function processArgv(pid: number | string): string[] | undefined {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  } catch {
    return undefined;
  }
}

const pause = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** SIGKILL, then waits (up to 5 s, synchronously) until the process is gone; one already gone is fine. */
export function killAndWait(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // gone already
  }
  for (let i = 0; i < 200 && isProcessAlive(pid); i++) pause(25);
}
