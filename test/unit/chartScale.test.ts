import { describe, expect, it } from 'vitest';
import { fitText, formatCompact, niceTicks, plural, tickFormatter } from '../../pipeline/report/chartScale.js';

describe('chart scale', () => {
  it('ticks run from 0 to a nice maximum at least max, in 1/2/5 x 10^k steps', () => {
    expect(niceTicks(9)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(niceTicks(0)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(3, 5, true)).toEqual([0, 1, 2, 3]);
  });

  it('formats numbers compactly and one axis in one unit', () => {
    expect(formatCompact(950)).toBe('950');
    expect(formatCompact(12345)).toBe('12.3k');
    expect(formatCompact(4_560_000)).toBe('4.56M');
    const f = tickFormatter([0, 5000, 10000, 15000]);
    expect([0, 5000, 15000].map(f)).toEqual(['0', '5k', '15k']);
    expect(plural('order', 1)).toBe('1 order');
    expect(plural('order', 1200)).toBe('1,200 orders');
  });

  it('fits text into a width, cutting with an ellipsis', () => {
    expect(fitText('short', 1000, 12)).toBe('short');
    const cut = fitText('a very long customer name indeed', 60, 12);
    expect(cut.endsWith('…')).toBe(true);
    expect(cut.length).toBeLessThan(32);
  });
});
