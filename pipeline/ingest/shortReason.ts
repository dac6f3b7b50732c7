/** The longest reason kept for a quarantined file (status prints it whole). */
export const MAX_REASON_CHARS = 300;

/** Caps a reason at MAX_REASON_CHARS, saying how much was left out. */
export function shortReason(reason: string): string {
  const oneLine = reason.replace(/\s*\n\s*/g, ' ');
  if (oneLine.length <= MAX_REASON_CHARS) return oneLine;
  const cut = MAX_REASON_CHARS - 40;
  return `${oneLine.slice(0, cut)}… (${oneLine.length - cut} more characters)`;
}
