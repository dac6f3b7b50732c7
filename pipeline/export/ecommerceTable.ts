import pg from 'pg';
import { ECOMMERCE_COLUMNS, KEY_COLUMNS } from '../contract/ecommerceColumns.js';

/** The contract's result columns (declared once, in pipeline/contract/ecommerceColumns.ts). */
export { ECOMMERCE_COLUMNS, KEY_COLUMNS };

/** A Postgres identifier, quoted by node-postgres itself. */
export const pgIdent = (name: string): string => pg.escapeIdentifier(name);

/** CREATE TABLE for the target, exactly the contract's names (quoted, case-sensitive) and types. */
export function createEcommerceTableSql(qualified: string): string {
  const cols = ECOMMERCE_COLUMNS.map((c) => `  ${pgIdent(c.name)} ${c.postgresType}${c.notNull ? ' NOT NULL' : ''}`);
  return `CREATE TABLE IF NOT EXISTS ${qualified} (\n${cols.join(',\n')},\n  PRIMARY KEY (${KEY_COLUMNS.map(pgIdent).join(', ')})\n)`;
}
