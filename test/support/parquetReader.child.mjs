// Reads a Parquet lake the way README says, in a loop, while exports run:
//   node test/support/parquetReader.child.mjs '<json: {statements, stopFile, maxReads}>'
// (run with cwd = the folder README's relative paths start from). Each read runs
// the statements in order on a fresh connection; the last one's column names and first
// row are the read's result. Prints one JSON line at the end: {reads, results: {result: count}, errors: [...]}.
import fs from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';

const { statements, stopFile, maxReads } = JSON.parse(process.argv[2]);
const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
const results = {};
const errors = [];
let reads = 0;
while (reads < maxReads && !fs.existsSync(stopFile)) {
  const connection = await instance.connect();
  try {
    let last;
    for (const sql of statements) last = await connection.runAndReadAll(sql);
    const key = JSON.stringify({ columns: last.columnNames(), row: last.getRowsJson()[0] ?? null });
    results[key] = (results[key] ?? 0) + 1;
  } catch (error) {
    if (errors.length < 20) errors.push(String(error?.message ?? error).split('\n')[0]);
  } finally {
    connection.closeSync();
  }
  reads++;
}
instance.closeSync();
process.stdout.write(`${JSON.stringify({ reads, results, errors })}\n`);
