import pg from 'pg';
import type { PipelineConfig } from '../config/loadConfig.js';
import { PipelineError } from '../errors/PipelineError.js';
import { maskSecrets } from '../errors/maskSecrets.js';
import type { ProgressReporter } from '../progress/ProgressReporter.js';
import { withWarehouse, type Warehouse } from '../warehouse/Warehouse.js';
import type { ExportSource } from './ExportSource.js';
import { warehouseOptions } from '../warehouse/warehouseOptions.js';
import { embeddedPort, startEmbeddedPostgres, type RunningPostgres } from './embeddedPostgres.js';
import { embeddedSecretFiles, readSecret } from './embeddedSecrets.js';
import { EMBEDDED_USER, READER_ROLE } from './embeddedUrl.js';
import { clientConfig, parseConnectionString, type ConnectionSettings } from './parseConnectionString.js';
import { describeConnection, resolvePostgresTarget, type PostgresFlags } from './postgresTarget.js';
import { restoreReaderRole } from './readerRole.js';
import { EXPORT_APPLICATION_NAME, syncToPostgres, type SyncReport } from './syncToPostgres.js';

export interface ExportOptions extends PostgresFlags {
  /** Attempts for transient errors (connection refused/reset, serialization failure…). Default 4. */
  attempts?: number;
  /** First backoff in ms, doubled each retry. Default 500. */
  backoffMs?: number;
  log?: (line: string) => void;
  /** Progress of the row copy (terminal only). */
  progress?: ProgressReporter;
  /** Where the "warehouse busy, waiting" message goes (how long: config.waitSeconds). Default stderr. */
  onWait?: (message: string) => void;
  /**
   * Read the result from this source instead of the DuckDB warehouse (the
   * Spark engine: spark/SparkExportSource); the warehouse is then not opened.
   * The caller owns the source (and closes its connection).
   */
  source?: ExportSource;
  /** Folder for the sync's change files; default `<warehouse>.export`. */
  workDir?: string;
}

const TRANSIENT_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND',
  '40001', // serialization_failure
  '40P01', // deadlock_detected
  '57P01', '57P02', '57P03', // admin/crash shutdown, cannot connect now
  '08000', '08001', '08003', '08004', '08006', // connection exceptions
  '53300', // too_many_connections
]);

export function isTransient(error: unknown): boolean {
  const code = (error as { code?: string })?.code;
  if (code && TRANSIENT_CODES.has(code)) return true;
  const message = error instanceof Error ? error.message : String(error);
  return /Connection terminated|connection timeout|timeout expired|terminating connection/i.test(message);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Whether the connection is the owner's of this warehouse's embedded server
 * (watch starts it once and exports through its URL): its consumers' role is
 * then kept as it should be and granted what each sync exports.
 */
export function isEmbeddedOwner(settings: ConnectionSettings | undefined, warehousePath: string): boolean {
  if (!settings || settings.host !== '127.0.0.1' || settings.port !== embeddedPort() || settings.user !== EMBEDDED_USER) return false;
  const owner = readSecret(embeddedSecretFiles(warehousePath).owner);
  return owner !== undefined && settings.password === owner;
}

/** PIPELINE_PG_LOCK_WAIT: seconds an export waits for a lock held by anyone but another export (default 10). */
export function lockWaitMs(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const raw = env.PIPELINE_PG_LOCK_WAIT;
  if (raw === undefined || raw === '') return undefined;
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds < 0 || seconds > 86_400) {
    throw new PipelineError('CONFIG_INVALID', `PIPELINE_PG_LOCK_WAIT must be a number of seconds from 0 to 86400, got "${raw}"`);
  }
  return seconds * 1000;
}

/**
 * The export stage: syncs the warehouse's `ecommerce` into Postgres by
 * watermark (see syncToPostgres). Target: --postgres / DATABASE_URL / PG*
 * variables, else an embedded server started for the sync and stopped after.
 * Transient failures are retried with exponential backoff; a target that stays
 * unreachable is a POSTGRES_UNAVAILABLE error (exit 4) naming host and port,
 * never the password. The DuckDB side is untouched by a failed export: the next
 * sync catches up from the watermark kept in Postgres.
 */
export async function runExport(config: PipelineConfig, options: ExportOptions = {}): Promise<SyncReport> {
  const target = resolvePostgresTarget(options);
  let embedded: RunningPostgres | undefined;
  let settings: ConnectionSettings | undefined;
  if (target.kind === 'embedded') {
    try {
      embedded = await startEmbeddedPostgres(config.warehousePath, { onSignal: (s) => options.log?.(`${s}: leaving the embedded Postgres (stopped if no other command uses it)`) });
    } catch (error) {
      throw new PipelineError('POSTGRES_UNAVAILABLE', `cannot start the embedded Postgres: ${maskSecrets((error as Error)?.message ?? String(error))}`, { cause: error });
    }
    settings = parseConnectionString(embedded.connectionString, 'the embedded server');
  } else if (target.kind === 'url') {
    settings = target.settings;
  }
  const where = describeConnection(settings);
  const servesReaders = embedded !== undefined || isEmbeddedOwner(settings, config.warehousePath);
  const readerPassword = servesReaders ? readSecret(embeddedSecretFiles(config.warehousePath).reader) : undefined;
  const lockWait = lockWaitMs();
  const attempts = options.attempts ?? 4;
  let backoff = options.backoffMs ?? 500;
  const connection: pg.ClientConfig = { connectionTimeoutMillis: 5000, application_name: EXPORT_APPLICATION_NAME };
  try {
    // Waits like every other opener: right after a run's commit a sibling (watch
    // batch, sql, status) may take the warehouse before this export gets it.
    const sync = async (source: ExportSource | Warehouse): Promise<SyncReport> => {
      for (let attempt = 1; ; attempt++) {
        const client = new pg.Client(settings ? clientConfig(settings, connection) : connection);
        client.on('error', () => undefined); // a dropped connection surfaces through the failing query
        try {
          await client.connect();
          // a consumer may have changed the shared role's password or settings: put them back
          if (readerPassword) await restoreReaderRole(client, readerPassword);
          return await syncToPostgres(source, client, {
            schema: target.schema, workDir: options.workDir ?? `${config.warehousePath}.export`, progress: options.progress,
            // the embedded server's consumers may read what was exported, granted before they are notified
            readerRole: servesReaders ? READER_ROLE : undefined,
            lockWaitMs: lockWait,
          });
        } catch (error) {
          if (error instanceof PipelineError) throw error;
          const message = maskSecrets((error as Error)?.message ?? String(error));
          if (attempt < attempts && isTransient(error)) {
            options.log?.(`export to ${where} failed (${message}); retry ${attempt}/${attempts - 1} in ${backoff} ms`);
            await sleep(backoff);
            backoff *= 2;
            continue;
          }
          throw new PipelineError(
            'POSTGRES_UNAVAILABLE',
            `export to Postgres at ${where} failed after ${attempt} attempt${attempt > 1 ? 's' : ''}: ${message || (error as { code?: string }).code}`,
            { cause: error },
          );
        } finally {
          await client.end().catch(() => undefined);
        }
      }
    };
    if (options.source) return await sync(options.source);
    return await withWarehouse(warehouseOptions(config, { onWait: options.onWait ?? options.log }), sync);
  } finally {
    await embedded?.stop().catch(() => undefined);
  }
}
