import type { ProgressReporter } from '../progress/ProgressReporter.js';
import { withQueryProgress } from '../progress/withQueryProgress.js';
import { recordBatchFiles } from '../run/recordBatchFiles.js';
import { runStep } from '../run/runStep.js';
import { setRunVariables } from '../run/setRunVariables.js';
import type { Warehouse } from '../warehouse/Warehouse.js';
import type { StepEngine } from './StepEngine.js';

/** The DuckDB engine's StepEngine: the warehouse's connection, inside the run's transaction. */
export function duckdbSteps(w: Warehouse, progress?: ProgressReporter): StepEngine {
  return {
    runStep: (sql, name) => runStep(w, sql, name),
    count: (sql) => w.count(sql),
    setVariables: (v) => setRunVariables(w, v),
    recordBatchFiles: (files) => recordBatchFiles(w, files),
    async setBased(stage, work) {
      // Row order matters only while staging files (rowid = order in the file);
      // the set-based steps run freer without it.
      await w.run('SET preserve_insertion_order = false');
      try {
        return await withQueryProgress(w.connection, progress, { name: stage }, work);
      } finally {
        await w.run('SET preserve_insertion_order = true');
      }
    },
  };
}
