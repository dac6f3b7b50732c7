import { expect, it } from 'vitest';
import { parseCustomerIdArg } from '../../pipeline/explain/parseCustomerIdArg.js';

it('parseCustomerIdArg takes a 32-bit whole number; an empty value is a USAGE error, not customer 0', () => {
  expect(parseCustomerIdArg('42')).toBe(42);
  expect(parseCustomerIdArg(' +7 ')).toBe(7);
  expect(parseCustomerIdArg('-2147483648')).toBe(-2147483648);
  expect(parseCustomerIdArg('2147483647')).toBe(2147483647);
  for (const text of ['', ' ', '0x10', '1.5', '1e3', '1_000', 'abc', '2147483648', '-2147483649', '99999999999']) {
    expect(() => parseCustomerIdArg(text), JSON.stringify(text)).toThrow(expect.objectContaining({ code: 'USAGE', message: expect.stringMatching(/^--customer .* is not a Customer ID/) }));
  }
});
