import { quotedIdentifier, quotedString } from '../warehouse/duckdbApi.js';
import type { Warehouse } from '../warehouse/Warehouse.js';
import { readWarehouseId } from '../warehouse/readWarehouseId.js';
import { ECOMMERCE_COLUMNS } from './ecommerceTable.js';
import type { ExportSource } from './ExportSource.js';

const DUCK_COLUMNS = ECOMMERCE_COLUMNS.map((c) => quotedIdentifier(c.name)).join(', ');

/**
 * The export's source on the DuckDB engine: the open warehouse. DuckDB writes
 * the CSV itself (multi-threaded, no per-row JS objects). The caller holds the
 * warehouse for the whole sync, so the version and the rows agree.
 */
export class DuckDbExportSource implements ExportSource {
  constructor(private readonly w: Warehouse) {}

  identity(): Promise<string | null> {
    return readWarehouseId(this.w);
  }

  async currentVersion(): Promise<number> {
    const duck = await this.w.one<{ v: bigint | null }>('SELECT max(run_id) AS v FROM pipeline_runs');
    return Number(duck?.v ?? 0);
  }

  writeRowsSince(since: number, file: string): Promise<number> {
    // COPY answers with the number of rows it wrote
    return this.w.count(`COPY (SELECT ${DUCK_COLUMNS} FROM ecommerce_state WHERE _version > ${versionLiteral(since)}) TO ${quotedString(file)} (FORMAT csv, HEADER false)`);
  }

  writeTombstonesSince(since: number, file: string): Promise<number> {
    return this.w.count(`COPY (SELECT Customer_ID, start_timestamp FROM ecommerce_tombstones WHERE _version > ${versionLiteral(since)}) TO ${quotedString(file)} (FORMAT csv, HEADER false)`);
  }

  async countSince(since: number): Promise<{ rows: number; tombstones: number }> {
    return {
      rows: await this.w.count(`SELECT count(*) FROM ecommerce_state WHERE _version > ${versionLiteral(since)}`),
      tombstones: await this.w.count(`SELECT count(*) FROM ecommerce_tombstones WHERE _version > ${versionLiteral(since)}`),
    };
  }
}

/** A version is a non-negative integer the exporter read from Postgres or the source: anything else is a bug. */
export function versionLiteral(v: number): string {
  if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`not a version: ${v}`);
  return String(v);
}
