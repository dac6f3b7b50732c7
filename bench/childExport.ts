/**
 * Child process of bench/benchExport.ts: one `runExport` (the sync) in its own
 * node process, so its time and peak RSS are its own.
 * argv[2]: JSON { warehouse, postgres, schema }. Prints one JSON line.
 */
import { loadConfig } from '../pipeline/config/loadConfig.js';
import { runExport } from '../pipeline/export/runExport.js';

const args = JSON.parse(process.argv[2] ?? '{}') as { warehouse: string; postgres: string; schema: string };
const config = loadConfig({ warehouse: args.warehouse }, {});
const t0 = performance.now();
const sync = await runExport(config, { postgres: args.postgres, pgSchema: args.schema, attempts: 1 });
console.log(JSON.stringify({ ...sync, seconds: (performance.now() - t0) / 1000, syncSeconds: sync.seconds, maxRssKiB: process.resourceUsage().maxRSS }));
