import { PipelineError } from '../../errors/PipelineError.js';
import type { SqlSnapshot } from '../../warehouse/sqlFiles.js';
import { stripSqlComments } from './stripSqlComments.js';
import { SPARK_LAKE_FILE } from './renderSparkSql.js';
import { splitStatements } from '../../shell/splitStatements.js';
import { sparkString } from './sparkQuote.js';

/** The lake's statements (sql/engines/spark/lake.sql) for one lake folder or URI. */
export interface SparkLakeSql {
  /** One per lake table, in file order: `CREATE TABLE IF NOT EXISTS name (...) USING delta LOCATION '<lake>/<name>'`. */
  tables: { name: string; statement: string }[];
  /** The session's views over them (ecommerce, current_*): after the tables, in every session. */
  views: string[];
}

/**
 * Reads sql/engines/spark/lake.sql from the run's snapshot and appends each
 * table's location, `<lake>/<name>` (quoted with sparkString, never spliced).
 * Execute the tables inside the lake's database (USE lake_<hash>), then the views.
 */
export function sparkLakeSql(sql: SqlSnapshot, lake: string): SparkLakeSql {
  const file = sql.ofEngine('spark').find((f) => f.name === SPARK_LAKE_FILE);
  if (!file) throw new PipelineError('SQL_FILE_MISSING', `sql/${SPARK_LAKE_FILE} is missing`);
  const root = lake.replace(/\/+$/, '');
  const out: SparkLakeSql = { tables: [], views: [] };
  for (const raw of splitStatements(file.text).statements) {
    const statement = stripSqlComments(raw).replace(/;$/, '').trim();
    if (!statement) continue;
    const table = /^CREATE TABLE IF NOT EXISTS ([A-Za-z_][A-Za-z0-9_]*)\s*\([\s\S]*\)\s*USING delta$/i.exec(statement);
    if (table) {
      const name = table[1]!;
      out.tables.push({ name, statement: `${statement} LOCATION ${sparkString(`${root}/${name}`)}` });
    } else if (/^CREATE OR REPLACE TEMPORARY VIEW /i.test(statement)) {
      out.views.push(statement);
    } else {
      throw new PipelineError('INTERNAL', `sql/${SPARK_LAKE_FILE}: not a lake table (CREATE TABLE IF NOT EXISTS name (...) USING delta) or view: ${statement.slice(0, 80)}`);
    }
  }
  return out;
}
