// node --import ./test/support/traceImports.mjs …: appends the URL of every module the
// process loads (ESM and CommonJS alike, through the resolve hook) to $PIPELINE_TRACE_IMPORTS,
// and every native library it loads (process.dlopen: DuckDB's binding) as `dlopen:<path>`.
import fs from 'node:fs';
import { register } from 'node:module';

const file = process.env.PIPELINE_TRACE_IMPORTS;
register('./traceImportsHooks.mjs', import.meta.url, { data: { file } });

if (file) {
  const dlopen = process.dlopen;
  process.dlopen = function tracedDlopen(module, filename, ...rest) {
    fs.appendFileSync(file, `dlopen:${filename}\n`);
    return dlopen.call(this, module, filename, ...rest);
  };
}
