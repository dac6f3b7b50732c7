import type { Warehouse } from './Warehouse.js';

/** The warehouse's identity (migration V003), or null for a warehouse not migrated yet. */
export async function readWarehouseId(w: Warehouse): Promise<string | null> {
  const row = await w.one<{ value: string }>(`SELECT value FROM pipeline_settings WHERE key = 'warehouse_id'`).catch(() => undefined);
  return row?.value ?? null;
}
