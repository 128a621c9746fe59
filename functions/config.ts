// Configuration, read once at start-up from the environment, typed and checked. Every request
// limit has a DEFAULT and a MAX; a value outside its range stops the start with a clear message
// rather than running with a surprise.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, extname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
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
    /**
     * Origins whose pages may call the admin API from a browser (`CATCHMENTS_ADMIN_CORS_ORIGINS`,
     * comma-separated; default none: the planner's map is served from the API's own origin). Never `*`.
     */
    readonly corsOrigins: readonly string[];
    /** Largest national directory file ingested from a presigned upload (`CATCHMENTS_UPLOAD_MAX_BYTES`). */
    readonly maxUploadBytes: number;
    /** Work one ingest call does before answering "in progress" (`CATCHMENTS_INGEST_BUDGET_MS`). */
    readonly ingestBudgetMs: number;
  };
  /**
   * Validation, redraw impact and alignment run off the request path: in worker threads locally (on
   * AWS in their own Lambda), each job with a deadline and a memory cap, so lookups keep their latency.
   */
  readonly analysis: {
    /** Worker threads (`CATCHMENTS_ANALYSIS_WORKERS`); 0 runs analysis in the serving thread (as a Lambda does). */
    readonly workers: number;
    /** A job still running after this long is stopped with a 422 (`CATCHMENTS_ANALYSIS_TIMEOUT_MS`). */
    readonly timeoutMs: number;
    /** Heap cap of a worker (`CATCHMENTS_ANALYSIS_MEMORY_MB`): a job that needs more is stopped with a 422. */
    readonly memoryMb: number;
    /** Jobs waiting for a worker (`CATCHMENTS_ANALYSIS_QUEUE`); beyond it requests get 503 and Retry-After. */
    readonly maxQueue: number;
  };
  /**
   * Budget of the OGC validity and overlap checks of one draft (vertices and milliseconds): a draft
   * beyond it is refused with a 422 that says so, instead of a long run.
   */
  readonly validity: {
    /** `CATCHMENTS_VALIDITY_MAX_VERTICES`. */
    readonly maxVertices: number;
    /** `CATCHMENTS_VALIDITY_MAX_MS`. */
    readonly maxMs: number;
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
  /** The web pages' branding file (`CATCHMENTS_BRANDING`, default web/branding/default.json): see loadBranding. */
  readonly brandingFile: string;
}

export const LIMITS = {
  bulkItems: { default: 100, min: 1, max: 1000 },
  bodyBytes: { default: 1_048_576, min: 1024, max: 6_291_456 },
  cacheSeconds: { default: 60, min: 0, max: 86_400 },
  refreshSeconds: { default: 30, min: 0, max: 3_600 },
  // Lambda refuses invocation payloads over 6 MB, so a larger admin body could never reach a function.
  adminBodyBytes: { default: 5_242_880, min: 1024, max: 6_291_456 },
  // Downloaded to the admin Lambda's /tmp (512 MB) before it is read: England's CSV is 60 MB plain.
  uploadBytes: { default: 209_715_200, min: 1024, max: 419_430_400 },
  // Under the admin Lambda's 28 s timeout, leaving room for the parse (repeated per call) to finish.
  ingestBudgetMs: { default: 15_000, min: 100, max: 25_000 },
  sliverToleranceM2: { default: 100, min: 0, max: 100_000 },
  geocoderTimeoutMs: { default: 1500, min: 100, max: 5000 },
  // Two cores is the small machine this runs on: one worker leaves a core for lookups.
  analysisWorkers: { default: 1, min: 0, max: 16 },
  // Under API Gateway's 29 s integration timeout; the sample area's heaviest analysis takes ~1 s.
  analysisTimeoutMs: { default: 20_000, min: 1_000, max: 120_000 },
  analysisMemoryMb: { default: 1_024, min: 128, max: 8_192 },
  analysisQueue: { default: 16, min: 1, max: 1_000 },
  validityMaxVertices: { default: 500_000, min: 1_000, max: 5_000_000 },
  validityMaxMs: { default: 5_000, min: 100, max: 60_000 },
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
    corsOrigins: originList(env.CATCHMENTS_CORS_ORIGINS ?? '*'),
    store: {
      tableName: env.CATCHMENTS_TABLE_NAME?.trim() || undefined,
      dir: env.CATCHMENTS_STORE_DIR?.trim() || '.local-store',
    },
    refreshSeconds: intVar(env, 'CATCHMENTS_REFRESH_SECONDS', LIMITS.refreshSeconds),
    admin: {
      token: adminToken(env.CATCHMENTS_ADMIN_TOKEN),
      auth: adminAuth(env.CATCHMENTS_ADMIN_AUTH),
      maxBodyBytes: intVar(env, 'CATCHMENTS_ADMIN_MAX_BODY_BYTES', LIMITS.adminBodyBytes),
      corsOrigins: adminCorsOrigins(env.CATCHMENTS_ADMIN_CORS_ORIGINS),
      maxUploadBytes: intVar(env, 'CATCHMENTS_UPLOAD_MAX_BYTES', LIMITS.uploadBytes),
      ingestBudgetMs: intVar(env, 'CATCHMENTS_INGEST_BUDGET_MS', LIMITS.ingestBudgetMs),
    },
    analysis: {
      workers: intVar(env, 'CATCHMENTS_ANALYSIS_WORKERS', LIMITS.analysisWorkers),
      timeoutMs: intVar(env, 'CATCHMENTS_ANALYSIS_TIMEOUT_MS', LIMITS.analysisTimeoutMs),
      memoryMb: intVar(env, 'CATCHMENTS_ANALYSIS_MEMORY_MB', LIMITS.analysisMemoryMb),
      maxQueue: intVar(env, 'CATCHMENTS_ANALYSIS_QUEUE', LIMITS.analysisQueue),
    },
    validity: {
      maxVertices: intVar(env, 'CATCHMENTS_VALIDITY_MAX_VERTICES', LIMITS.validityMaxVertices),
      maxMs: intVar(env, 'CATCHMENTS_VALIDITY_MAX_MS', LIMITS.validityMaxMs),
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
    brandingFile: resolve(env.CATCHMENTS_BRANDING?.trim() || DEFAULT_BRANDING_FILE),
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

function originList(raw: string): string[] {
  return raw
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean);
}

/** The admin API changes every boundary: a browser page may call it only from origins named here. */
function adminCorsOrigins(raw: string | undefined): string[] {
  const origins = originList(raw ?? '');
  for (const origin of origins) {
    if (!/^https?:\/\/[^/\s*]+$/.test(origin)) {
      throw new ConfigError(
        `CATCHMENTS_ADMIN_CORS_ORIGINS has "${origin}": name each origin whose pages may call the admin API, ` +
          'e.g. https://gis.example.gov.uk (no "*", no path).',
      );
    }
  }
  return origins;
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

// ------------------------------------------------------------------------------------------------
// Branding of the web pages (docs/web.md#branding): one JSON file a council edits — its name, logo,
// colours, contact and privacy links, the areas its page speaks for, the sites allowed to frame the
// page, the page language and a same-origin basemap. Read and checked here, once, by `npm start`
// (local-app), the web build and the CDK app, so all three agree. Colours are checked for WCAG
// contrast (>= 4.5:1 for every text pairing the pages use) before anything is built.

/** The sample's own branding ("Family hubs", no logo, no framing, no basemap). */
export const DEFAULT_BRANDING_FILE = fileURLToPath(new URL('../web/branding/default.json', import.meta.url));
/** One file of page strings per language (`en.json` first); every language has every key of English. */
export const STRINGS_DIR = fileURLToPath(new URL('../web/strings/', import.meta.url));
export const MIN_CONTRAST = 4.5;

export interface BrandColours {
  /** Header and buttons. */
  readonly brand: string;
  /** Header border, button shadow and hover. */
  readonly brandDark: string;
  /** Text on `brand` and `brandDark`. */
  readonly brandText: string;
  readonly link: string;
  readonly linkVisited: string;
  readonly text: string;
}

export interface Branding {
  /** The file read (absolute). */
  readonly file: string;
  readonly council: { readonly name: string; readonly url: string };
  /** Absolute path of the logo (SVG, PNG or WebP), shown in the header with its alt text. */
  readonly logo: {
    readonly file: string;
    readonly alt: string;
    readonly width: number;
    readonly height: number;
  } | null;
  readonly colours: BrandColours;
  readonly contact: {
    readonly text: string;
    readonly phone?: string;
    readonly email?: string;
    readonly url?: string;
  } | null;
  readonly privacyUrl: string | null;
  /** Area ids the page speaks for; empty: every area the API serves. */
  readonly areas: readonly string[];
  /** Origins allowed to show the page in an iframe (CSP frame-ancestors, beside 'self'). Never `*`. */
  readonly frameAncestors: readonly string[];
  /** The strings file used (`web/strings/<language>.json`), merged with `strings` overrides. */
  readonly language: string;
  readonly strings: Readonly<Record<string, string>>;
  /** A single-file PMTiles basemap served from this origin (`url`); `file` is copied or mounted there. */
  readonly basemap: {
    readonly file: string | null;
    readonly url: string;
    readonly attribution: string;
    readonly maxzoom: number;
  } | null;
}

/** Each pairing of text and background the pages draw with the brand colours. */
export const CONTRAST_PAIRS: readonly {
  text: keyof BrandColours | string;
  on: keyof BrandColours | string;
  where: string;
}[] = [
  { text: 'brandText', on: 'brand', where: 'header and button text' },
  { text: 'brandText', on: 'brandDark', where: 'button text on hover' },
  { text: 'text', on: '#ffffff', where: 'body text' },
  { text: 'text', on: '#f3f2f1', where: 'footer text' },
  { text: 'link', on: '#ffffff', where: 'links' },
  { text: 'link', on: '#f3f2f1', where: 'footer links' },
  { text: 'linkVisited', on: '#ffffff', where: 'visited links' },
];

export function loadBranding(file: string = DEFAULT_BRANDING_FILE): Branding {
  const where = resolve(file);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(where, 'utf8'));
  } catch (error) {
    throw new ConfigError(`Branding file ${where} could not be read as JSON: ${(error as Error).message}`);
  }
  const fail = (key: string, message: string): never => {
    throw new ConfigError(`Branding file ${where}: "${key}" ${message}`);
  };
  const obj = (value: unknown, key: string): Record<string, unknown> =>
    typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : fail(key, 'must be an object.');
  const str = (value: unknown, key: string, max = 300): string =>
    typeof value === 'string' && value.trim() !== '' && value.length <= max
      ? value.trim()
      : fail(key, `must be text of 1 to ${max} characters.`);
  const link = (value: unknown, key: string): string => {
    const text = str(value, key, 500);
    return /^https:\/\/[^\s"<>]+$|^\/(?!\/)[^\s"<>]*$/.test(text)
      ? text
      : fail(key, `must be an https:// address or a path on this site starting with "/", got "${text}".`);
  };
  const local = (value: unknown, key: string, exts: readonly string[]): string => {
    const path = resolve(dirname(where), str(value, key, 500));
    if (!exts.includes(extname(path).toLowerCase())) fail(key, `must be a ${exts.join(' or ')} file.`);
    if (!existsSync(path)) fail(key, `names ${path}, which does not exist.`);
    return path;
  };
  const root = obj(raw, '(top level)');
  const known = [
    '$comment',
    'council',
    'logo',
    'colours',
    'contact',
    'privacyUrl',
    'areas',
    'frameAncestors',
    'language',
    'strings',
    'basemap',
  ];
  for (const key of Object.keys(root))
    if (!known.includes(key)) fail(key, `is not a branding setting (known: ${known.slice(1).join(', ')}).`);

  const council = obj(root.council, 'council');
  const colourSource = obj(root.colours, 'colours');
  const colour = (key: keyof BrandColours) => {
    const value = str(colourSource[key], `colours.${key}`, 7).toLowerCase();
    return /^#[0-9a-f]{6}$/.test(value)
      ? value
      : fail(`colours.${key}`, `must be a #rrggbb colour, got "${value}".`);
  };
  const colours: BrandColours = {
    brand: colour('brand'),
    brandDark: colour('brandDark'),
    brandText: colour('brandText'),
    link: colour('link'),
    linkVisited: colour('linkVisited'),
    text: colour('text'),
  };
  const pick = (name: string) => (name.startsWith('#') ? name : colours[name as keyof BrandColours]);
  for (const pair of CONTRAST_PAIRS) {
    const ratio = contrastRatio(pick(pair.text), pick(pair.on));
    if (ratio < MIN_CONTRAST) {
      fail(
        `colours.${pair.text}`,
        `on ${pair.on.startsWith('#') ? pair.on : `colours.${pair.on}`} (${pair.where}) has contrast ${ratio.toFixed(2)}:1; WCAG AA needs at least ${MIN_CONTRAST}:1. Choose a darker or lighter colour.`,
      );
    }
  }

  let logo: Branding['logo'] = null;
  if (root.logo !== null && root.logo !== undefined) {
    const l = obj(root.logo, 'logo');
    const size = (value: unknown, key: string) =>
      Number.isInteger(value) && (value as number) >= 8 && (value as number) <= 400
        ? (value as number)
        : fail(key, 'must be a whole number of pixels from 8 to 400.');
    logo = {
      file: local(l.file, 'logo.file', ['.svg', '.png', '.webp']),
      alt: str(l.alt, 'logo.alt', 120),
      width: size(l.width, 'logo.width'),
      height: size(l.height, 'logo.height'),
    };
  }

  let contact: Branding['contact'] = null;
  if (root.contact !== null && root.contact !== undefined) {
    const c = obj(root.contact, 'contact');
    contact = {
      text: str(c.text, 'contact.text'),
      ...(c.phone !== undefined ? { phone: str(c.phone, 'contact.phone', 40) } : {}),
      ...(c.email !== undefined
        ? {
            email: /^[^\s@<>"]+@[^\s@<>"]+\.[a-z]{2,}$/i.test(String(c.email))
              ? String(c.email)
              : fail('contact.email', `must be an e-mail address, got "${String(c.email)}".`),
          }
        : {}),
      ...(c.url !== undefined ? { url: link(c.url, 'contact.url') } : {}),
    };
  }

  const list = (value: unknown, key: string): string[] =>
    value === undefined
      ? []
      : Array.isArray(value)
        ? value.map((v, i) => str(v, `${key}[${i}]`))
        : fail(key, 'must be a list.');
  const areas = list(root.areas, 'areas');
  for (const id of areas)
    if (!/^[a-z][a-z0-9-]*$/.test(id)) fail('areas', `has "${id}": give area ids such as "gloucestershire".`);
  const frameAncestors = list(root.frameAncestors, 'frameAncestors');
  for (const origin of frameAncestors) {
    // An origin (scheme, host, optional port), a subdomain wildcard at most: never "*" or a bare scheme.
    if (
      !/^https:\/\/(\*\.)?[a-z0-9.-]+\.[a-z]{2,}(:\d{1,5})?$|^http:\/\/(localhost|127\.0\.0\.1)(:\d{1,5})?$/i.test(
        origin,
      )
    )
      fail(
        'frameAncestors',
        `has "${origin}": give origins such as "https://www.example.gov.uk" (http only for localhost), never "*".`,
      );
  }

  const language = root.language === undefined ? 'en' : str(root.language, 'language', 10);
  if (!/^[a-z]{2,3}(-[a-z0-9]+)?$/i.test(language))
    fail('language', `must be a language code such as "en" or "cy", got "${language}".`);
  const english = readStrings('en');
  const chosen = language === 'en' ? english : readStrings(language);
  for (const key of Object.keys(english)) {
    if (!(key in chosen))
      fail(
        'language',
        `"${language}" has no string "${key}" (web/strings/${language}.json needs every key of en.json).`,
      );
    if (placeholders(chosen[key]!) !== placeholders(english[key]!))
      fail(
        'language',
        `"${language}" string "${key}" must use the placeholders ${placeholders(english[key]!) || '(none)'}.`,
      );
  }
  const overrides = root.strings === undefined ? {} : obj(root.strings, 'strings');
  const strings: Record<string, string> = { ...chosen };
  for (const [key, value] of Object.entries(overrides)) {
    if (!(key in english)) fail(`strings.${key}`, 'is not a page string (see web/strings/en.json).');
    const text = str(value, `strings.${key}`, 2000);
    if (placeholders(text) !== placeholders(english[key]!))
      fail(`strings.${key}`, `must use the placeholders ${placeholders(english[key]!) || '(none)'}.`);
    strings[key] = text;
  }

  let basemap: Branding['basemap'] = null;
  if (root.basemap !== null && root.basemap !== undefined) {
    const b = obj(root.basemap, 'basemap');
    const fileValue = b.file === undefined ? null : local(b.file, 'basemap.file', ['.pmtiles']);
    const url =
      b.url === undefined
        ? fileValue
          ? `/tiles/${fileValue.split(/[\\/]/).pop()}`
          : fail('basemap', 'needs "file" (a .pmtiles file) or "url" (its path on this site).')
        : str(b.url, 'basemap.url', 300);
    // Same origin only: no third-party tile servers (privacy, and no request leaves the council's site).
    if (!/^\/(?!\/)[A-Za-z0-9._/-]+\.pmtiles$/.test(url))
      fail('basemap.url', `must be a path on this site ending in .pmtiles (no other servers), got "${url}".`);
    const maxzoom = b.maxzoom === undefined ? 15 : b.maxzoom;
    if (!Number.isInteger(maxzoom) || (maxzoom as number) < 0 || (maxzoom as number) > 16)
      fail('basemap.maxzoom', 'must be a whole number from 0 to 16.');
    basemap = {
      file: fileValue,
      url,
      attribution: str(b.attribution, 'basemap.attribution'),
      maxzoom: maxzoom as number,
    };
  }

  return {
    file: where,
    council: {
      name: str(council.name, 'council.name', 80),
      url: council.url === undefined ? '/' : link(council.url, 'council.url'),
    },
    logo,
    colours,
    contact,
    privacyUrl:
      root.privacyUrl === null || root.privacyUrl === undefined ? null : link(root.privacyUrl, 'privacyUrl'),
    areas,
    frameAncestors,
    language,
    strings,
    basemap,
  };
}

function readStrings(language: string): Record<string, string> {
  const path = resolve(STRINGS_DIR, `${language}.json`);
  if (!isAbsolute(path) || !existsSync(path))
    throw new ConfigError(`No page strings for language "${language}": add web/strings/${language}.json.`);
  const value = JSON.parse(readFileSync(path, 'utf8')) as unknown;
  if (typeof value !== 'object' || value === null || Object.values(value).some((v) => typeof v !== 'string'))
    throw new ConfigError(`web/strings/${language}.json must be an object of strings.`);
  return value as Record<string, string>;
}

/** The `{name}` placeholders of a string, sorted: a translation must keep the same ones. */
function placeholders(text: string): string {
  return [...new Set(text.match(/\{[a-z]+\}/gi) ?? [])].sort().join(' ');
}

/** WCAG 2.x contrast ratio of two #rrggbb colours (1 to 21). */
export function contrastRatio(a: string, b: string): number {
  const luminance = (hex: string) => {
    const channel = (i: number) => {
      const v = Number.parseInt(hex.slice(1 + 2 * i, 3 + 2 * i), 16) / 255;
      return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * channel(0) + 0.7152 * channel(1) + 0.0722 * channel(2);
  };
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}
