import { committedVersions, pinned, type CommitRow } from './lakeCommits.js';
import { LAKE_TABLES, type SparkLake } from './SparkLake.js';
import { sparkIdentifier } from './sparkQuote.js';

/**
 * A reader's view of the lake: every lake table name is shadowed, in this
 * session, by a temporary view of the table AS OF the last committed run, so a
 * reader never sees a run's half-written tables (Delta commits per table) and
 * the views (ecommerce, current_*) follow. Before the first commit every table
 * is read at version 0, its empty CREATE (a first run killed half-way shows
 * nothing). Returns the commit read.
 */
export async function pinCommitted(l: SparkLake): Promise<CommitRow | undefined> {
  const commit = await committedVersions(l);
  const versions = commit?.versions ?? Object.fromEntries(LAKE_TABLES.map((t) => [t, 0]));
  for (const t of LAKE_TABLES) {
    await l.run(`CREATE OR REPLACE TEMPORARY VIEW ${sparkIdentifier(t)} AS SELECT * FROM ${sparkIdentifier(l.database)}.${pinned(t, versions)}`);
  }
  return commit;
}
