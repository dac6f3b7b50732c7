import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parseOrderIdArg } from '../../pipeline/explain/parseOrderIdArg.js';
import { SqlSnapshot } from '../../pipeline/warehouse/sqlFiles.js';

// parseOrderIdArg reads CLI input; staging and lineage use the macro parse_order_id
// (sql/migrations/V002__lineage.sql). Both must agree on every input.
const INPUTS = [
  'YR-123,0', '123', ' 42 ', 'YR-0,0', '007', 'YR-123', '123,0', 'YR-12,1', 'yr-12,0', 'YR--1,0', '-5', '1.5', '', 'abc',
  '123456789012345678', '1234567890123456789', '9007199254740991', '9007199254740993', 'YR-9007199254740992,0',
  '999999999999999999', 'YR-999999999999999999,0', '000000000000000001',
];

let instance: DuckDBInstance;
let macro: (text: string) => Promise<bigint | null>;

beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:');
  const c = await instance.connect();
  const v002 = SqlSnapshot.read().files.find((f) => f.name === 'migrations/V002__lineage.sql')!;
  const definition = /CREATE MACRO parse_order_id[\s\S]*?;/.exec(v002.text)![0];
  await c.run(definition);
  macro = async (text) => (await c.runAndReadAll('SELECT parse_order_id($1) AS id', [text])).getRowObjectsJS()[0]!.id as bigint | null;
});
afterAll(() => instance?.closeSync());

it('parseOrderIdArg agrees with the parse_order_id macro on every input, 17- and 18-digit ids exactly', async () => {
  for (const text of INPUTS) {
    const expected = await macro(text);
    if (expected === null) expect(() => parseOrderIdArg(text), text).toThrow(/neither YR-<digits>,0 nor <digits>/);
    else expect(parseOrderIdArg(text), text).toBe(expected);
  }
  // written out by hand: neighbours above 2^53 stay apart, 18 nines is not 10^18
  expect(parseOrderIdArg('9007199254740993')).toBe(9007199254740993n);
  expect(parseOrderIdArg('YR-9007199254740992,0')).toBe(9007199254740992n);
  expect(parseOrderIdArg('999999999999999999')).toBe(999999999999999999n);
});
