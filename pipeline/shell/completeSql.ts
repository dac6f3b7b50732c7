import type { DuckDBConnection } from '@duckdb/node-api';

/** At most this many candidates are offered (an empty word after FROM lists everything). */
const MAX_CANDIDATES = 200;

/**
 * Completion candidates for the end of `text` (the statement typed so far),
 * from DuckDB's own `sql_auto_complete` (keywords, tables, columns, functions
 * of this warehouse). Returns the word being completed and the candidates that
 * start with it (case-insensitively), best first.
 */
export async function completeSql(connection: DuckDBConnection, text: string): Promise<{ word: string; candidates: string[] }> {
  const reader = await connection.runAndReadAll(
    'SELECT suggestion, suggestion_start FROM sql_auto_complete($1) ORDER BY suggestion_score, suggestion',
    [text],
  );
  const rows = reader.getRowObjectsJS() as { suggestion: string; suggestion_start: number | bigint }[];
  if (rows.length === 0) return { word: '', candidates: [] };
  const start = Number(rows[0]!.suggestion_start);
  const word = text.slice(start);
  const lower = word.toLowerCase();
  const candidates = [...new Set(rows.map((r) => r.suggestion).filter((s) => s.toLowerCase().startsWith(lower)))];
  return { word, candidates: candidates.slice(0, MAX_CANDIDATES) };
}
