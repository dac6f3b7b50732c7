// node --import ./test/support/traceImports.mjs …: appends the URL of every module the
// process loads (ESM and CommonJS alike, through the resolve hook) to $PIPELINE_TRACE_IMPORTS.
import { register } from 'node:module';

register('./traceImportsHooks.mjs', import.meta.url, { data: { file: process.env.PIPELINE_TRACE_IMPORTS } });
