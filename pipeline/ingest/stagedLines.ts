import { quotedString } from '../warehouse/duckdbApi.js';
import type { Warehouse } from '../warehouse/Warehouse.js';
import { internal } from './internalColumns.js';
import { mapCsvRecordLines } from './mapCsvRecordLines.js';
import type { PrivateReadDir } from './privateReadDir.js';
import type { IncomingSource } from './readIncoming.js';

/**
 * Where a staged row (rowid k) sits in its file:
 * - plain: line k + firstLine (nothing between records);
 * - gaps:  the reader rejected records in between; temp table `table(pos, cum)`
 *          holds, per reader reject, the staged position it precedes and how
 *          many rejects there are up to it (line = k + firstLine + cum);
 * - map:   records and physical lines differ (quoted fields spanning lines,
 *          blank lines); `table(pos, line)` holds every staged row's line, and
 *          temp table incoming_line_map(reader_line, physical_line) the
 *          reader's numbering of its rejects.
 */
export type StagedLines = { kind: 'plain'; firstLine: number } | { kind: 'gaps' | 'map'; firstLine: number; table: string };

/**
 * Works out the physical line of every staged row and proves every line is
 * accounted for: returns why the file must be quarantined when the reader
 * consumed records it neither returned nor rejected.
 */
export async function buildStagedLines(
  w: Warehouse,
  source: IncomingSource,
  fileId: number,
  records: { staged: number; rejectedByReader: number },
  readDir: PrivateReadDir,
): Promise<StagedLines | { quarantine: string }> {
  const { firstLine } = source;
  const seen = records.staged + records.rejectedByReader;
  const csv = source.csvLines;
  // CSV with one physical line per record (plus the header): nothing spans lines, nothing vanished.
  if (csv && csv.physicalLines !== seen + 1) {
    const mapFile = readDir.file('line_map.csv');
    const inFile = await mapCsvRecordLines(csv.readPath, mapFile);
    if (inFile !== seen) {
      return {
        quarantine:
          `the CSV reader returned or rejected ${seen} of the file's ${inFile} records; ` +
          `quarantined so that no row goes missing (check quoting)`,
      };
    }
    await w.run(`
      CREATE OR REPLACE TEMP TABLE incoming_line_map AS
      SELECT * FROM read_csv(${quotedString(mapFile)}, header = true, auto_detect = false,
                             columns = {'reader_line': 'BIGINT', 'physical_line': 'BIGINT'})`);
    const table = `lines_${fileId}`;
    // Staged row k is the k-th record the reader did not reject.
    await w.run(`
      CREATE OR REPLACE TEMP TABLE ${table} AS
      SELECT row_number() OVER (ORDER BY m.reader_line) - 1 AS pos, m.physical_line AS line
      FROM incoming_line_map m ANTI JOIN incoming_structural_rejects r ON r.line = m.reader_line`);
    return { kind: 'map', firstLine, table };
  }
  if (records.rejectedByReader === 0) return { kind: 'plain', firstLine };
  const table = `gaps_${fileId}`;
  await w.run(`
    CREATE OR REPLACE TEMP TABLE ${table} AS
    SELECT pos, max(cum) AS cum   -- rejects in a row share a position: the last counts them all
    FROM (SELECT line - ${firstLine} - (row_number() OVER (ORDER BY line) - 1) AS pos,
                 row_number() OVER (ORDER BY line) AS cum
          FROM incoming_structural_rejects)
    GROUP BY pos`);
  return { kind: 'gaps', firstLine, table };
}

/**
 * SQL to number staged rows: `from` replaces `FROM <staged> s` (s gets `pos`,
 * the staged rowid, as INTERNAL.position) and `line` is each row's physical line.
 */
export function stagedRowsWithLines(lines: StagedLines, stagedTable: string): { from: string; line: string; pos: string } {
  const p = internal('position');
  const pos = `s.${p}`;
  const rows = `(SELECT rowid AS ${p}, * FROM ${stagedTable}) s`;
  if (lines.kind === 'plain') return { from: rows, line: `${pos} + ${lines.firstLine}`, pos };
  if (lines.kind === 'gaps') {
    return { from: `${rows} ASOF LEFT JOIN ${lines.table} g ON ${pos} >= g.pos`, line: `${pos} + ${lines.firstLine} + coalesce(g.cum, 0)`, pos };
  }
  return { from: `${rows} JOIN ${lines.table} g ON g.pos = ${pos}`, line: 'g.line', pos };
}

/** SQL for the physical line of a reader reject `r` (incoming_structural_rejects). */
export function readerRejectLines(lines: StagedLines): { join: string; line: string } {
  if (lines.kind !== 'map') return { join: '', line: 'r.line' };
  return { join: 'LEFT JOIN incoming_line_map m ON m.reader_line = r.line', line: 'coalesce(m.physical_line, r.line)' };
}

/** Drops the line tables of a staged file. */
export async function dropStagedLines(w: Warehouse, lines: StagedLines): Promise<void> {
  if (lines.kind !== 'plain') await w.run(`DROP TABLE IF EXISTS ${lines.table}`);
}
