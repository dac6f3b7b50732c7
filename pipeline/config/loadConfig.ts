import fs from 'node:fs';
import path from 'node:path';
import { PipelineError } from '../errors/PipelineError.js';

/** Settings a user can give as CLI flags; undefined means "not given". */
export interface ConfigFlags {
  data?: string;
  warehouse?: string;
  window?: string;
  threads?: number | string;
  memoryLimit?: string;
  /** Seconds to wait for a warehouse another process holds (e.g. a watch batch). */
  wait?: number | string;
  /** duckdb (default) or spark. */
  engine?: string;
  /** Spark Connect endpoint, sc://host:port (engine spark). */
  sparkRemote?: string;
  /** Folder holding the Spark engine's Delta tables (engine spark). */
  lake?: string;
  /** A JSON config file (default ./pipeline.config.json when it exists). */
  config?: string;
}

const WINDOW_PATTERN =
  /^\s*(\d+)\s*(microseconds?|milliseconds?|seconds?|minutes?|hours?|days?|weeks?|months?|years?)\s*$/i;

export interface PipelineConfig {
  dataDir: string;
  warehousePath: string;
  window: string;
  threads?: number;
  memoryLimit?: string;
  waitSeconds: number;
  engine: 'duckdb' | 'spark';
  sparkRemote?: string;
  lake: string;
}

/** A rule's verdict on one value: the value to keep, or why it is refused. */
type Checked<T> = { value: T } | { problem: string };

/** A number as given (flag, environment or file): Number(text), as JSON and yargs read one; NaN and infinities refused. */
function aNumber(v: unknown, more: (n: number) => string | undefined): Checked<number> {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN;
  if (!Number.isFinite(n)) return { problem: 'must be a number' };
  const problem = more(n);
  return problem === undefined ? { value: n } : { problem };
}

function aString(v: unknown, more: (s: string) => string | undefined = (s) => (s.length === 0 ? 'must not be empty' : undefined)): Checked<string> {
  if (typeof v !== 'string') return { problem: 'must be a string' };
  const problem = more(v);
  return problem === undefined ? { value: v } : { problem };
}

/** An optional setting's rule: undefined (not given) stays undefined. */
const optional =
  <T>(rule: (v: unknown) => Checked<T>) =>
  (v: unknown): Checked<T> | undefined =>
    v === undefined ? undefined : rule(v);

/**
 * The rule of every setting (undefined: an optional setting not given).
 * Hand-written, not a schema library: zod (95 ES modules) took ~0.1 s of every
 * CLI start, a no-op `run` 0.79 -> 0.69 s (issue 18). Messages follow
 * "<flag> / <env>: <value> <message>".
 */
const RULES: Record<keyof PipelineConfig, (v: unknown) => Checked<unknown> | undefined> = {
  dataDir: (v) => aString(v),
  warehousePath: (v) => aString(v),
  window: (v) =>
    aString(v, (w) =>
      !WINDOW_PATTERN.test(w)
        ? 'must look like "10 days", "6 hours" or "1 month"'
        : !(Number(WINDOW_PATTERN.exec(w)?.[1]) > 0)
          ? 'must be a positive size'
          : undefined,
    ),
  threads: optional((v) =>
    aNumber(v, (n) => (!Number.isInteger(n) ? 'must be a whole number' : n < 1 || n > 1024 ? 'must be between 1 and 1024' : undefined)),
  ),
  memoryLimit: optional((v) =>
    aString(v, (m) => (/^\s*\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)\s*$/i.test(m) ? undefined : 'must look like "4GB" or "512MiB"')),
  ),
  waitSeconds: (v) => aNumber(v, (n) => (n < 0 ? 'must be 0 or more' : n > 86_400 ? 'must be at most 86400 (a day)' : undefined)),
  engine: (v) => (v === 'duckdb' || v === 'spark' ? { value: v } : { problem: 'must be duckdb or spark' }),
  sparkRemote: optional((v) => aString(v, (r) => (/^sc:\/\/[^\s/]+(:\d+)?(\/.*)?$/.test(r) ? undefined : 'must look like sc://host:port'))),
  lake: (v) => aString(v),
};

/** Environment variable behind each setting (flags > environment > defaults). */
export const CONFIG_ENV = {
  dataDir: 'PIPELINE_DATA_DIR',
  warehousePath: 'PIPELINE_WAREHOUSE',
  window: 'PIPELINE_WINDOW',
  threads: 'PIPELINE_THREADS',
  memoryLimit: 'PIPELINE_MEMORY_LIMIT',
  waitSeconds: 'PIPELINE_WAIT',
  engine: 'PIPELINE_ENGINE',
  sparkRemote: 'PIPELINE_SPARK_REMOTE',
  lake: 'PIPELINE_LAKE',
} as const;

const FLAG_NAMES: Record<keyof PipelineConfig, string> = {
  dataDir: '--data',
  warehousePath: '--warehouse',
  window: '--window',
  threads: '--threads',
  memoryLimit: '--memory-limit',
  waitSeconds: '--wait',
  engine: '--engine',
  sparkRemote: '--spark-remote',
  lake: '--lake',
};

/** The keys a config file may hold (its values come after flags and environment). */
const FILE_KEYS: Record<string, keyof PipelineConfig> = {
  data: 'dataDir',
  warehouse: 'warehousePath',
  window: 'window',
  threads: 'threads',
  memoryLimit: 'memoryLimit',
  wait: 'waitSeconds',
  engine: 'engine',
  sparkRemote: 'sparkRemote',
  lake: 'lake',
};

/**
 * The config file: --config / PIPELINE_CONFIG, else ./pipeline.config.json when
 * it exists. A JSON object with the keys of FILE_KEYS; relative paths in it are
 * relative to the file's folder.
 */
function readConfigFile(flag: string | undefined, env: NodeJS.ProcessEnv): Partial<Record<keyof PipelineConfig, string>> {
  const given = flag || env.PIPELINE_CONFIG || undefined;
  const file = path.resolve(given ?? 'pipeline.config.json');
  if (!given && !fs.existsSync(file)) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code ?? (e as Error).message.split('\n')[0];
    throw new PipelineError('CONFIG_INVALID', `cannot read the config file ${file}: ${why}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new PipelineError('CONFIG_INVALID', `the config file ${file} must hold a JSON object`);
  }
  const out: Partial<Record<keyof PipelineConfig, string>> = {};
  for (const [k, v] of Object.entries(parsed as Record<string, unknown>)) {
    const key = FILE_KEYS[k];
    if (!key) throw new PipelineError('CONFIG_INVALID', `the config file ${file} has an unknown key ${JSON.stringify(k)} (known: ${Object.keys(FILE_KEYS).join(', ')})`);
    if (typeof v !== 'string' && typeof v !== 'number') throw new PipelineError('CONFIG_INVALID', `the config file ${file}: ${k} must be a string or a number`);
    const isPath = key === 'dataDir' || key === 'warehousePath' || (key === 'lake' && !/^[a-z][a-z0-9+.-]*:\/\//i.test(String(v)));
    out[key] = isPath ? path.resolve(path.dirname(file), String(v)) : String(v);
  }
  return out;
}

const DEFAULTS = {
  dataDir: './data',
  warehousePath: './warehouse/ecommerce.duckdb',
  window: '10 days',
  waitSeconds: '60',
  engine: 'duckdb',
  lake: './lake',
};

function pick(flag: unknown, envName: string, env: NodeJS.ProcessEnv, fallback?: string): unknown {
  if (flag !== undefined && flag !== null && flag !== '') return flag;
  const fromEnv = env[envName];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  return fallback;
}

/** Resolves the configuration with precedence CLI flags > environment > defaults. */
export function loadConfig(flags: ConfigFlags, env: NodeJS.ProcessEnv = process.env): PipelineConfig {
  const file = readConfigFile(flags.config, env);
  const raw = {
    dataDir: pick(flags.data, CONFIG_ENV.dataDir, env, file.dataDir ?? DEFAULTS.dataDir),
    warehousePath: pick(flags.warehouse, CONFIG_ENV.warehousePath, env, file.warehousePath ?? DEFAULTS.warehousePath),
    window: pick(flags.window, CONFIG_ENV.window, env, file.window ?? DEFAULTS.window),
    threads: pick(flags.threads, CONFIG_ENV.threads, env, file.threads),
    memoryLimit: pick(flags.memoryLimit, CONFIG_ENV.memoryLimit, env, file.memoryLimit),
    waitSeconds: pick(flags.wait, CONFIG_ENV.waitSeconds, env, file.waitSeconds ?? DEFAULTS.waitSeconds),
    engine: pick(flags.engine, CONFIG_ENV.engine, env, file.engine ?? DEFAULTS.engine),
    sparkRemote: pick(flags.sparkRemote, CONFIG_ENV.sparkRemote, env, file.sparkRemote),
    lake: pick(flags.lake, CONFIG_ENV.lake, env, file.lake ?? DEFAULTS.lake),
  };
  const cfg: Record<string, unknown> = {};
  for (const key of Object.keys(RULES) as (keyof PipelineConfig)[]) {
    const value = raw[key];
    const checked = RULES[key](value);
    if (checked === undefined) continue;
    if ('problem' in checked) {
      throw new PipelineError('CONFIG_INVALID', `invalid setting ${FLAG_NAMES[key]} / ${CONFIG_ENV[key]}: ${JSON.stringify(value)} ${checked.problem}`);
    }
    cfg[key] = checked.value;
  }
  const valid = cfg as unknown as PipelineConfig;
  return {
    ...valid,
    dataDir: path.resolve(valid.dataDir),
    warehousePath: path.resolve(valid.warehousePath),
    window: normalizeWindow(valid.window),
    // a folder (made absolute) or a URI Spark resolves (e.g. s3a://bucket/lake)
    lake: /^[a-z][a-z0-9+.-]*:\/\//i.test(valid.lake) ? valid.lake : path.resolve(valid.lake),
  };
}

/** "10 Days" -> "10 days" so the window recorded in the warehouse compares stably. */
export function normalizeWindow(window: string): string {
  const m = WINDOW_PATTERN.exec(window)!;
  const n = Number(m[1]);
  let unit = m[2]!.toLowerCase();
  if (!unit.endsWith('s')) unit += 's';
  return `${n} ${unit}`;
}
