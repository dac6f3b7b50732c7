import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runPipeline } from '../../pipeline/run/runPipeline.js';
import { fromScratch, readEcommerce, rebuildCopy } from './compareRuns.js';
import { diffEcommerce, makeWorkspace, type Workspace } from './fixtures.js';
import type { PipelineConfig } from '../../pipeline/config/loadConfig.js';
import {
  DropModel, randomCustomersJson, randomDeliveriesCsv, randomOrdersCsv, rng, type Rng,
} from './randomDrops.js';


type Step = 'orders' | 'deliveries' | 'customers' | 'rewrite' | 'copy' | 'retract' | 'remove';

function randomStep(r: Rng): Step {
  return r.pick<Step>(['orders', 'orders', 'deliveries', 'deliveries', 'customers', 'rewrite', 'rewrite', 'copy', 'retract', 'remove']);
}

function contentFor(r: Rng, rel: string): string {
  if (rel.startsWith('Orders/')) return randomOrdersCsv(r);
  if (rel.startsWith('Deliveries/')) return randomDeliveriesCsv(r);
  return randomCustomersJson(r);
}

/**
 * docs/contract.md, "Invariants": after any sequence of drops, rewrites,
 * duplicates, late rows and retractions, batched any way, the incremental
 * ecommerce equals `rebuild` on the same warehouse and a from-scratch run over
 * the same final file versions.
 */
export interface PropertyHooks {
  /** Runs after every step (after the runs and retractions of that step). */
  afterStep?: (ctx: { seed: number; step: number; config: PipelineConfig; ws: Workspace }) => Promise<void>;
  /** Skip the rebuild / from-scratch comparisons (when a suite checks something else). */
  skipRebuildChecks?: boolean;
}

export function propertySuite(firstSeed: number, count: number, hooks: PropertyHooks = {}): void {
describe(`random file-drop sequences (seeds ${firstSeed}..${firstSeed + count - 1})${hooks.skipRebuildChecks ? '' : ': incremental == rebuild == from scratch'}`, () => {
  for (let s = 0; s < count; s++) {
    const seed = firstSeed + s;
    it(`sequence seed=${seed}`, async () => {
      const r = rng(seed);
      const ws = makeWorkspace(`prop${seed}`);
      const model = new DropModel(ws.dataDir);
      const scratch = path.join(ws.root, 'scratch');
      const window = r.pick(['10 days', '10 days', '3 days']);
      const config = { ...ws.config, window };
      const retracts: string[] = [];
      try {
        const steps = r.int(4, 9);
        for (let step = 0; step < steps; step++) {
          // a batch: one or more file events, then one run
          const events = r.chance(0.6) ? 1 : r.int(2, 4);
          for (let e = 0; e < events; e++) {
            const kind = randomStep(r);
            const existing = model.paths();
            if (kind === 'orders') model.write(model.newName('Orders', '.csv'), randomOrdersCsv(r));
            else if (kind === 'deliveries') model.write(model.newName('Deliveries', '.csv'), randomDeliveriesCsv(r));
            else if (kind === 'customers') model.write(model.newName('Customers', r.chance(0.5) ? '.json' : '.ndjson'), randomCustomersJson(r));
            else if (kind === 'rewrite' && existing.length) {
              const rel = r.pick(existing);
              model.write(rel, contentFor(r, rel));
            } else if (kind === 'copy' && existing.length) {
              const rel = r.pick(existing);
              const ext = rel.slice(rel.indexOf('.'));
              model.write(model.newName(rel.split('/')[0]!, ext), model.live.get(rel)!.content);
            } else if (kind === 'remove' && existing.length) {
              model.removeFromDisk(r.pick(existing));
            } else if (kind === 'retract' && existing.length) {
              retracts.push(r.pick(existing));
            }
          }
          const report = await runPipeline(config, { fullRecomputeShare: r.chance(0.8) ? Infinity : 0.3 });
          model.arrived();
          if (process.env.DEBUG_PROPERTY) {
            console.log(`step ${step}`, JSON.stringify(report.files.map((f) => [f.path, f.fileId, f.status, f.rowsLoaded, f.replaced])), 'retracts', retracts, report.strategy, model.paths(), report.filesIgnored, report.filesUnchanged);
          }
          // retractions apply after the batch's files (the order a user would type them)
          for (const rel of retracts.splice(0)) {
            const status = (await ws.query<{ status: string }>(
              `SELECT status FROM pipeline_files WHERE path = '${rel}' ORDER BY file_id DESC LIMIT 1`,
            ))[0]?.status;
            if (status !== 'loaded') continue;
            await runPipeline(config, { retract: rel, fullRecomputeShare: Infinity });
            model.retracted(rel);
          }
          expect(report.files.every((f) => f.rowsRead === f.rowsLoaded + f.rowsRejected)).toBe(true);

          await hooks.afterStep?.({ seed, step, config, ws });
          if (hooks.skipRebuildChecks) continue;
          const incremental = await readEcommerce(ws.warehousePath);
          const rebuilt = await rebuildCopy(config, scratch);
          expect(diffEcommerce(incremental, rebuilt), `step ${step}: incremental vs rebuild`).toEqual([]);
          if (step === steps - 1 || r.chance(0.3)) {
            const freshData = path.join(scratch, 'data');
            fs.rmSync(freshData, { recursive: true, force: true });
            model.materialize(freshData);
            const scratchResult = await fromScratch(freshData, scratch, window);
            expect(diffEcommerce(incremental, scratchResult), `step ${step}: incremental vs from scratch`).toEqual([]);
          }
        }
        // versions: strictly increasing, never reused
        const runs = await ws.query<{ run_id: number }>('SELECT run_id FROM pipeline_runs ORDER BY run_id');
        expect(new Set(runs.map((x) => x.run_id)).size).toBe(runs.length);
        const stray = await ws.query(
          'SELECT * FROM ecommerce_state WHERE _version NOT IN (SELECT run_id FROM pipeline_runs)',
        );
        expect(stray).toEqual([]);
      } finally {
        ws.cleanup();
      }
    });
  }
});
}
