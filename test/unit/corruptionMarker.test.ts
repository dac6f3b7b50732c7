import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { corruptionMarkerPath, knownCorruption, rememberCorruption } from '../../pipeline/warehouse/corruptionMarker.js';
import { isCorruptionMessage } from '../../pipeline/warehouse/corruptWarehouseError.js';
import { isDiskFullMessage } from '../../pipeline/warehouse/storageErrors.js';

describe('the corruption marker and a full disk', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });
  function warehouse(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pipeline-marker-'));
    dirs.push(dir);
    const file = path.join(dir, 'e.duckdb');
    fs.writeFileSync(file, 'x');
    return file;
  }

  it('an empty marker (what a full disk left before markers were renamed into place) is dropped, not believed', () => {
    const w = warehouse();
    fs.writeFileSync(corruptionMarkerPath(w), '');
    expect(knownCorruption(w)).toBeUndefined();
    expect(fs.existsSync(corruptionMarkerPath(w))).toBe(false);
  });

  it('a marker is written whole, with nothing left beside it', () => {
    const w = warehouse();
    rememberCorruption(w, 'Corrupt database file');
    expect(knownCorruption(w)).toMatch(/^Corrupt database file \(found /);
    expect(fs.readdirSync(path.dirname(w)).sort()).toEqual(['e.duckdb', 'e.duckdb.corrupt.json']);
  });

  // DuckDB's messages as seen on a full tmpfs (test/diskFull.test.ts)
  it.each([
    'TransactionContext Error: Failed to commit: Could not write file "/m/wh/e.duckdb.wal": No space left on device',
    'IO Error: Could not write file "/m/wh/e.duckdb": No space left on device',
  ])('%s is a full disk, not damage', (message) => {
    expect(isDiskFullMessage(message)).toBe(true);
    expect(isCorruptionMessage(message)).toBe(false);
  });
});
