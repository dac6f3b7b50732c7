import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { bindColumns } from '../../pipeline/warehouse/bindColumns.js';

// Rows bound as one LIST parameter per column (the ledger, batch_files, a group's
// file list): every value comes back as written, rows line up, NULLs stay NULL.
describe('bindColumns', () => {
  it('binds any values as written, row by row, in one statement', async () => {
    const db = await DuckDBInstance.create(':memory:');
    const c = await db.connect();
    try {
      await c.run('CREATE TABLE t (i INTEGER, s VARCHAR, b BIGINT)');
      const texts = ["it's", 'a\u0000nul', '"quoted"', null, '$1', 'ünï €', ''];
      const big = [2n ** 62n, -1, 0, null, 9_007_199_254_740_993n, 5, 6];
      const { values, types } = bindColumns([
        { type: 'INTEGER', values: texts.map((_, i) => i) },
        { type: 'VARCHAR', values: texts },
        { type: 'BIGINT', values: big },
      ]);
      await c.run('INSERT INTO t SELECT unnest($1), unnest($2), unnest($3)', values, types);
      const rows = (await c.runAndReadAll('SELECT i, s, b FROM t ORDER BY i')).getRows();
      expect(rows).toEqual(texts.map((s, i) => [i, s, big[i] === null ? null : BigInt(big[i]!)]));
    } finally {
      c.closeSync();
      db.closeSync();
    }
  });

  it('refuses columns of different lengths and a BIGINT that is not a whole number', () => {
    expect(() => bindColumns([{ type: 'INTEGER', values: [1, 2] }, { type: 'VARCHAR', values: ['a'] }])).toThrow(/columns of 2 and 1 values/);
    expect(() => bindColumns([{ type: 'BIGINT', values: [1.5] }])).toThrow(RangeError);
  });
});
