/**
 * Writes a DuckDB query result to a file without ever exposing a partial file
 * under its final name: data goes to hidden siblings (`.name.part`,
 * `.name.raw.tmp`, which the pipeline ignores) and is renamed into place when
 * complete.
 */
import { rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { gzipFile } from './gzipFile.js';

/** A file whose bytes may still be being compressed in the background. */
export interface PendingWrite {
  finished: Promise<void>;
}

export function sqlPath(p: string): string {
  return `'${p.replace(/'/g, "''")}'`;
}

/** Hidden sibling of `finalPath` used while it is being written. */
export function hiddenSibling(finalPath: string, suffix: string): string {
  return path.join(path.dirname(finalPath), `.${path.basename(finalPath)}${suffix}`);
}

/**
 * Moves `src` (uncompressed, complete) into `finalPath`, gzip-compressing it
 * on the way when asked. Removes `src` in any case.
 */
export async function publish(src: string, finalPath: string, gzip: boolean): Promise<void> {
  const part = hiddenSibling(finalPath, '.part');
  try {
    if (gzip) {
      await gzipFile(src, part);
      await rename(part, finalPath);
    } else {
      await rename(src, finalPath);
    }
  } finally {
    await rm(src, { force: true });
    await rm(part, { force: true });
  }
}

/**
 * `COPY (query) TO <hidden temp> (copyOptions)` and publish it as finalPath.
 * Returns once DuckDB is done; with gzip the compression continues in the
 * background until `finished` settles.
 */
export async function copyQueryToFile(
  conn: DuckDBConnection,
  query: string,
  finalPath: string,
  copyOptions: string,
  gzip: boolean,
): Promise<PendingWrite> {
  const raw = hiddenSibling(finalPath, '.raw.tmp');
  try {
    await conn.run(`COPY (${query}) TO ${sqlPath(raw)} (${copyOptions})`);
  } catch (err) {
    await rm(raw, { force: true });
    throw err;
  }
  const finished = publish(raw, finalPath, gzip);
  // Observed here so a failure before the caller awaits it is not "unhandled".
  finished.catch(() => undefined);
  return { finished };
}
