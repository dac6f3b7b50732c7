import pg from 'pg';

/** The contract's result columns with their Postgres types, in order. */
export const ECOMMERCE_COLUMNS: { name: string; type: string; dataType: string; notNull?: boolean }[] = [
  { name: 'Customer_ID', type: 'integer', dataType: 'integer', notNull: true },
  { name: 'Total_Order_Amount', type: 'double precision', dataType: 'double precision' },
  { name: 'Average_Order_Amount', type: 'double precision', dataType: 'double precision' },
  { name: 'Order_Count', type: 'bigint', dataType: 'bigint', notNull: true },
  { name: 'Highest_Order_Amount', type: 'real', dataType: 'real' },
  { name: 'Lowest_Order_Amount', type: 'real', dataType: 'real' },
  { name: 'Total_Quantity_Ordered', type: 'bigint', dataType: 'bigint' },
  { name: 'Average_Quantity_Per_Ordered', type: 'double precision', dataType: 'double precision' },
  { name: 'Total_Delivery_Distance', type: 'double precision', dataType: 'double precision' },
  { name: 'Average_Delivery_Distance', type: 'double precision', dataType: 'double precision' },
  { name: 'Distict_Products', type: 'bigint', dataType: 'bigint', notNull: true },
  { name: 'start_timestamp', type: 'timestamp without time zone', dataType: 'timestamp without time zone', notNull: true },
  { name: 'end_timestamp', type: 'timestamp without time zone', dataType: 'timestamp without time zone' },
];

export const KEY_COLUMNS = ['Customer_ID', 'start_timestamp'];

/** A Postgres identifier, quoted by node-postgres itself. */
export const pgIdent = (name: string): string => pg.escapeIdentifier(name);

/** CREATE TABLE for the target, exactly the contract's names (quoted, case-sensitive) and types. */
export function createEcommerceTableSql(qualified: string): string {
  const cols = ECOMMERCE_COLUMNS.map((c) => `  ${pgIdent(c.name)} ${c.type}${c.notNull ? ' NOT NULL' : ''}`);
  return `CREATE TABLE IF NOT EXISTS ${qualified} (\n${cols.join(',\n')},\n  PRIMARY KEY (${KEY_COLUMNS.map(pgIdent).join(', ')})\n)`;
}
