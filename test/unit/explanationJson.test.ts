import { expect, it } from 'vitest';
import { explanationJson } from '../../pipeline/explain/explanationJson.js';

it('explanationJson prints every digit of an id: a number up to 2^53 - 1, a string above', () => {
  const text = explanationJson({ ids: [1n, 9007199254740991n, 9007199254740992n, 9007199254740993n, 999999999999999999n] });
  expect(text).toContain('"9007199254740993"');
  expect(text).toContain('"999999999999999999"');
  expect(JSON.parse(text)).toEqual({ ids: [1, 9007199254740991, '9007199254740992', '9007199254740993', '999999999999999999'] });
});

it('explanationJson escapes the control characters JSON.stringify leaves raw (DEL, C1, bidi overrides): same value, nothing a terminal acts on', () => {
  const value = { path: 'Orders/\x1b]0;pwned\x07.csv', reason: 'a\x7fb\x9b31mc\u202ed' };
  const text = explanationJson(value);
  expect(text).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e]/);
  expect(text).toContain('\\u001b]0;pwned\\u0007');
  expect(text).toContain('\\u009b');
  expect(JSON.parse(text)).toEqual(value);
});
