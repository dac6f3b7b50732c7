import { spawn } from 'node:child_process';
import path from 'node:path';
import { ROOT } from './fixtures.js';

export interface Holder {
  /** Resolves when the child exits (it closed the warehouse). */
  exited: Promise<number | null>;
  running(): boolean;
  kill(): void;
}

/**
 * Holds the warehouse open read-write in a child process (as a watch batch
 * does) for `seconds`; resolves once it holds the file.
 */
export async function holdWarehouse(warehousePath: string, seconds: number): Promise<Holder> {
  const child = spawn(process.execPath, [path.join(ROOT, 'test/support/holdWarehouse.child.mjs'), warehousePath, String(seconds)], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      if (out.includes('ready')) resolve();
    });
    void exited.then((code) => reject(new Error(`the warehouse holder exited (${code}) before it held ${warehousePath}`)));
  });
  return { exited, running: () => child.exitCode === null && child.signalCode === null, kill: () => child.kill('SIGKILL') };
}
