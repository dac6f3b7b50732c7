/**
 * Customers files: the columns of each producer version and the three JSON
 * layouts (pretty-printed array, NDJSON, gzip-compressed array).
 */
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { DuckDBConnection } from '@duckdb/node-api';
import { copyQueryToFile, hiddenSibling, publish, sqlPath, type PendingWrite } from './copyToFile.js';
import type { CustomerFilePlan } from './filePlan.js';

/**
 * v1 spells `Number of employees`; v2 reorders and spells `Number of Employees`;
 * v3 adds `Loyalty Tier`, a column the pipeline does not know.
 */
const CUSTOMER_VERSIONS: Record<CustomerFilePlan['version'], [string, string][]> = {
  1: [
    ['Customer ID', 'c'],
    ['Customer Name', 'customer_name(c)'],
    ['Market', 'market(c)'],
    ['Signup Date', 'signup_date(c)'],
    ['Number of employees', 'employees(c)'],
  ],
  2: [
    ['Customer ID', 'c'],
    ['Market', 'market(c)'],
    ['Customer Name', 'customer_name(c)'],
    ['Number of Employees', 'employees(c)'],
    ['Signup Date', 'signup_date(c)'],
  ],
  3: [
    ['Customer ID', 'c'],
    ['Customer Name', 'customer_name(c)'],
    ['Market', 'market(c)'],
    ['Signup Date', 'signup_date(c)'],
    ['Number of Employees', 'employees(c)'],
    ['Loyalty Tier', 'loyalty_tier(c)'],
  ],
};

function customerQuery(plan: CustomerFilePlan): string {
  const cols = CUSTOMER_VERSIONS[plan.version].map(([name, sql]) => `${sql} AS "${name}"`).join(', ');
  return `SELECT ${cols} FROM (SELECT range AS c FROM range(${plan.from}, ${plan.to})) ORDER BY c`;
}

/** Rewrites an NDJSON file as a JSON array with every key on its own line. */
async function ndjsonToPrettyArray(src: string, dest: string): Promise<void> {
  const out = createWriteStream(dest, { encoding: 'utf8' });
  const lines = createInterface({ input: createReadStream(src, { encoding: 'utf8' }), crlfDelay: Infinity });
  let first = true;
  const write = async (s: string): Promise<void> => {
    if (!out.write(s)) await once(out, 'drain');
  };
  await write('[');
  for await (const line of lines) {
    if (line.trim() === '') continue;
    const pretty = JSON.stringify(JSON.parse(line), null, 2).replace(/^/gm, '  ');
    await write(`${first ? '' : ','}\n${pretty}`);
    first = false;
  }
  await write(first ? ']\n' : '\n]\n');
  out.end();
  await once(out, 'finish');
}

export async function writeCustomerFile(
  conn: DuckDBConnection,
  plan: CustomerFilePlan,
  finalPath: string,
): Promise<PendingWrite> {
  const query = customerQuery(plan);
  switch (plan.format) {
    case 'ndjson':
      return copyQueryToFile(conn, query, finalPath, 'FORMAT json', false);
    case 'array-gzip':
      return copyQueryToFile(conn, query, finalPath, 'FORMAT json, ARRAY true', true);
    case 'pretty-array': {
      const ndjson = hiddenSibling(finalPath, '.ndjson.tmp');
      const pretty = hiddenSibling(finalPath, '.raw.tmp');
      try {
        await conn.run(`COPY (${query}) TO ${sqlPath(ndjson)} (FORMAT json)`);
        await ndjsonToPrettyArray(ndjson, pretty);
        await publish(pretty, finalPath, false);
      } finally {
        await rm(ndjson, { force: true });
        await rm(pretty, { force: true });
      }
      return { finished: Promise.resolve() };
    }
  }
}
