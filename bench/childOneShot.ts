/**
 * Child process of the benchmarks: the hand-written one-statement baseline
 * (bench/oneShotSql.ts) on a fresh DuckDB file, in its own node process.
 *
 * argv[2]: JSON { dataDir, database, memoryLimit?, threads?, plain? }.
 * Prints one JSON line: seconds (DuckDB open + the CREATE TABLE statement, the
 * same span runPipeline reports), statementSeconds, secondsWithClose, resultRows
 * and maxRssKiB (process.resourceUsage().maxRSS after DuckDB is closed).
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { oneShotSql } from './oneShotSql.js';

interface Args {
  dataDir: string;
  database: string;
  memoryLimit?: string;
  threads?: number;
  /** The floor without the latest-wins dedupe (table ecommerce_plain). */
  plain?: boolean;
}

const args = JSON.parse(process.argv[2] ?? '{}') as Args;
const settings: Record<string, string> = { temp_directory: `${args.database}.tmp` };
if (args.memoryLimit) settings.memory_limit = args.memoryLimit;
if (args.threads) settings.threads = String(args.threads);

const t0 = performance.now();
const instance = await DuckDBInstance.create(args.database, settings);
const conn = await instance.connect();
const t1 = performance.now();
const tableName = args.plain ? 'ecommerce_plain' : 'ecommerce_oneshot';
await conn.run(oneShotSql(args.dataDir, '10 days', args.plain ? 'plain' : 'equivalent'));
const t2 = performance.now();
const rows = Number((await conn.runAndReadAll(`SELECT count(*) FROM ${tableName}`)).getRows()[0]![0]);
conn.closeSync();
instance.closeSync();
const t3 = performance.now();
const result = {
  seconds: (t2 - t0) / 1000,
  statementSeconds: (t2 - t1) / 1000,
  secondsWithClose: (t3 - t0) / 1000,
  maxRssKiB: process.resourceUsage().maxRSS,
  resultRows: rows,
};
process.stdout.write(`${JSON.stringify(result)}\n`);
