import { spawn, type ChildProcess } from 'node:child_process';
import { CLI, ROOT, type Workspace } from './fixtures.js';
import { unprivilegedNode } from './unprivileged.js';

export interface Watch {
  child: ChildProcess;
  log: () => string;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts `pipeline watch` on a workspace as a real child process (export off unless env turns it on). */
export function startWatch(
  ws: Workspace,
  extra: string[] = [],
  env: NodeJS.ProcessEnv = {},
  options: { unprivileged?: boolean } = {},
): Watch {
  const { command, prefix } = options.unprivileged ? unprivilegedNode() : { command: process.execPath, prefix: [] };
  const child = spawn(command, [...prefix, CLI, 'watch', '--data', ws.dataDir, '--warehouse', ws.warehousePath, ...extra], {
    cwd: ROOT,
    env: { ...process.env, PIPELINE_EXPORT: '0', ...env },
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    log: () => out,
    async waitFor(pattern, timeoutMs = 20_000) {
      const end = Date.now() + timeoutMs;
      while (!pattern.test(out)) {
        if (Date.now() > end) throw new Error(`timed out waiting for ${pattern} in watch log:\n${out}`);
        if (child.exitCode !== null) throw new Error(`watch exited (${child.exitCode}):\n${out}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async stop(signal = 'SIGTERM') {
      if (child.exitCode !== null) return child.exitCode;
      child.kill(signal);
      return exited;
    },
  };
}
