// Holds a DuckDB warehouse file open read-write, as a watch batch or a run does:
//   node test/support/holdWarehouse.mjs <warehouse.duckdb> <seconds>
// prints "ready" once it holds the file, sleeps, closes, exits 0.
import { DuckDBInstance } from '@duckdb/node-api';

const [file, seconds] = process.argv.slice(2);
const instance = await DuckDBInstance.create(file, { threads: '1' });
const connection = await instance.connect();
process.stdout.write('ready\n');
await new Promise((resolve) => setTimeout(resolve, Number(seconds) * 1000));
connection.closeSync();
instance.closeSync();
