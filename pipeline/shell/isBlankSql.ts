/** True when SQL text holds nothing but whitespace, comments and `;` (DuckDB refuses to run it). */
export function isBlankSql(sql: string): boolean {
  return sql.replace(/--[^\n]*/g, '').replace(/\/\*[\s\S]*?\*\//g, '').replace(/;/g, '').trim() === '';
}
