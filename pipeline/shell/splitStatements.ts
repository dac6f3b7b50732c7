/**
 * Splits SQL text at the `;` that end statements, skipping those inside
 * 'strings', "identifiers", $tag$ dollar quotes $tag$, -- line comments and
 * block comments. Returns the complete statements (with their `;`) and the
 * unfinished rest (whitespace-only rest is ''). Pure: the shell feeds it the
 * lines typed so far, scripts their whole text.
 */
export function splitStatements(text: string): { statements: string[]; rest: string } {
  const statements: string[] = [];
  let start = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i]!;
    if (c === "'" || c === '"') {
      const end = text.indexOf(c, i + 1);
      // A doubled quote inside is two adjacent quoted runs: scanning on handles it.
      if (end < 0) break;
      i = end + 1;
    } else if (c === '-' && text[i + 1] === '-') {
      const end = text.indexOf('\n', i);
      if (end < 0) break;
      i = end + 1;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      if (end < 0) break;
      i = end + 2;
    } else if (c === '$' && /^\$[A-Za-z_]*\$/.test(text.slice(i)) && !/[A-Za-z0-9_]/.test(text[i - 1] ?? ' ')) {
      const tag = /^\$[A-Za-z_]*\$/.exec(text.slice(i))![0];
      const end = text.indexOf(tag, i + tag.length);
      if (end < 0) break;
      i = end + tag.length;
    } else if (c === ';') {
      const statement = text.slice(start, i + 1).trim();
      if (statement !== ';') statements.push(statement);
      start = i + 1;
      i++;
    } else {
      i++;
    }
  }
  const rest = text.slice(start);
  return { statements, rest: rest.trim() === '' ? '' : rest };
}
