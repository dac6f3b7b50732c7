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
function startTime(pid: number): string | undefined {
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
  const started = startTime(pid);
  return started ? `${pid} ${started}` : String(pid);
}

/** Whether the process a processIdentity() names still runs (not another one that got its pid). */
export function identityAlive(identity: string): boolean {
  const [pid, started] = identity.trim().split(/\s+/);
  if (!isProcessAlive(Number(pid))) return false;
  const now = started ? startTime(Number(pid)) : undefined;
  return now === undefined || now === started;
}
