import { afterEach, describe, expect, it } from 'vitest';
import { PipelineError } from '../pipeline/errors/PipelineError.js';
import { maskSecrets } from '../pipeline/errors/maskSecrets.js';
import { clientConfig, describeSettings, parseConnectionString } from '../pipeline/export/parseConnectionString.js';
import { describeConnection, resolvePostgresTarget } from '../pipeline/export/postgresTarget.js';
import { cli, makeWorkspace, type Workspace } from './support/fixtures.js';
import { pgUrl, uniqueSchema, withPg } from './support/postgres.js';

const SECRET = 'Zq7Secret';

// Every form a DATABASE_URL / --postgres takes, with the password each must yield.
const FORMS: [string, string, { host: string; port: number; user?: string; database?: string; password: string }][] = [
  ['postgresql:// URL', `postgresql://app:${SECRET}@db.example:6543/analytics`, { host: 'db.example', port: 6543, user: 'app', database: 'analytics', password: SECRET }],
  ['postgres:// URL without port', `postgres://app:${SECRET}@db.example/analytics`, { host: 'db.example', port: 5432, user: 'app', database: 'analytics', password: SECRET }],
  ['scheme-less user:pw@host:port/db', `app:${SECRET}@db.example:5432/analytics`, { host: 'db.example', port: 5432, user: 'app', database: 'analytics', password: SECRET }],
  ['URL-encoded / # @ :', `postgresql://app:${SECRET}%2F%23%40%3A@db.example:5432/analytics`, { host: 'db.example', port: 5432, user: 'app', database: 'analytics', password: `${SECRET}/#@:` }],
  ['raw / in the password', `postgresql://app:${SECRET}/x@db.example:5432/analytics`, { host: 'db.example', port: 5432, user: 'app', database: 'analytics', password: `${SECRET}/x` }],
  ['raw # in the password', `postgresql://app:${SECRET}#x@db.example:5432/analytics`, { host: 'db.example', port: 5432, user: 'app', database: 'analytics', password: `${SECRET}#x` }],
  ['raw @ and : in the password', `postgresql://app:${SECRET}@x:y@db.example:5432/analytics`, { host: 'db.example', port: 5432, user: 'app', database: 'analytics', password: `${SECRET}@x:y` }],
  ['scheme-less, raw / # @ :', `app:${SECRET}/#@:@db.example/analytics`, { host: 'db.example', port: 5432, user: 'app', database: 'analytics', password: `${SECRET}/#@:` }],
  ['key=value', `host=db.example port=5433 user=app password=${SECRET} dbname=analytics`, { host: 'db.example', port: 5433, user: 'app', database: 'analytics', password: SECRET }],
  ['key=value, quoted with spaces', `host=db.example user=app password='${SECRET} a\\'b' dbname=analytics`, { host: 'db.example', port: 5432, user: 'app', database: 'analytics', password: `${SECRET} a'b` }],
  ['password as a query parameter', `postgresql://app@db.example/analytics?password=${SECRET}&sslmode=disable`, { host: 'db.example', port: 5432, user: 'app', database: 'analytics', password: SECRET }],
];

describe('connection strings are parsed once and never shown with their password', () => {
  it.each(FORMS)('parses %s', (_name, text, expected) => {
    const s = parseConnectionString(text, 'DATABASE_URL');
    expect({ host: s.host, port: s.port, user: s.user, database: s.database, password: s.password }).toEqual(expected);
    const config = clientConfig(s);
    expect(config).toMatchObject({ host: expected.host, port: expected.port, password: expected.password });
    expect(describeSettings(s)).not.toContain(SECRET);
    expect(describeConnection(text)).not.toContain(SECRET);
  });

  it.each(FORMS)('masks the password of %s in any message', (_name, text) => {
    // fresh text, as an error from elsewhere might quote it
    expect(maskSecrets(`could not connect to ${text}: ECONNREFUSED`)).not.toContain(SECRET);
    expect(maskSecrets(`DATABASE_URL="${text}"`)).not.toContain(SECRET);
  });

  it('masks the patterns even for passwords never parsed', () => {
    expect(maskSecrets('failed: postgresql://u:Never1/#@x@h:5/d')).toBe('failed: postgresql://u:****@h:5/d');
    expect(maskSecrets('failed: u:Never2@h:5432/d refused')).toBe('failed: u:****@h:5432/d refused');
    expect(maskSecrets("conninfo host=h password='Nev er3' user=u")).toBe('conninfo host=h password=**** user=u');
    expect(maskSecrets('connect ECONNREFUSED 127.0.0.1:5432')).toBe('connect ECONNREFUSED 127.0.0.1:5432');
  });

  it.each([
    ['port out of range', `postgresql://app:${SECRET}@db.example:70000/analytics`, /port "70000"/],
    ['a port that is not a number', `app:${SECRET}@db.example:x5/analytics`, /port "x5"/],
    ['another scheme', `mysql://app:${SECRET}@db.example/analytics`, /scheme "mysql:\/\/"/],
    ['garbage key=value', `host=db.example password=${SECRET} 'dangling`, /key=value/],
    ['empty', '   ', /empty/],
  ])('an invalid string (%s) is CONFIG_INVALID naming the setting, without the password', (_name, text, why) => {
    let error: unknown;
    try {
      resolvePostgresTarget({}, { DATABASE_URL: text });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PipelineError);
    expect((error as PipelineError).code).toBe('CONFIG_INVALID');
    expect((error as PipelineError).exitCode).toBe(2);
    expect((error as PipelineError).message).toMatch(/^DATABASE_URL /);
    expect((error as PipelineError).message).toMatch(why);
    expect((error as PipelineError).message).not.toContain(SECRET);
    expect(() => resolvePostgresTarget({ postgres: text }, {})).toThrowError(/^--postgres /);
  });

  it('a plain-word password ("postgres") is masked in the URL without blanking every "postgres" of a message', () => {
    const s = parseConnectionString('postgres://postgres:postgres@localhost/postgres', 'DATABASE_URL');
    expect(describeSettings(s)).toBe('postgresql://postgres@localhost:5432/postgres');
    expect(maskSecrets(`export to Postgres at ${describeSettings(s)} failed`)).toBe('export to Postgres at postgresql://postgres@localhost:5432/postgres failed');
    expect(maskSecrets('postgres://postgres:postgres@localhost/postgres')).toBe('postgres://postgres:****@localhost/postgres');
  });

  it('describeConnection never echoes a string it cannot parse', () => {
    expect(describeConnection(`postgresql://app:${SECRET}@h:99999/d`)).not.toContain(SECRET);
    expect(describeConnection(`mysql://app:${SECRET}@h/d`)).not.toContain(SECRET);
  });
});

describe('CLI with such connection strings', () => {
  let ws: Workspace;
  afterEach(() => ws?.cleanup());
  const seed = () => {
    ws.write('Orders/o.csv', 'Order ID,Customer ID,Order Time,SKU,Quantity,Order Total\n1,1,2024-03-01 10:00:00,A,1,10\n');
    ws.write('Deliveries/d.csv', 'Order ID,Distance(m)\n1,5\n');
    ws.write('Customers/c.json', '[{"Customer ID": 1}]');
  };

  it('status with a scheme-less DATABASE_URL to a closed port: exit 0, the error shown, the password nowhere', () => {
    ws = makeWorkspace('cs-status');
    seed();
    expect(cli(['run', '--data', ws.dataDir, '--warehouse', ws.warehousePath]).code).toBe(0);
    const r = cli(['status', '--warehouse', ws.warehousePath], { DATABASE_URL: `app:${SECRET}@127.0.0.1:9/analytics` });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/postgresql:\/\/app@127\.0\.0\.1:9\/analytics/);
    expect(r.stdout + r.stderr).not.toContain(SECRET);
    const json = cli(['status', '--json', '--warehouse', ws.warehousePath], { DATABASE_URL: `app:${SECRET}@127.0.0.1:9/analytics` });
    expect(JSON.parse(json.stdout).postgres.error).toBeTruthy();
    expect(json.stdout + json.stderr).not.toContain(SECRET);
  });

  it.each([
    ['status', ['status']],
    ['export', ['export']],
    ['run', ['run']],
  ])('%s with an invalid DATABASE_URL (password with a raw "#/", port out of range): exit 2 naming DATABASE_URL, no password', (_name, args) => {
    ws = makeWorkspace('cs-invalid');
    seed();
    if (args[0] !== 'run') expect(cli(['run', '--data', ws.dataDir, '--warehouse', ws.warehousePath]).code).toBe(0);
    const r = cli([...args, '--data', ws.dataDir, '--warehouse', ws.warehousePath], {
      DATABASE_URL: `postgres://app:${SECRET}#/x@127.0.0.1:99999/analytics`,
      PIPELINE_EXPORT: '1',
    });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/CONFIG_INVALID.*DATABASE_URL.*port "99999"/);
    expect(r.stdout + r.stderr).not.toContain(SECRET);
    expect(r.stderr).not.toMatch(/Invalid URL/);
  });

  it('export to an unreachable scheme-less --postgres: exit 4 with host and port, no password', () => {
    ws = makeWorkspace('cs-down');
    seed();
    expect(cli(['run', '--data', ws.dataDir, '--warehouse', ws.warehousePath]).code).toBe(0);
    const r = cli(['export', '--warehouse', ws.warehousePath, '--postgres', `app:${SECRET}/#@:@127.0.0.1:9/analytics`]);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/POSTGRES_UNAVAILABLE.*127\.0\.0\.1:9/);
    expect(r.stdout + r.stderr).not.toContain(SECRET);
  });

  it('a password with raw / # @ : works unencoded, scheme-less and as a URL, against a real server', async () => {
    ws = makeWorkspace('cs-real');
    seed();
    const role = uniqueSchema('csrole');
    const password = `${SECRET}/#@:%x`;
    const base = new URL(pgUrl());
    await withPg(async (c) => {
      await c.query(`CREATE ROLE ${c.escapeIdentifier(role)} LOGIN PASSWORD ${c.escapeLiteral(password)}`);
      await c.query(`GRANT CREATE ON DATABASE ${c.escapeIdentifier(base.pathname.slice(1))} TO ${c.escapeIdentifier(role)}`);
    });
    const schema = uniqueSchema('cs');
    const raw = `${role}:${password}@${base.hostname}:${base.port}${base.pathname}`;
    const r1 = cli(['run', '--data', ws.dataDir, '--warehouse', ws.warehousePath, '--pg-schema', schema], { PIPELINE_EXPORT: '1', DATABASE_URL: raw });
    expect(r1.code, r1.stderr).toBe(0);
    expect(r1.stdout).toMatch(/export: .*1 rows upserted/);
    const r2 = cli(['status', '--warehouse', ws.warehousePath, '--pg-schema', schema, '--postgres', `postgresql://${raw}`]);
    expect(r2.code, r2.stderr).toBe(0);
    expect(r2.stdout).toMatch(/synced to version 1 of 1/);
    expect(r1.stdout + r1.stderr + r2.stdout + r2.stderr).not.toContain(SECRET);
  });
});
