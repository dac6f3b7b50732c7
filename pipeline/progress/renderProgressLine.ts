import type { ProgressUnit } from './ProgressReporter.js';

export interface StageSnapshot {
  name: string;
  unit: ProgressUnit;
  done: number;
  total?: number;
  /** Seconds since the stage started. */
  elapsed: number;
}

function amount(n: number, unit: ProgressUnit): string {
  if (unit === 'bytes') return n >= 1e9 ? `${(n / 1e9).toFixed(2)} GB` : `${(n / 1e6).toFixed(1)} MB`;
  if (unit === 'rows') return n >= 1e6 ? `${(n / 1e6).toFixed(2)}M rows` : `${Math.round(n)} rows`;
  return `${n.toFixed(0)}%`;
}

function duration(s: number): string {
  if (!Number.isFinite(s)) return '?';
  if (s < 60) return `${Math.ceil(s)}s`;
  return `${Math.floor(s / 60)}m${String(Math.ceil(s % 60)).padStart(2, '0')}s`;
}

/**
 * One stage as one terminal line: name, bar, share, amounts, rate and ETA
 * (from the rate so far), cut to `width`. Pure.
 */
export function renderProgressLine(s: StageSnapshot, width: number): string {
  const parts = [s.name];
  if (s.total !== undefined && s.total > 0) {
    const share = Math.min(1, Math.max(0, s.done / s.total));
    const bar = 16;
    const full = Math.round(share * bar);
    parts.push(`[${'█'.repeat(full)}${'░'.repeat(bar - full)}] ${(share * 100).toFixed(0).padStart(3)}%`);
    if (s.unit !== 'percent') parts.push(`${amount(s.done, s.unit)} / ${amount(s.total, s.unit)}`);
    const rate = s.elapsed > 0 ? s.done / s.elapsed : 0;
    if (rate > 0 && s.unit !== 'percent') parts.push(`${amount(rate, s.unit)}/s`);
    if (rate > 0 && share < 1) parts.push(`ETA ${duration((s.total - s.done) / rate)}`);
  } else if (s.done > 0) {
    parts.push(amount(s.done, s.unit));
  }
  parts.push(duration(s.elapsed));
  const line = parts.join('  ');
  const chars = [...line];
  return chars.length < width ? line : `${chars.slice(0, Math.max(0, width - 2)).join('')}…`;
}
