import { quotedIdentifier } from '../warehouse/duckdbApi.js';

/**
 * Names of the columns the pipeline adds to a file's rows while it reads and
 * stages them (docs/contract.md, "Reserved names"). Each holds a space: column
 * names are normalised before staging (whitespace -> `_`, normalizeColumnName),
 * so no input column can be named so, whatever the file says. The staging SQL
 * (sql/staging/) spells the same names.
 */
export const INTERNAL = {
  /** The record as the file has it (JSON, Parquet) or its fields as text (CSV); kept for rejected rows only. */
  rawRecord: 'pipeline raw record',
  /** Staging output: the column and reason a row is rejected for (NULL: the row is good). */
  rejectColumn: 'pipeline reject column',
  rejectReason: 'pipeline reject reason',
  /** A staged row's position in its file (its rowid). */
  position: 'pipeline position',
  /** The file a row of a multi-file read comes from (its read path; stageCsvGroup). */
  file: 'pipeline file',
} as const;

/** The staging SQL's outputs that are not the file's columns. */
export const STAGING_OUTPUT = new Set<string>([INTERNAL.rawRecord, INTERNAL.rejectColumn, INTERNAL.rejectReason, INTERNAL.file]);

/** `INTERNAL[name]` as a SQL identifier. */
export function internal(name: keyof typeof INTERNAL): string {
  return quotedIdentifier(INTERNAL[name]);
}

/**
 * A name for a column the pipeline adds next to columns named as the producer
 * wrote them (a reader's temp table, before names are normalised): `base`, or
 * `base 2`, `base 3`, … — the first no producer column has (case-insensitively).
 */
export function freeColumnName(base: string, producerColumns: string[]): string {
  const taken = new Set(producerColumns.map((c) => c.toLowerCase()));
  let name = base;
  for (let i = 2; taken.has(name.toLowerCase()); i++) name = `${base} ${i}`;
  return name;
}
