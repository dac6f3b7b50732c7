import { expect, it } from 'vitest';
import { MAX_REASON_CHARS, shortReason } from '../../pipeline/ingest/shortReason.js';

it('keeps a short reason on one line and caps a long one, saying how much was cut', () => {
  expect(shortReason('cannot read:\n  permission denied')).toBe('cannot read: permission denied');
  const long = shortReason('x'.repeat(1000));
  expect(long.length).toBeLessThanOrEqual(MAX_REASON_CHARS);
  expect(long).toMatch(/… \(740 more characters\)$/);
});
