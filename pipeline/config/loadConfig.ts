import path from 'node:path';
import { z } from 'zod';
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
}

const WINDOW_PATTERN =
  /^\s*(\d+)\s*(microseconds?|milliseconds?|seconds?|minutes?|hours?|days?|weeks?|months?|years?)\s*$/i;

const configSchema = z.object({
  dataDir: z.string().min(1, 'must not be empty'),
  warehousePath: z.string().min(1, 'must not be empty'),
  window: z
    .string()
    .regex(WINDOW_PATTERN, 'must look like "10 days", "6 hours" or "1 month"')
    .refine((w) => Number(WINDOW_PATTERN.exec(w)?.[1]) > 0, 'must be a positive size'),
  threads: z.coerce.number().int('must be a whole number').min(1).max(1024).optional(),
  memoryLimit: z
    .string()
    .regex(/^\s*\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)\s*$/i, 'must look like "4GB" or "512MiB"')
    .optional(),
  waitSeconds: z.coerce.number().min(0, 'must be 0 or more').max(86_400, 'must be at most 86400 (a day)'),
});

export type PipelineConfig = z.infer<typeof configSchema>;

/** Environment variable behind each setting (flags > environment > defaults). */
export const CONFIG_ENV = {
  dataDir: 'PIPELINE_DATA_DIR',
  warehousePath: 'PIPELINE_WAREHOUSE',
  window: 'PIPELINE_WINDOW',
  threads: 'PIPELINE_THREADS',
  memoryLimit: 'PIPELINE_MEMORY_LIMIT',
  waitSeconds: 'PIPELINE_WAIT',
} as const;

const FLAG_NAMES: Record<keyof PipelineConfig, string> = {
  dataDir: '--data',
  warehousePath: '--warehouse',
  window: '--window',
  threads: '--threads',
  memoryLimit: '--memory-limit',
  waitSeconds: '--wait',
};

const DEFAULTS = {
  dataDir: './data',
  warehousePath: './warehouse/ecommerce.duckdb',
  window: '10 days',
  waitSeconds: '60',
};

function pick(flag: unknown, envName: string, env: NodeJS.ProcessEnv, fallback?: string): unknown {
  if (flag !== undefined && flag !== null && flag !== '') return flag;
  const fromEnv = env[envName];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  return fallback;
}

/** Resolves the configuration with precedence CLI flags > environment > defaults. */
export function loadConfig(flags: ConfigFlags, env: NodeJS.ProcessEnv = process.env): PipelineConfig {
  const raw = {
    dataDir: pick(flags.data, CONFIG_ENV.dataDir, env, DEFAULTS.dataDir),
    warehousePath: pick(flags.warehouse, CONFIG_ENV.warehousePath, env, DEFAULTS.warehousePath),
    window: pick(flags.window, CONFIG_ENV.window, env, DEFAULTS.window),
    threads: pick(flags.threads, CONFIG_ENV.threads, env),
    memoryLimit: pick(flags.memoryLimit, CONFIG_ENV.memoryLimit, env),
    waitSeconds: pick(flags.wait, CONFIG_ENV.waitSeconds, env, DEFAULTS.waitSeconds),
  };
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const key = String(issue.path[0]) as keyof PipelineConfig;
    const value = (raw as Record<string, unknown>)[key];
    throw new PipelineError(
      'CONFIG_INVALID',
      `invalid setting ${FLAG_NAMES[key] ?? key} / ${CONFIG_ENV[key] ?? ''}: ${JSON.stringify(value)} ${issue.message}`,
    );
  }
  const cfg = parsed.data;
  return {
    ...cfg,
    dataDir: path.resolve(cfg.dataDir),
    warehousePath: path.resolve(cfg.warehousePath),
    window: normalizeWindow(cfg.window),
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
