import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { rejectsHint } from '../../pipeline/cli/printRunReport.js';

/** What a POSIX shell passes to `pipeline sql` when the hint is pasted. */
function shellArgs(commandLine: string): string[] {
  const r = spawnSync('sh', ['-c', `for a in ${commandLine.replace(/^pipeline sql /, '')}; do printf '%s\\0' "$a"; done`], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.split('\0').slice(0, -1);
}

describe('the rejects hint of the run report', () => {
  it.each([
    ['Orders/a.csv', "from pipeline_rejects where path = 'Orders/a.csv'"],
    ["Orders/it's.csv", "from pipeline_rejects where path = 'Orders/it''s.csv'"],
    ['Orders/"$HOME" `x` \\ !.csv', `from pipeline_rejects where path = 'Orders/"$HOME" \`x\` \\ !.csv'`],
  ])('%s: one shell word holding the SQL with the path as one literal', (file, sql) => {
    const hint = rejectsHint(file);
    expect(hint.startsWith('pipeline sql ')).toBe(true);
    expect(shellArgs(hint)).toEqual([sql]);
  });
});
