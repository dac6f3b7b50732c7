/**
 * Named points where a run can be made to die, for the crash-safety tests:
 * PIPELINE_CRASH_AT=<name> kills the process with SIGKILL right there, exactly
 * as `kill -9` would. Unset (always, outside tests), it does nothing.
 */
export type CrashPointName =
  | 'while-reading'
  | 'after-stage'
  | 'after-ingest'
  | 'after-keyed-state'
  | 'after-result'
  | 'before-commit'
  | 'after-commit'
  | 'export-before-copy'
  | 'export-mid-copy'
  | 'export-after-commit'
  | 'embedded-initdb'
  | 'spark-after-begin'
  | 'spark-after-restore'
  | 'spark-before-commit-mark';

export function crashPoint(name: CrashPointName): void {
  if (process.env.PIPELINE_CRASH_AT === name) process.kill(process.pid, 'SIGKILL');
}
