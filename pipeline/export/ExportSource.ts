/**
 * Where the Postgres export reads the result from (see syncToPostgres): the
 * DuckDB warehouse (DuckDbExportSource) or the Spark engine's lake
 * (spark/SparkExportSource). The exporter's Postgres half — lock, watermark,
 * upsert, tombstones, change log, NOTIFY — is the same for every source; a
 * source only answers these reads.
 *
 * Versions are the result's version column `_version` (a run id: 1, 2, 3…;
 * 0 = nothing yet), so "since 0" is every row. Rows and tombstones go to a
 * local file as headerless CSV that Postgres' COPY … (FORMAT csv) reads
 * (an unquoted empty field is NULL), written batch by batch — never the whole
 * result in memory — and streamed from there into COPY.
 */
export interface ExportSource {
  /**
   * The source's identity, stored beside the watermark in Postgres: another
   * identity than the one Postgres was synced from (a recreated warehouse or
   * lake, whose versions start over) makes the sync start over (mode resync).
   * Null when the source has none (a warehouse not migrated yet): no resync.
   */
  identity(): Promise<string | null>;
  /** The version of the result as of now (the watermark Postgres gets). */
  currentVersion(): Promise<number>;
  /**
   * Writes the result rows with `_version > since` to `file`: the contract's
   * columns (ECOMMERCE_COLUMNS) in order. Returns how many rows were written.
   */
  writeRowsSince(since: number, file: string): Promise<number>;
  /** Writes the tombstones with `_version > since` to `file`: Customer_ID, start_timestamp. Returns how many. */
  writeTombstonesSince(since: number, file: string): Promise<number>;
  /** How many rows and tombstones a sync from `since` would bring (`status`: how far Postgres is behind). */
  countSince(since: number): Promise<{ rows: number; tombstones: number }>;
}

/** Tells an ExportSource from the DuckDB Warehouse the exporter and status also accept. */
export function isExportSource(x: object): x is ExportSource {
  return typeof (x as Partial<ExportSource>).writeRowsSince === 'function';
}
