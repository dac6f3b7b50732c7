import { bindColumns } from '../warehouse/bindColumns.js';
import type { Warehouse } from '../warehouse/Warehouse.js';

/**
 * Fills the temp table batch_files(file_id, change) the steps read: the file
 * versions this batch loads ('loaded') and withdraws ('withdrawn').
 */
export async function recordBatchFiles(w: Warehouse, files: { loaded: number[]; withdrawn: number[] }): Promise<void> {
  await w.run('CREATE OR REPLACE TEMP TABLE batch_files (file_id INTEGER NOT NULL, change VARCHAR NOT NULL)');
  const ids = [...files.loaded, ...files.withdrawn];
  if (ids.length === 0) return;
  // one statement, the columns bound as lists (bindColumns)
  const { values, types } = bindColumns([
    { type: 'INTEGER', values: ids },
    { type: 'VARCHAR', values: ids.map((_, i) => (i < files.loaded.length ? 'loaded' : 'withdrawn')) },
  ]);
  await w.run('INSERT INTO batch_files SELECT unnest($1), unnest($2)', values, types);
}
