import crypto from 'node:crypto';
import pg from 'pg';
import { EMBEDDED_DATABASE, READER_ROLE } from './embeddedUrl.js';

const ident = (name: string) => pg.escapeIdentifier(name);

/**
 * Whether `password` logs in against a stored SCRAM-SHA-256 verifier
 * (`SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>`, RFC 5802/7677).
 * Our passwords are base64url, which SASLprep leaves as they are.
 */
export function scramVerifierMatches(verifier: string | null, password: string): boolean {
  const m = /^SCRAM-SHA-256\$(\d+):([^$]+)\$([^:]+):(.+)$/.exec(verifier ?? '');
  if (!m) return false;
  const salted = crypto.pbkdf2Sync(password, Buffer.from(m[2]!, 'base64'), Number(m[1]), 32, 'sha256');
  const clientKey = crypto.createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = crypto.createHash('sha256').update(clientKey).digest();
  const expected = Buffer.from(m[3]!, 'base64');
  return expected.length === storedKey.length && crypto.timingSafeEqual(expected, storedKey);
}

/**
 * Functions that create or write large objects. Postgres grants EXECUTE on them
 * to PUBLIC, so without this any role that can connect (the read-only one too)
 * could store data in pg_largeobject; the owner (a superuser) is not affected.
 */
const LARGE_OBJECT_WRITERS = [
  'lo_creat(integer)', 'lo_create(oid)', 'lo_from_bytea(oid, bytea)', 'lo_import(text)', 'lo_import(text, oid)',
  'lowrite(integer, bytea)', 'lo_put(oid, bigint, bytea)', 'lo_truncate(integer, integer)', 'lo_truncate64(integer, bigint)',
  'lo_unlink(oid)',
].map((f) => `pg_catalog.${f}`).join(', ');

/**
 * Makes the consumers' role what it should be, changing only what differs:
 * the stored password (a consumer may change its own role's password with
 * ALTER ROLE, which would lock every other consumer out), no per-role settings
 * (ALTER ROLE … SET statement_timeout/search_path would break the other
 * consumers too), LOGIN and no other attribute. Called by every command that
 * logs in to the embedded server as the owner (export, run, watch, status,
 * postgres), so a changed password is put back by the next of them.
 */
export async function restoreReaderRole(client: pg.Client, password: string): Promise<void> {
  const role = await client.query<{ rolpassword: string | null; settings: (string | null)[] | null; ok: boolean }>(
    `SELECT a.rolpassword,
            (SELECT array_agg(d.datname::text) FROM pg_db_role_setting s LEFT JOIN pg_database d ON d.oid = s.setdatabase
             WHERE s.setrole = a.oid) AS settings,
            a.rolcanlogin AND NOT (a.rolsuper OR a.rolcreatedb OR a.rolcreaterole OR a.rolreplication OR a.rolbypassrls)
              AND (a.rolvaliduntil IS NULL OR a.rolvaliduntil = 'infinity') AS ok
     FROM pg_authid a WHERE a.rolname = $1`,
    [READER_ROLE],
  );
  const found = role.rows[0];
  const attributes = `LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS VALID UNTIL 'infinity' PASSWORD ${pg.escapeLiteral(password)}`;
  if (!found) {
    await client.query(`CREATE ROLE ${ident(READER_ROLE)} WITH ${attributes}`);
    return;
  }
  if (!found.ok || !scramVerifierMatches(found.rolpassword, password)) {
    await client.query(`ALTER ROLE ${ident(READER_ROLE)} WITH ${attributes}`);
  }
  for (const database of found.settings ?? []) {
    await client.query(`ALTER ROLE ${ident(READER_ROLE)}${database === null ? '' : ` IN DATABASE ${ident(database)}`} RESET ALL`);
  }
}

/**
 * Creates (or restores, see restoreReaderRole) the consumers' role: LOGIN, not
 * a superuser, no CREATEDB/CREATEROLE, no temporary tables, no CREATE in
 * public, no large objects; it may read the exported table(s) only (granted by
 * grantReaderSelect).
 */
export async function ensureReaderRole(client: pg.Client, password: string): Promise<void> {
  await restoreReaderRole(client, password);
  await client.query(`REVOKE CREATE ON SCHEMA public FROM PUBLIC`);
  await client.query(`REVOKE TEMPORARY ON DATABASE ${ident(EMBEDDED_DATABASE)} FROM PUBLIC`);
  await client.query(`REVOKE EXECUTE ON FUNCTION ${LARGE_OBJECT_WRITERS} FROM PUBLIC`);
  await client.query(`GRANT CONNECT ON DATABASE ${ident(EMBEDDED_DATABASE)} TO ${ident(READER_ROLE)}`);
  await grantReaderSelect(client, 'public');
}

/**
 * USAGE on the schema and SELECT on its ecommerce table and the companion
 * tables (export/changeLog.ts), each granted only when missing. The export
 * calls it inside the sync's transaction, before its NOTIFY: a consumer woken
 * by the first notification may read at once.
 */
export async function grantReaderSelect(client: pg.Client, schema: string, table = 'ecommerce', role = READER_ROLE): Promise<void> {
  const exists = await client.query(`SELECT 1 FROM pg_roles WHERE rolname = $1`, [role]);
  if (!exists.rowCount) return;
  const ns = await client.query(`SELECT to_regnamespace($1) AS s`, [ident(schema)]);
  if (!ns.rows[0].s) return;
  const usage = await client.query(`SELECT has_schema_privilege($1, to_regnamespace($2)::oid, 'USAGE') AS ok`, [role, ident(schema)]);
  if (!usage.rows[0].ok) await client.query(`GRANT USAGE ON SCHEMA ${ident(schema)} TO ${ident(role)}`);
  for (const name of [table, `${table}_changes`, `${table}_sync_log`]) {
    const qualified = `${ident(schema)}.${ident(name)}`;
    const r = await client.query(
      `SELECT to_regclass($1) IS NOT NULL AS found, to_regclass($1) IS NOT NULL AND has_table_privilege($2, to_regclass($1), 'SELECT') AS ok`,
      [qualified, role],
    );
    if (r.rows[0].found && !r.rows[0].ok) await client.query(`GRANT SELECT ON ${qualified} TO ${ident(role)}`);
  }
}
