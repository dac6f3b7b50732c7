import fs from 'node:fs';
import path from 'node:path';
import { Type, type Table } from 'apache-arrow';
import { PipelineError } from '../../errors/PipelineError.js';
import { sparkIdentifier, sparkString } from '../../engine/spark/sparkQuote.js';
import type { SparkConnectClient } from '../../spark/SparkConnectClient.js';
import { shortestFloat32 } from '../../shell/shortestFloat32.js';
import { versionLiteral } from '../DuckDbExportSource.js';
import type { EcommerceColumn } from '../../contract/ecommerceColumns.js';
import { ECOMMERCE_COLUMNS } from '../ecommerceTable.js';
import type { ExportSource } from '../ExportSource.js';

/** The Delta version of each table the export reads: those of the last committed run (the commit record's). */
export interface PinnedVersions {
  ecommerce_state: number;
  ecommerce_tombstones: number;
}

export interface SparkExportSourceOptions {
  /** A session whose time zone is UTC (the engine's session settings). The caller closes it. */
  client: SparkConnectClient;
  /** The lake (--lake): a folder or a URI Spark reads, holding the path-based Delta tables. */
  lake: string;
  /** Read every table AS OF these versions: a run that did not commit is never seen. */
  versions: PinnedVersions;
  /**
   * The committed run's id: the result's version, the watermark Postgres gets.
   * Default: the largest `_version` in the two tables at the pinned versions
   * (the same rows are exported; only a run that changed nothing leaves the
   * watermark where it was).
   */
  runId?: number;
}

/** `<lake>/<table>`: a URI is joined with "/", a folder is made absolute (the Spark server has another cwd). */
export function lakeTablePath(lake: string, table: string): string {
  const base = /^[a-z][a-z0-9+.-]*:/i.test(lake) ? lake.replace(/\/+$/, '') : path.resolve(lake);
  return `${base}/${table}`;
}

/** A result column as Spark returns it: the DuckDB type exactly (casts are no-ops on a lake made to the contract), timestamps as epoch microseconds. */
function sparkColumn(c: EcommerceColumn): string {
  const name = sparkIdentifier(c.name);
  switch (c.duckdbType) {
    case 'INTEGER': return `CAST(${name} AS INT) AS ${name}`;
    case 'BIGINT': return `CAST(${name} AS BIGINT) AS ${name}`;
    case 'DOUBLE': return `CAST(${name} AS DOUBLE) AS ${name}`;
    case 'FLOAT': return `CAST(${name} AS FLOAT) AS ${name}`;
    // unix_micros keeps the microseconds the client's Date would drop; an NTZ column is read in the session's UTC
    case 'TIMESTAMP': return `unix_micros(CAST(${name} AS TIMESTAMP)) AS ${name}`;
    default: throw new PipelineError('INTERNAL', `no Spark reading for the column type ${String(c.duckdbType)}`);
  }
}

const UTC_NAMES = new Set(['UTC', 'Etc/UTC', 'Z', '+00:00', 'GMT', 'Etc/GMT', 'UCT', 'Etc/UCT', 'Zulu', 'Etc/Zulu', 'Universal', 'Etc/Universal']);

/**
 * The export's source on the Spark engine: the lake's Delta tables
 * `ecommerce_state` and `ecommerce_tombstones`, read AS OF the Delta versions
 * of the last committed run (so an interrupted, not yet restored run is
 * invisible: exactly-once holds as on DuckDB, Postgres keeping its watermark in
 * the same transaction as the rows). The rows come over Spark Connect as Arrow
 * batches and are written to the CSV file batch by batch.
 *
 * Identity: the `warehouse_id` row of the lake's `pipeline_settings` Delta
 * table (key STRING, value STRING; as DuckDB's V003), which the Spark run
 * writes once when it creates the lake.
 */
export class SparkExportSource implements ExportSource {
  private readonly client: SparkConnectClient;
  private readonly lake: string;
  private readonly versions: PinnedVersions;
  private readonly runId?: number;

  constructor(options: SparkExportSourceOptions) {
    this.client = options.client;
    this.lake = options.lake;
    // checked here: they are spliced as numbers into VERSION AS OF
    versionLiteral(options.versions.ecommerce_state);
    versionLiteral(options.versions.ecommerce_tombstones);
    if (options.runId !== undefined) versionLiteral(options.runId);
    this.versions = { ...options.versions };
    this.runId = options.runId;
  }

  private table(name: 'ecommerce_state' | 'ecommerce_tombstones' | 'pipeline_settings'): string {
    return `delta.${sparkIdentifier(lakeTablePath(this.lake, name))}`;
  }

  private pinned(name: keyof PinnedVersions): string {
    return `${this.table(name)} VERSION AS OF ${versionLiteral(this.versions[name])}`;
  }

  /** Also checks the session's time zone, which the timestamp columns are read in. */
  async identity(): Promise<string | null> {
    const r = await this.client.sql(
      `SELECT (SELECT max(value) FROM ${this.table('pipeline_settings')} WHERE key = ${sparkString('warehouse_id')}) AS id, ` +
        `(SELECT count(*) FROM ${this.table('pipeline_settings')} WHERE key = ${sparkString('warehouse_id')}) AS n, current_timezone() AS tz`,
    );
    const row = r.rows[0] ?? {};
    const tz = String(row.tz);
    if (!UTC_NAMES.has(tz)) {
      throw new PipelineError('CONFIG_INVALID', `the Spark session's time zone is ${tz}, not UTC: the lake's timestamps would be exported shifted (SET spark.sql.session.timeZone = UTC)`);
    }
    if (row.n !== 1n || typeof row.id !== 'string' || row.id === '') {
      throw new PipelineError(
        'WAREHOUSE_INCONSISTENT',
        `the lake ${this.lake} has ${row.n === 0n ? 'no' : String(row.n)} warehouse_id row${row.n === 1n ? '' : 's'} in pipeline_settings (exactly one expected): ` +
          `its identity is what tells an export target that the lake was recreated. Nothing was exported.`,
      );
    }
    return row.id;
  }

  async currentVersion(): Promise<number> {
    if (this.runId !== undefined) return this.runId;
    const r = await this.client.sql(
      `SELECT greatest(coalesce((SELECT max(_version) FROM ${this.pinned('ecommerce_state')}), 0), ` +
        `coalesce((SELECT max(_version) FROM ${this.pinned('ecommerce_tombstones')}), 0)) AS v`,
    );
    return Number(r.rows[0]?.v ?? 0);
  }

  writeRowsSince(since: number, file: string): Promise<number> {
    return this.writeCsv(
      `SELECT ${ECOMMERCE_COLUMNS.map(sparkColumn).join(', ')} FROM ${this.pinned('ecommerce_state')} WHERE _version > ${versionLiteral(since)}`,
      file,
    );
  }

  writeTombstonesSince(since: number, file: string): Promise<number> {
    const key = ECOMMERCE_COLUMNS.filter((c) => c.name === 'Customer_ID' || c.name === 'start_timestamp');
    return this.writeCsv(
      `SELECT ${key.map(sparkColumn).join(', ')} FROM ${this.pinned('ecommerce_tombstones')} WHERE _version > ${versionLiteral(since)}`,
      file,
    );
  }

  async countSince(since: number): Promise<{ rows: number; tombstones: number }> {
    const r = await this.client.sql(
      `SELECT (SELECT count(*) FROM ${this.pinned('ecommerce_state')} WHERE _version > ${versionLiteral(since)}) AS rows, ` +
        `(SELECT count(*) FROM ${this.pinned('ecommerce_tombstones')} WHERE _version > ${versionLiteral(since)}) AS tombstones`,
    );
    return { rows: Number(r.rows[0]?.rows ?? 0), tombstones: Number(r.rows[0]?.tombstones ?? 0) };
  }

  private async writeCsv(query: string, file: string): Promise<number> {
    const out = await fs.promises.open(file, 'w', 0o600);
    let rows = 0;
    try {
      for await (const batch of this.client.batches(query)) {
        if (batch.numRows === 0) continue;
        await out.write(csvLines(batch));
        rows += batch.numRows;
      }
    } finally {
      await out.close();
    }
    return rows;
  }
}

type Format = (v: unknown) => string;

/** One Arrow batch as CSV lines for COPY (FORMAT csv): no value needs quoting (numbers, timestamps); NULL is an empty field. */
export function csvLines(batch: Table): string {
  const fields = batch.schema.fields;
  const columns = fields.map((f, i) => ({ vector: batch.getChildAt(i)!, format: formatFor(f.type.typeId, (f.type as { precision?: number }).precision, f.name) }));
  const lines: string[] = new Array(batch.numRows);
  for (let r = 0; r < batch.numRows; r++) {
    let line = '';
    for (let i = 0; i < columns.length; i++) {
      const v = columns[i]!.vector.get(r);
      if (i > 0) line += ',';
      if (v !== null && v !== undefined) line += columns[i]!.format(v);
    }
    lines[r] = line;
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

const TIMESTAMP_COLUMNS = new Set(ECOMMERCE_COLUMNS.filter((c) => c.duckdbType === 'TIMESTAMP').map((c) => c.name));

function formatFor(typeId: Type, precision: number | undefined, name: string): Format {
  if (TIMESTAMP_COLUMNS.has(name)) return (v) => formatMicros(BigInt(v as bigint | number));
  if (typeId === Type.Int) return (v) => String(v);
  // Arrow's Precision: 1 = SINGLE (Spark FLOAT), 2 = DOUBLE
  if (typeId === Type.Float) return precision === 1 ? (v) => formatFloat32(v as number) : (v) => formatDouble(v as number);
  throw new PipelineError('INTERNAL', `the export cannot write the Spark column ${name} of Arrow type ${Type[typeId]}`);
}

/** Shortest text that reads back as the same double (JS's own; NaN, Infinity, -Infinity are Postgres' spelling too), -0 kept. */
export function formatDouble(v: number): string {
  return Object.is(v, -0) ? '-0' : String(v);
}

/** A FLOAT as DuckDB prints it (1.1, not the widened double 1.100000023841858); Postgres' real reads it back to the identical value. */
export function formatFloat32(v: number): string {
  return Object.is(v, -0) ? '-0' : shortestFloat32(v);
}

const MICROS_PER_SECOND = 1_000_000n;

/** Epoch microseconds as a timestamp without time zone, `YYYY-MM-DD HH:MM:SS[.ffffff]`, microseconds exact. */
export function formatMicros(micros: bigint): string {
  let seconds = micros / MICROS_PER_SECOND;
  let fraction = micros % MICROS_PER_SECOND;
  if (fraction < 0n) {
    fraction += MICROS_PER_SECOND;
    seconds -= 1n;
  }
  const iso = new Date(Number(seconds) * 1000).toISOString(); // YYYY-MM-DDTHH:MM:SS.000Z for years 0000-9999
  const whole = `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
  return fraction === 0n ? whole : `${whole}.${fraction.toString().padStart(6, '0')}`;
}
