/**
 * The values the pipeline uses from `@duckdb/node-api`, loaded with `require`.
 *
 * The package is CommonJS whose index re-exports ~120 files. An ESM `import`
 * of it makes Node run its CommonJS export lexer over every one of them to
 * find named exports (~130 ms, measured on a no-op `run`, issue 18).
 * `require` loads the same module objects without that scan (one module
 * cache, so classes compare equal with an `import` elsewhere, e.g. in tests).
 * This matters to whatever imports dist/ directly (tests, benchmark helpers):
 * the CLI runs dist/bundle/, which carries its own copy of node-api, and
 * scripts/bundleCli.mjs rewrites the createRequire line below into a plain
 * require (it fails the build if that line changes). Types come from the
 * package itself (`import type` is erased).
 */
import { createRequire } from 'node:module';
import type * as NodeApi from '@duckdb/node-api';

const api = createRequire(import.meta.url)('@duckdb/node-api') as typeof NodeApi;

export const DuckDBConnection = api.DuckDBConnection;
export type DuckDBConnection = NodeApi.DuckDBConnection;
export const DuckDBInstance = api.DuckDBInstance;
export type DuckDBInstance = NodeApi.DuckDBInstance;
export const DuckDBDateValue = api.DuckDBDateValue;
export type DuckDBDateValue = NodeApi.DuckDBDateValue;
export const quotedIdentifier = api.quotedIdentifier;
export const quotedString = api.quotedString;
export const version = api.version;
export const listValue = api.listValue;
export const LIST = api.LIST;
export const INTEGER = api.INTEGER;
export const BIGINT = api.BIGINT;
export const VARCHAR = api.VARCHAR;
export type { DuckDBType, DuckDBValue, Json } from '@duckdb/node-api';
