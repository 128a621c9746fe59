// Configuration, read once at start-up from the environment, typed and checked. Every request
// limit has a DEFAULT and a MAX; a value outside its range stops the start with a clear message
// rather than running with a surprise.
import type { LogLevel } from './http/logger.js';

export interface ServiceConfig {
  /** Local server port (`PORT`, default 3000). */
  readonly port: number;
  /** Local server bind address (`HOST`, default 127.0.0.1: not exposed to the network by accident). */
  readonly host: string;
  /** Folder of area boundary sets and postcode directories (`CATCHMENTS_DATA_DIR`, default the sample in data/). */
  readonly dataDir: string | undefined;
  readonly logLevel: LogLevel;
  readonly limits: {
    /** Items answered per bulk request (`CATCHMENTS_BULK_MAX_ITEMS`). */
    readonly maxBulkItems: number;
    /** Request body bytes (`CATCHMENTS_MAX_BODY_BYTES`). */
    readonly maxBodyBytes: number;
  };
  /** Seconds shared caches may keep version-stamped answers (`CATCHMENTS_CACHE_SECONDS`). */
  readonly cacheSeconds: number;
  /** Allowed CORS origins, comma-separated (`CATCHMENTS_CORS_ORIGINS`, default `*`). */
  readonly corsOrigins: readonly string[];
}

export const LIMITS = {
  bulkItems: { default: 100, min: 1, max: 1000 },
  bodyBytes: { default: 1_048_576, min: 1024, max: 6_291_456 },
  cacheSeconds: { default: 60, min: 0, max: 86_400 },
} as const;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

type Env = Readonly<Record<string, string | undefined>>;

function intVar(env: Env, name: string, range: { default: number; min: number; max: number }): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return range.default;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < range.min || value > range.max) {
    throw new ConfigError(
      `${name}=${raw} must be a whole number from ${range.min} to ${range.max} (default ${range.default}).`,
    );
  }
  return value;
}

const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error', 'silent'];

export function loadConfig(env: Env = process.env): ServiceConfig {
  const logLevel = (env.LOG_LEVEL ?? 'info').toLowerCase() as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError(`LOG_LEVEL=${env.LOG_LEVEL} must be one of ${LOG_LEVELS.join(', ')}.`);
  }
  return {
    port: intVar(env, 'PORT', { default: 3000, min: 0, max: 65_535 }),
    host: env.HOST?.trim() || '127.0.0.1',
    dataDir: env.CATCHMENTS_DATA_DIR?.trim() || undefined,
    logLevel,
    limits: {
      maxBulkItems: intVar(env, 'CATCHMENTS_BULK_MAX_ITEMS', LIMITS.bulkItems),
      maxBodyBytes: intVar(env, 'CATCHMENTS_MAX_BODY_BYTES', LIMITS.bodyBytes),
    },
    cacheSeconds: intVar(env, 'CATCHMENTS_CACHE_SECONDS', LIMITS.cacheSeconds),
    corsOrigins: (env.CATCHMENTS_CORS_ORIGINS ?? '*')
      .split(',')
      .map((o) => o.trim())
      .filter(Boolean),
  };
}
