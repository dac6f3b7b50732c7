import { expect, it } from 'vitest';
import { describeSettings, parseConnectionString } from '../../pipeline/export/parseConnectionString.js';

it('reads URLs, scheme-less and key=value forms; the password runs to the last @', () => {
  expect(parseConnectionString('postgresql://app:p/w#x@y@db:6543/analytics?sslmode=require', '--postgres')).toMatchObject({
    host: 'db', port: 6543, user: 'app', password: 'p/w#x@y', database: 'analytics', params: { sslmode: 'require' },
  });
  expect(parseConnectionString('app:pw@db/analytics', 'DATABASE_URL')).toMatchObject({ host: 'db', port: 5432, password: 'pw' });
  expect(parseConnectionString('host=db port=5433 user=app dbname=x', 'DATABASE_URL')).toMatchObject({ host: 'db', port: 5433, user: 'app' });
  expect(parseConnectionString('postgres://app:%2F%40@[::1]:5432/x', 'x')).toMatchObject({ host: '::1', password: '/@' });
});

it('rejects other schemes and bad ports without echoing the string', () => {
  expect(() => parseConnectionString('mysql://u:secret1@h/x', '--postgres')).toThrow(/--postgres.*mysql:\/\//);
  expect(() => parseConnectionString('postgresql://u:secret2@h:99999/x', 'DATABASE_URL')).toThrow(/DATABASE_URL/);
  expect(() => parseConnectionString('postgresql://u:secret2@h:99999/x', 'DATABASE_URL')).not.toThrow(/secret2/);
  expect(() => parseConnectionString('  ', 'DATABASE_URL')).toThrow(/empty/);
});

it('describes a connection without its password', () => {
  const s = parseConnectionString('postgresql://app:secret3@db:6543/analytics', 'x');
  expect(describeSettings(s)).toBe('postgresql://app@db:6543/analytics');
});
