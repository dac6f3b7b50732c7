import { expect, it } from 'vitest';
import { splitStatements } from '../../pipeline/shell/splitStatements.js';

it('splits at the ; ending statements, not those in strings, identifiers, comments or dollar quotes', () => {
  expect(splitStatements("select 1; select ';' as x;")).toEqual({ statements: ['select 1;', "select ';' as x;"], rest: '' });
  expect(splitStatements('select "a;b" from t; -- c;\nselect 2;').statements).toHaveLength(2);
  expect(splitStatements('/* ; */ select 1;').statements).toEqual(['/* ; */ select 1;']);
  expect(splitStatements('select $x$ ; $x$;').statements).toEqual(['select $x$ ; $x$;']);
});

it('returns the unfinished rest; whitespace-only rest is empty', () => {
  expect(splitStatements('select 1; select')).toEqual({ statements: ['select 1;'], rest: ' select' });
  expect(splitStatements("select 'open;").statements).toEqual([]);
  expect(splitStatements('select 1;   \n').rest).toBe('');
});
