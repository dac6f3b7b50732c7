import fs from 'node:fs';

/**
 * Once any command found the warehouse file corrupt, every later command says
 * so at open — also those that would not read the damaged block (a run with
 * nothing to do, status on a large warehouse). The finding is kept beside the
 * file, with the identity of the file it is about: a file moved aside and
 * replaced (another inode) or rewritten since (size, mtime) drops it.
 */
interface Marker {
  message: string;
  detectedAt: string;
  dev: number;
  ino: number;
  size: number;
  mtimeMs: number;
}

export function corruptionMarkerPath(warehousePath: string): string {
  return `${warehousePath}.corrupt.json`;
}

/** Records DuckDB's message about the file as it is now (best effort: a read-only directory keeps nothing). */
export function rememberCorruption(warehousePath: string, duckdbMessage: string): void {
  try {
    const s = fs.statSync(warehousePath);
    const marker: Marker = { message: duckdbMessage, detectedAt: new Date().toISOString(), dev: s.dev, ino: s.ino, size: s.size, mtimeMs: s.mtimeMs };
    // written beside and renamed: a full disk leaves no empty marker, only no marker
    const partial = `${corruptionMarkerPath(warehousePath)}.${process.pid}.part`;
    try {
      fs.writeFileSync(partial, `${JSON.stringify(marker, null, 2)}\n`);
      fs.renameSync(partial, corruptionMarkerPath(warehousePath));
    } finally {
      fs.rmSync(partial, { force: true });
    }
  } catch {
    // nothing to keep it in: the next command finds the damage again when it reads it
  }
}

/** DuckDB's message from an earlier finding about this very file, if any; a stale marker is removed. */
export function knownCorruption(warehousePath: string): string | undefined {
  const file = corruptionMarkerPath(warehousePath);
  let marker: Marker;
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    marker = JSON.parse(text) as Marker;
  } catch {
    // an empty or cut marker (e.g. left by a full disk before markers were renamed into place) says nothing
    fs.rmSync(file, { force: true });
    return undefined;
  }
  let s: fs.Stats | undefined;
  try {
    s = fs.statSync(warehousePath);
  } catch {
    s = undefined;
  }
  if (s && s.dev === marker.dev && s.ino === marker.ino && s.size === marker.size && s.mtimeMs === marker.mtimeMs) {
    return `${marker.message} (found ${marker.detectedAt})`;
  }
  fs.rmSync(file, { force: true });
  return undefined;
}
