import { DATASET_LIST, type DatasetName } from '../ingest/datasets.js';
import type { SqlSnapshot } from '../warehouse/sqlFiles.js';
import type { Warehouse } from '../warehouse/Warehouse.js';

/**
 * Brings cur_orders / cur_deliveries / cur_customers up to date with the raw
 * tables. `full`: recompute every key. Otherwise only the keys listed in the
 * temp tables changed_orders / changed_deliveries / changed_customers(key).
 *
 * `firstNewFileId`: set when the batch only added files (nothing withdrawn):
 * per dataset, the lowest file id loaded by this batch. Every changed key then
 * comes from these files, which hold the highest file ids, so the key's latest
 * version is among their rows: only raw rows with `_file_id >=` it are read
 * (the raw tables are appended file by file, so DuckDB's zone maps skip the
 * rest) instead of every raw row of the changed keys.
 */
export async function refreshKeyedState(
  w: Warehouse,
  sql: SqlSnapshot,
  full: boolean,
  firstNewFileId?: Partial<Record<DatasetName, number>>,
): Promise<void> {
  for (const spec of DATASET_LIST) {
    if (full) {
      await w.run(`DELETE FROM ${spec.stateTable}`);
      await w.run(`INSERT INTO ${spec.stateTable} ${sql.render(spec.stateSql, { key_filter: 'TRUE' })}`);
    } else {
      const filter = `${spec.key} IN (SELECT key FROM ${spec.changedKeys})`;
      const first = firstNewFileId?.[spec.name];
      await w.run(`DELETE FROM ${spec.stateTable} WHERE ${filter}`);
      const rows = first !== undefined ? `_file_id >= ${first} AND ${filter}` : filter;
      await w.run(`INSERT INTO ${spec.stateTable} ${sql.render(spec.stateSql, { key_filter: rows })}`);
    }
  }
}
