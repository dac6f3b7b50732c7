import { PipelineError } from '../../errors/PipelineError.js';

/**
 * Spark SQL literals and identifiers for text the pipeline did not write
 * (paths, names, values): never spliced by hand. Spark's default string
 * literals treat a backslash as an escape, so both `\` and `'` are escaped;
 * control characters are refused (a newline in a path is not worth a parser
 * edge case).
 */
export function sparkString(value: string): string {
  if (/[\u0000-\u001f\u007f]/.test(value)) {
    throw new PipelineError('CONFIG_INVALID', `a control character in ${JSON.stringify(value)} cannot be passed to Spark`);
  }
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** A Spark identifier in backticks (a backtick inside is doubled). */
export function sparkIdentifier(name: string): string {
  if (/[\u0000-\u001f\u007f]/.test(name)) {
    throw new PipelineError('CONFIG_INVALID', `a control character in the name ${JSON.stringify(name)} cannot be passed to Spark`);
  }
  return `\`${name.replace(/`/g, '``')}\``;
}

/**
 * A path as a Spark data source reads it: Hadoop expands glob characters in
 * paths given to readers (`*`, `?`, `[`, `{`), so each is escaped with a
 * backslash (GlobPattern's escape); the result goes through sparkString.
 */
export function sparkLiteralPath(p: string): string {
  return sparkString(escapeGlob(p));
}

/** A path with Hadoop's glob characters escaped, read as exactly that path (no pattern). */
export function escapeGlob(p: string): string {
  return p.replace(/[\\*?[\]{}]/g, (c) => `\\${c}`);
}

/** A path-based source name (``binaryFile.`…` ``), read as exactly that path. */
export function sparkPathIdentifier(p: string): string {
  return sparkIdentifier(escapeGlob(p));
}
