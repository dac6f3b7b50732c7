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

/** One CSV file of a group: same dataset, same header line as the others. */
export interface GroupMember {
  fileId: number;
  /** Relative path, as recorded in the ledger. */
  path: string;
  absPath: string;
}

/**
 * Files staged together by one read: `stagedTable` holds every member's staged
 * rows (INTERNAL.file = the member's read path), `filesTable(read_path,
 * file_id, path, first_row)` maps them to their ledger ids and the rowid of
 * their first row, `rejectsTable` holds their rejects in pipeline_rejects'
 * shape (without run_id).
 */
export interface CsvGroup {
  id: number;
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

/**
 * Stages CSV files that share a dataset and a header line with ONE read
 * (DuckDB's multi-file CSV reader over the list of files) and one run of the
 * staging SQL, instead of ~20 statements per file (issue 18: 4,000 files of
 * 500 rows cost 25× one file). A member is staged here only when nothing about
 * it needs the per-file path: no long lines, no record the reader rejected,
 * and one physical line per record (so a row's line is its position + 2) —
 * every other member is left out (returned in `rest`) and staged alone, with
 * the per-file path's exact line numbers, reader rejects and quarantine rules.
 * When the group read itself fails, every member is left to the per-file path.
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
  // Scans were started by stageNewVersions; a file with long lines is read alone (copied without them).
  const scans = await Promise.all(members.map((m) => takeCsvScan(m.absPath, MAX_LINE_BYTES).catch(() => undefined)));
  const readable: { member: GroupMember; physicalLines: number; readPath: string }[] = [];
  const rest: GroupMember[] = [];
  const readDir = PrivateReadDir.create();
  const stagedTable = `staged_group_${groupId}`;
  const filesTable = `files_group_${groupId}`;
  const rejectsTable = `rejects_group_${groupId}`;
  const fileCol = internal('file');
  try {
    const toRead: { member: GroupMember; physicalLines: number; baseName: string }[] = [];
    members.forEach((member, i) => {
      const scan = scans[i];
      if (!scan || scan.longLines.length > 0) rest.push(member);
      else toRead.push({ member, physicalLines: scan.physicalLines, baseName: `input_${i}.csv` });
    });
    // A producer's file name never reaches SQL (DuckDB would read it as a glob): plain-named links.
    const links = await readDir.linkAll(toRead.map((r) => ({ absPath: r.member.absPath, baseName: r.baseName })));
    toRead.forEach((r, i) => readable.push({ member: r.member, physicalLines: r.physicalLines, readPath: links[i]! }));
    if (readable.length < 2) return { staged, rest: members };
    const types = columns.map((c) => `${quotedString(c)}: 'VARCHAR'`);
    // The reader's file column takes a name none of the file's columns has; staging sees INTERNAL.file.
    const readerFile = freeColumnName(INTERNAL.file, columns);
    await w.run('DROP TABLE IF EXISTS reject_errors');
    await w.run('DROP TABLE IF EXISTS reject_scans');
    await w.run(`DROP TABLE IF EXISTS ${stagedTable}`);
    try {
      await w.run(`
        CREATE OR REPLACE TEMP VIEW incoming AS SELECT ${plan.select.join(', ')}, ${quotedIdentifier(readerFile)} AS ${fileCol}
        FROM read_csv([${readable.map((r) => quotedString(r.readPath)).join(', ')}], ${CSV_DIALECT}, auto_detect = false,
                      columns = {${types.join(', ')}}, null_padding = false, store_rejects = true,
                      filename = ${quotedString(readerFile)})`);
      await w.run(`CREATE TEMP TABLE ${stagedTable} AS ${sql.render(spec.stagingSql)}`);
    } catch {
      await w.run(`DROP TABLE IF EXISTS ${stagedTable}`);
      return { staged, rest: members };
    }
    // Per file: its rows (contiguous rowids, in file order), value rejects, and reader rejects.
    const facts = await w.all<{ f: string; n: bigint; lo: bigint; hi: bigint; rej: bigint }>(`
      SELECT ${fileCol} AS f, count(*) AS n, min(rowid) AS lo, max(rowid) AS hi,
             count(*) FILTER (WHERE ${internal('rejectReason')} IS NOT NULL) AS rej
      FROM ${stagedTable} GROUP BY 1`);
    const readerRejects = await w.all<{ f: string }>(`
      SELECT DISTINCT s.file_path AS f FROM reject_errors e JOIN reject_scans s ON s.scan_id = e.scan_id AND s.file_id = e.file_id`);
    const byPath = new Map(facts.map((f) => [f.f, f]));
    const withReaderRejects = new Set(readerRejects.map((r) => r.f));
    const ok: { member: GroupMember; readPath: string; rows: number; rejected: number; firstRow: bigint }[] = [];
    for (const r of readable) {
      const f = byPath.get(r.readPath);
      const rows = f ? Number(f.n) : 0;
      const contiguous = !f || Number(f.hi - f.lo) + 1 === rows;
      // Every physical line after the header is one record the reader returned: nothing spans lines or vanished.
      if (withReaderRejects.has(r.readPath) || !contiguous || r.physicalLines !== rows + 1) rest.push(r.member);
      else ok.push({ member: r.member, readPath: r.readPath, rows, rejected: f ? Number(f.rej) : 0, firstRow: f ? f.lo : 0n });
    }
    if (ok.length < readable.length) {
      const keep = new Set(ok.map((o) => o.readPath));
      const drop = readable.filter((r) => !keep.has(r.readPath)).map((r) => quotedString(r.readPath));
      await w.run(`DELETE FROM ${stagedTable} WHERE ${fileCol} IN (${drop.join(', ')})`);
    }
    if (ok.length === 0) {
      await w.run(`DROP TABLE IF EXISTS ${stagedTable}`);
      return { staged, rest: members };
    }
    await w.run(`CREATE OR REPLACE TEMP TABLE ${filesTable} (read_path VARCHAR, file_id INTEGER, path VARCHAR, first_row BIGINT)`);
    const bound = bindColumns([
      { type: 'VARCHAR', values: ok.map((o) => o.readPath) },
      { type: 'INTEGER', values: ok.map((o) => o.member.fileId) },
      { type: 'VARCHAR', values: ok.map((o) => o.member.path) },
      { type: 'BIGINT', values: ok.map((o) => o.firstRow) },
    ]);
    await w.run(`INSERT INTO ${filesTable} SELECT unnest($1), unnest($2), unnest($3), unnest($4)`, bound.values, bound.types);
    // Rows the staging SQL rejected, at their physical line (position + 2: header, then one line per record).
    await w.run(`
      CREATE OR REPLACE TEMP TABLE ${rejectsTable} AS
      SELECT m.file_id, m.path, ${quotedString(spec.name)} AS dataset, s.rowid - m.first_row + 2 AS line,
             s.${internal('rejectColumn')} AS column_name, s.${internal('rejectReason')} AS reason,
             to_json(s.${internal('rawRecord')})::VARCHAR AS raw_record, s.${quotedIdentifier(spec.key)}::BIGINT AS key
      FROM ${stagedTable} s JOIN ${filesTable} m ON m.read_path = s.${fileCol}
      WHERE s.${internal('rejectReason')} IS NOT NULL`);
    const group: CsvGroup = { id: groupId, stagedTable, filesTable, rejectsTable, loaded: false };
    for (const o of ok) {
      staged.set(o.member.fileId, { status: 'grouped', rowsRead: o.rows, rowsLoaded: o.rows - o.rejected, rowsRejected: o.rejected, group });
    }
    return { staged, rest };
  } finally {
    await w.run('DROP VIEW IF EXISTS incoming');
    await w.run('DROP TABLE IF EXISTS reject_errors');
    await w.run('DROP TABLE IF EXISTS reject_scans');
    readDir.removeInBackground();
  }
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
    FROM ${group.stagedTable} s JOIN ${group.filesTable} m ON m.read_path = s.${internal('file')}
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
