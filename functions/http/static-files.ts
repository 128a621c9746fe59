// Serves the built web pages (web/dist: the public "find your family hub" page, the planner's map,
// their hashed assets and the vendored MapLibre) as an API Gateway-style handler, so the local
// server mounts it beside the Lambda handlers. On AWS the same folder is deployable as static
// assets (S3 + CloudFront); this handler is for `npm start`, the browser tests and demos.
//
// Rules (docs/web.md#serving):
// - GET and HEAD only (anything else: 405 with Allow); unknown paths: 404 problem+json.
// - Paths are resolved inside the root and nowhere else: no `..`, no dot-files, no NUL or
//   backslash, no encoded slashes, and the real path (symlinks followed) must stay in the root.
// - Strong ETags from the content (per encoding); If-None-Match answers 304.
// - Names carrying a content hash (`name-ABCDEFGH.js`, as the web build writes them) are cached
//   for a year as immutable; everything else (pages, config) is `no-cache`: revalidated each time.
// - gzip or Brotli when the client accepts it, for text types over 1 KB (Vary: Accept-Encoding).
// - Pages get a Content-Security-Policy that allows only this origin (plus a configured tile server)
//   and no inline script; `frame-ancestors` lists the branding's allowed parent sites (iframe mode).
// - Byte ranges (`Range: bytes=a-b`, one range) answer 206: the PMTiles basemap is read that way.
// - Files named in `crossOrigin` (the widget script) carry `Access-Control-Allow-Origin: *`: a
//   council's page on another site loads them as module scripts, which browsers fetch with CORS.
import { createHash } from 'node:crypto';
import { readFileSync, realpathSync } from 'node:fs';
import { readFile, realpath, stat } from 'node:fs/promises';
import { extname, isAbsolute, relative, resolve, sep } from 'node:path';
import { brotliCompressSync, gzipSync, constants as zlibConstants } from 'node:zlib';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { MethodNotAllowedError, NotFoundError, truncate } from '../core/errors.js';
import type { ApiHandler } from './api.js';
import type { Logger } from './logger.js';
import { PROBLEM_CONTENT_TYPE, renderProblem } from './problem.js';
import { header } from './request.js';

export const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.geojson': 'application/geo+json',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.pmtiles': 'application/vnd.pmtiles',
};

/** `name-ABCDEFGH.ext` (or `.js.map`): esbuild's `[hash]` (8 characters, A-Z and 0-9) before the extension. */
const HASHED_NAME = /-[A-Z0-9]{8}(?:\.[a-z0-9]+)+$/;
const COMPRESS_MIN_BYTES = 1024;
const COMPRESSIBLE = /^(?:text\/|application\/(?:json|geo\+json|manifest\+json)|image\/svg\+xml)/;

export interface PagePolicy {
  /** Origins allowed to frame the pages (beside 'self'): the branding's frameAncestors. */
  readonly frameAncestors?: readonly string[];
  /** Other origins the pages may fetch from or draw images of: a tile server, an API elsewhere. */
  readonly connectOrigins?: readonly string[];
}

/**
 * The pages' Content-Security-Policy (also the CloudFront response headers policy's: lib/constructs/
 * web-hosting.ts). Scripts and workers only from this origin (the web build uses MapLibre's CSP
 * bundle, whose worker is a file, not a blob); images and connections from this origin and any
 * configured tile server or API origin; framing only by this origin and the configured parents.
 */
export function pageContentSecurityPolicy(policy: PagePolicy = {}): string {
  const others = (policy.connectOrigins ?? []).join(' ');
  const extra = others ? ` ${others}` : '';
  return [
    "default-src 'self'",
    "script-src 'self'",
    "worker-src 'self'",
    "style-src 'self'",
    `img-src 'self' data: blob:${extra}`,
    `connect-src 'self'${extra}`,
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    `frame-ancestors 'self'${(policy.frameAncestors ?? []).map((o) => ` ${o}`).join('')}`,
  ].join('; ');
}

/**
 * Origins other than this one that the built pages use: the API (`apiBase`) and a raster tile
 * server (`tiles`) from the build's assets/config.json. None by default.
 */
export function builtPageOrigins(root: string): string[] {
  let config: { apiBase?: unknown; tiles?: { url?: unknown } | null };
  try {
    config = JSON.parse(readFileSync(resolve(root, 'assets', 'config.json'), 'utf8'));
  } catch {
    return [];
  }
  const origins = new Set<string>();
  for (const url of [config.apiBase, config.tiles?.url]) {
    if (typeof url !== 'string' || !/^https:\/\//.test(url)) continue;
    origins.add(new URL(url.replace(/[{}]/g, '')).origin);
  }
  return [...origins];
}

/** The policy with nothing configured: this origin only. */
export const PAGE_CSP = pageContentSecurityPolicy();

export interface StaticFilesOptions {
  /** The folder served (e.g. web/dist). Nothing outside it is ever read. */
  readonly root: string;
  /** Page paths to files in the root, e.g. { '/': 'index.html', '/planner': 'planner.html' }. */
  readonly pages?: Readonly<Record<string, string>>;
  /** Said in the 404 when the root or a page is missing (e.g. "run npm run build:web"). */
  readonly missingHint?: string;
  readonly logger?: Logger;
  /** The pages' CSP. @default PAGE_CSP (this origin only, framed by this origin only) */
  readonly contentSecurityPolicy?: string;
  /** Paths served with `Access-Control-Allow-Origin: *` (e.g. /widget.js, loaded by other sites). */
  readonly crossOrigin?: readonly string[];
}

interface Entry {
  readonly mtimeMs: number;
  readonly size: number;
  readonly contentType: string;
  readonly content: Buffer;
  readonly identity: Variant;
  readonly variants: Map<'br' | 'gzip', Variant | null>;
}

interface Variant {
  readonly base64: string;
  readonly bytes: number;
  readonly etag: string;
}

/** Creates the handler. Files are read on request (a rebuild is served at once) and cached by mtime. */
export function createStaticFileHandler(options: StaticFilesOptions): ApiHandler {
  const root = resolve(options.root);
  const pages = new Map(Object.entries(options.pages ?? {}));
  const cache = new Map<string, Entry>();
  let rootReal: string | null = null;

  const rootRealPath = (): string | null => {
    if (rootReal) return rootReal;
    try {
      rootReal = realpathSync(root);
    } catch {
      return null;
    }
    return rootReal;
  };

  return async (event) => {
    const requestId = event.requestContext?.requestId ?? 'local';
    try {
      const method = event.httpMethod.toUpperCase();
      if (method !== 'GET' && method !== 'HEAD')
        throw new MethodNotAllowedError(method, event.path, ['GET', 'HEAD']);
      const base = rootRealPath();
      if (!base) throw notFound(event.path, options.missingHint);
      const file = await locate(base, event.path, pages);
      if (!file)
        throw notFound(event.path, pages.has(pagePath(event.path)) ? options.missingHint : undefined);
      const entry = await load(file, cache);
      const result = respond(event, file, entry, {
        isPage: pages.has(pagePath(event.path)) || file.endsWith('.html'),
        csp: options.contentSecurityPolicy ?? PAGE_CSP,
      });
      if (options.crossOrigin?.includes(event.path))
        result.headers = { ...result.headers, 'Access-Control-Allow-Origin': '*' };
      return result;
    } catch (error) {
      const rendered = renderProblem(error, requestId);
      if (rendered.status >= 500) {
        options.logger?.error('static file failure', {
          path: event.path,
          error: (error as Error)?.stack ?? String(error),
        });
      }
      return {
        statusCode: rendered.status,
        headers: {
          'Content-Type': PROBLEM_CONTENT_TYPE,
          'Cache-Control': 'no-store',
          'X-Content-Type-Options': 'nosniff',
          ...rendered.headers,
        },
        body:
          event.httpMethod.toUpperCase() === 'HEAD'
            ? ''
            : JSON.stringify({ ...rendered.problem, instance: truncate(event.path) }),
      };
    }
  };
}

/**
 * Sends the given page paths (exactly, e.g. `/`) to `pagesHandler` and everything else to `next`:
 * lets the site's home page share the `/` prefix with the API it sits in front of.
 */
export function withPages(pagesHandler: ApiHandler, next: ApiHandler, paths: readonly string[]): ApiHandler {
  const set = new Set(paths);
  return (event, context) => (set.has(event.path) ? pagesHandler(event, context) : next(event, context));
}

function notFound(path: string, hint: string | undefined): NotFoundError {
  return new NotFoundError(`Nothing at ${truncate(path)}.${hint ? ` ${hint}` : ''}`, {
    path: truncate(path),
  });
}

function pagePath(path: string): string {
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}

/** The file a URL path names inside the root (real path), or null. Never a path outside it. */
export async function locate(
  rootReal: string,
  urlPath: string,
  pages: ReadonlyMap<string, string> = new Map(),
): Promise<string | null> {
  const page = pages.get(pagePath(urlPath));
  const wanted = page ?? safeRelative(urlPath);
  if (wanted === null) return null;
  const candidate = resolve(rootReal, wanted);
  if (!inside(rootReal, candidate)) return null;
  let real: string;
  try {
    real = await realpath(candidate);
  } catch {
    return null;
  }
  // A symlink may point anywhere: what is served is what the real path says.
  if (!inside(rootReal, real)) return null;
  try {
    const info = await stat(real);
    return info.isFile() ? real : null;
  } catch {
    return null;
  }
}

/** The URL path as a relative file path, or null when it is not a plain path under the root. */
export function safeRelative(urlPath: string): string | null {
  if (!urlPath.startsWith('/') || urlPath.length > 512) return null;
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  // Encoded separators or NULs are never part of a real asset name: refuse rather than interpret.
  if (/[\\\0]/.test(decoded) || /%2f|%5c/i.test(urlPath)) return null;
  const segments = decoded.split('/').slice(1);
  if (segments.length === 0 || segments[segments.length - 1] === '') return null;
  for (const segment of segments) {
    if (segment === '' || segment.startsWith('.')) return null;
  }
  return segments.join(sep);
}

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

async function load(file: string, cache: Map<string, Entry>): Promise<Entry> {
  const info = await stat(file);
  const cached = cache.get(file);
  if (cached && cached.mtimeMs === info.mtimeMs && cached.size === info.size) return cached;
  const content = await readFile(file);
  const contentType = CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
  const entry: Entry = {
    mtimeMs: info.mtimeMs,
    size: info.size,
    contentType,
    content,
    identity: variant(content, ''),
    variants: new Map(),
  };
  if (content.length < COMPRESS_MIN_BYTES || !COMPRESSIBLE.test(contentType)) {
    entry.variants.set('br', null);
    entry.variants.set('gzip', null);
  }
  cache.set(file, entry);
  return entry;
}

function variant(content: Buffer, suffix: string): Variant {
  const hash = createHash('sha256').update(content).digest('base64url').slice(0, 22);
  return { base64: content.toString('base64'), bytes: content.length, etag: `"${hash}${suffix}"` };
}

/** The encoding to send: Brotli, then gzip, when the client accepts it (q > 0). */
export function pickEncoding(acceptEncoding: string | undefined): 'br' | 'gzip' | null {
  if (!acceptEncoding) return null;
  const accepted = new Map<string, number>();
  for (const part of acceptEncoding.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)).find(Boolean);
    accepted.set(name.trim(), q ? Number(q[1]) : 1);
  }
  const allowed = (name: string) => (accepted.get(name) ?? (accepted.has('*') ? accepted.get('*')! : 0)) > 0;
  if (allowed('br')) return 'br';
  if (allowed('gzip')) return 'gzip';
  return null;
}

function encoded(entry: Entry, encoding: 'br' | 'gzip'): Variant | null {
  if (entry.variants.has(encoding)) return entry.variants.get(encoding)!;
  const { content } = entry;
  const packed =
    encoding === 'br'
      ? brotliCompressSync(content, {
          params: {
            [zlibConstants.BROTLI_PARAM_QUALITY]: 9,
            [zlibConstants.BROTLI_PARAM_SIZE_HINT]: content.length,
          },
        })
      : gzipSync(content, { level: 9 });
  // A variant that does not shrink the file is not worth the client's decompression.
  const result = packed.length < content.length ? variant(packed, encoding === 'br' ? '-br' : '-gz') : null;
  entry.variants.set(encoding, result);
  return result;
}

function respond(
  event: APIGatewayProxyEvent,
  file: string,
  entry: Entry,
  { isPage, csp }: { isPage: boolean; csp: string },
): APIGatewayProxyResult {
  const range = header(event, 'range');
  if (range && !isPage) return respondRange(event, file, entry, range);
  const encoding = pickEncoding(header(event, 'accept-encoding'));
  const chosen = encoding ? encoded(entry, encoding) : null;
  const body = chosen ?? entry.identity;
  const compressible = !(entry.variants.get('br') === null && entry.variants.get('gzip') === null);
  const headers: Record<string, string> = {
    'Content-Type': entry.contentType,
    'Cache-Control': HASHED_NAME.test(file) ? 'public, max-age=31536000, immutable' : 'no-cache',
    ETag: body.etag,
    'X-Content-Type-Options': 'nosniff',
    ...(compressible ? { Vary: 'Accept-Encoding' } : {}),
    ...(chosen ? { 'Content-Encoding': encoding! } : {}),
    ...(isPage ? { 'Content-Security-Policy': csp, 'Referrer-Policy': 'same-origin' } : {}),
    ...(isPage ? {} : { 'Accept-Ranges': 'bytes' }),
  };
  const ifNoneMatch = header(event, 'if-none-match');
  if (ifNoneMatch && etagListHas(ifNoneMatch, body.etag)) return { statusCode: 304, headers, body: '' };
  headers['Content-Length'] = String(body.bytes);
  if (event.httpMethod.toUpperCase() === 'HEAD') return { statusCode: 200, headers, body: '' };
  return { statusCode: 200, headers, body: body.base64, isBase64Encoded: true };
}

function etagListHas(list: string, etag: string): boolean {
  if (list.trim() === '*') return true;
  return list.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}

/**
 * One byte range of the file, uncompressed (RFC 9110 §14): 206 with Content-Range, or 416 when it
 * lies outside the file. Several ranges at once are answered with the whole file (allowed).
 */
function respondRange(
  event: APIGatewayProxyEvent,
  file: string,
  entry: Entry,
  range: string,
): APIGatewayProxyResult {
  const size = entry.content.length;
  const headers: Record<string, string> = {
    'Content-Type': entry.contentType,
    'Cache-Control': HASHED_NAME.test(file) ? 'public, max-age=31536000, immutable' : 'no-cache',
    ETag: entry.identity.etag,
    'X-Content-Type-Options': 'nosniff',
    'Accept-Ranges': 'bytes',
  };
  const m = /^bytes=(\d*)-(\d*)$/.exec(range.trim());
  if (!m || (m[1] === '' && m[2] === '')) {
    headers['Content-Length'] = String(size);
    return { statusCode: 200, headers, body: entry.identity.base64, isBase64Encoded: true };
  }
  let start: number;
  let end: number;
  if (m[1] === '') {
    start = Math.max(0, size - Number(m[2]));
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (start >= size || start > end) {
    return { statusCode: 416, headers: { ...headers, 'Content-Range': `bytes */${size}` }, body: '' };
  }
  const part = entry.content.subarray(start, end + 1);
  headers['Content-Range'] = `bytes ${start}-${end}/${size}`;
  headers['Content-Length'] = String(part.length);
  if (event.httpMethod.toUpperCase() === 'HEAD') return { statusCode: 206, headers, body: '' };
  return { statusCode: 206, headers, body: part.toString('base64'), isBase64Encoded: true };
}
