/**
 * SQL text without its `--` line comments and block comments (quoted text
 * kept as written: 'strings' and "identifiers", a doubled quote inside them
 * included), trimmed at both ends. The Spark renderer matches and checks statements on it,
 * so a comment can neither hide a construct nor fake one.
 */
export function stripSqlComments(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === "'" || c === '"') {
      const end = text.indexOf(c, i + 1);
      const stop = end < 0 ? text.length : end + 1;
      out += text.slice(i, stop);
      i = stop;
    } else if (c === '-' && text[i + 1] === '-') {
      const end = text.indexOf('\n', i);
      i = end < 0 ? text.length : end;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      out += ' ';
      i = end < 0 ? text.length : end + 2;
    } else {
      out += c;
      i++;
    }
  }
  // (quoted text is never touched: no per-line trimming, a literal may span lines)
  return out.trim();
}

/** The text with every 'string' and "identifier" replaced by blanks of its length (for scanning code only). */
export function blankQuoted(text: string): string {
  return text.replace(/'[^']*'|"[^"]*"/g, (q) => ' '.repeat(q.length));
}
