import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { rememberSecret } from '../errors/maskSecrets.js';

/**
 * The embedded server's passwords, one random pair per warehouse, kept in
 * <warehouse dir>/postgres-auth/ (mode 0700, files 0600), outside the data
 * directory (initdb wants that empty; the postgres OS user never reads these).
 *   owner.password        the superuser `postgres` (the export uses it)
 *   owner.password.next   a new owner password being set (kept until ALTER ROLE is done)
 *   reader.password       the read-only consumer role
 */
export interface EmbeddedSecretFiles {
  dir: string;
  owner: string;
  ownerNext: string;
  reader: string;
}

/** Before per-warehouse passwords every install used this one; only tried to upgrade such an install. */
export const LEGACY_OWNER_PASSWORD = 'pipeline';

export function embeddedSecretFiles(warehousePath: string): EmbeddedSecretFiles {
  const dir = path.join(path.dirname(warehousePath), 'postgres-auth');
  return {
    dir,
    owner: path.join(dir, 'owner.password'),
    ownerNext: path.join(dir, 'owner.password.next'),
    reader: path.join(dir, 'reader.password'),
  };
}

export function generateSecret(): string {
  return crypto.randomBytes(24).toString('base64url');
}

export function readSecret(file: string): string | undefined {
  try {
    const value = fs.readFileSync(file, 'utf8').trim();
    rememberSecret(value);
    return value || undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Writes a secret with mode 0600 (the folder 0700), atomically: a crash leaves the old file or the new one. */
export function writeSecret(file: string, value: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  fs.chmodSync(path.dirname(file), 0o700);
  const tmp = `${file}.${process.pid}.tmp`;
  fs.rmSync(tmp, { force: true });
  const fd = fs.openSync(tmp, 'wx', 0o600);
  try {
    fs.writeSync(fd, `${value}\n`);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.chmodSync(tmp, 0o600);
  fs.renameSync(tmp, file);
  rememberSecret(value);
}

/** The stored secret, or a new random one stored now. */
export function ensureSecret(file: string): string {
  const existing = readSecret(file);
  if (existing) return existing;
  const value = generateSecret();
  writeSecret(file, value);
  return value;
}
