import type { Warehouse } from '../warehouse/Warehouse.js';

/**
 * Fills the temp table batch_files(file_id, change) the steps read: the file
 * versions this batch loads ('loaded') and withdraws ('withdrawn').
 */
export async function recordBatchFiles(w: Warehouse, files: { loaded: number[]; withdrawn: number[] }): Promise<void> {
  await w.run('CREATE OR REPLACE TEMP TABLE batch_files (file_id INTEGER NOT NULL, change VARCHAR NOT NULL)');
  for (const [change, ids] of [['loaded', files.loaded], ['withdrawn', files.withdrawn]] as const) {
    // File ids are the ledger's integers: a few hundred per statement, bound.
    for (let from = 0; from < ids.length; from += 500) {
      const part = ids.slice(from, from + 500);
      await w.run(`INSERT INTO batch_files VALUES ${part.map((_, i) => `($${i + 2}::INTEGER, $1)`).join(', ')}`, [change, ...part]);
    }
  }
}
