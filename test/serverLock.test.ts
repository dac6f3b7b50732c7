import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { processIdentity } from '../pipeline/export/isProcessAlive.js';
import { lockSyncWithin, tryLockSync, unlockSync } from '../pipeline/export/serverLock.js';
import { ROOT } from './support/fixtures.js';

/** A real process holding the lock (it takes it, says so and sleeps) until killed. */
async function holder(file: string) {
  const lockModule = path.join(ROOT, 'dist/pipeline/export/serverLock.js');
  const child = spawn(process.execPath, [
    '--input-type=module', '-e',
    `import { tryLockSync } from ${JSON.stringify(lockModule)}; console.log(tryLockSync(${JSON.stringify(file)})); setInterval(() => {}, 1e6);`,
  ]);
  const said = await new Promise<string>((resolve) => child.stdout.once('data', (d) => resolve(String(d).trim())));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return { child, said, exited };
}

// postgres.lock (item 16): serialises starting, joining, leaving and stopping
// the embedded server; a holder killed with SIGKILL does not block anyone.
describe('the embedded server\'s lock file', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });
  const lockFile = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'server-lock-'));
    dirs.push(dir);
    return path.join(dir, 'postgres.lock');
  };

  it('is held by one process at a time; one killed with SIGKILL is taken over by the next', async () => {
    const file = lockFile();
    const other = await holder(file);
    try {
      expect(other.said).toBe('true');
      expect(tryLockSync(file)).toBe(false);
      expect(lockSyncWithin(file, 100)).toBe(false);
      other.child.kill('SIGKILL');
      await other.exited;
      expect(tryLockSync(file)).toBe(true);
      expect(fs.readFileSync(file, 'utf8').trim()).toBe(processIdentity());
      unlockSync(file);
      expect(fs.existsSync(file)).toBe(false);
    } finally {
      other.child.kill('SIGKILL');
    }
  });

  it('one naming a live pid with another start time (a reused pid) is stale', () => {
    const file = lockFile();
    fs.writeFileSync(file, `${process.pid} 1\n`);
    expect(tryLockSync(file)).toBe(true);
    unlockSync(file);
  });
});
