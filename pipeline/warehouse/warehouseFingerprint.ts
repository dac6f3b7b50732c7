import crypto from 'node:crypto';
import fs from 'node:fs';

/**
 * What the warehouse file and its write-ahead log are on disk now, read
 * without DuckDB: which files (device, inode), their sizes and change times,
 * and a hash of the data file's first 12 KiB (DuckDB's main header and its two
 * database headers; every checkpoint writes one of them with a higher
 * iteration). A committed write either appends to the WAL (it grows) or
 * checkpoints (a header changes), and both change the mtime: two equal
 * fingerprints mean nothing was committed between them. Used by the no-op
 * check of `run` (settledRun.ts).
 */
export interface WarehouseFingerprint {
  db: FileIdentity;
  /** null: no WAL file. */
  wal: FileIdentity | null;
  /** sha256 of the data file's first HEADER_BYTES. */
  headers: string;
}

interface FileIdentity {
  dev: string;
  ino: string;
  size: string;
  mtimeNs: string;
  ctimeNs: string;
}

/** DuckDB's main header (4 KiB) and its two alternating database headers (4 KiB each). */
const HEADER_BYTES = 3 * 4096;

function identity(file: string): FileIdentity | null {
  let s: fs.BigIntStats;
  try {
    s = fs.statSync(file, { bigint: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  return { dev: String(s.dev), ino: String(s.ino), size: String(s.size), mtimeNs: String(s.mtimeNs), ctimeNs: String(s.ctimeNs) };
}

function headerHash(file: string): string {
  const fd = fs.openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(HEADER_BYTES);
    const n = fs.readSync(fd, buffer, 0, HEADER_BYTES, 0);
    return crypto.createHash('sha256').update(buffer.subarray(0, n)).digest('hex');
  } finally {
    fs.closeSync(fd);
  }
}

/** The fingerprint now; undefined when there is no warehouse file (or it cannot be read). */
export function warehouseFingerprint(warehousePath: string): WarehouseFingerprint | undefined {
  try {
    const db = identity(warehousePath);
    if (db === null) return undefined;
    const headers = headerHash(warehousePath);
    const wal = identity(`${warehousePath}.wal`);
    // the file may have been replaced while its header was read: then this fingerprint matches nothing
    const again = identity(warehousePath);
    if (again === null || !sameIdentity(db, again)) return undefined;
    return { db, wal, headers };
  } catch {
    return undefined;
  }
}

function sameIdentity(a: FileIdentity | null, b: FileIdentity | null): boolean {
  if (a === null || b === null) return a === b;
  return a.dev === b.dev && a.ino === b.ino && a.size === b.size && a.mtimeNs === b.mtimeNs && a.ctimeNs === b.ctimeNs;
}

export function sameFingerprint(a: WarehouseFingerprint | undefined, b: WarehouseFingerprint | undefined): boolean {
  if (a === undefined || b === undefined) return false;
  return a.headers === b.headers && sameIdentity(a.db, b.db) && sameIdentity(a.wal, b.wal);
}
