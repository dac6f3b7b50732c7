import { quotedIdentifier } from './duckdbApi.js';
import { runDataTests } from '../run/runDataTests.js';
import { consistencyProbe, REPAIR_ADVICE } from './consistencyProbe.js';
import { SqlSnapshot } from './sqlFiles.js';
import type { Warehouse } from './Warehouse.js';

export interface IntegrityReport {
  tables: number;
  rows: number;
  seconds: number;
}

/**
 * Reads every block of every table: hashing every column of every row makes
 * DuckDB load (and verify the checksum of) each data block; a damaged one
 * throws WAREHOUSE_CORRUPT (see Warehouse). Costs a full scan — about as long
 * as a full recompute reads — so `status` runs it only on small warehouses and
 * `check --integrity` on demand. (Corruption in free space is found only when
 * a write reuses it; runs then fail with WAREHOUSE_CORRUPT.)
 */
export async function checkIntegrity(w: Warehouse): Promise<IntegrityReport> {
  const started = performance.now();
  const tables = await w.all<{ schema: string; name: string }>(
    `SELECT schema_name AS schema, table_name AS name FROM duckdb_tables()
     WHERE database_name = current_database() ORDER BY schema_name, table_name`,
  );
  let rows = 0;
  for (const t of tables) {
    rows += await w.count(`SELECT count(*), bit_xor(hash(COLUMNS(*))) FROM ${quotedIdentifier(t.schema)}.${quotedIdentifier(t.name)}`);
  }
  return { tables: tables.length, rows, seconds: (performance.now() - started) / 1000 };
}

/** Up to this size `status` reads the whole warehouse (about 0.5 s per 64 MB on one core). */
export const STATUS_FULL_SCAN_MAX_BYTES = 128 * 1024 * 1024;

export type StatusIntegrity = ({ scanned: true } & IntegrityReport) | { scanned: false; bytes: number; reason: string };

/**
 * The integrity probe of `status`: opening the file already verified its
 * headers and metadata; a warehouse up to STATUS_FULL_SCAN_MAX_BYTES is also
 * read in full (checkIntegrity), a larger one is left to `check --integrity`
 * so that status stays cheap.
 */
export async function statusIntegrity(w: Warehouse, bytes: number): Promise<StatusIntegrity> {
  if (bytes > STATUS_FULL_SCAN_MAX_BYTES) {
    return { scanned: false, bytes, reason: `${(bytes / 1024 ** 2).toFixed(0)} MB: \`pipeline check --integrity\` reads every block` };
  }
  return { scanned: true, ...(await checkIntegrity(w)) };
}

/** Up to this size `status` also runs the data tests of sql/tests/ (above it: the probe only, and `pipeline check`). */
export const STATUS_DATA_TESTS_MAX_BYTES = 32 * 1024 * 1024;

export interface StatusConsistency {
  /** What was checked: the whole data tests, or only the cheap probe (consistencyProbe). */
  checked: 'data tests' | 'probe';
  /** One sentence per problem found (none = consistent). */
  problems: string[];
  /** What repairs them, when there are any. */
  repair: string | null;
  seconds: number;
}

/**
 * The consistency line of `status`: the ledger, raw rows, keyed state and
 * result agree. Always the cheap probe (row counts); on a warehouse up to
 * STATUS_DATA_TESTS_MAX_BYTES also every data test of sql/tests/.
 */
export async function statusConsistency(w: Warehouse, bytes: number): Promise<StatusConsistency> {
  const started = performance.now();
  const problems = await consistencyProbe(w);
  let checked: StatusConsistency['checked'] = 'probe';
  if (bytes <= STATUS_DATA_TESTS_MAX_BYTES) {
    checked = 'data tests';
    for (const t of await runDataTests(w, SqlSnapshot.read().ofKind('tests'))) {
      if (t.failures > 0) problems.push(`sql/${t.name}: ${t.failures} row(s), e.g. ${JSON.stringify(t.sample[0])}`);
    }
  }
  return { checked, problems, repair: problems.length > 0 ? REPAIR_ADVICE : null, seconds: (performance.now() - started) / 1000 };
}
