/**
 * Numbers and text for the report's charts: nice axis ticks, number formats,
 * and a text-width estimate so labels can be fitted without a browser.
 */

/** Ticks from 0 to a "nice" maximum ≥ max (1, 2 or 5 × 10^k steps). Integer steps when `integer`. */
export function niceTicks(max: number, target = 5, integer = false): number[] {
  const top = Number.isFinite(max) && max > 0 ? max : 1;
  const raw = top / target;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  let step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? 10 * magnitude;
  if (integer) step = Math.max(1, Math.ceil(step));
  const ticks: number[] = [];
  for (let i = 0; ; i++) {
    const v = Number((i * step).toPrecision(12));
    ticks.push(v);
    if (v >= top) break;
  }
  return ticks;
}

const exact = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });
const whole = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });

/** 12345.678 → "12,345.68" (tooltips, tables). */
export function formatExact(v: number): string {
  return exact.format(v);
}

/** `n thing(s)`: plural("order", 1) → "1 order", plural("order", 3) → "3 orders". */
export function plural(word: string, n: number): string {
  return `${whole.format(n)} ${word}${n === 1 ? '' : 's'}`;
}

/** 1234 → "1,234" */
export function formatCount(v: number): string {
  return whole.format(v);
}

/** Short form for labels: 950 → "950", 12345 → "12.3k", 4560000 → "4.56M". */
export function formatCompact(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e9) return `${oneDecimal.format(v / 1e9)}B`;
  if (a >= 1e6) return `${new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 }).format(v / 1e6)}M`;
  if (a >= 1e4) return `${oneDecimal.format(v / 1e3)}k`;
  if (a >= 100) return whole.format(v);
  return exact.format(v);
}

/** Formats every tick of one axis in the same unit (all "k" or all "M"), so labels read consistently. */
export function tickFormatter(ticks: number[]): (v: number) => string {
  const top = Math.max(...ticks.map(Math.abs));
  const unit = (f: (v: number) => string) => (v: number) => (v === 0 ? '0' : f(v));
  if (top >= 1e9) return unit((v) => `${oneDecimal.format(v / 1e9)}B`);
  if (top >= 1e6) return unit((v) => `${oneDecimal.format(v / 1e6)}M`);
  if (top >= 1e4) return unit((v) => `${oneDecimal.format(v / 1e3)}k`);
  return (v) => exact.format(v);
}

const segmenter = new Intl.Segmenter('en', { granularity: 'grapheme' });

function graphemes(text: string): string[] {
  return Array.from(segmenter.segment(text), (s) => s.segment);
}

/** Wide (two-column) characters: CJK, Hangul, fullwidth forms, emoji. */
const WIDE = /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\u{1f300}-\u{1faff}\u{20000}-\u{3fffd}]/u;
const NARROW = /^[\s.,:;'!|ilIjtfr()[\]{}`/\\"-]$/;
const BROAD = /^[<>=+~^*#%&@mwMW_…]$/;

/**
 * Estimated rendered width of `text` in px at `fontSize`. Errs on the wide side
 * for common sans-serif fonts (DejaVu Sans is among the widest), so fitted
 * labels do not overflow.
 */
export function estimateTextWidth(text: string, fontSize: number): number {
  let em = 0;
  for (const g of graphemes(text)) {
    if (WIDE.test(g)) em += 1.05;
    else if (NARROW.test(g)) em += 0.38;
    else if (BROAD.test(g)) em += 0.92;
    else if (/^[A-Z0-9]$/.test(g) || g.length > 1) em += 0.74;
    else em += 0.64;
  }
  return em * fontSize;
}

/**
 * Shortens `text` with an ellipsis until its estimated width fits `maxWidth`;
 * never splits a grapheme (emoji, combining marks). `middle` keeps both ends (paths).
 */
export function fitText(text: string, maxWidth: number, fontSize: number, where: 'end' | 'middle' = 'end'): string {
  if (estimateTextWidth(text, fontSize) <= maxWidth) return text;
  const g = graphemes(text);
  for (let keep = g.length - 1; keep > 0; keep--) {
    const candidate =
      where === 'middle'
        ? `${g.slice(0, Math.ceil(keep / 2)).join('')}…${g.slice(g.length - Math.floor(keep / 2)).join('')}`
        : `${g.slice(0, keep).join('').trimEnd()}…`;
    if (estimateTextWidth(candidate, fontSize) <= maxWidth) return candidate;
  }
  return '…';
}
