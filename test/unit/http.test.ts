import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../functions/config.js';
import { InvalidPostcodeError, MethodNotAllowedError, NotFoundError } from '../../functions/core/errors.js';
import { AnswerCache } from '../../functions/http/answer-cache.js';
import { renderProblem } from '../../functions/http/problem.js';
import { coordinate } from '../../functions/http/request.js';
import { Router } from '../../functions/http/router.js';
import { ROUTES } from '../../functions/http/routes.js';

describe('router', () => {
  const router = new Router(ROUTES);
  it('matches templates and decodes parameters', () => {
    expect(router.match('GET', '/v1/postcodes/GL1%201AD')).toMatchObject({
      route: { operationId: 'lookupPostcode' },
      params: { postcode: 'GL1 1AD' },
    });
    expect(router.match('GET', '/v1/areas/gloucestershire/hubs/').route.operationId).toBe('listHubs');
    expect(router.match('HEAD', '/v1/areas').route.operationId).toBe('listAreas');
    expect(router.match('GET', '/v1/postcodes/%E0%A4%A').params.postcode).toBe('%E0%A4%A');
  });
  it('answers 405 with the allowed methods, and 404 for unknown paths', () => {
    expect(() => router.match('PUT', '/v1/lookups')).toThrow(MethodNotAllowedError);
    expect(() => router.match('GET', '/v1/postcodes/')).toThrow(NotFoundError);
    expect(() => router.match('GET', '/nothing')).toThrow(NotFoundError);
  });
});

describe('problem rendering', () => {
  it('renders domain errors with a stable type, status and the detail', () => {
    const { status, problem } = renderProblem(new InvalidPostcodeError('X', 'too short'), 'req-1');
    expect(status).toBe(400);
    expect(problem).toMatchObject({
      type: '/problems/invalid-postcode',
      title: 'Malformed postcode',
      requestId: 'req-1',
    });
    expect(problem.detail).toContain('too short');
  });
  it('never leaks internals of unexpected errors', () => {
    const { status, problem } = renderProblem(new Error('secret table name arn:aws:dynamodb:...'), 'req-2');
    expect(status).toBe(500);
    expect(JSON.stringify(problem)).not.toContain('secret');
    expect(problem.requestId).toBe('req-2');
  });
});

describe('coordinates', () => {
  it('accepts decimal degrees as numbers or strings', () => {
    expect(coordinate('lat', '51.8642')).toBe(51.8642);
    expect(coordinate('lng', -2.2)).toBe(-2.2);
    expect(coordinate('lat', ' +5e1 ')).toBe(50);
  });
  it.each([['NaN'], ['Infinity'], ['0x10'], [''], [null], [true], [{}], ['1e400'], [Number.NaN], ['91']])(
    'rejects %s',
    (value) => {
      expect(() => coordinate('lat', value)).toThrow();
    },
  );
});

describe('config', () => {
  it('has defaults and checks ranges', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      limits: { maxBulkItems: 100, maxBodyBytes: 1_048_576 },
    });
    expect(() => loadConfig({ CATCHMENTS_BULK_MAX_ITEMS: '5000' })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT=eighty/);
    expect(() => loadConfig({ LOG_LEVEL: 'loud' })).toThrow(ConfigError);
    expect(loadConfig({ CATCHMENTS_BULK_MAX_ITEMS: '250' }).limits.maxBulkItems).toBe(250);
  });
});

describe('answer cache', () => {
  it('keeps at most its bound, dropping the oldest first', () => {
    const cache = new AnswerCache(10);
    for (let i = 0; i < 25; i++) cache.set(`k${i}`, { json: `v${i}`, etag: `"e${i}"` });
    expect(cache.size).toBeLessThanOrEqual(10);
    expect(cache.get('k24')).toEqual({ json: 'v24', etag: '"e24"' });
    expect(cache.get('k0')).toBeUndefined();
  });
});

describe('access log', () => {
  it('logs the route template, never the postcode in the path', async () => {
    const { createApiHandler } = await import('../../functions/http/api.js');
    const { createLogger } = await import('../../functions/http/logger.js');
    const lines: string[] = [];
    const routes = ROUTES.filter((r) => r.operationId === 'lookupPostcode');
    const handler = createApiHandler({
      router: new Router(routes),
      operations: { lookupPostcode: () => ({ body: { ok: true } }) },
      context: () => ({}),
      logger: createLogger('info', (line) => lines.push(line)),
      cacheSeconds: 0,
      corsOrigins: ['*'],
    });
    const event = {
      httpMethod: 'GET',
      path: '/v1/postcodes/GL50%201AD',
      headers: {},
      requestContext: { requestId: 'r1' },
    } as unknown as Parameters<typeof handler>[0];
    const response = await handler(event, {} as Parameters<typeof handler>[1]);
    expect(response.statusCode).toBe(200);
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      route: '/v1/postcodes/{postcode}',
      status: 200,
      requestId: 'r1',
    });
    expect(lines[0]).not.toMatch(/GL50/);
  });
});

describe('CORS', () => {
  it('answers preflight before routing and allows only listed origins when a list is set', async () => {
    const { createApiHandler } = await import('../../functions/http/api.js');
    const handler = createApiHandler({
      router: new Router(ROUTES.filter((r) => r.operationId === 'bulkLookup')),
      operations: { bulkLookup: () => ({ body: { ok: true } }) },
      context: () => ({}),
      logger: (await import('../../functions/http/logger.js')).silentLogger,
      cacheSeconds: 0,
      corsOrigins: ['https://council.example'],
    });
    const event = (method: string, origin: string) =>
      ({
        httpMethod: method,
        path: '/v1/lookups',
        headers: { Origin: origin, 'Content-Type': 'application/json' },
        body: '{}',
        requestContext: { requestId: 'r' },
      }) as unknown as Parameters<typeof handler>[0];
    const context = {} as Parameters<typeof handler>[1];
    const preflight = await handler(event('OPTIONS', 'https://council.example'), context);
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers).toMatchObject({
      'Access-Control-Allow-Origin': 'https://council.example',
      'Access-Control-Allow-Methods': expect.stringContaining('POST'),
      Vary: 'Origin',
    });
    const allowed = await handler(event('POST', 'https://council.example'), context);
    expect(allowed.headers?.['Access-Control-Allow-Origin']).toBe('https://council.example');
    expect(allowed.headers?.['Access-Control-Allow-Methods']).toBeUndefined();
    const other = await handler(event('POST', 'https://elsewhere.example'), context);
    expect(other.statusCode).toBe(200);
    expect(other.headers?.['Access-Control-Allow-Origin']).toBeUndefined();
  });
});
