import { PipelineError } from '../errors/PipelineError.js';

// date, then optionally T or space, time (seconds and fraction optional), and an offset or Z
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:(Z)|([+-])(\d{2})(?::?(\d{2}))?)?)?$/i;

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/**
 * `explain --at` as a UTC timestamp text DuckDB casts exactly
 * ('2024-03-05 08:00:00', fraction kept to the microsecond). The contract's
 * time rule (docs/contract.md, Orders): ISO 8601 with a space or `T`, optional
 * fractional seconds; text with an offset or `Z` is converted to UTC, text
 * without one is UTC already. A date alone is its midnight. Anything else, an
 * impossible date (2024-02-30) or a year outside 0001..9999 is a USAGE error.
 */
export function parseAtArg(text: string): string {
  const m = ISO.exec(text.trim());
  const bad = () =>
    new PipelineError(
      'USAGE',
      `--at ${JSON.stringify(text)} is not a timestamp: give ISO 8601, e.g. 2024-03-05, 2024-03-05 10:00:00 or 2024-03-05T10:00:00+02:00 (no offset: UTC)`,
    );
  if (!m) throw bad();
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i] ?? 0)) as [number, number, number, number, number, number];
  const fraction = (m[7] ?? '').slice(0, 6); // DuckDB keeps microseconds
  const offsetMinutes = m[9] ? (m[9] === '-' ? -1 : 1) * (Number(m[10]) * 60 + Number(m[11] ?? 0)) : 0;
  if (year < 1 || hour > 23 || minute > 59 || second > 59 || Number(m[10] ?? 0) > 23 || Number(m[11] ?? 0) > 59) throw bad();
  // setUTCFullYear: Date.UTC would read years 0..99 as 1900..1999
  const t = new Date(0);
  t.setUTCFullYear(year, month - 1, day);
  t.setUTCHours(hour, minute, second, 0);
  if (t.getUTCFullYear() !== year || t.getUTCMonth() !== month - 1 || t.getUTCDate() !== day) throw bad();
  const utc = new Date(t.getTime() - offsetMinutes * 60_000);
  const date = `${pad(utc.getUTCFullYear(), 4)}-${pad(utc.getUTCMonth() + 1)}-${pad(utc.getUTCDate())}`;
  const time = `${pad(utc.getUTCHours())}:${pad(utc.getUTCMinutes())}:${pad(utc.getUTCSeconds())}`;
  return `${date} ${time}${fraction ? `.${fraction}` : ''}`;
}
