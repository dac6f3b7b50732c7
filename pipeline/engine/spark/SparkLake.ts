import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { PipelineConfig } from '../../config/loadConfig.js';
import { PipelineError } from '../../errors/PipelineError.js';
import { splitStatements } from '../../shell/splitStatements.js';
import { SparkConnectClient, type SparkValue } from '../../spark/SparkConnectClient.js';
import { SqlSnapshot } from '../../warehouse/sqlFiles.js';
import { escapeGlob, sparkIdentifier, sparkString } from './sparkQuote.js';
import { SPARK_RUN_VARIABLES } from './sparkRunVariables.js';

/** The lake's Delta tables (one per warehouse table), in sql/engines/spark/lake.sql order. */
export const LAKE_TABLES = [
  'pipeline_files', 'pipeline_rejects', 'pipeline_runs', 'pipeline_settings', 'pipeline_withdrawn_rows',
  'raw_orders', 'raw_deliveries', 'raw_customers', 'cur_orders', 'cur_deliveries', 'cur_customers',
  'ecommerce_state', 'ecommerce_tombstones',
] as const;
export type LakeTable = (typeof LAKE_TABLES)[number];

/** A URI (s3a://…, hdfs://…, file:/…) rather than a local folder. */
export function isLakeUri(lake: string): boolean {
  return /^[a-z][a-z0-9+.-]*:/i.test(lake) && !/^[a-z]:[\\/]/i.test(lake);
}

export function lakeLocation(lake: string, name: string): string {
  return isLakeUri(lake) ? `${lake.replace(/\/+$/, '')}/${name}` : path.join(lake, name);
}

/**
 * Statements of a file under sql/engines/spark/, as the given snapshot holds it (the text
 * a run executes is the text whose checksum it records); each `;`-terminated, comments
 * kept (Spark skips them).
 */
export function sparkEngineStatements(sql: SqlSnapshot, file: string): string[] {
  const name = `engines/spark/${file}`;
  const found = sql.ofEngine('spark').find((f) => f.name === name);
  if (!found) throw new PipelineError('SQL_FILE_MISSING', `sql/${name} is missing`);
  const { statements, rest } = splitStatements(found.text);
  return [...statements, rest].map((s) => s.trim().replace(/;$/, '').trim()).filter((s) => stripComments(s) !== '');
}

function stripComments(s: string): string {
  return s.replace(/--[^\n]*/g, '').trim();
}

export type Row = Record<string, SparkValue>;

/**
 * One Spark Connect session on the lake: the Spark engine's counterpart of
 * Warehouse. The lake's Delta tables are registered (path-based, LOCATION
 * <lake>/<table>) in a database of their own, `lake_<hash of the lake>`, made
 * current, so the shared SQL names them as DuckDB does; its scratch tables
 * (the steps' temp tables) live in <lake>/_scratch. Every session gets the
 * same settings (double-quoted identifiers, UTC) and the engine's functions.
 */
export class SparkLake {
  private constructor(
    readonly client: SparkConnectClient,
    readonly lake: string,
    readonly database: string,
  ) {}

  static database(lake: string): string {
    return `lake_${crypto.createHash('sha256').update(lake).digest('hex').slice(0, 16)}`;
  }

  /**
   * options.create: a run (makes the lake folder); options.readOnly: a reader that needs the
   * tables only (export, status): the engine's functions and run variables are not set up.
   */
  static async open(config: Pick<PipelineConfig, 'sparkRemote' | 'lake'>, options: LakeOpenOptions = {}): Promise<SparkLake> {
    if (!config.sparkRemote) {
      throw new PipelineError('CONFIG_INVALID', 'the spark engine needs a Spark Connect endpoint: --spark-remote sc://host:port or PIPELINE_SPARK_REMOTE (`make spark-cluster` starts a local one and prints it)');
    }
    const lake = config.lake;
    if (!isLakeUri(lake)) {
      if (!options.create && !fs.existsSync(path.join(lake, 'pipeline_runs'))) {
        throw new PipelineError('NOT_FOUND', `no lake at ${lake} yet: \`pipeline run --engine spark\` creates it`);
      }
      fs.mkdirSync(lake, { recursive: true, mode: 0o755 });
    }
    const client = new SparkConnectClient({ remote: config.sparkRemote });
    const db = SparkLake.database(lake);
    const l = new SparkLake(client, lake, db);
    try {
      await l.setUp(options.sql ?? SqlSnapshot.read(), options.readOnly === true);
    } catch (e) {
      await client.close();
      throw e;
    }
    return l;
  }

  private async setUp(sql: SqlSnapshot, tablesOnly: boolean): Promise<void> {
    await this.run('SET spark.sql.ansi.doubleQuotedIdentifiers = true');
    await this.run('SET spark.sql.session.timeZone = UTC');
    // MERGE sources here are Delta tables or literal rows (deterministic): no extra job to materialise them.
    await this.run('SET spark.databricks.delta.merge.materializeSource = none');
    await this.run(`CREATE DATABASE IF NOT EXISTS ${sparkIdentifier(this.database)} LOCATION ${sparkString(lakeLocation(this.lake, '_scratch'))}`);
    await this.run(`USE ${sparkIdentifier(this.database)}`);
    // The catalog outlives sessions: a table registered before and still on storage is left
    // alone; one registered but gone from storage (a lake folder deleted) is registered anew.
    const registered = new Set((await this.all<{ tableName: string }>('SHOW TABLES')).map((r) => String(r.tableName).toLowerCase()));
    const stored = await this.storedTables();
    for (const stmt of [...sparkEngineStatements(sql, 'lake.sql'), ...sparkEngineStatements(sql, 'commits.sql')]) {
      const m = /CREATE\s+TABLE\s+IF\s+NOT\s+EXISTS\s+(\w+)/i.exec(stripComments(stmt));
      if (!m) {
        await this.run(stmt);
        continue;
      }
      const name = m[1]!.toLowerCase();
      if (registered.has(name) && stored.has(name)) continue;
      if (registered.has(name)) await this.run(`DROP TABLE IF EXISTS ${sparkIdentifier(name)}`);
      await this.run(`${stmt} LOCATION ${sparkString(lakeLocation(this.lake, name))}`);
    }
    if (tablesOnly) return;
    for (const file of ['functions.sql', 'values.sql']) {
      for (const stmt of sparkEngineStatements(sql, file)) await this.run(stmt);
    }
    for (const v of SPARK_RUN_VARIABLES) await this.run(`DECLARE OR REPLACE VARIABLE ${v.name} ${v.sparkType}`);
  }

  /** The lake tables that exist on storage. */
  private async storedTables(): Promise<Set<string>> {
    return new Set(Object.keys(await this.deltaVersions()));
  }

  /**
   * The current Delta version of every table in the lake folder, in one
   * statement: Spark lists <lake>/*​/_delta_log/*.json (names and sizes only,
   * no content read); a table's version is its highest commit file's number
   * (Delta keeps the newest commit files when it cleans its log).
   */
  async deltaVersions(): Promise<Record<string, number>> {
    const base = escapeGlob(lakeLocation(this.lake, '')).replace(/\/?$/, '/');
    let rows: { t: string; v: bigint }[];
    try {
      rows = await this.all(
        "SELECT regexp_extract(path, '/([^/]+)/_delta_log/[0-9]+[.]json$', 1) AS t, " +
          "max(CAST(regexp_extract(path, '/_delta_log/([0-9]+)[.]json$', 1) AS BIGINT)) AS v " +
          `FROM binaryFile.${sparkIdentifier(`${base}*/_delta_log/*.json`)} GROUP BY 1`,
      );
    } catch (e) {
      if (e instanceof PipelineError && /PATH_NOT_FOUND|does not exist/i.test(e.message)) return {};
      throw e;
    }
    return Object.fromEntries(rows.filter((r) => r.t).map((r) => [String(r.t).toLowerCase(), Number(r.v)]));
  }

  location(name: string): string {
    return lakeLocation(this.lake, name);
  }

  async run(sql: string): Promise<void> {
    await this.query(sql);
  }

  async all<T extends Row = Row>(sql: string): Promise<T[]> {
    return (await this.query(sql)).rows as T[];
  }

  /** PIPELINE_PROFILE=1 prints every statement's time to stderr. */
  private async query(sql: string) {
    if (!process.env.PIPELINE_PROFILE) return this.client.sql(sql);
    const t = performance.now();
    try {
      return await this.client.sql(sql);
    } finally {
      process.stderr.write(`spark ${((performance.now() - t) / 1000).toFixed(2)}s ${sql.replace(/\s+/g, ' ').slice(0, 110)}\n`);
    }
  }

  async one<T extends Row = Row>(sql: string): Promise<T | undefined> {
    return (await this.all<T>(sql))[0];
  }

  async count(sql: string): Promise<number> {
    const row = await this.one(sql);
    const v = row ? Object.values(row)[0] : 0;
    return Number(v ?? 0);
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}

export interface LakeOpenOptions {
  create?: boolean;
  readOnly?: boolean;
  /** The run's SQL snapshot, whose lake, commit and function files the session executes (default: read now). */
  sql?: SqlSnapshot;
}

/** Opens the lake, runs work, closes the session whatever happens. */
export async function withLake<T>(
  config: Pick<PipelineConfig, 'sparkRemote' | 'lake'>,
  options: LakeOpenOptions,
  work: (l: SparkLake) => Promise<T>,
): Promise<T> {
  const l = await SparkLake.open(config, options);
  try {
    return await work(l);
  } finally {
    await l.close();
  }
}
