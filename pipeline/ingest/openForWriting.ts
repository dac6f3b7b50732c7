import fs from 'node:fs';
import path from 'node:path';

/**
 * Which of these files some process still has open for writing (Linux: read
 * from /proc/<pid>/fd and fdinfo flags, as lsof does; elsewhere nothing is
 * known and the caller relies on the mtime settle time alone). A file a writer
 * holds open is not complete, however long it has been idle.
 */
export function openForWriting(absPaths: string[]): Set<string> {
  const open = new Set<string>();
  if (process.platform !== 'linux' || absPaths.length === 0) return open;
  const wanted = new Set(absPaths.map((p) => path.resolve(p)));
  let pids: string[];
  try {
    pids = fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return open;
  }
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = fs.readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue; // gone, or not ours to look at
    }
    for (const fd of fds) {
      let target: string;
      try {
        target = fs.readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      if (!wanted.has(target)) continue;
      try {
        const info = fs.readFileSync(`/proc/${pid}/fdinfo/${fd}`, 'utf8');
        const flags = parseInt(/flags:\s*([0-7]+)/.exec(info)?.[1] ?? '0', 8);
        if ((flags & 0o3) !== 0) open.add(target); // O_WRONLY or O_RDWR
      } catch {
        open.add(target); // cannot tell: assume it is being written
      }
    }
  }
  return open;
}
