import fs from 'node:fs';
import { quotedIdentifier, quotedString } from '../warehouse/duckdbApi.js';
import type { SqlSnapshot } from '../warehouse/sqlFiles.js';
import type { Warehouse } from '../warehouse/Warehouse.js';
import type { DatasetSpec } from './datasets.js';
import { freeColumnName, internal, INTERNAL, STAGING_OUTPUT } from './internalColumns.js';
import { planColumns } from './planColumns.js';
import { bindColumns } from '../warehouse/bindColumns.js';
import { PrivateReadDir } from './privateReadDir.js';
import { CSV_DIALECT, MAX_LINE_BYTES } from './readIncoming.js';
import { takeCsvScan } from './prefetchCsvScan.js';
import { profileMarks } from '../progress/profileMarks.js';
import { concatenateCsvBodies } from './concatenateCsvBodies.js';

/** One CSV file of a group: same dataset, same header line as the others. */
export interface GroupMember {
  fileId: number;
  /** Relative path, as recorded in the ledger. */
  path: string;
  absPath: string;
  /** Bytes on disk. */
  size: number;
}

/**
 * Files staged together by one read: `stagedTable` holds every member's staged
 * rows, each member's rows contiguous and in file order; `filesTable(file_id,
 * path, first_row)` gives the rowid of each member's first row (members with
 * rows only: a row belongs to the member with the greatest first_row at or
 * below its rowid), `rejectsTable` holds their rejects in pipeline_rejects'
 * shape (without run_id).
 */
export interface CsvGroup {
  id: string;
  stagedTable: string;
  filesTable: string;
  rejectsTable: string;
  /** Set once loadCsvGroup has moved the group into the warehouse. */
  loaded: boolean;
}

/** A file staged as part of a group (loaded with it by loadCsvGroup). */
export interface GroupedOutcome {
  status: 'grouped';
  rowsRead: number;
  rowsLoaded: number;
  rowsRejected: number;
  group: CsvGroup;
}

/** Files at most this big (on disk) are concatenated into one read; bigger ones read well as a list. */
export const CONCATENATE_MAX_BYTES = 1 << 20;

/** A member whose rows are staged: how many, and the rowid of its first. */
interface StagedMember {
  member: GroupMember;
  rows: number;
  firstRow: bigint;
}

function groupTables(id: string): Pick<CsvGroup, 'id' | 'stagedTable' | 'filesTable' | 'rejectsTable'> {
  return { id, stagedTable: `staged_group_${id}`, filesTable: `files_group_${id}`, rejectsTable: `rejects_group_${id}` };
}

/**
 * Stages CSV files that share a dataset and a header line with ONE read and
 * one run of the staging SQL, instead of ~20 statements per file (issue 18:
 * 4,000 files of 500 rows cost 25× one file). A member is staged here only
 * when nothing about it needs the per-file path: no long lines, no record the
 * reader rejected, and one physical line per record (so a row's line is its
 * position + 2) — every other member is left out (returned in `rest`) and
 * staged alone, with the per-file path's exact line numbers, reader rejects
 * and quarantine rules.
 *
 * Two reads, the faster first:
 * - files up to CONCATENATE_MAX_BYTES are concatenated into one file
 *   (concatenateCsvBodies; it leaves out a file with a carriage return or a
 *   quoted header line) and read as one file, in parallel; the read must
 *   return exactly one row per line, with no reader reject, or none of them is
 *   taken from it (they go to the second read);
 * - the others are read as a list of files by DuckDB's multi-file reader
 *   (~1.5 ms per file), checked file by file.
 * When a read itself fails, its members are left to the next way.
 */
export async function stageCsvGroup(
  w: Warehouse,
  spec: DatasetSpec,
  sql: SqlSnapshot,
  columns: string[],
  members: GroupMember[],
  groupId: number,
): Promise<{ staged: Map<number, GroupedOutcome>; rest: GroupMember[] }> {
  const staged = new Map<number, GroupedOutcome>();
  const plan = planColumns(spec, { columns });
  if (plan.problem) return { staged, rest: members };
  // Small files go to the concatenated read without a line scan (it counts their lines itself);
  // the others' scans were started by stageNewVersions. A file with long lines is read alone.
  const small = members.filter((m) => m.size <= CONCATENATE_MAX_BYTES);
  const rest: GroupMember[] = [];
  const listed: { member: GroupMember; physicalLines: number }[] = [];
  const toList = async (files: GroupMember[]) => {
    const scans = await Promise.all(files.map((m) => takeCsvScan(m.absPath, MAX_LINE_BYTES).catch(() => undefined)));
    files.forEach((member, i) => {
      const scan = scans[i];
      if (!scan || scan.longLines.length > 0) rest.push(member);
      else listed.push({ member, physicalLines: scan.physicalLines });
    });
  };
  await toList(members.filter((m) => m.size > CONCATENATE_MAX_BYTES));
  const readDir = PrivateReadDir.create();
  const take = async (tables: ReturnType<typeof groupTables>, done: StagedMember[]) => {
    const group = await finishGroup(w, spec, tables, done);
    for (const d of done) {
      const rejected = group.rejectedByFile.get(d.member.fileId) ?? 0;
      staged.set(d.member.fileId, { status: 'grouped', rowsRead: d.rows, rowsLoaded: d.rows - rejected, rowsRejected: rejected, group: group.group });
    }
  };
  try {
    const types = columns.map((c) => `${quotedString(c)}: 'VARCHAR'`);
    const concatenated = groupTables(`${groupId}`);
    const { done, left } = small.length >= 2
      ? await stageConcatenated(w, spec, sql, plan.select, types, small, concatenated, readDir)
      : { done: [], left: small };
    if (done.length > 0) await take(concatenated, done);
    await toList(left);
    if (listed.length >= 2) {
      const tables = groupTables(`${groupId}_list`);
      const result = await stageFileList(w, spec, sql, plan.select, columns, types, listed, tables, readDir);
      rest.push(...result.rest);
      if (result.done.length > 0) await take(tables, result.done);
    } else rest.push(...listed.map((l) => l.member));
    return { staged, rest };
  } finally {
    await w.run('DROP VIEW IF EXISTS incoming');
    await w.run('DROP TABLE IF EXISTS reject_errors');
    await w.run('DROP TABLE IF EXISTS reject_scans');
    readDir.removeInBackground();
  }
}

/**
 * Runs one group read: `incoming` as `reader` (a SELECT over read_csv with
 * store_rejects, whose reject tables start empty) through the staging SQL into
 * `stagedTable`. False, with nothing left behind, when the read fails.
 */
async function stageRead(w: Warehouse, spec: DatasetSpec, sql: SqlSnapshot, stagedTable: string, reader: string): Promise<boolean> {
  await w.run('DROP TABLE IF EXISTS reject_errors');
  await w.run('DROP TABLE IF EXISTS reject_scans');
  await w.run(`DROP TABLE IF EXISTS ${stagedTable}`);
  try {
    await w.run(`CREATE OR REPLACE TEMP VIEW incoming AS ${reader}`);
    await w.run(`CREATE TEMP TABLE ${stagedTable} AS ${sql.render(spec.stagingSql)}`);
    return true;
  } catch {
    await w.run(`DROP TABLE IF EXISTS ${stagedTable}`);
    return false;
  }
}

/**
 * The members' lines as one file, read once (concatenateCsvBodies). Returns
 * the members staged and their rows, and those it left out (to be read as a
 * list); none is staged unless the read returned exactly one row per line
 * after the header and rejected none: then line i of the file is row i, and
 * each member's rows are the next `lines` rows.
 */
async function stageConcatenated(
  w: Warehouse,
  spec: DatasetSpec,
  sql: SqlSnapshot,
  select: string[],
  types: string[],
  members: GroupMember[],
  tables: ReturnType<typeof groupTables>,
  readDir: PrivateReadDir,
): Promise<{ done: StagedMember[]; left: GroupMember[] }> {
  const none = { done: [], left: members };
  const file = readDir.file(`group_${tables.id}.csv`);
  try {
    // no line of a file read whole within the reader's line limit is too long for it
    const mark = profileMarks('stage');
    const lines = await concatenateCsvBodies(members.map((m) => m.absPath), file, MAX_LINE_BYTES).catch(() => undefined);
    mark(`concatenated ${members.length} files`);
    if (!lines) return none;
    const left = members.filter((_, i) => lines[i] === null);
    if (members.length - left.length < 2) return none;
    const read = await stageRead(w, spec, sql, tables.stagedTable, `SELECT ${select.join(', ')}
        FROM read_csv(${quotedString(file)}, ${CSV_DIALECT}, auto_detect = false,
                      columns = {${types.join(', ')}}, null_padding = false, store_rejects = true)`);
    if (!read) return none;
    const total = lines.reduce<number>((a, n) => a + (n ?? 0), 0);
    const [rows] = await w.all<{ n: bigint; lo: bigint | null; hi: bigint | null }>(
      `SELECT count(*) AS n, min(rowid) AS lo, max(rowid) AS hi FROM ${tables.stagedTable}`);
    const [rejected] = await w.all<{ n: bigint }>('SELECT count(*) AS n FROM reject_errors');
    const oneRowPerLine = Number(rows!.n) === total && (total === 0 || (rows!.lo === 0n && rows!.hi === BigInt(total - 1)));
    if (!oneRowPerLine || Number(rejected!.n) > 0) {
      await w.run(`DROP TABLE IF EXISTS ${tables.stagedTable}`);
      return none;
    }
    const done: StagedMember[] = [];
    let next = 0n;
    members.forEach((member, i) => {
      const rows = lines[i];
      if (rows === null || rows === undefined) return;
      done.push({ member, rows, firstRow: next });
      next += BigInt(rows);
    });
    return { done, left };
  } finally {
    await fs.promises.rm(file, { force: true }); // staged (or not): the copy is not needed again
  }
}

/**
 * The members read as a list of files (DuckDB's multi-file reader), checked
 * file by file: a member with a record the reader rejected, rows that are not
 * contiguous, or not one record per physical line goes back to `rest`.
 */
async function stageFileList(
  w: Warehouse,
  spec: DatasetSpec,
  sql: SqlSnapshot,
  select: string[],
  columns: string[],
  types: string[],
  members: { member: GroupMember; physicalLines: number }[],
  tables: ReturnType<typeof groupTables>,
  readDir: PrivateReadDir,
): Promise<{ done: StagedMember[]; rest: GroupMember[] }> {
  const none = { done: [], rest: members.map((m) => m.member) };
  const fileCol = internal('file');
  // A producer's file name never reaches SQL (DuckDB would read it as a glob): plain-named links.
  const links = await readDir.linkAll(members.map((r, i) => ({ absPath: r.member.absPath, baseName: `${tables.id}_input_${i}.csv` })));
  const readable = members.map((r, i) => ({ ...r, readPath: links[i]! }));
  // The reader's file column takes a name none of the file's columns has; staging sees INTERNAL.file.
  const readerFile = freeColumnName(INTERNAL.file, columns);
  const read = await stageRead(w, spec, sql, tables.stagedTable, `SELECT ${select.join(', ')}, ${quotedIdentifier(readerFile)} AS ${fileCol}
      FROM read_csv([${readable.map((r) => quotedString(r.readPath)).join(', ')}], ${CSV_DIALECT}, auto_detect = false,
                    columns = {${types.join(', ')}}, null_padding = false, store_rejects = true,
                    filename = ${quotedString(readerFile)})`);
  if (!read) return none;
  // Per file: its rows (contiguous rowids, in file order) and reader rejects.
  const facts = await w.all<{ f: string; n: bigint; lo: bigint; hi: bigint }>(`
    SELECT ${fileCol} AS f, count(*) AS n, min(rowid) AS lo, max(rowid) AS hi FROM ${tables.stagedTable} GROUP BY 1`);
  const readerRejects = await w.all<{ f: string }>(`
    SELECT DISTINCT s.file_path AS f FROM reject_errors e JOIN reject_scans s ON s.scan_id = e.scan_id AND s.file_id = e.file_id`);
  const byPath = new Map(facts.map((f) => [f.f, f]));
  const withReaderRejects = new Set(readerRejects.map((r) => r.f));
  const done: StagedMember[] = [];
  const rest: GroupMember[] = [];
  const dropped: string[] = [];
  for (const r of readable) {
    const f = byPath.get(r.readPath);
    const rows = f ? Number(f.n) : 0;
    const contiguous = !f || Number(f.hi - f.lo) + 1 === rows;
    // Every physical line after the header is one record the reader returned: nothing spans lines or vanished.
    if (withReaderRejects.has(r.readPath) || !contiguous || r.physicalLines !== rows + 1) {
      rest.push(r.member);
      dropped.push(quotedString(r.readPath));
    } else done.push({ member: r.member, rows, firstRow: f ? f.lo : 0n });
  }
  if (done.length === 0) {
    await w.run(`DROP TABLE IF EXISTS ${tables.stagedTable}`);
    return none;
  }
  if (dropped.length > 0) await w.run(`DELETE FROM ${tables.stagedTable} WHERE ${fileCol} IN (${dropped.join(', ')})`);
  return { done, rest };
}

/**
 * The staged group's file table (members with rows: their ledger id, path and
 * first rowid) and its rejects, at their physical line (position + 2: header,
 * then one line per record). Returns the group and its rejects per file id.
 */
async function finishGroup(
  w: Warehouse,
  spec: DatasetSpec,
  tables: ReturnType<typeof groupTables>,
  done: StagedMember[],
): Promise<{ group: CsvGroup; rejectedByFile: Map<number, number> }> {
  const withRows = done.filter((d) => d.rows > 0);
  await w.run(`CREATE OR REPLACE TEMP TABLE ${tables.filesTable} (file_id INTEGER, path VARCHAR, first_row BIGINT)`);
  const bound = bindColumns([
    { type: 'INTEGER', values: withRows.map((d) => d.member.fileId) },
    { type: 'VARCHAR', values: withRows.map((d) => d.member.path) },
    { type: 'BIGINT', values: withRows.map((d) => d.firstRow) },
  ]);
  await w.run(`INSERT INTO ${tables.filesTable} SELECT unnest($1), unnest($2), unnest($3)`, bound.values, bound.types);
  await w.run(`
    CREATE OR REPLACE TEMP TABLE ${tables.rejectsTable} AS
    SELECT m.file_id, m.path, ${quotedString(spec.name)} AS dataset, s.rowid - m.first_row + 2 AS line,
           s.${internal('rejectColumn')} AS column_name, s.${internal('rejectReason')} AS reason,
           to_json(s.${internal('rawRecord')})::VARCHAR AS raw_record, s.${quotedIdentifier(spec.key)}::BIGINT AS key
    FROM ${tables.stagedTable} s ${memberOfRow(tables.filesTable)}
    WHERE s.${internal('rejectReason')} IS NOT NULL`);
  const counts = await w.all<{ file_id: number; n: bigint }>(`SELECT file_id, count(*) AS n FROM ${tables.rejectsTable} GROUP BY 1`);
  return {
    group: { ...tables, loaded: false },
    rejectedByFile: new Map(counts.map((c) => [Number(c.file_id), Number(c.n)])),
  };
}

/** Joins a staged row (s) to its member (m): the one whose first row is the greatest at or below the row's rowid. */
function memberOfRow(filesTable: string): string {
  return `ASOF JOIN ${filesTable} m ON s.rowid >= m.first_row`;
}

/** A group's staged data columns (without the staging outputs and the file column). */
export async function groupColumns(w: Warehouse, group: CsvGroup): Promise<string[]> {
  return (await w.all<{ column_name: string }>(`DESCRIBE ${group.stagedTable}`))
    .map((r) => r.column_name)
    .filter((c) => !STAGING_OUTPUT.has(c));
}

/**
 * Moves a staged group into the warehouse (inside the run's transaction, after
 * its columns were added): good rows into raw_<dataset> with _row = their
 * order in their file and _line their physical line, rejects into
 * pipeline_rejects.
 */
export async function loadCsvGroup(w: Warehouse, spec: DatasetSpec, group: CsvGroup, columns: string[], runId: number): Promise<void> {
  await w.run(`
    INSERT INTO ${spec.rawTable} BY NAME
    SELECT m.file_id AS _file_id, s.rowid - m.first_row AS _row, s.rowid - m.first_row + 2 AS _line,
           ${columns.map((c) => `s.${quotedIdentifier(c)}`).join(', ')}
    FROM ${group.stagedTable} s ${memberOfRow(group.filesTable)}
    WHERE s.${internal('rejectReason')} IS NULL`);
  await w.run(`INSERT INTO pipeline_rejects BY NAME SELECT *, ${runId} AS run_id FROM ${group.rejectsTable}`);
  await dropCsvGroup(w, group);
  group.loaded = true;
}

export async function dropCsvGroup(w: Warehouse, group: CsvGroup): Promise<void> {
  await w.run(`DROP TABLE IF EXISTS ${group.stagedTable}`);
  await w.run(`DROP TABLE IF EXISTS ${group.filesTable}`);
  await w.run(`DROP TABLE IF EXISTS ${group.rejectsTable}`);
}
