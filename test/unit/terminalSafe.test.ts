import { expect, it } from 'vitest';
import { terminalSafe } from '../../pipeline/cli/terminalSafe.js';

it('prints ESC and the sequences it starts (an OSC retitle, a CSI colour) as visible text', () => {
  expect(terminalSafe('orders\x1b]0;pwned\x07.csv')).toBe('orders\\x1b]0;pwned\\x07.csv');
  expect(terminalSafe('SKU-\x1b[31mred')).toBe('SKU-\\x1b[31mred');
  expect(terminalSafe('\x1b[2J\x1b[H')).toBe('\\x1b[2J\\x1b[H');
});

it('escapes every C0 control but tab and newline, DEL and every C1 control', () => {
  for (let code = 0; code <= 0x9f; code++) {
    const c = String.fromCharCode(code);
    const out = terminalSafe(`a${c}b`);
    const control = code < 0x20 || code >= 0x7f;
    if (c === '\t' || c === '\n') expect(out).toBe(`a${c}b`);
    else if (control) expect(out).toBe(`a\\x${code.toString(16).padStart(2, '0')}b`);
    else expect(out).toBe(`a${c}b`);
  }
  expect(terminalSafe('\r\b\x00\x7f\x9b\x9d')).toBe('\\x0d\\x08\\x00\\x7f\\x9b\\x9d');
});

it('escapes the bidi overrides and isolates that make a line read differently from what it holds', () => {
  expect(terminalSafe('invoice\u202egpj.exe')).toBe('invoice\\u202egpj.exe');
  expect(terminalSafe('\u202a\u202b\u202c\u202d\u2066\u2067\u2068\u2069')).toBe('\\u202a\\u202b\\u202c\\u202d\\u2066\\u2067\\u2068\\u2069');
});

it('leaves ordinary text alone: accents, CJK, emoji, box drawing, backslashes, tabs and newlines', () => {
  for (const s of ['Ünïcødé café', '顧客 名前', '📦 parcel', '┌─┐ │ … ─', 'C:\\data\\x.csv', 'a\tb\nc', '', 'NULL']) {
    expect(terminalSafe(s)).toBe(s);
  }
  // No control character is left in the output, whatever the input.
  const all = Array.from({ length: 0x2100 }, (_, i) => String.fromCharCode(i)).join('');
  expect(terminalSafe(all)).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/);
});
