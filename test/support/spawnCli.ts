import { spawn } from 'node:child_process';
import { CLI, ROOT } from './fixtures.js';

export interface CliChild {
  /** Resolves when the CLI exits, with its output and how long it ran. */
  done: Promise<{ code: number | null; stdout: string; stderr: string; ms: number }>;
  /** Output so far (stdout + stderr). */
  output(): string;
  /** Resolves once the output matches `pattern`. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
}

/**
 * Runs the built CLI as a child process without blocking the test (unlike
 * fixtures' cli()): for races with other processes. Same env defaults as cli():
 * no export unless asked, no DATABASE_URL. `nodeArgs` go before the script
 * (e.g. --import of a test preload).
 */
export function spawnCli(args: string[], env: NodeJS.ProcessEnv = {}, nodeArgs: string[] = []): CliChild {
  const started = Date.now();
  const child = spawn(process.execPath, [...nodeArgs, CLI, ...args], {
    cwd: ROOT,
    env: { ...process.env, PIPELINE_EXPORT: '0', DATABASE_URL: '', ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string; ms: number }>((resolve) =>
    child.on('close', (code) => resolve({ code, stdout, stderr, ms: Date.now() - started })),
  );
  return {
    done,
    output: () => stdout + stderr,
    async waitFor(pattern, timeoutMs = 30_000) {
      const end = Date.now() + timeoutMs;
      while (!pattern.test(stdout + stderr)) {
        if (Date.now() > end) throw new Error(`timed out waiting for ${pattern}; output so far:\n${stdout}${stderr}`);
        if (child.exitCode !== null) throw new Error(`the CLI exited (${child.exitCode}) before printing ${pattern}:\n${stdout}${stderr}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
  };
}
