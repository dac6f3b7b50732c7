/** What a stage counts: bytes of a file, rows, or DuckDB's query progress in percent. */
export type ProgressUnit = 'bytes' | 'rows' | 'percent';

/** One running stage (reading a file, keyed state, metrics, export). */
export interface ProgressStage {
  /** How much is done so far, in the stage's unit. */
  update(done: number): void;
  end(): void;
}

/**
 * Where long work reports how far it is. The engine only calls these hooks;
 * how (or whether) progress shows is the reporter's business: a terminal gets
 * bars, everything else NO_PROGRESS.
 */
export interface ProgressReporter {
  /** False for NO_PROGRESS: callers may skip work done only for progress (polling DuckDB). */
  readonly enabled: boolean;
  stage(name: string, total?: number, unit?: ProgressUnit): ProgressStage;
}

const NO_STAGE: ProgressStage = { update: () => undefined, end: () => undefined };

/** Off a terminal (CI, --json, pipes): nothing is shown. */
export const NO_PROGRESS: ProgressReporter = { enabled: false, stage: () => NO_STAGE };
