import fs from 'node:fs';
import type pg from 'pg';
import { parse, toClientConfig } from 'pg-connection-string';
import { PipelineError } from '../errors/PipelineError.js';
import { rememberSecret } from '../errors/maskSecrets.js';

/**
 * Connection settings parsed once from a connection string: pg.Client gets
 * `clientConfig`, messages get `describe` (never the password).
 */
export interface ConnectionSettings {
  host: string;
  port: number;
  user?: string;
  password?: string;
  database?: string;
  /** Other parameters (sslmode, application_name, options…), passed on to pg. */
  params: Record<string, string>;
}

function invalid(source: string, why: string): PipelineError {
  return new PipelineError('CONFIG_INVALID', `${source} is not a valid Postgres connection string: ${why} (password not shown)`);
}

/** The parameters naming files pg reads when it connects (pg-connection-string reads them with readFileSync). */
const FILE_PARAMS = ['sslrootcert', 'sslcert', 'sslkey'] as const;

/**
 * A file named by sslrootcert / sslcert / sslkey that cannot be read is a
 * CONFIG_INVALID error naming the parameter and the file, not a bare ENOENT
 * from inside pg when it connects.
 */
function checkFileParams(params: Record<string, string>, source: string): void {
  for (const key of FILE_PARAMS) {
    const file = params[key];
    if (file === undefined || file === '' || (key === 'sslrootcert' && file === 'system')) continue;
    try {
      const fd = fs.openSync(file, 'r');
      try {
        if (!fs.fstatSync(fd).isFile()) throw Object.assign(new Error('not a file'), { code: 'EISDIR' });
      } finally {
        fs.closeSync(fd);
      }
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
      const why = code === 'ENOENT' ? 'does not exist' : code === 'EACCES' ? 'may not be read (permission denied)' : code === 'EISDIR' ? 'is not a file' : `cannot be read (${code})`;
      throw new PipelineError('CONFIG_INVALID', `${source}: the ${key} file ${JSON.stringify(file)} ${why} (password not shown)`, { cause: error });
    }
  }
}

function decode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part; // a raw '%' in a password
  }
}

function parsePort(raw: string | undefined, source: string): number {
  if (raw === undefined || raw === '') return 5432;
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > 65535) throw invalid(source, `port "${raw}" is not a number from 1 to 65535`);
  return Number(raw);
}

/** libpq key=value form: host=h port=5432 user=u password='a b' dbname=d */
function parseKeyValue(text: string, source: string): ConnectionSettings {
  const values: Record<string, string> = {};
  const re = /\s*([A-Za-z_]+)\s*=\s*('((?:[^'\\]|\\.)*)'|(\S*))/gy;
  let pos = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    values[m[1]!.toLowerCase()] = m[3] !== undefined ? m[3].replace(/\\(.)/g, '$1') : m[4]!;
    pos = re.lastIndex;
  }
  if (text.slice(pos).trim() !== '') throw invalid(source, 'expected key=value pairs');
  rememberSecret(values.password);
  const { host, hostaddr, port, user, password, dbname, ...params } = values;
  checkFileParams(params, source);
  return {
    host: host || hostaddr || 'localhost',
    port: parsePort(port, source),
    user: user || undefined,
    password,
    database: dbname || undefined,
    params,
  };
}

/**
 * Accepts postgres:// and postgresql:// URLs, the same without a scheme
 * (user:pw@host:5432/db), and libpq key=value strings. The password is whatever
 * lies between the user's ':' and the LAST '@', so unencoded '/', '#', '@', ':'
 * in it work; percent-encoded passwords are decoded. `source` names the setting
 * (--postgres, DATABASE_URL) in the CONFIG_INVALID error for a string that is
 * none of these; the error never contains the string.
 */
export function parseConnectionString(text: string, source: string): ConnectionSettings {
  const trimmed = text.trim();
  if (trimmed === '') throw invalid(source, 'it is empty');
  if (/^[A-Za-z_]+\s*=/.test(trimmed)) return parseKeyValue(trimmed, source);
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(trimmed);
  if (scheme && !/^postgres(ql)?$/i.test(scheme[1]!)) throw invalid(source, `scheme "${scheme[1]}://" (expected postgresql:// or postgres://)`);
  const rest = scheme ? trimmed.slice(scheme[0].length) : trimmed;
  const at = rest.lastIndexOf('@');
  const userinfo = at >= 0 ? rest.slice(0, at) : '';
  const hostpart = at >= 0 ? rest.slice(at + 1) : rest;
  const colon = userinfo.indexOf(':');
  const user = colon >= 0 ? userinfo.slice(0, colon) : userinfo;
  const password = colon >= 0 ? userinfo.slice(colon + 1) : undefined;
  if (password !== undefined) {
    rememberSecret(password);
    rememberSecret(decode(password));
  }
  const m = /^(\[[^\]]*\]|[^:/?#\s]*)(?::([^/?#]*))?(?:\/([^?#]*))?(?:\?([^#]*))?$/.exec(hostpart);
  if (!m) throw invalid(source, 'cannot read host, port and database after the "@"');
  const params: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(m[4] ?? '')) params[k] = v;
  const { password: paramPassword, user: paramUser, host: paramHost, port: paramPort, ...rest2 } = params;
  rememberSecret(paramPassword);
  checkFileParams(rest2, source);
  return {
    host: paramHost || decode(m[1]!).replace(/^\[(.*)\]$/, '$1') || 'localhost',
    port: parsePort(paramPort ?? m[2], source),
    user: paramUser || (user ? decode(user) : undefined),
    password: paramPassword ?? (password !== undefined ? decode(password) : undefined),
    database: m[3] ? decode(m[3]) : undefined,
    params: rest2,
  };
}

/**
 * What pg.Client is given: the parsed fields themselves, so pg never re-parses
 * the original string. Other parameters (sslmode, sslrootcert, application_name,
 * options…) are read by pg's own parser (pg-connection-string), as before.
 */
export function clientConfig(s: ConnectionSettings, extra: pg.ClientConfig = {}): pg.ClientConfig {
  checkFileParams(s.params, 'the Postgres connection'); // a file removed since the string was parsed
  const fromParams = Object.keys(s.params).length > 0 ? toClientConfig(parse(`postgresql://localhost/?${new URLSearchParams(s.params)}`)) : {};
  const { host: _h, port: _p, user: _u, password: _pw, database: _d, ...other } = fromParams;
  return { ...other, host: s.host, port: s.port, user: s.user, password: s.password, database: s.database, ...extra };
}

/** postgresql://user@host:port/db — for logs, errors and status; never the password. */
export function describeSettings(s: ConnectionSettings): string {
  const host = s.host.includes(':') ? `[${s.host}]` : s.host;
  return `postgresql://${s.user ? `${encodeURIComponent(s.user)}@` : ''}${host}:${s.port}/${s.database ?? ''}`;
}
