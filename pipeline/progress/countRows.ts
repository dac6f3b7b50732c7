import { Transform } from 'node:stream';
import type { ProgressStage } from './ProgressReporter.js';

/** A pass-through stream that reports the lines (CSV rows without embedded line breaks) gone through it. */
export function countRows(stage: ProgressStage): Transform {
  let rows = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) rows++;
      stage.update(rows);
      done(null, chunk);
    },
  });
}
