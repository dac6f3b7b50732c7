import type { Warehouse } from '../warehouse/Warehouse.js';

/** The latest ledger row of one path. */
export interface LedgerEntry {
  file_id: number;
  path: string;
  dataset: string;
  content_hash: string;
  size_bytes: number;
  mtime_us: number;
  status: 'loaded' | 'quarantined' | 'superseded' | 'retracted';
}

/** Latest version of every path the warehouse has seen. */
export async function latestLedgerEntries(w: Warehouse): Promise<Map<string, LedgerEntry>> {
  const rows = await w.all<Record<string, unknown>>(`
    SELECT file_id, path, dataset, content_hash, size_bytes, epoch_us(mtime) AS mtime_us, status
    FROM pipeline_files
    QUALIFY row_number() OVER (PARTITION BY path ORDER BY file_id DESC) = 1`);
  return ledgerByPath(rows);
}

/** Ledger rows (file_id, path, dataset, content_hash, size_bytes, mtime_us, status; either engine) by path. */
export function ledgerByPath(rows: Record<string, unknown>[]): Map<string, LedgerEntry> {
  const map = new Map<string, LedgerEntry>();
  for (const r of rows) {
    map.set(String(r.path), {
      file_id: Number(r.file_id),
      path: String(r.path),
      dataset: String(r.dataset),
      content_hash: String(r.content_hash),
      size_bytes: Number(r.size_bytes),
      mtime_us: Number(r.mtime_us),
      status: r.status as LedgerEntry['status'],
    });
  }
  return map;
}

export async function nextId(w: Warehouse, table: string, column: string): Promise<number> {
  const row = await w.one<{ n: bigint | number | null }>(`SELECT max(${column}) AS n FROM ${table}`);
  return Number(row?.n ?? 0) + 1;
}
