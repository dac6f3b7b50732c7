import { execFileSync } from 'node:child_process';
import path from 'node:path';

/** Child-process tests run the compiled CLI: build it once before the suite. */
export default function setup(): void {
  const root = path.resolve(import.meta.dirname, '../..');
  execFileSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], {
    cwd: root,
    stdio: 'inherit',
  });
}
