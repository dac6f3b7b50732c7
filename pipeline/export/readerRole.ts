import pg from 'pg';
import { EMBEDDED_DATABASE, READER_ROLE } from './embeddedUrl.js';

const ident = (name: string) => pg.escapeIdentifier(name);

/**
 * Creates (or resets the password of) the consumers' role: LOGIN, not a
 * superuser, no CREATEDB/CREATEROLE, no temporary tables, no CREATE in public;
 * it may read the exported table(s) only (granted by grantReaderSelect).
 */
export async function ensureReaderRole(client: pg.Client, password: string): Promise<void> {
  const exists = (await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [READER_ROLE])).rowCount! > 0;
  const attributes = `LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD ${pg.escapeLiteral(password)}`;
  await client.query(`${exists ? 'ALTER' : 'CREATE'} ROLE ${ident(READER_ROLE)} WITH ${attributes}`);
  await client.query(`REVOKE CREATE ON SCHEMA public FROM PUBLIC`);
  await client.query(`REVOKE TEMPORARY ON DATABASE ${ident(EMBEDDED_DATABASE)} FROM PUBLIC`);
  await client.query(`GRANT CONNECT ON DATABASE ${ident(EMBEDDED_DATABASE)} TO ${ident(READER_ROLE)}`);
  await grantReaderSelect(client, 'public');
}

/** USAGE on the schema and SELECT on its ecommerce table (when it exists) for the consumers' role. */
export async function grantReaderSelect(client: pg.Client, schema: string, table = 'ecommerce'): Promise<void> {
  const found = await client.query(`SELECT to_regclass($1) AS t, to_regnamespace($2) AS s`, [`${ident(schema)}.${ident(table)}`, ident(schema)]);
  if (!found.rows[0].s) return;
  await client.query(`GRANT USAGE ON SCHEMA ${ident(schema)} TO ${ident(READER_ROLE)}`);
  if (found.rows[0].t) await client.query(`GRANT SELECT ON ${ident(schema)}.${ident(table)} TO ${ident(READER_ROLE)}`);
  // the companion table saying which rows changed in which version (export/changeLog.ts)
  for (const companion of [`${table}_changes`, `${table}_sync_log`]) {
    const found = await client.query(`SELECT to_regclass($1) AS t`, [`${ident(schema)}.${ident(companion)}`]);
    if (found.rows[0].t) await client.query(`GRANT SELECT ON ${ident(schema)}.${ident(companion)} TO ${ident(READER_ROLE)}`);
  }
}
