import type { SourceRef } from './explanation.js';

/** A record's source from a lineage query's path and line columns; null when the record is absent (no path). */
export function sourceRef(path: unknown, line: unknown): SourceRef | null {
  return path === null || path === undefined ? null : { path: String(path), line: line === null ? null : Number(line) };
}
