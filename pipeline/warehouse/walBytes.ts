import fs from 'node:fs';

/** Size of a warehouse's write-ahead log (`<path>.wal`), 0 when there is none. */
export function walBytes(warehousePath: string): number {
  try {
    return fs.statSync(`${warehousePath}.wal`).size;
  } catch {
    return 0;
  }
}
