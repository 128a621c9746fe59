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
  /** Where boundary sets live. */
  readonly store: {
    /** DynamoDB table (`CATCHMENTS_TABLE_NAME`); when set the DynamoDB store is used. */
    readonly tableName: string | undefined;
    /** Embedded store folder (`CATCHMENTS_STORE_DIR`, default `.local-store`; `:memory:` keeps nothing). */
    readonly dir: string;
  };
  /** Seconds between checks of the active pointers (`CATCHMENTS_REFRESH_SECONDS`; 0 = every request). */
  readonly refreshSeconds: number;
  readonly admin: {
    /** Bearer token the local admin API requires (`CATCHMENTS_ADMIN_TOKEN`); admin routes are off without it. */
    readonly token: string | undefined;
    /** `token` (compare the bearer token) or `iam` (API Gateway's authorizer has checked the caller). */
    readonly auth: 'token' | 'iam';
    /** Admin request body bytes (`CATCHMENTS_ADMIN_MAX_BODY_BYTES`): layers are big, API Gateway takes 10 MB. */
    readonly maxBodyBytes: number;
  };
  /** Catchment overlaps up to this many m² are slivers, a warning (`CATCHMENTS_SLIVER_TOLERANCE_M2`). */
  readonly sliverToleranceM2: number;
  /** EventBridge bus for publish/rollback events (`CATCHMENTS_EVENT_BUS_NAME`); unset: events are only logged. */
  readonly eventBusName: string | undefined;
  /** Amazon Location fallback for well-formed postcodes missing from the directory; off without an index. */
  readonly geocoder: {
    /** Place index name (`CATCHMENTS_PLACE_INDEX_NAME`). */
    readonly placeIndexName: string | undefined;
    /** Budget for one search, retries included (`CATCHMENTS_GEOCODER_TIMEOUT_MS`). */
    readonly timeoutMs: number;
  };
  /** Area ids this deployment serves (`CATCHMENTS_AREAS`, comma-separated); empty: every area in the store. */
  readonly areas: readonly string[];
  /** HTTPS endpoints outside AWS that receive every boundary-set event, signed (docs/events.md). */
  readonly webhooks: {
    /** `CATCHMENTS_WEBHOOKS`: `name=url` pairs, comma-separated; https only, http only on loopback. */
    readonly endpoints: readonly { readonly name: string; readonly url: string }[];
    /** `CATCHMENTS_WEBHOOK_SECRET`: the signing secret locally (16+ characters). */
    readonly secret: string | undefined;
    /** `CATCHMENTS_WEBHOOK_SECRET_ARNS`: `name=arn` pairs on AWS (Secrets Manager, one per endpoint). */
    readonly secretArns: Readonly<Record<string, string>>;
    /** Per delivery attempt (`CATCHMENTS_WEBHOOK_TIMEOUT_MS`). */
    readonly timeoutMs: number;
  };
  /** Change lists served per page (`CATCHMENTS_CHANGES_PAGE_ITEMS`: the most a caller may ask for). */
  readonly changesPageItems: number;
  /**
   * Memory for areas loaded on first use, MB (`CATCHMENTS_AREA_CACHE_MB`): least recently used areas
   * leave when it is full. The default leaves a 1,024 MB Lambda room for the national routing (~60 MB),
   * the runtime and answer caches.
   */
  readonly areaCacheMb: number;
  /** S3 bucket for blob parts (`CATCHMENTS_BLOB_BUCKET`); unset: chunks in the table (DynamoDB) or files (embedded). */
  readonly blobBucket: string | undefined;
}

export const LIMITS = {
  bulkItems: { default: 100, min: 1, max: 1000 },
  bodyBytes: { default: 1_048_576, min: 1024, max: 6_291_456 },
  cacheSeconds: { default: 60, min: 0, max: 86_400 },
  refreshSeconds: { default: 30, min: 0, max: 3_600 },
  // Lambda refuses invocation payloads over 6 MB, so a larger admin body could never reach a function.
  adminBodyBytes: { default: 5_242_880, min: 1024, max: 6_291_456 },
  sliverToleranceM2: { default: 100, min: 0, max: 100_000 },
  geocoderTimeoutMs: { default: 1500, min: 100, max: 5000 },
  webhookTimeoutMs: { default: 5000, min: 100, max: 30_000 },
  changesPageItems: { default: 1000, min: 10, max: 5000 },
  areaCacheMb: { default: 384, min: 16, max: 8192 },
} as const;

/** Shorter admin tokens are refused: a guessable token guards the power to redraw every boundary. */
export const MIN_ADMIN_TOKEN_LENGTH = 16;

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
    store: {
      tableName: env.CATCHMENTS_TABLE_NAME?.trim() || undefined,
      dir: env.CATCHMENTS_STORE_DIR?.trim() || '.local-store',
    },
    refreshSeconds: intVar(env, 'CATCHMENTS_REFRESH_SECONDS', LIMITS.refreshSeconds),
    admin: {
      token: adminToken(env.CATCHMENTS_ADMIN_TOKEN),
      auth: adminAuth(env.CATCHMENTS_ADMIN_AUTH),
      maxBodyBytes: intVar(env, 'CATCHMENTS_ADMIN_MAX_BODY_BYTES', LIMITS.adminBodyBytes),
    },
    sliverToleranceM2: intVar(env, 'CATCHMENTS_SLIVER_TOLERANCE_M2', LIMITS.sliverToleranceM2),
    eventBusName: env.CATCHMENTS_EVENT_BUS_NAME?.trim() || undefined,
    geocoder: {
      placeIndexName: env.CATCHMENTS_PLACE_INDEX_NAME?.trim() || undefined,
      timeoutMs: intVar(env, 'CATCHMENTS_GEOCODER_TIMEOUT_MS', LIMITS.geocoderTimeoutMs),
    },
    areas: areaIds(env.CATCHMENTS_AREAS),
    webhooks: webhooks(env),
    changesPageItems: intVar(env, 'CATCHMENTS_CHANGES_PAGE_ITEMS', LIMITS.changesPageItems),
    areaCacheMb: intVar(env, 'CATCHMENTS_AREA_CACHE_MB', LIMITS.areaCacheMb),
    blobBucket: env.CATCHMENTS_BLOB_BUCKET?.trim() || undefined,
  };
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

function namedList(env: Env, name: string): [string, string][] {
  return (env[name] ?? '')
    .split(',')
    .map((pair) => pair.trim())
    .filter(Boolean)
    .map((pair) => {
      const eq = pair.indexOf('=');
      const key = pair.slice(0, eq).trim();
      if (eq < 1 || !/^[a-z0-9][a-z0-9-]{0,62}$/.test(key)) {
        throw new ConfigError(
          `${name} has "${pair.slice(0, 60)}": give name=value pairs such as hv-system=…`,
        );
      }
      return [key, pair.slice(eq + 1).trim()];
    });
}

function webhooks(env: Env): ServiceConfig['webhooks'] {
  const endpoints = namedList(env, 'CATCHMENTS_WEBHOOKS').map(([name, raw]) => {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new ConfigError(`CATCHMENTS_WEBHOOKS: "${name}" is not a URL.`);
    }
    if (!(url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname)))) {
      throw new ConfigError(
        `CATCHMENTS_WEBHOOKS: "${name}" must be an https:// URL (plain http only on loopback, for tests).`,
      );
    }
    return { name, url: url.toString() };
  });
  const secret = env.CATCHMENTS_WEBHOOK_SECRET || undefined;
  if (secret !== undefined && secret.length < MIN_ADMIN_TOKEN_LENGTH) {
    throw new ConfigError(`CATCHMENTS_WEBHOOK_SECRET must be at least ${MIN_ADMIN_TOKEN_LENGTH} characters.`);
  }
  const secretArns = Object.fromEntries(namedList(env, 'CATCHMENTS_WEBHOOK_SECRET_ARNS'));
  for (const { name } of endpoints) {
    if (!secret && !secretArns[name]) {
      throw new ConfigError(
        `CATCHMENTS_WEBHOOKS names "${name}" but there is no signing secret: set CATCHMENTS_WEBHOOK_SECRET.`,
      );
    }
  }
  return {
    endpoints,
    secret,
    secretArns,
    timeoutMs: intVar(env, 'CATCHMENTS_WEBHOOK_TIMEOUT_MS', LIMITS.webhookTimeoutMs),
  };
}

function areaIds(raw: string | undefined): string[] {
  const ids = (raw ?? '')
    .split(',')
    .map((id) => id.trim())
    .filter(Boolean);
  for (const id of ids) {
    if (!/^[a-z][a-z0-9-]*$/.test(id)) {
      throw new ConfigError(
        `CATCHMENTS_AREAS has "${id}": give area ids such as "gloucestershire", comma-separated.`,
      );
    }
  }
  return ids;
}

function adminToken(raw: string | undefined): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (raw.length < MIN_ADMIN_TOKEN_LENGTH || raw.trim() !== raw) {
    throw new ConfigError(
      `CATCHMENTS_ADMIN_TOKEN must be at least ${MIN_ADMIN_TOKEN_LENGTH} characters with no surrounding spaces ` +
        '(e.g. the output of `openssl rand -hex 24`).',
    );
  }
  return raw;
}

function adminAuth(raw: string | undefined): 'token' | 'iam' {
  const value = (raw ?? 'token').trim().toLowerCase();
  if (value !== 'token' && value !== 'iam') {
    throw new ConfigError(
      `CATCHMENTS_ADMIN_AUTH=${raw} must be "token" (local bearer token) or "iam" (API Gateway authorizer).`,
    );
  }
  return value;
}
