import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDataset } from '../pipeline/generate/generateDataset.js';
import { cli, makeWorkspace, type Workspace } from './support/fixtures.js';

/**
 * A full and a read-only file system, for real: the warehouse lives on a small
 * tmpfs mounted for this test (the suite runs as root on its CI machine; the
 * real disk is never filled). A full disk is DISK_FULL (exit 5), never a
 * corruption verdict; a first build that fails on it leaves nothing a reader
 * can see; a read-only file system is WAREHOUSE_READ_ONLY naming the path.
 */
function mountTmpfs(dir: string, options: string): void {
  fs.mkdirSync(dir, { recursive: true });
  execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir]);
}

function freeBytes(dir: string): number {
  const s = fs.statfsSync(dir);
  return s.bavail * s.bsize;
}

/** Fills the file system of `dir` up to `leaveBytes` free (a real file of zeros, not a sparse one). */
function fill(dir: string, leaveBytes: number): string {
  const filler = path.join(dir, 'filler');
  const size = Math.max(0, freeBytes(dir) - leaveBytes);
  execFileSync('fallocate', ['-l', String(size), filler]);
  return filler;
}

describe('a full or read-only file system under the warehouse', () => {
  let ws: Workspace;
  let mnt: string;
  let ro: string;
  let more: string;
  const mounted: string[] = [];

  beforeAll(async () => {
    ws = makeWorkspace('disk-full');
    mnt = path.join(ws.root, 'small');
    ro = path.join(ws.root, 'readonly');
    mountTmpfs(mnt, 'size=48m');
    mounted.push(mnt);
    mountTmpfs(ro, 'ro,size=1m');
    mounted.push(ro);
    await generateDataset({ outDir: ws.dataDir, orders: 30_000, customers: 2500, seed: 3 });
    more = fs.mkdtempSync(path.join(os.tmpdir(), 'pipeline-disk-full-more-'));
    await generateDataset({ outDir: more, orders: 12_000, customers: 2500, seed: 11 });
  });

  afterAll(() => {
    for (const m of mounted) execFileSync('umount', [m]);
    fs.rmSync(more, { recursive: true, force: true });
    ws.cleanup();
  });

  it('an incremental run on a full disk fails with DISK_FULL (exit 5), leaves no corruption marker, and succeeds once space is freed', () => {
    const warehouse = path.join(mnt, 'inc', 'ecommerce.duckdb');
    const args = ['--data', ws.dataDir, '--warehouse', warehouse];
    const first = cli(['run', ...args]);
    expect(first.code, first.stderr).toBe(0);
    fs.copyFileSync(path.join(more, 'Orders/orders_2024_01.csv'), path.join(ws.dataDir, 'Orders/later_orders.csv'));
    fs.copyFileSync(path.join(more, 'Deliveries/deliveries_2024_01.csv'), path.join(ws.dataDir, 'Deliveries/later_deliveries.csv'));

    const filler = fill(mnt, 64 * 1024);
    const full = cli(['run', ...args]);
    expect(full.code, full.stderr).toBe(5);
    expect(full.stderr).toMatch(/^error \[DISK_FULL\]: no space left on the file system of .*inc\/ecommerce\.duckdb[^\n]* \(mounted at .*small, [\d.]+ MiB free of 48\.0 MiB now\)/);
    expect(full.stderr).toMatch(/is not damaged/);
    expect(full.stderr).not.toMatch(/CORRUPT|mv /);
    expect(fs.existsSync(`${warehouse}.corrupt.json`)).toBe(false);
    // still readable as it was
    const status = cli(['status', '--no-export', ...args]);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toMatch(/version 1, /);

    fs.rmSync(filler);
    const again = cli(['run', '--json', ...args]);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ runId: 2, changed: true });
    expect(cli(['check', ...args]).code).toBe(0);
  });

  it('a first build on a full disk fails with DISK_FULL; no reader sees its parts; the next run with space builds it', () => {
    const warehouse = path.join(mnt, 'first', 'ecommerce.duckdb');
    const args = ['--data', ws.dataDir, '--warehouse', warehouse];
    // room for the migrations and the first parts of the build, not all of it
    // (with 5 MB it fails before any part is committed, with 10.5 MB it succeeds)
    const filler = fill(mnt, 8.5 * 1024 * 1024);
    const full = cli(['run', ...args]);
    expect(full.code, full.stderr).toBe(5);
    expect(full.stderr).toMatch(/^error \[DISK_FULL\]: /);
    expect(full.stderr).not.toMatch(/CORRUPT|FATAL/);
    expect(fs.existsSync(`${warehouse}.corrupt.json`)).toBe(false);
    // undone (or failed before a part was committed), or, with no byte left to undo it
    // with, refused by every reader until the next run undoes it: never the half
    const sql = cli(['sql', 'SELECT count(*) AS n FROM raw_orders', '--format', 'csv', ...args]);
    if (sql.code === 0) {
      expect(sql.stdout.trim().split('\n')).toEqual(['n', '0']);
      expect(full.stderr).toMatch(/\nthe first build was undone: the warehouse is as before it/);
    } else {
      expect(full.stderr).toMatch(/could not be undone yet .*every reader refuses the warehouse until the next `pipeline run` undoes them/);
      expect(sql.stderr).toMatch(/FIRST_BUILD_INTERRUPTED/);
    }
    fs.rmSync(filler);
    const again = cli(['run', ...args]);
    expect(again.code, again.stderr).toBe(0);
    const check = cli(['check', ...args]);
    expect(check.code, check.stdout).toBe(0);
    // every file loaded once: as the warehouse of the first test, built from the same folder
    const count = (w: string) => cli(['sql', 'SELECT count(*) AS n FROM raw_orders', '--format', 'csv', '--warehouse', w]).stdout;
    expect(count(warehouse)).toBe(count(path.join(mnt, 'inc', 'ecommerce.duckdb')));
    expect(count(warehouse)).toMatch(/^n\n3\d{4}\n$/);
  });

  it('a warehouse on a read-only file system is WAREHOUSE_READ_ONLY, naming the path and the cause', () => {
    const warehouse = path.join(ro, 'wh', 'ecommerce.duckdb');
    const r = cli(['run', '--data', ws.dataDir, '--warehouse', warehouse]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/^error \[WAREHOUSE_READ_ONLY\]: cannot write the warehouse .*readonly\/wh\/ecommerce\.duckdb: cannot create its folder .*readonly\/wh: the file system is read-only \(EROFS\); .*readonly is mounted read-only/);
    expect(r.stderr).not.toMatch(/ENOENT/);
  });

  it('an existing warehouse on a file system remounted read-only: a run is WAREHOUSE_READ_ONLY, status still reads it', () => {
    const warehouse = path.join(mnt, 'inc', 'ecommerce.duckdb');
    const args = ['--data', ws.dataDir, '--warehouse', warehouse];
    execFileSync('mount', ['-o', 'remount,ro', mnt]);
    try {
      const r = cli(['run', ...args]);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toMatch(/^error \[WAREHOUSE_READ_ONLY\]: cannot write the warehouse .*inc\/ecommerce\.duckdb: .*read-only/);
      const status = cli(['status', '--no-export', ...args]);
      expect(status.code, status.stderr).toBe(0);
    } finally {
      execFileSync('mount', ['-o', 'remount,rw', mnt]);
    }
  });
});
