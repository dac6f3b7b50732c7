import { committedVersions, pinned, type CommitRow } from './lakeCommits.js';
import { LAKE_TABLES, type SparkLake } from './SparkLake.js';
import { sparkIdentifier } from './sparkQuote.js';

/**
 * A reader's view of the lake: every lake table name is shadowed, in this
 * session, by a temporary view of the table AS OF the last committed run, so a
 * reader never sees a run's half-written tables (Delta commits per table) and
 * the views (ecommerce, current_*) follow. Before the first commit the tables
 * are read as they are (empty). Returns the commit read.
 */
export async function pinCommitted(l: SparkLake): Promise<CommitRow | undefined> {
  const commit = await committedVersions(l);
  if (!commit) return undefined;
  for (const t of LAKE_TABLES) {
    await l.run(`CREATE OR REPLACE TEMPORARY VIEW ${sparkIdentifier(t)} AS SELECT * FROM ${l.database}.${pinned(t, commit.versions)}`);
  }
  return commit;
}
