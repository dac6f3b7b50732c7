import fs from 'node:fs';
import path from 'node:path';
import { PipelineError } from '../errors/PipelineError.js';

/**
 * Errors of the storage under the warehouse that are not damage to the file:
 * a full file system (DISK_FULL) and one that cannot be written
 * (WAREHOUSE_READ_ONLY). Both are checked before the corruption patterns
 * (corruptWarehouseError): a write that fails for lack of space makes DuckDB
 * fail the commit, and after a failed checkpoint invalidate the database,
 * which reads like damage but is not.
 */
const DISK_FULL = /No space left on device|ENOSPC|Disk quota exceeded|EDQUOT|disk is full/i;
const READ_ONLY = /Read-only file system|EROFS/i;

export function isDiskFullMessage(message: string): boolean {
  return DISK_FULL.test(message);
}

export function isReadOnlyMessage(message: string): boolean {
  return READ_ONLY.test(message);
}

/** The file DuckDB names in `Could not write file "X"` (or a similar message), if any. */
function fileInMessage(message: string): string | undefined {
  return /file "([^"]+)"/.exec(message)?.[1] ?? /'([^']+)'/.exec(message)?.[1];
}

/** The mount point holding `p` (longest prefix in /proc/self/mounts), best effort. */
function mountPointOf(p: string): string | undefined {
  try {
    const mounts = fs
      .readFileSync('/proc/self/mounts', 'utf8')
      .split('\n')
      .map((l) => l.split(' ')[1]?.replace(/\\040/g, ' '))
      .filter((m): m is string => !!m);
    const abs = path.resolve(p);
    return mounts.filter((m) => abs === m || abs.startsWith(m.endsWith('/') ? m : `${m}/`)).sort((a, b) => b.length - a.length)[0];
  } catch {
    return undefined;
  }
}

/** The nearest existing folder of `p`. */
function existingDir(p: string): string {
  let dir = path.resolve(p);
  while (!fs.existsSync(dir) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
}

function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

/** Free and total space of the file system holding `dir`, as words (best effort). */
function spaceOf(dir: string): string {
  try {
    const s = fs.statfsSync(dir);
    return `${mib(s.bavail * s.bsize)} free of ${mib(s.blocks * s.bsize)}`;
  } catch {
    return 'free space unknown';
  }
}

/**
 * DISK_FULL (exit 5): where (the file DuckDB could not write, its file system
 * and how much is free there now) and what to do. `needBytes`, when known, is
 * how much more the command needed. Never a corruption verdict: the file is
 * intact (DuckDB rolled the transaction back).
 */
export function diskFullError(warehousePath: string, cause: unknown, detail = ''): PipelineError {
  const message = cause instanceof Error ? cause.message : String(cause);
  const file = fileInMessage(message) ?? warehousePath;
  const dir = existingDir(path.dirname(file));
  const mount = mountPointOf(dir);
  return new PipelineError(
    'DISK_FULL',
    `no space left on the file system of ${file}${mount ? ` (mounted at ${mount}` : ' ('}${mount ? ', ' : ''}${spaceOf(dir)} now) ` +
      `(DuckDB: ${message.split('\n')[0]}). ` +
      `The warehouse ${warehousePath} is not damaged: what the command was writing was rolled back${detail}. ` +
      `Free space there (a run needs room for its changes in the .wal beside the warehouse and, when it checkpoints, ` +
      `for the changed blocks; a first build about the size of the finished warehouse) and run the command again.`,
    { cause },
  );
}

/** WAREHOUSE_READ_ONLY (exit 1): the warehouse (or its folder) cannot be written, with the path and the cause. */
export function readOnlyError(warehousePath: string, cause: unknown, what: string): PipelineError {
  const message = cause instanceof Error ? cause.message : String(cause);
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  const reason =
    code === 'EROFS' || isReadOnlyMessage(message) ? 'the file system is read-only'
      : code === 'EACCES' || code === 'EPERM' || /Permission denied/i.test(message) ? 'permission denied'
        : message.split('\n')[0];
  const mount = mountPointOf(existingDir(path.dirname(warehousePath)));
  return new PipelineError(
    'WAREHOUSE_READ_ONLY',
    `cannot write the warehouse ${warehousePath}: ${what}: ${reason}${code ? ` (${code})` : ''}` +
      `${mount && reason === 'the file system is read-only' ? `; ${mount} is mounted read-only` : ''}. ` +
      `Give --warehouse a path on a writable file system (or fix the permissions) and run again.`,
    { cause },
  );
}
