import { expect, it } from 'vitest';
import { parseAtArg } from '../../pipeline/explain/parseAtArg.js';

it('parseAtArg converts text with an offset or Z to UTC and reads text without one as UTC (the contract time rule)', () => {
  // expected values worked out by hand
  const cases: [string, string][] = [
    ['2024-03-05', '2024-03-05 00:00:00'],
    ['2024-03-05 10:00', '2024-03-05 10:00:00'],
    ['2024-03-05T10:00:00', '2024-03-05 10:00:00'],
    ['2024-03-05 10:00:00.123456789', '2024-03-05 10:00:00.123456'],
    ['2024-03-05T10:00:00Z', '2024-03-05 10:00:00'],
    ['2024-03-05T10:00:00z', '2024-03-05 10:00:00'],
    ['2024-03-05T10:00:00+02:00', '2024-03-05 08:00:00'],
    ['2024-03-05T10:00:00.5+0200', '2024-03-05 08:00:00.5'],
    ['2024-03-05T01:30:00+02', '2024-03-04 23:30:00'],
    ['2024-03-05 23:00:00-05:30', '2024-03-06 04:30:00'],
    ['2024-02-29T23:00:00-01:00', '2024-03-01 00:00:00'],
    ['2024-12-31T23:59:59-00:01', '2025-01-01 00:00:59'],
    ['0001-01-01 00:30:00+01:00', '0000-12-31 23:30:00'],
    [' 2024-03-05 ', '2024-03-05 00:00:00'],
  ];
  for (const [text, utc] of cases) expect(parseAtArg(text), text).toBe(utc);
});

it('parseAtArg refuses what is not an ISO timestamp as USAGE, naming --at', () => {
  for (const text of ['', 'nonsense', '294247-01-10', '2024-02-30', '2023-02-29', '2024-13-01', '2024-03-05 24:00', '2024-03-05 10:60',
    '2024-03-05 10:00:60', '2024-3-5', '0000-01-01', '2024-03-05Z', '2024-03-05T10:00:00+24:00', '2024-03-05T10:00:00 UTC', 'infinity', '2024-03-05 10:00:00 BC']) {
    expect(() => parseAtArg(text), text).toThrow(expect.objectContaining({ code: 'USAGE', message: expect.stringMatching(/^--at .* is not a timestamp/) }));
  }
});
