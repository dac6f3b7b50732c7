/**
 * Characters a terminal acts on instead of printing: the C0 controls (ESC
 * starts the CSI/OSC sequences that move the cursor, recolour, retitle the
 * window or write the clipboard; CR and BS overwrite what is already shown),
 * DEL, the C1 controls (U+0080..U+009F: U+009B is a one-character CSI, U+009D
 * an OSC, on terminals that read them), and the bidirectional embeddings,
 * overrides and isolates (U+202A..U+202E, U+2066..U+2069), which reorder the
 * rest of the line so it reads differently from what it holds. Tab and line
 * feed are kept: they only move to the next stop or line.
 */
const UNSAFE = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text from data (a file name, a SKU, a customer name, a column name, a
 * database's error message) made safe to print on a terminal, as the HTML
 * report escapes HTML: every control character the terminal would act on
 * prints as a visible escape instead, `\x1b` for ESC, `\x9b` for a C1
 * control, `\u202e` for a bidi override. Tab and newline stay as they are
 * (callers that need one value on one line, as the shell's table cells do,
 * turn those into `\t` and `\n` themselves). Backslashes are not doubled, so
 * ordinary text (a Windows path) prints unchanged; a value holding the four
 * characters `\x1b` prints like one holding ESC, which is harmless.
 */
export function terminalSafe(text: string): string {
  return text.replace(UNSAFE, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16)}`;
  });
}
