import { DATASET_LIST } from '../ingest/datasets.js';
import type { SqlSnapshot } from '../warehouse/sqlFiles.js';
import type { Warehouse } from '../warehouse/Warehouse.js';

/**
 * Brings cur_orders / cur_deliveries / cur_customers up to date with the raw
 * tables. `full`: recompute every key. Otherwise only the keys listed in the
 * temp tables changed_orders / changed_deliveries / changed_customers(key).
 */
export async function refreshKeyedState(w: Warehouse, sql: SqlSnapshot, full: boolean): Promise<void> {
  for (const spec of DATASET_LIST) {
    if (full) {
      await w.run(`DELETE FROM ${spec.stateTable}`);
      await w.run(`INSERT INTO ${spec.stateTable} ${sql.render(spec.stateSql, { key_filter: 'TRUE' })}`);
    } else {
      const filter = `${spec.key} IN (SELECT key FROM ${spec.changedKeys})`;
      await w.run(`DELETE FROM ${spec.stateTable} WHERE ${filter}`);
      await w.run(`INSERT INTO ${spec.stateTable} ${sql.render(spec.stateSql, { key_filter: filter })}`);
    }
  }
}
