/**
 * Preload of the benchmarks' CLI children (`node --import dist/bench/reportRss.js
 * bin/pipeline.js …`): at exit, after the command closed DuckDB, prints one line
 * `{"maxRssKiB": …}` (process.resourceUsage().maxRSS, KiB on Linux) after what the
 * command printed, so a benchmark reads the real CLI's peak memory too.
 */
import fs from 'node:fs';

process.on('exit', () => {
  fs.writeSync(1, `\n${JSON.stringify({ maxRssKiB: process.resourceUsage().maxRSS })}\n`);
});
