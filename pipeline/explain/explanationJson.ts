/**
 * An explanation as JSON for `explain --json`. An id (bigint) is a JSON number
 * while a JS number holds it exactly (up to 2^53 - 1), else a string of its
 * digits, as the shell's JSON output does: every JSON reader gets every digit.
 * Text from data is printed to a terminal too: JSON.stringify already writes
 * C0 controls as \u001b; DEL, the C1 controls and the bidi overrides are
 * escaped the same way (the same string, in valid JSON).
 */
export function explanationJson(value: unknown): string {
  const text = JSON.stringify(
    value,
    (_key, v: unknown) => (typeof v === 'bigint' ? (v >= -BigInt(Number.MAX_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString()) : v),
    2,
  );
  return text.replace(/[\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
