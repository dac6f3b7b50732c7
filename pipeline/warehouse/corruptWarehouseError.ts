import fs from 'node:fs';
import { PipelineError } from '../errors/PipelineError.js';

/**
 * DuckDB messages that mean the file itself is damaged, as seen by overwriting
 * parts of a real warehouse file (test/warehouseCorrupt.test.ts): a block whose
 * checksum does not match (at open for the headers and metadata, else when a
 * table's block is first read or reused by a write), a file that is no DuckDB
 * file at all, a truncated file, and the internal errors and invalidated
 * database that can follow reading garbage.
 */
const CORRUPTION = [
  /Corrupt database file/i,
  /computed checksum \d+ does not match stored checksum/i,
  /is not a valid DuckDB database file/i,
  /Could not read enough bytes from file/i,
  /Could not read .*block/i,
  /INTERNAL Error/,
  /database has been invalidated/i,
];

/**
 * Whether a DuckDB error means the warehouse file is damaged. An error about a
 * file being read as input (a truncated Parquet drop file says "Could not read
 * enough bytes" too) is the input's problem, not the warehouse's: input files
 * are read through a private folder named pipeline-read-* (ingest/privateReadDir.ts).
 */
export function isCorruptionMessage(message: string): boolean {
  if (/pipeline-read-/.test(message)) return false;
  return CORRUPTION.some((pattern) => pattern.test(message));
}

/** Single-quotes a path for a POSIX shell command line. */
function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;
}

/** The exact commands that move a corrupt warehouse (and its WAL, if any) aside. */
export function moveAsideCommand(warehousePath: string, now = new Date()): string {
  const stamp = now.toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
  const aside = `${warehousePath}.corrupt-${stamp}`;
  const commands = [`mv ${shellQuote(warehousePath)} ${shellQuote(aside)}`];
  if (fs.existsSync(`${warehousePath}.wal`)) commands.push(`mv ${shellQuote(`${warehousePath}.wal`)} ${shellQuote(`${aside}.wal`)}`);
  return commands.join(' && ');
}

/**
 * WAREHOUSE_CORRUPT: says that the file is damaged (with DuckDB's own first
 * line), how to recover (move it aside, run again: a run on a fresh warehouse
 * reads the drop folders and <data>/archive/) and what that cannot bring back.
 */
export function corruptWarehouseError(warehousePath: string, cause: unknown): PipelineError {
  const first = (cause instanceof Error ? cause.message : String(cause)).split('\n')[0];
  return new PipelineError(
    'WAREHOUSE_CORRUPT',
    `the warehouse file ${warehousePath} is corrupt (DuckDB: ${first}).\n` +
      `To recover, move it aside and run again:\n` +
      `  ${moveAsideCommand(warehousePath)}\n` +
      `  pipeline run\n` +
      `A run on a fresh warehouse reads the drop folders and <data>/archive/ (where \`run --archive\` moves loaded files), ` +
      `in arrival order (mtime), and rebuilds ecommerce. ` +
      `Lost: the rows of files archived elsewhere or deleted, and retractions (run \`pipeline retract\` again).`,
    { cause },
  );
}
