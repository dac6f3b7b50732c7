/** Machine-readable kinds of failure; each maps to a process exit code. */
export type PipelineErrorCode =
  | 'CONFIG_INVALID'
  | 'USAGE'
  | 'SQL_FILE_CHANGED'
  | 'SQL_FILE_MISSING'
  | 'WAREHOUSE_LOCKED'
  | 'WAREHOUSE_CORRUPT'
  | 'WAREHOUSE_INCONSISTENT'
  | 'WAREHOUSE_READ_ONLY'
  | 'FIRST_BUILD_INTERRUPTED'
  | 'DISK_FULL'
  | 'NOT_FOUND'
  | 'POSTGRES_UNAVAILABLE'
  | 'POSTGRES_TABLE_INCOMPATIBLE'
  | 'POSTGRES_LOCKED'
  | 'AUDIT_FAILED'
  | 'SPARK_UNAVAILABLE'
  | 'SPARK_QUERY_FAILED'
  | 'LAKE_LOCKED'
  | 'ENGINE_UNSUPPORTED'
  | 'INTERNAL';

export const EXIT_CODES = {
  ok: 0,
  failure: 1,
  usage: 2,
  strictRejects: 3,
  exportFailed: 4,
  diskFull: 5,
} as const;

/** An error with a machine-readable `code` and a message meant for a person. */
export class PipelineError extends Error {
  readonly code: PipelineErrorCode;
  readonly exitCode: number;

  constructor(code: PipelineErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PipelineError';
    this.code = code;
    this.exitCode =
      code === 'CONFIG_INVALID' || code === 'USAGE' || code === 'ENGINE_UNSUPPORTED'
        ? EXIT_CODES.usage
        : code === 'POSTGRES_UNAVAILABLE' || code === 'POSTGRES_TABLE_INCOMPATIBLE' || code === 'POSTGRES_LOCKED'
          ? EXIT_CODES.exportFailed
          : code === 'DISK_FULL'
            ? EXIT_CODES.diskFull
            : EXIT_CODES.failure;
  }
}
