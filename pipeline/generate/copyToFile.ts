/**
 * Writes a DuckDB query result to a file without ever exposing a partial file
 * under its final name: the data goes to a hidden `.name.part` sibling (which
 * the pipeline ignores) and is renamed into place when complete.
 */
import { rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';

export function sqlPath(p: string): string {
  return `'${p.replace(/'/g, "''")}'`;
}

/** Hidden sibling of `finalPath` used while it is being written. */
export function partPath(finalPath: string, suffix = '.part'): string {
  return path.join(path.dirname(finalPath), `.${path.basename(finalPath)}${suffix}`);
}

/** `COPY (query) TO tmp (options)`, then rename tmp -> finalPath. */
export async function copyQueryToFile(
  conn: DuckDBConnection,
  query: string,
  finalPath: string,
  copyOptions: string,
): Promise<void> {
  const tmp = partPath(finalPath);
  try {
    await conn.run(`COPY (${query}) TO ${sqlPath(tmp)} (${copyOptions})`);
    await rename(tmp, finalPath);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}
