import { PipelineError } from '../../errors/PipelineError.js';
import { crashPoint } from '../../run/crashPoint.js';
import { LAKE_TABLES, type SparkLake } from './SparkLake.js';
import { sparkIdentifier, sparkString } from './sparkQuote.js';

/** Delta version of each lake table. */
export type TableVersions = Record<string, number>;

export interface CommitRow {
  seq: number;
  runId: number;
  state: 'started' | 'committed' | 'rolled_back';
  versions: TableVersions;
}

/** The current Delta version of every lake table (one listing of the lake's Delta logs). */
export async function tableVersions(l: SparkLake): Promise<TableVersions> {
  const all = await l.deltaVersions();
  const out: TableVersions = {};
  for (const t of LAKE_TABLES) {
    const v = all[t];
    if (v === undefined) throw new PipelineError('WAREHOUSE_INCONSISTENT', `the lake ${l.lake} has no Delta table ${t}`);
    out[t] = v;
  }
  return out;
}

/** The last row of the commit log, if any. */
export async function lastCommit(l: SparkLake, state?: CommitRow['state']): Promise<CommitRow | undefined> {
  const where = state ? `WHERE state = ${sparkString(state)}` : '';
  const row = await l.one<{ seq: bigint; run_id: bigint; state: string; versions: string }>(
    `SELECT seq, run_id, state, versions FROM pipeline_commits ${where} ORDER BY seq DESC LIMIT 1`,
  );
  if (!row) return undefined;
  return { seq: Number(row.seq), runId: Number(row.run_id), state: row.state as CommitRow['state'], versions: JSON.parse(row.versions) as TableVersions };
}

async function append(l: SparkLake, runId: number, state: CommitRow['state'], versions: TableVersions): Promise<void> {
  await l.run(
    `INSERT INTO pipeline_commits SELECT coalesce(max(seq), 0) + 1, ${Math.trunc(runId)}, ${sparkString(state)}, ` +
      `${sparkString(JSON.stringify(versions))}, current_timestamp() FROM pipeline_commits`,
  );
}

/**
 * Step 4 of the protocol: undoes an interrupted run (its 'started' row is the
 * last one). Returns the interrupted run's id, or undefined when there was none.
 * Safe to repeat: a recovery killed half-way restores again next time.
 */
export async function recoverInterruptedRun(l: SparkLake): Promise<number | undefined> {
  const last = await lastCommit(l);
  if (!last || last.state !== 'started') return undefined;
  const now = await tableVersions(l);
  for (const t of LAKE_TABLES) {
    const recorded = last.versions[t];
    if (recorded === undefined || recorded < 0) {
      throw new PipelineError('WAREHOUSE_INCONSISTENT', `the lake's commit log does not know table ${t}: cannot undo run ${last.runId}`);
    }
    if (now[t]! > recorded) await l.run(`RESTORE TABLE ${sparkIdentifier(t)} TO VERSION AS OF ${recorded}`);
    crashPoint('spark-after-restore');
  }
  await append(l, last.runId, 'rolled_back', last.versions);
  return last.runId;
}

/** Step 1: records the versions a run starts from. */
export async function beginRun(l: SparkLake, runId: number): Promise<TableVersions> {
  const versions = await tableVersions(l);
  await append(l, runId, 'started', versions);
  return versions;
}

/** Step 3: the commit mark. */
export async function commitRun(l: SparkLake, runId: number): Promise<TableVersions> {
  const versions = await tableVersions(l);
  crashPoint('spark-before-commit-mark');
  await append(l, runId, 'committed', versions);
  return versions;
}

/** The versions of the last committed run (what readers read), or undefined before the first one. */
export async function committedVersions(l: SparkLake): Promise<CommitRow | undefined> {
  return lastCommit(l, 'committed');
}

/** `<table> VERSION AS OF n` for a reader pinned to a commit (the table as it is when there is none yet). */
export function pinned(table: string, versions: TableVersions | undefined): string {
  const v = versions?.[table];
  return v === undefined ? sparkIdentifier(table) : `${sparkIdentifier(table)} VERSION AS OF ${Math.trunc(v)}`;
}
