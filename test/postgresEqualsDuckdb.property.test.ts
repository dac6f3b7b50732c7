import { expect } from 'vitest';
import { runExport } from '../pipeline/export/runExport.js';
import { readEcommerce } from './support/compareRuns.js';
import { diffEcommerce } from './support/fixtures.js';
import { pgUrl, pgWatermark, readPgEcommerce } from './support/postgres.js';
import { propertySuite } from './support/propertySuite.js';

// Contract: "Postgres equals DuckDB after a sync, including deletions of windows
// that no longer have orders" — checked after every step of 12 random
// file-drop sequences (drops, rewrites, copies, removals, retractions).
propertySuite(201, 12, {
  skipRebuildChecks: true,
  afterStep: async ({ seed, step, config }) => {
    const schema = `prop_${seed}_${process.pid}`;
    const sync = await runExport(config, { postgres: pgUrl(), pgSchema: schema, attempts: 1 });
    const duck = await readEcommerce(config.warehousePath);
    expect(diffEcommerce(await readPgEcommerce(schema), duck), `seed ${seed} step ${step}: Postgres vs DuckDB`).toEqual([]);
    expect((await pgWatermark(schema)) ?? 0).toBe(sync.toVersion);
  },
});
