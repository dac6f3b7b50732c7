import { terminalSafe } from './terminalSafe.js';

/**
 * A value from data printed inside one line of a report (a file name, a
 * reason): terminalSafe, and a tab or line feed shows as `\t` / `\n` too, so a
 * file named "a\n  QUARANTINED b" cannot print a line of its own.
 */
export function terminalField(text: string): string {
  return terminalSafe(text).replaceAll('\n', '\\n').replaceAll('\t', '\\t');
}
