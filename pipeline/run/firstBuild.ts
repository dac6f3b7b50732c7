import { quotedIdentifier } from '../warehouse/duckdbApi.js';
import { PipelineError } from '../errors/PipelineError.js';
import { DATASET_LIST } from '../ingest/datasets.js';
import type { Warehouse } from '../warehouse/Warehouse.js';

/**
 * A first build (nothing ever loaded: no ledger rows, no runs) commits in
 * four parts — raw rows, keyed state, result, then audits and bookkeeping —
 * instead of one transaction.
 * Why: DuckDB scans a table's rows written by the open transaction with one
 * thread (it plans parallelism from the committed row count), so in one
 * transaction every step after ingest read 20M fresh rows single-threaded
 * (10M orders: metrics 15.7 s instead of 7.5 s, bench/README.md).
 *
 * It stays all-or-nothing: the first part writes a marker row
 * (pipeline_settings key `first_build`, value = the raw tables' columns before
 * the build), the last part removes it. No other process sees the parts in
 * between while the build runs (DuckDB's file lock admits no reader while a
 * writer has the file open); a run that fails after a part was committed
 * undoes the build before it reports the error, and a build killed in between
 * is undone by the next run before it reads anything
 * (undoInterruptedFirstBuild). Until then every other opener is refused with
 * FIRST_BUILD_INTERRUPTED (Warehouse.open, refuseInterruptedFirstBuild), so no
 * reader ever sees the parts.
 */
export const FIRST_BUILD_MARKER = 'first_build';

/** Said after the error of a first build that failed and was undone. */
export const FIRST_BUILD_UNDONE = 'the first build was undone: the warehouse is as before it';

/** The tables a first build writes before its last part (the last part writes the rest in its own transaction). */
const PARTIAL_TABLES = [
  'pipeline_files',
  'pipeline_rejects',
  ...DATASET_LIST.map((d) => d.rawTable),
  'cur_orders',
  'cur_deliveries',
  'cur_customers',
  'ecommerce_state', // a first build starts with no result rows and no tombstones
];

/** True when nothing was ever loaded into this warehouse (a first build may commit in parts). */
export async function isFirstBuild(w: Warehouse): Promise<boolean> {
  return (await w.count('SELECT (SELECT count(*) FROM pipeline_files) + (SELECT count(*) FROM pipeline_runs)')) === 0;
}

async function rawColumns(w: Warehouse): Promise<Record<string, string[]>> {
  const rows = await w.all<{ table_name: string; column_name: string }>(
    `SELECT table_name, column_name FROM duckdb_columns() WHERE schema_name = 'main' AND table_name IN (${DATASET_LIST.map(() => '?').join(', ')})
     ORDER BY table_name, column_index`,
    DATASET_LIST.map((d) => d.rawTable),
  );
  const columns: Record<string, string[]> = {};
  for (const r of rows) (columns[r.table_name] ??= []).push(r.column_name);
  return columns;
}

/** Inside the first part's transaction: remember the raw tables' columns, mark the build as in progress. */
export async function markFirstBuild(w: Warehouse, runId: number): Promise<void> {
  const marker: FirstBuildMarker = { runId, rawColumns: await rawColumns(w) };
  const value = JSON.stringify(marker);
  await w.run('DELETE FROM pipeline_settings WHERE key = $1', [FIRST_BUILD_MARKER]);
  await w.run('INSERT INTO pipeline_settings VALUES ($1, $2)', [FIRST_BUILD_MARKER, value]);
}

/** Inside the last part's transaction: the build is complete. */
export async function unmarkFirstBuild(w: Warehouse): Promise<void> {
  await w.run('DELETE FROM pipeline_settings WHERE key = $1', [FIRST_BUILD_MARKER]);
}

interface FirstBuildMarker {
  runId: number;
  rawColumns: Record<string, string[]>;
}

async function readMarker(w: Warehouse): Promise<FirstBuildMarker | undefined> {
  const row = await w.one<{ value: string }>('SELECT value FROM pipeline_settings WHERE key = $1', [FIRST_BUILD_MARKER]);
  return row === undefined ? undefined : (JSON.parse(row.value) as FirstBuildMarker);
}

/** The run id of a first build that was committed in part and not finished, if any. */
export async function interruptedFirstBuild(w: Warehouse): Promise<number | undefined> {
  return (await readMarker(w))?.runId;
}

/**
 * At open (Warehouse.open), for every opener but a run (which undoes it) and
 * status (which reports it): a warehouse holding the parts of an unfinished
 * first build is refused, so no reader (sql, report, check, explain, the
 * Parquet and Postgres exports) sees them. A warehouse not yet migrated has
 * no marker.
 */
export async function refuseInterruptedFirstBuild(w: Warehouse): Promise<void> {
  const migrated = await w.count(
    `SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'main' AND table_name = 'pipeline_settings'`,
  );
  if (migrated === 0) return;
  const runId = await interruptedFirstBuild(w);
  if (runId === undefined) return;
  throw new PipelineError(
    'FIRST_BUILD_INTERRUPTED',
    `the first build of the warehouse ${w.path} (run #${runId}) was interrupted before it finished: nothing is loaded yet, ` +
      `and the parts it committed are not shown. \`pipeline run\` undoes it and loads the files again`,
  );
}

/**
 * Outside any transaction: when a first build was left half done (killed, or
 * failed after a part was committed), empties what it wrote and drops the raw
 * columns it added, so the warehouse is as before it. Returns whether it did.
 */
export async function undoInterruptedFirstBuild(w: Warehouse): Promise<boolean> {
  const marker = await readMarker(w);
  if (marker === undefined) return false;
  const before = marker.rawColumns;
  const now = await rawColumns(w);
  // Emptied by dropping and recreating each table (its CREATE statement as DuckDB
  // keeps it), not by DELETE: the WAL then holds a few catalog entries instead of
  // every deleted row id, so the undo also succeeds on a disk the build filled.
  const ddl = await w.all<{ table_name: string; sql: string }>(
    `SELECT table_name, sql FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'main'
       AND table_name IN (${PARTIAL_TABLES.map(() => '?').join(', ')})`,
    PARTIAL_TABLES,
  );
  await w.transaction(async () => {
    for (const t of ddl) {
      await w.run(`DROP TABLE ${quotedIdentifier(t.table_name)}`);
      await w.run(t.sql);
    }
  });
  // Separate transactions: DuckDB refuses to commit one that deletes a table's rows
  // and drops one of its columns ("another transaction has altered this table").
  for (const [table, columns] of Object.entries(now)) {
    const kept = new Set(before[table] ?? columns);
    for (const c of columns) if (!kept.has(c)) await w.run(`ALTER TABLE ${quotedIdentifier(table)} DROP COLUMN ${quotedIdentifier(c)}`);
  }
  // Last: killed before this, the next run repeats the undo (every step above can be repeated).
  await unmarkFirstBuild(w);
  return true;
}
