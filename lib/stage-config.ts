// The deployment's settings, read once from CDK context (cdk.json or `-c key=value`), typed and
// checked. Every key is documented here and in docs/deploy.md; an unknown value stops the synth
// with a message naming the key, the value received and what is accepted.
import type { RouteGroup } from '../functions/http/routes.js';

export type TableEncryptionChoice = 'aws-managed' | 'customer-managed';
export type PlaceIndexDataSource = 'Esri' | 'Here';
export type LogLevelChoice = 'debug' | 'info' | 'warn' | 'error';

export interface StageConfig {
  /** `stage`: names the stacks, the table and the API stage (`dev`, `prod`...). Default `dev`. */
  readonly stage: string;
  /** `areas`: the area ids this deployment serves (`CATCHMENTS_AREAS`); empty = every area in the table. */
  readonly areas: readonly string[];
  /** `placeIndex`: create an Amazon Location place index for postcodes missing from the directory. Default false. */
  readonly placeIndex: boolean;
  /** `placeIndexDataSource`: `Esri` (default) or `Here`. */
  readonly placeIndexDataSource: PlaceIndexDataSource;
  /** `waf`: attach an AWS WAF web ACL to the API stage. Default false (it has a fixed monthly cost). */
  readonly waf: boolean;
  /** `wafRateLimit`: requests per client IP per 5 minutes before WAF blocks it. Default 1500. */
  readonly wafRateLimit: number;
  /** `alarmEmail`: address subscribed to the alarm topic (confirm the email AWS sends). Default none. */
  readonly alarmEmail: string | undefined;
  /** `corsOrigins`: origins allowed to call the API from a browser. Default `*`. */
  readonly corsOrigins: readonly string[];
  /**
   * `adminCorsOrigins`: origins whose pages may call the admin and analysis routes from a browser
   * (never `*`). Default none: those routes answer no preflight.
   */
  readonly adminCorsOrigins: readonly string[];
  /** `reservedConcurrency`: per function group, e.g. `public=50,admin=5`. Default none (account pool). */
  readonly reservedConcurrency: Readonly<Partial<Record<RouteGroup, number>>>;
  /** `logRetentionDays`: retention of function and access logs (a CloudWatch value). Default 30. */
  readonly logRetentionDays: number;
  /** `tracing`: X-Ray active tracing on the functions and the API stage. Default false. */
  readonly tracing: boolean;
  /** `rateLimit`, `burstLimit`: the stage-wide throttle every caller shares (req/s). Default 50 / 100. */
  readonly rateLimit: number;
  readonly burstLimit: number;
  /** `apiKeyApps`: one API key per named app, in the apps usage plan. Default none. */
  readonly apiKeyApps: readonly string[];
  /** `appsRateLimit`, `appsBurstLimit`, `appsQuotaPerDay`: the apps usage plan, per key. */
  readonly appsRateLimit: number;
  readonly appsBurstLimit: number;
  readonly appsQuotaPerDay: number;
  /** `tableEncryption`: `aws-managed` (default, no key charge) or `customer-managed` (a KMS key). */
  readonly tableEncryption: TableEncryptionChoice;
  /** `refreshSeconds`: how often a container re-checks the active version (`CATCHMENTS_REFRESH_SECONDS`). Default 30. */
  readonly refreshSeconds: number;
  /** `logLevel`: the functions' `LOG_LEVEL`. Default `info`. */
  readonly logLevel: LogLevelChoice;
  /** `eventTargets`: event bus ARNs (other accounts' apps) that receive every publish/rollback event. */
  readonly eventTargets: readonly string[];
  /** `webhooks`: `name=https://…` pairs: endpoints outside AWS that receive every event, signed. Default none. */
  readonly webhooks: readonly { readonly name: string; readonly url: string }[];
  /** `detailedMetrics`: per-method API Gateway metrics (billed as custom metrics). Default false. */
  readonly detailedMetrics: boolean;
  /** `apiGatewayCloudWatchRole`: set the account's API Gateway logging role. Default true. */
  readonly apiGatewayCloudWatchRole: boolean;
}

export const CONTEXT_KEYS = [
  'stage',
  'areas',
  'placeIndex',
  'placeIndexDataSource',
  'waf',
  'wafRateLimit',
  'alarmEmail',
  'corsOrigins',
  'adminCorsOrigins',
  'reservedConcurrency',
  'logRetentionDays',
  'tracing',
  'rateLimit',
  'burstLimit',
  'apiKeyApps',
  'appsRateLimit',
  'appsBurstLimit',
  'appsQuotaPerDay',
  'tableEncryption',
  'refreshSeconds',
  'logLevel',
  'eventTargets',
  'webhooks',
  'detailedMetrics',
  'apiGatewayCloudWatchRole',
] as const satisfies readonly (keyof StageConfig)[];

/** CloudWatch Logs accepts only these retention periods (days). */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

const GROUPS: readonly RouteGroup[] = ['public', 'admin', 'analysis'];
const SLUG = /^[a-z][a-z0-9-]{0,30}$/;

export class StageConfigError extends Error {
  override readonly name = 'StageConfigError';
}

/** Reads one context value (`node.tryGetContext`); undefined when not set. */
export type ContextReader = (key: string) => unknown;

export function stageConfigFromContext(read: ContextReader): StageConfig {
  const rateLimit = int(read, 'rateLimit', { default: 50, min: 1, max: 10_000 });
  const burstLimit = int(read, 'burstLimit', { default: 100, min: 1, max: 5_000 });
  const reservedConcurrency = concurrency(read('reservedConcurrency'));
  const config: StageConfig = {
    stage: slug(read, 'stage', 'dev'),
    areas: list(read, 'areas').map((area) => {
      if (!SLUG.test(area)) fail('areas', area, 'area ids like "gloucestershire"');
      return area;
    }),
    placeIndex: bool(read, 'placeIndex', false),
    placeIndexDataSource: oneOf(read, 'placeIndexDataSource', ['Esri', 'Here'] as const, 'Esri'),
    waf: bool(read, 'waf', false),
    wafRateLimit: int(read, 'wafRateLimit', { default: 1500, min: 10, max: 2_000_000_000 }),
    alarmEmail: email(read('alarmEmail')),
    corsOrigins: origins(read),
    adminCorsOrigins: list(read, 'adminCorsOrigins').map((origin) => {
      if (!ORIGIN.test(origin)) {
        fail('adminCorsOrigins', origin, 'origins like https://gis.gloucestershire.gov.uk (no "*", no path)');
      }
      return origin;
    }),
    reservedConcurrency,
    logRetentionDays: retention(read('logRetentionDays')),
    tracing: bool(read, 'tracing', false),
    rateLimit,
    burstLimit,
    apiKeyApps: list(read, 'apiKeyApps').map((app) => {
      if (!SLUG.test(app)) fail('apiKeyApps', app, 'short lower-case names like "hv-system"');
      return app;
    }),
    appsRateLimit: int(read, 'appsRateLimit', { default: 20, min: 1, max: 10_000 }),
    appsBurstLimit: int(read, 'appsBurstLimit', { default: 40, min: 1, max: 5_000 }),
    appsQuotaPerDay: int(read, 'appsQuotaPerDay', { default: 100_000, min: 1, max: 100_000_000 }),
    tableEncryption: oneOf(
      read,
      'tableEncryption',
      ['aws-managed', 'customer-managed'] as const,
      'aws-managed',
    ),
    refreshSeconds: int(read, 'refreshSeconds', { default: 30, min: 5, max: 3600 }),
    logLevel: oneOf(read, 'logLevel', ['debug', 'info', 'warn', 'error'] as const, 'info'),
    eventTargets: list(read, 'eventTargets').map((arn) => {
      if (!/^arn:aws[a-z-]*:events:[a-z0-9-]+:\d{12}:event-bus\/[A-Za-z0-9._-]+$/.test(arn)) {
        fail('eventTargets', arn, 'event bus ARNs (arn:aws:events:<region>:<account>:event-bus/<name>)');
      }
      return arn;
    }),
    webhooks: list(read, 'webhooks').map((pair) => {
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const url = pair.slice(eq + 1);
      if (eq < 1 || !SLUG.test(name) || !/^https:\/\/[^\s,]+$/.test(url)) {
        fail(
          'webhooks',
          pair,
          'name=https://… pairs, e.g. hv-system=https://hv.example.org/hooks/catchments',
        );
      }
      return { name, url };
    }),
    detailedMetrics: bool(read, 'detailedMetrics', false),
    apiGatewayCloudWatchRole: bool(read, 'apiGatewayCloudWatchRole', true),
  };
  // A burst API Gateway lets through must fit in the lookup function's reserved concurrency, or the
  // excess would be throttled by Lambda instead of by API Gateway (see docs/deploy.md, "429s").
  const reservedPublic = reservedConcurrency.public;
  if (reservedPublic !== undefined && reservedPublic < burstLimit) {
    throw new StageConfigError(
      `reservedConcurrency public=${reservedPublic} is below burstLimit=${burstLimit}: a full burst would be ` +
        'throttled by Lambda rather than answered. Raise reservedConcurrency.public or lower burstLimit.',
    );
  }
  return config;
}

function fail(key: string, value: unknown, accepted: string): never {
  throw new StageConfigError(
    `Context "${key}"=${JSON.stringify(value)} is not valid: use ${accepted} (cdk.json "context" or -c ${key}=...).`,
  );
}

function str(read: ContextReader, key: string): string | undefined {
  const value = read(key);
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value.trim() === '' ? undefined : value.trim();
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return fail(key, value, 'a string');
}

function slug(read: ContextReader, key: string, fallback: string): string {
  const value = str(read, key) ?? fallback;
  if (!SLUG.test(value)) fail(key, value, 'lower-case letters, digits and hyphens, starting with a letter');
  return value;
}

function bool(read: ContextReader, key: string, fallback: boolean): boolean {
  const value = read(key);
  if (value === undefined || value === null || value === '') return fallback;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  return fail(key, value, 'true or false');
}

function int(
  read: ContextReader,
  key: string,
  range: { readonly default: number; readonly min: number; readonly max: number },
): number {
  const raw = str(read, key);
  if (raw === undefined) return range.default;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < range.min || value > range.max) {
    fail(key, raw, `a whole number from ${range.min} to ${range.max} (default ${range.default})`);
  }
  return value;
}

function oneOf<T extends string>(read: ContextReader, key: string, allowed: readonly T[], fallback: T): T {
  const value = str(read, key) ?? fallback;
  if (!(allowed as readonly string[]).includes(value)) fail(key, value, allowed.join(' or '));
  return value as T;
}

/** A list from a JSON array or a comma-separated string (what `-c key=a,b` gives). */
function list(read: ContextReader, key: string): string[] {
  const value = read(key);
  if (value === undefined || value === null) return [];
  const items = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : undefined;
  if (!items) return fail(key, value, 'a list: a JSON array or "a,b,c"');
  return items
    .map((item) => {
      if (typeof item !== 'string') fail(key, value, 'a list of strings');
      return item.trim();
    })
    .filter((item) => item !== '');
}

/** A browser origin: scheme, host and port, no path. */
const ORIGIN = /^https?:\/\/[a-z0-9.-]+(:\d+)?$/i;

function origins(read: ContextReader): string[] {
  const values = list(read, 'corsOrigins');
  if (values.length === 0) return ['*'];
  for (const origin of values) {
    if (origin !== '*' && !ORIGIN.test(origin)) {
      fail('corsOrigins', origin, '"*" or origins like https://www.gloucestershire.gov.uk (no path)');
    }
  }
  if (values.includes('*') && values.length > 1)
    fail('corsOrigins', values, '"*" alone or a list of origins');
  return values;
}

function email(value: unknown): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string' || !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(value)) {
    return fail('alarmEmail', value, 'an email address');
  }
  return value;
}

function retention(value: unknown): number {
  if (value === undefined || value === null || value === '') return 30;
  const days = Number(value);
  if (!(LOG_RETENTION_DAYS as readonly number[]).includes(days)) {
    return fail('logRetentionDays', value, `one of ${LOG_RETENTION_DAYS.join(', ')}`);
  }
  return days;
}

/** `{"public": 50}` (cdk.json) or `public=50,admin=5` (`-c`); 0 or absent = no reservation. */
function concurrency(value: unknown): Partial<Record<RouteGroup, number>> {
  if (value === undefined || value === null || value === '') return {};
  let entries: [string, unknown][];
  if (typeof value === 'string') {
    entries = value.split(',').map((pair) => {
      const [k = '', v = ''] = pair.split('=');
      return [k.trim(), v.trim()];
    });
  } else if (typeof value === 'object' && !Array.isArray(value)) {
    entries = Object.entries(value as Record<string, unknown>);
  } else {
    return fail('reservedConcurrency', value, '"public=50,admin=5" or {"public": 50}');
  }
  const result: Partial<Record<RouteGroup, number>> = {};
  for (const [group, raw] of entries) {
    if (!(GROUPS as readonly string[]).includes(group)) {
      fail('reservedConcurrency', value, `groups ${GROUPS.join(', ')}`);
    }
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0 || n > 10_000) {
      fail('reservedConcurrency', value, 'whole numbers from 0 to 10000');
    }
    if (n > 0) result[group as RouteGroup] = n;
  }
  return result;
}
