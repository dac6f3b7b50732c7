import { PipelineError } from '../errors/PipelineError.js';
import { bindColumns } from './bindColumns.js';
import { RECOMPUTE_KINDS, type SqlFile, type SqlSnapshot } from './sqlFiles.js';
import type { Warehouse } from './Warehouse.js';

/** What the SQL folder looks like compared with what the warehouse last applied. */
export interface SqlReport {
  /** Migrations applied by this call. */
  migrationsApplied: string[];
  /** batch/, state/ and marts/ files (RECOMPUTE_KINDS) whose checksum changed (or that are new) since the last run. */
  modelsChanged: string[];
  /** staging/ files that changed: they apply to files ingested from now on. */
  stagingChanged: string[];
  /** Non-migration files recorded before that no longer exist. */
  missing: string[];
  files: SqlFile[];
}

async function tableExists(w: Warehouse, name: string): Promise<boolean> {
  return (await w.count(`SELECT count(*) FROM duckdb_tables() WHERE table_name = $1 AND schema_name = 'main'`, [name])) > 0;
}

/**
 * Applies pending migrations in order (each in its own transaction, checksum
 * recorded) and compares the other SQL files with the checksums of the last run.
 * An applied migration that was edited or removed is an error: the warehouse
 * would no longer match the files describing it.
 */
export async function migrateWarehouse(w: Warehouse, sql: SqlSnapshot): Promise<SqlReport> {
  const { files } = sql;
  const known = new Map<string, { kind: string; checksum: string }>();
  if (await tableExists(w, 'pipeline_sql_files')) {
    for (const r of await w.all<{ name: string; kind: string; checksum: string }>(
      'SELECT name, kind, checksum FROM pipeline_sql_files',
    )) {
      known.set(r.name, { kind: r.kind, checksum: r.checksum });
    }
  }
  const present = new Set(files.map((f) => f.name));
  for (const [name, info] of known) {
    if (info.kind === 'migrations' && !present.has(name)) {
      throw new PipelineError(
        'SQL_FILE_MISSING',
        `sql/${name} was applied to this warehouse but is missing from sql/; restore it`,
      );
    }
  }
  const report: SqlReport = { migrationsApplied: [], modelsChanged: [], stagingChanged: [], missing: [], files };
  for (const file of files) {
    const before = known.get(file.name);
    if (file.kind === 'migrations') {
      if (before && before.checksum !== file.checksum) {
        throw new PipelineError(
          'SQL_FILE_CHANGED',
          `sql/${file.name} changed after it was applied to this warehouse ` +
            `(recorded ${before.checksum.slice(0, 12)}, now ${file.checksum.slice(0, 12)}); ` +
            `revert it and put the change in a new migration file`,
        );
      }
      if (!before) {
        await w.transaction(async () => {
          await w.run(file.text);
          await w.run(
            `INSERT INTO pipeline_sql_files VALUES ($1, $2, $3, now()::TIMESTAMP)`,
            [file.name, file.kind, file.checksum],
          );
        });
        report.migrationsApplied.push(file.name);
      }
      continue;
    }
    const changed = !before || before.checksum !== file.checksum;
    if (!changed) continue;
    if (RECOMPUTE_KINDS.includes(file.kind)) report.modelsChanged.push(file.name);
    if (file.kind === 'staging' && before) report.stagingChanged.push(file.name);
  }
  for (const [name, info] of known) {
    if (info.kind !== 'migrations' && !present.has(name)) report.missing.push(name);
  }
  return report;
}

/** Records the checksums of the non-migration SQL files as applied (inside the run's transaction). */
export async function recordSqlFiles(w: Warehouse, files: SqlFile[]): Promise<void> {
  await w.run(`DELETE FROM pipeline_sql_files WHERE kind <> 'migrations'`);
  const recorded = files.filter((x) => x.kind !== 'migrations');
  if (recorded.length === 0) return;
  // one statement for the ~28 files (one INSERT each cost ~60 ms of every run: issue 18)
  const { values, types } = bindColumns([
    { type: 'VARCHAR', values: recorded.map((f) => f.name) },
    { type: 'VARCHAR', values: recorded.map((f) => f.kind) },
    { type: 'VARCHAR', values: recorded.map((f) => f.checksum) },
  ]);
  await w.run(`INSERT INTO pipeline_sql_files SELECT unnest($1), unnest($2), unnest($3), now()::TIMESTAMP`, values, types);
}
