// The static file handler on a temporary folder: content types, pages, ETag/304, HEAD, caching by
// name, compression, and that nothing outside the root is ever served (traversal, encoded
// separators, dot-files, symlinks out).
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createStaticFileHandler,
  PAGE_CSP,
  pageContentSecurityPolicy,
  pickEncoding,
  safeRelative,
  withPages,
} from '../../functions/http/static-files.js';

let base: string;
let root: string;
const big = `body { color: #0b0c0c; }\n${'.rule { margin: 0; }\n'.repeat(200)}`;

beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'static-files-'));
  root = join(base, 'site');
  mkdirSync(join(root, 'assets'), { recursive: true });
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>home</title>');
  writeFileSync(join(root, 'planner.html'), '<!doctype html><title>planner</title>');
  writeFileSync(join(root, 'assets', 'app-ABCDEFGH.js'), 'console.log(1);');
  writeFileSync(join(root, 'assets', 'styles-ZYXW1234.css'), big);
  writeFileSync(join(root, 'assets', 'config.json'), '{"tiles":null}');
  writeFileSync(join(root, 'assets', 'blob.bin'), Buffer.from([0, 1, 2, 3]));
  writeFileSync(join(root, '.secret'), 'hidden');
  writeFileSync(join(base, 'outside.txt'), 'not served');
  symlinkSync(join(base, 'outside.txt'), join(root, 'assets', 'link-out.txt'));
  symlinkSync(join(root, 'assets', 'config.json'), join(root, 'assets', 'link-in.json'));
});

afterAll(() => rmSync(base, { recursive: true, force: true }));

const handler = () =>
  createStaticFileHandler({
    root,
    pages: { '/': 'index.html', '/planner': 'planner.html' },
    missingHint: 'Build it.',
  });

function event(path: string, method = 'GET', headers: Record<string, string> = {}): APIGatewayProxyEvent {
  return {
    httpMethod: method,
    path,
    headers,
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    resource: path,
    body: null,
    isBase64Encoded: false,
    requestContext: { requestId: 'test' } as APIGatewayProxyEvent['requestContext'],
  };
}

const serve = (path: string, method = 'GET', headers: Record<string, string> = {}) =>
  handler()(event(path, method, headers), {} as Context);

const bodyOf = (r: APIGatewayProxyResult) =>
  r.isBase64Encoded ? Buffer.from(r.body, 'base64') : Buffer.from(r.body);

describe('static files', () => {
  it('serves pages at their paths with the page headers (CSP, no-cache)', async () => {
    for (const [path, title] of [
      ['/', 'home'],
      ['/planner', 'planner'],
      ['/planner/', 'planner'],
      ['/index.html', 'home'],
    ] as const) {
      const r = await serve(path);
      expect(r.statusCode, path).toBe(200);
      expect(bodyOf(r).toString()).toContain(`<title>${title}</title>`);
      expect(r.headers).toMatchObject({
        'Content-Type': 'text/html; charset=utf-8',
        'Cache-Control': 'no-cache',
        'Content-Security-Policy': PAGE_CSP,
        'X-Content-Type-Options': 'nosniff',
      });
    }
    expect(PAGE_CSP).toContain("script-src 'self'");
    expect(PAGE_CSP).not.toContain('unsafe-inline');
  });

  it('gives each type its content type, and caches hashed names for a year', async () => {
    const js = await serve('/assets/app-ABCDEFGH.js');
    expect(js.headers).toMatchObject({
      'Content-Type': 'text/javascript; charset=utf-8',
      'Cache-Control': 'public, max-age=31536000, immutable',
      'Content-Length': '15',
    });
    expect(bodyOf(js).toString()).toBe('console.log(1);');
    expect((await serve('/assets/config.json')).headers).toMatchObject({
      'Content-Type': 'application/json; charset=utf-8',
      'Cache-Control': 'no-cache',
    });
    expect((await serve('/assets/blob.bin')).headers?.['Content-Type']).toBe('application/octet-stream');
  });

  it('answers 304 to a matching If-None-Match, and HEAD without a body', async () => {
    const first = await serve('/assets/config.json');
    const etag = String(first.headers?.ETag);
    expect(etag).toMatch(/^"[\w-]{22}"$/);
    const again = await serve('/assets/config.json', 'GET', { 'if-none-match': `W/"other", ${etag}` });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    const head = await serve('/assets/config.json', 'HEAD');
    expect(head.statusCode).toBe(200);
    expect(head.body).toBe('');
    expect(head.headers?.['Content-Length']).toBe(String(bodyOf(first).length));
  });

  it('sees a changed file at once (new ETag)', async () => {
    const h = handler();
    const path = join(root, 'assets', 'changing.json');
    writeFileSync(path, '{"a":1}');
    const one = await h(event('/assets/changing.json'), {} as Context);
    writeFileSync(path, '{"a":22}');
    utimesSync(path, new Date(), new Date(Date.now() + 5000));
    const two = await h(event('/assets/changing.json'), {} as Context);
    expect(bodyOf(two).toString()).toBe('{"a":22}');
    expect(two.headers?.ETag).not.toBe(one.headers?.ETag);
  });

  it('compresses text over 1 KB with Brotli or gzip as accepted, with its own ETag', async () => {
    const br = await serve('/assets/styles-ZYXW1234.css', 'GET', { 'accept-encoding': 'gzip, deflate, br' });
    expect(br.headers).toMatchObject({ 'Content-Encoding': 'br', Vary: 'Accept-Encoding' });
    expect(brotliDecompressSync(bodyOf(br)).toString()).toBe(big);
    expect(String(br.headers?.ETag)).toMatch(/-br"$/);
    const gz = await serve('/assets/styles-ZYXW1234.css', 'GET', { 'accept-encoding': 'gzip' });
    expect(gz.headers?.['Content-Encoding']).toBe('gzip');
    expect(gunzipSync(bodyOf(gz)).toString()).toBe(big);
    const plain = await serve('/assets/styles-ZYXW1234.css', 'GET', {
      'accept-encoding': 'br;q=0, gzip;q=0',
    });
    expect(plain.headers?.['Content-Encoding']).toBeUndefined();
    expect(bodyOf(plain).toString()).toBe(big);
    // Small files are sent as they are.
    expect(
      (await serve('/assets/config.json', 'GET', { 'accept-encoding': 'br' })).headers?.['Content-Encoding'],
    ).toBeUndefined();
  });

  it('picks encodings by q-value', () => {
    expect(pickEncoding(undefined)).toBeNull();
    expect(pickEncoding('gzip, br')).toBe('br');
    expect(pickEncoding('br;q=0, gzip;q=0.5')).toBe('gzip');
    expect(pickEncoding('*')).toBe('br');
    expect(pickEncoding('identity')).toBeNull();
  });

  it('never serves anything outside the root', async () => {
    for (const path of [
      '/../outside.txt',
      '/assets/../../outside.txt',
      '/assets/%2e%2e/%2e%2e/outside.txt',
      '/assets/..%2f..%2foutside.txt',
      '/assets%5c..%5c..%5coutside.txt',
      '/.secret',
      '/assets/link-out.txt',
      '/assets/%00config.json',
      '/assets/',
      '/assets',
      '//etc/passwd',
      '/%E0%A4%A',
    ]) {
      const r = await serve(path);
      expect(r.statusCode, path).toBe(404);
      expect(r.headers?.['Content-Type']).toBe('application/problem+json');
      expect(bodyOf(r).toString()).not.toContain('not served');
      expect(JSON.parse(bodyOf(r).toString())).toMatchObject({ type: '/problems/not-found', status: 404 });
    }
    // A symlink that stays inside the root is fine.
    expect((await serve('/assets/link-in.json')).statusCode).toBe(200);
    expect(safeRelative('/a/../b')).toBeNull();
    expect(safeRelative('/a/./b')).toBeNull();
    expect(safeRelative('/a/b.js')).toBe(join('a', 'b.js'));
  });

  it('answers other methods 405 with Allow, as problem+json', async () => {
    const r = await serve('/', 'POST');
    expect(r.statusCode).toBe(405);
    expect(r.headers).toMatchObject({ Allow: 'GET, HEAD', 'Content-Type': 'application/problem+json' });
  });

  it('says how to build the pages when the folder is missing', async () => {
    const h = createStaticFileHandler({
      root: join(base, 'nowhere'),
      pages: { '/': 'index.html' },
      missingHint: 'Run npm run build:web.',
    });
    const r = await h(event('/'), {} as Context);
    expect(r.statusCode).toBe(404);
    expect(JSON.parse(r.body).detail).toContain('Run npm run build:web.');
  });

  it('routes exact page paths to the pages and everything else onwards', async () => {
    const next = async () => ({ statusCode: 418, body: 'api' });
    const routed = withPages(handler(), next, ['/']);
    expect((await routed(event('/'), {} as Context)).statusCode).toBe(200);
    expect((await routed(event('/v1/areas'), {} as Context)).statusCode).toBe(418);
  });

  it('answers one byte range with 206 (how the PMTiles basemap is read), and 416 outside the file', async () => {
    const size = Buffer.byteLength(big);
    const part = await serve('/assets/styles-ZYXW1234.css', 'GET', {
      Range: 'bytes=10-29',
      'Accept-Encoding': 'br',
    });
    expect(part.statusCode).toBe(206);
    expect(part.headers?.['Content-Range']).toBe(`bytes 10-29/${size}`);
    expect(part.headers?.['Content-Encoding']).toBeUndefined();
    expect(bodyOf(part).toString()).toBe(big.slice(10, 30));
    const tail = await serve('/assets/styles-ZYXW1234.css', 'GET', { Range: 'bytes=-5' });
    expect(bodyOf(tail).toString()).toBe(big.slice(-5));
    const beyond = await serve('/assets/styles-ZYXW1234.css', 'GET', { Range: `bytes=${size}-` });
    expect(beyond.statusCode).toBe(416);
    expect(beyond.headers?.['Content-Range']).toBe(`bytes */${size}`);
  });

  it('lets the configured sites frame the pages, and only this site by default', async () => {
    expect(PAGE_CSP).toMatch(/frame-ancestors 'self'$/);
    const csp = pageContentSecurityPolicy({ frameAncestors: ['https://www.example.gov.uk'] });
    expect(csp).toMatch(/frame-ancestors 'self' https:\/\/www\.example\.gov\.uk$/);
    const framed = createStaticFileHandler({
      root,
      pages: { '/': 'index.html' },
      contentSecurityPolicy: csp,
      crossOrigin: ['/assets/app-ABCDEFGH.js'],
    });
    expect((await framed(event('/'), {} as Context)).headers?.['Content-Security-Policy']).toBe(csp);
    const script = await framed(event('/assets/app-ABCDEFGH.js'), {} as Context);
    expect(script.headers?.['Access-Control-Allow-Origin']).toBe('*');
    expect((await serve('/assets/app-ABCDEFGH.js')).headers?.['Access-Control-Allow-Origin']).toBeUndefined();
  });
});
