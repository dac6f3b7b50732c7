import { blankQuoted } from './stripSqlComments.js';

/**
 * DuckDB constructs Spark SQL / Delta lack (docs/spark.md; sql/engines/spark/
 * statements.sql rewrites the statement forms it can). Each: what to call it,
 * how to find it in statement text with comments removed and quoted text blanked.
 */
const CONSTRUCTS: { name: string; pattern: RegExp }[] = [
  { name: '* EXCLUDE / * REPLACE (list the columns)', pattern: /\*\s*(EXCLUDE|REPLACE)\s*\(/i },
  { name: 'a :: cast (use CAST(x AS type))', pattern: /::/ },
  { name: 'a TEMP / TEMPORARY TABLE', pattern: /\bTEMP(ORARY)?\s+TABLE\b/i },
  { name: 'TEMP (Spark spells it TEMPORARY)', pattern: /\bTEMP\b/i },
  { name: 'a DELETE with a subquery, USING or EXISTS (Delta: MERGE … WHEN MATCHED THEN DELETE)', pattern: /^\s*DELETE\b[\s\S]*\b(SELECT|USING|EXISTS)\b/i },
  { name: 'getvariable (a run variable the renderer did not rewrite)', pattern: /\bgetvariable\s*\(/i },
  { name: 'a list literal or 1-based [index] (Spark arrays are 0-based)', pattern: /\[/ },
  { name: 'a MACRO (Spark: CREATE TEMPORARY FUNCTION in sql/engines/spark/)', pattern: /\bMACRO\b/i },
  { name: 'SET VARIABLE (Spark: SET VAR)', pattern: /\bSET\s+VARIABLE\b/i },
  { name: 'VARCHAR without a length (Spark: STRING)', pattern: /\bVARCHAR\b(?!\s*\()/i },
  { name: 'HUGEINT', pattern: /\bHUGEINT\b/i },
  { name: 'time_bucket (use window_start)', pattern: /\btime_bucket\s*\(/i },
  { name: 'isfinite', pattern: /\bisfinite\s*\(/i },
  { name: 'regexp_full_match', pattern: /\bregexp_full_match\s*\(/i },
  { name: 'the integer division operator //', pattern: /\/\// },
  { name: 'a DuckDB-only function (arg_max/arg_min/hash/list_*/struct_pack/epoch_*)', pattern: /\b(arg_max|arg_min|hash|list_\w+|struct_pack|epoch_ms|epoch_us)\s*\(/i },
];

/** The first DuckDB-only construct in a statement (comments removed), or undefined. */
export function findDuckdbOnlyConstruct(statement: string): string | undefined {
  const code = blankQuoted(statement);
  return CONSTRUCTS.find((c) => c.pattern.test(code))?.name;
}
