import pg from 'pg';
import { ECOMMERCE_COLUMNS, KEY_COLUMNS } from '../contract/ecommerceColumns.js';

/** The contract's result columns (declared once, in pipeline/contract/ecommerceColumns.ts). */
export { ECOMMERCE_COLUMNS, KEY_COLUMNS };

/** A Postgres identifier, quoted by node-postgres itself. */
export const pgIdent = (name: string): string => pg.escapeIdentifier(name);

/**
 * The target's fillfactor: each heap page keeps 10 % free, so a delta sync's
 * update (which changes no key column) can put the row's new version on the
 * same page, a HOT update: no new primary-key entry, and only the heap page is
 * written. With full pages (100, Postgres' default) every update moved the row
 * to another page and added an index entry: 100 k changed rows scattered over
 * the 8.5 M-row table touched ~28 k more index pages, each written whole to the
 * WAL after a checkpoint (bench/README.md, "Postgres delta sync": WAL per
 * delta sync ~720-820 -> ~550-580 MiB, every update HOT). The table is ~8 % larger.
 */
export const ECOMMERCE_FILLFACTOR = 90;

/** CREATE TABLE for the target, exactly the contract's names (quoted, case-sensitive) and types. */
export function createEcommerceTableSql(qualified: string): string {
  const cols = ECOMMERCE_COLUMNS.map((c) => `  ${pgIdent(c.name)} ${c.postgresType}${c.notNull ? ' NOT NULL' : ''}`);
  return `CREATE TABLE IF NOT EXISTS ${qualified} (\n${cols.join(',\n')},\n  PRIMARY KEY (${KEY_COLUMNS.map(pgIdent).join(', ')})\n) WITH (fillfactor = ${ECOMMERCE_FILLFACTOR})`;
}
