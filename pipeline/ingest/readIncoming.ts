import type { DatasetSpec } from './datasets.js';
import { ident, literal, type Warehouse } from '../warehouse/Warehouse.js';
import { normalizeColumnName } from './normalizeColumnName.js';

/**
 * Reads one file, every value as text, into the temp table `incoming_raw`
 * (file order kept: rowid = row order in the file). Rows the reader itself
 * cannot split (wrong field count, broken quoting, bad UTF-8) are left in
 * the temp table `incoming_structural_rejects(line, column_name, reason, raw_record)`.
 * Throws when the file cannot be read at all.
 */
export async function readIncoming(w: Warehouse, spec: DatasetSpec, absPath: string): Promise<void> {
  await w.run('DROP TABLE IF EXISTS incoming_raw');
  await w.run('DROP TABLE IF EXISTS incoming_structural_rejects');
  if (spec.format === 'csv') {
    await w.run('DROP TABLE IF EXISTS reject_errors');
    await w.run('DROP TABLE IF EXISTS reject_scans');
    // DuckDB's store_rejects tables are temporary and per scan: copy what we need at once.
    await w.run(`
      CREATE TEMP TABLE incoming_raw AS
      SELECT * FROM read_csv(${literal(absPath)},
        all_varchar = true, header = true, delim = ',', quote = '"', escape = '"',
        auto_detect = true, null_padding = false, store_rejects = true, compression = 'auto')`);
    await w.run(`
      CREATE TEMP TABLE incoming_structural_rejects AS
      SELECT line::BIGINT AS line,
             any_value(column_name) AS column_name,
             string_agg(DISTINCT error_type || ': ' || error_message, '; ') AS reason,
             any_value(csv_line) AS raw_record
      FROM reject_errors
      GROUP BY line`);
  } else {
    await w.run(`
      CREATE TEMP TABLE incoming_json AS
      SELECT json FROM read_json_objects(${literal(absPath)}, format = 'auto')`).catch(
      async (error: unknown) => {
        await w.run('DROP TABLE IF EXISTS incoming_json');
        throw error;
      },
    );
    try {
      const keys = await w.all<{ k: string }>(
        `SELECT DISTINCT unnest(json_keys(json)) AS k FROM incoming_json WHERE json_type(json) = 'OBJECT' ORDER BY k`,
      );
      // JSON records are schemaless one by one: keys that mean the same column
      // (e.g. "Number of employees" / "Number of Employees") are coalesced.
      const groups = new Map<string, string[]>();
      for (const { k } of keys) {
        const name = normalizeColumnName(spec, k);
        const lower = name.toLowerCase();
        groups.set(lower, [...(groups.get(lower) ?? []), k]);
      }
      const cols = [...groups.values()].map((ks) => {
        const exprs = ks.map((k) => `json ->> ${literal(k)}`);
        const value = exprs.length === 1 ? exprs[0]! : `coalesce(${exprs.join(', ')})`;
        return `${value} AS ${ident(normalizeColumnName(spec, ks[0]!))}`;
      });
      await w.run(`
        CREATE TEMP TABLE incoming_raw AS
        SELECT ${cols.length ? cols.join(', ') : 'NULL::VARCHAR AS "Customer_ID"'}, json_type(json) = 'OBJECT' AS _is_object,
               json AS _raw_record
        FROM incoming_json`);
      await w.run(`
        CREATE TEMP TABLE incoming_structural_rejects AS
        SELECT (rowid + 1)::BIGINT AS line, NULL::VARCHAR AS column_name,
               'record is not a JSON object' AS reason, _raw_record::VARCHAR AS raw_record
        FROM incoming_raw WHERE NOT _is_object`);
      await w.run('DELETE FROM incoming_raw WHERE NOT _is_object');
    } finally {
      await w.run('DROP TABLE IF EXISTS incoming_json');
    }
  }
}
