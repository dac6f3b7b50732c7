/**
 * Last step of `make bench-scale`: the same absolute delta (BENCH_DELTA_ORDERS,
 * default 100000 order rows) applied to a 10M and to a 30M base, read from
 * bench/out/incr-<orders>-abs.json written by benchIncremental.ts. Target: the
 * two incremental times within +-25 % (cost independent of what is loaded).
 *
 *   node dist/bench/compareScale.js [smallOrders=10000000] [bigOrders=30000000]
 */
import fs from 'node:fs';
import path from 'node:path';
import { OUT_DIR, table } from './benchCommon.js';

interface Result {
  at: string;
  loadAtStart: number[];
  deltas: { delta: { label: string }; median: { incrementalWall: number; incrementalInternal: number }; verification: { match: boolean } }[];
}

const small = Number(process.argv[2] ?? 10_000_000);
const big = Number(process.argv[3] ?? 30_000_000);
const read = (n: number) => JSON.parse(fs.readFileSync(path.join(OUT_DIR, `incr-${n}-abs.json`), 'utf8')) as Result;
const a = read(small);
const b = read(big);
const rows: (string | number)[][] = [];
let ok = true;
for (const da of a.deltas) {
  const db = b.deltas.find((x) => x.delta.label === da.delta.label);
  if (!db) continue;
  const rw = db.median.incrementalWall / da.median.incrementalWall;
  const ri = db.median.incrementalInternal / da.median.incrementalInternal;
  const met = Math.abs(rw - 1) <= 0.25 && Math.abs(ri - 1) <= 0.25;
  ok &&= met && da.verification.match && db.verification.match;
  rows.push([da.delta.label, `${da.median.incrementalWall.toFixed(2)} / ${da.median.incrementalInternal.toFixed(3)}`,
    `${db.median.incrementalWall.toFixed(2)} / ${db.median.incrementalInternal.toFixed(3)}`, `${rw.toFixed(2)}x / ${ri.toFixed(2)}x`, met ? 'ok' : 'MISSED']);
}
console.log(`same delta on a ${small} and a ${big} base (load at start ${a.loadAtStart[0]} / ${b.loadAtStart[0]}):`);
console.log(table(['delta', `${small}: wall / internal s`, `${big}: wall / internal s`, 'ratio wall / internal', 'within +-25%'], rows));
process.exit(ok ? 0 : 1);
