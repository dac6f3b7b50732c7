/**
 * The values the pipeline uses from `@duckdb/node-api`, loaded with `require`
 * at first use.
 *
 * The package is CommonJS whose index re-exports ~120 files. An ESM `import`
 * of it makes Node run its CommonJS export lexer over every one of them to
 * find named exports (~130 ms, measured on a no-op `run`, issue 18).
 * `require` loads the same module objects without that scan (one module
 * cache, so classes compare equal with an `import` elsewhere, e.g. in tests).
 * This matters to whatever imports dist/ directly (tests, benchmark helpers):
 * the CLI runs dist/bundle/, which carries its own copy of node-api, and
 * scripts/bundleCli.mjs rewrites the createRequire call below into a plain
 * require (it fails the build if that call changes). Types come from the
 * package itself (`import type` is erased).
 *
 * Loaded at first use, not at import: a no-op `run` answered from the record
 * of the last run (run/settledRun.ts) never opens the warehouse, and loading
 * node-api with its native library took ~55 ms of its ~0.3 s.
 */
import { createRequire } from 'node:module';
import type * as NodeApi from '@duckdb/node-api';

let loaded: typeof NodeApi | undefined;

/** DuckDB's node-api, loaded on the first call. */
export function duckdb(): typeof NodeApi {
  loaded ??= createRequire(import.meta.url)('@duckdb/node-api') as typeof NodeApi;
  return loaded;
}

export const DuckDBInstance = {
  create: (...args: Parameters<typeof NodeApi.DuckDBInstance.create>): Promise<NodeApi.DuckDBInstance> => duckdb().DuckDBInstance.create(...args),
};
export type DuckDBInstance = NodeApi.DuckDBInstance;
export type DuckDBConnection = NodeApi.DuckDBConnection;
export type DuckDBDateValue = NodeApi.DuckDBDateValue;
export const isDuckDBDateValue = (v: unknown): v is NodeApi.DuckDBDateValue => typeof v === 'object' && v !== null && v instanceof duckdb().DuckDBDateValue;
export const quotedIdentifier = (name: string): string => duckdb().quotedIdentifier(name);
export const quotedString = (text: string): string => duckdb().quotedString(text);
export const version = (): string => duckdb().version();
export type { DuckDBType, DuckDBValue, Json } from '@duckdb/node-api';
