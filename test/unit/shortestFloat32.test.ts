import { expect, it } from 'vitest';
import { shortestFloat32 } from '../../pipeline/shell/shortestFloat32.js';

it('prints a float32 with the shortest digits that read back as the same float32', () => {
  expect(shortestFloat32(Math.fround(378.63))).toBe('378.63');
  expect(shortestFloat32(Math.fround(474.9))).toBe('474.9');
  expect(shortestFloat32(Math.fround(0.1))).toBe('0.1');
  expect(Math.fround(Number(shortestFloat32(Math.fround(1 / 3))))).toBe(Math.fround(1 / 3));
});

it('prints non-finite values and zero as a JS number does', () => {
  expect(shortestFloat32(Number.NaN)).toBe('NaN');
  expect(shortestFloat32(-Infinity)).toBe('-Infinity');
  expect(shortestFloat32(0)).toBe('0');
});
