/**
 * Named points where an export can be made to wait, for the signal tests:
 * PIPELINE_PAUSE_AT=<name> prints "paused at <name>" on stderr and waits there
 * (without blocking the event loop, so signal handlers run) for ten minutes.
 * Unset (always, outside tests), it does nothing.
 */
export type PausePointName = 'export-before-copy' | 'export-after-commit';

export async function pausePoint(name: PausePointName): Promise<void> {
  if (process.env.PIPELINE_PAUSE_AT !== name) return;
  process.stderr.write(`paused at ${name}\n`);
  await new Promise((resolve) => setTimeout(resolve, 600_000));
}
