import { spawnSync } from 'node:child_process';
import { CLI, ROOT } from './fixtures.js';

/**
 * How to start node so that file permissions apply to it. As root they do not
 * (CAP_DAC_OVERRIDE reads a mode-000 file), so the child keeps uid 0 but runs
 * without the two capabilities that bypass them (util-linux `setpriv`).
 */
export function unprivilegedNode(): { command: string; prefix: string[] } {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return { command: process.execPath, prefix: [] };
  return { command: 'setpriv', prefix: ['--bounding-set', '-dac_override,-dac_read_search', '--', process.execPath] };
}

/** Runs the built CLI where permissions apply (see unprivilegedNode); export off as in `cli`. */
export function cliUnprivileged(args: string[], env: NodeJS.ProcessEnv = {}) {
  const { command, prefix } = unprivilegedNode();
  const r = spawnSync(command, [...prefix, CLI, ...args], {
    cwd: ROOT,
    env: { ...process.env, PIPELINE_EXPORT: '0', DATABASE_URL: '', ...env },
    encoding: 'utf8',
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
