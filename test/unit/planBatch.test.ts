import { describe, expect, it } from 'vitest';
import type { DroppedFile } from '../../pipeline/ingest/scanDropFolders.js';
import type { LedgerEntry } from '../../pipeline/run/ledger.js';
import { mtimeMicros, planBatch } from '../../pipeline/run/planBatch.js';

const file = (p: string, size: number, mtimeMs: number): DroppedFile =>
  ({ path: p, absPath: `/nonexistent/${p}`, dataset: 'Orders', size, mtimeMs }) as DroppedFile;

const entry = (f: DroppedFile, fields: Partial<LedgerEntry> = {}): LedgerEntry => ({
  file_id: 1, path: f.path, dataset: 'Orders', content_hash: 'h', size_bytes: f.size, mtime_us: mtimeMicros(f), status: 'loaded', ...fields,
});

describe('planBatch without reading files', () => {
  it('a file with the ledger path, size and mtime is unchanged and never hashed', async () => {
    const f = file('Orders/a.csv', 10, 1_700_000_000_123.456);
    const plan = await planBatch([f], new Map([[f.path, entry(f)]]));
    expect(plan).toEqual({ newVersions: [], touched: [], unchanged: 1 });
  });

  it('mtimes are compared in whole microseconds', () => {
    expect(mtimeMicros(file('x', 1, 1.0004))).toBe(1000);
    expect(mtimeMicros(file('x', 1, 1.0006))).toBe(1001);
  });

  it('a file that cannot be read becomes a new version to quarantine, with the reason', async () => {
    const f = file('Orders/gone.csv', 10, 1);
    const plan = await planBatch([f], new Map());
    expect(plan.newVersions).toHaveLength(1);
    expect(plan.newVersions[0]).toMatchObject({ hash: 'unreadable', unreadable: expect.stringMatching(/^cannot be read: .*\(ENOENT\)$/) });
  });

  it('an unreadable file already quarantined with the same stat stays unchanged', async () => {
    const f = file('Orders/gone.csv', 10, 1);
    const plan = await planBatch([f], new Map([[f.path, entry(f, { content_hash: 'unreadable', status: 'quarantined' })]]));
    expect(plan.unchanged).toBe(1);
  });
});
