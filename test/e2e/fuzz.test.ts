// Hostile and malformed requests over real HTTP: whatever is sent, the answer is a 2xx/3xx/4xx with
// a well-formed body, never a 5xx, a crash or a hang.
import { request } from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalApp } from '../../functions/local-app.js';
import { FIXTURE_AREAS_DIR } from '../support/fixtures.js';
import { startTestApp } from '../support/local-app.js';

let app: LocalApp;
beforeAll(async () => {
  app = await startTestApp({ CATCHMENTS_DATA_DIR: FIXTURE_AREAS_DIR });
});
afterAll(async () => {
  await app.close();
});

interface RawResponse {
  status: number;
  contentType: string;
  body: string;
}

/** node:http directly, so paths and bodies go out exactly as generated (fetch would tidy them). */
function send(
  method: string,
  path: string,
  body?: string | Buffer,
  contentType?: string,
): Promise<RawResponse> {
  const url = new URL(app.url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        method,
        path,
        headers: contentType ? { 'Content-Type': contentType } : {},
        timeout: 10_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            contentType: res.headers['content-type'] ?? '',
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timeout: ${method} ${path.slice(0, 80)}`)));
    req.on('error', (error: NodeJS.ErrnoException) => {
      // The server may close the socket after answering 413 to a huge body; that answer is what counts.
      if (error.code === 'EPIPE' || error.code === 'ECONNRESET')
        resolve({ status: 413, contentType: 'reset', body: '' });
      else reject(error);
    });
    if (body !== undefined) req.write(body);
    req.end();
  });
}

function expectWellFormed(r: RawResponse, what: string, method: string): void {
  expect(r.status, what).toBeGreaterThanOrEqual(200);
  expect(r.status, what).toBeLessThan(500);
  // HEAD answers carry headers only; a reset after 413 has no body to read.
  if (r.status >= 400 && r.contentType !== 'reset' && method !== 'HEAD') {
    expect(r.contentType, what).toBe('application/problem+json');
    const problem = JSON.parse(r.body) as Record<string, unknown>;
    expect(typeof problem.type, what).toBe('string');
    expect(typeof problem.title, what).toBe('string');
    expect(problem.status, what).toBe(r.status);
    expect(typeof problem.detail, what).toBe('string');
    expect(r.body, what).not.toMatch(/at \S+ \(|node_modules|\.ts:\d+/); // no stack traces
  }
}

const nastyStrings = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.constantFrom(
    'GL1\u00a01AD',
    'gl1\t1ad',
    '\u3000GL1 1AD\u200b',
    'GIR 0AA',
    'ＧＬ１１ＡＤ',
    '__proto__',
    'constructor',
    '%',
    '%E0%A4%A',
    '..',
    '../../etc/passwd',
    'NaN',
    'Infinity',
    '-0',
    '1e309',
    '🏠 GL1 1AD',
  ),
  fc.string({ minLength: 200, maxLength: 5000 }),
);

const numberLike = fc.oneof(
  fc.double().map(String),
  fc.constantFrom('NaN', 'Infinity', '-Infinity', '1e309', '0x10', '', ' ', '51.8,', '51.8.2', '--2'),
  nastyStrings,
);

const jsonValue = fc.oneof(
  fc.jsonValue(),
  fc.anything().map((v) => {
    try {
      return JSON.parse(JSON.stringify(v) ?? 'null') as unknown;
    } catch {
      return null;
    }
  }),
);

const bulkBody = fc.oneof(
  jsonValue.map((v) => JSON.stringify(v)),
  fc
    .record({ postcodes: fc.array(fc.oneof(nastyStrings, jsonValue), { maxLength: 120 }) })
    .map((v) => JSON.stringify(v)),
  fc
    .record({
      locations: fc.array(fc.oneof(fc.record({ lat: jsonValue, lng: jsonValue }), jsonValue), {
        maxLength: 120,
      }),
    })
    .map((v) => JSON.stringify(v)),
  fc.constantFrom(
    '{"__proto__": {"polluted": true}, "postcodes": ["GL1 1AD"]}',
    '{"constructor": {"prototype": {"x": 1}}}',
    '{"postcodes": ["TE1 1AA"], "postcodes": 5}',
    '{"locations": [{"lat": NaN, "lng": Infinity}]}',
    '{"locations": [{"lat": 1e999, "lng": -1e999}]}',
    '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]',
    '{"postcodes": "TE1 1AA"}',
    '{"postcodes": null, "locations": null}',
    '\u0000\u0001',
    '',
  ),
  fc.string({ maxLength: 300 }),
  fc
    .integer({ min: 101, max: 20_000 })
    .map((n) => JSON.stringify({ postcodes: Array.from({ length: n }, () => 'TE1 1AA') })),
);

const requestArb = fc.oneof(
  nastyStrings.map((pc) => ({ method: 'GET', path: `/v1/postcodes/${encodeURIComponent(pc)}` })),
  fc
    .constantFrom('%', '%zz', '%E0%A4%A', '%00', 'a%2Fb')
    .map((pc) => ({ method: 'GET', path: `/v1/postcodes/${pc}` })),
  fc.tuple(fc.option(numberLike), fc.option(numberLike), fc.boolean()).map(([lat, lng, dup]) => {
    const q = new URLSearchParams();
    if (lat !== null) q.append('lat', lat);
    if (lng !== null) q.append('lng', lng);
    if (dup) q.append('lat', '51');
    return { method: 'GET', path: `/v1/locations?${q}` };
  }),
  fc
    .tuple(
      bulkBody,
      fc.constantFrom(
        'application/json',
        'application/json; charset=utf-8',
        'text/plain',
        'application/x-www-form-urlencoded',
        undefined,
      ),
    )
    .map(([body, contentType]) => ({ method: 'POST', path: '/v1/lookups', body, contentType })),
  fc
    .tuple(
      fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'),
      fc.array(nastyStrings, { maxLength: 5 }),
    )
    .map(([method, segments]) => ({ method, path: `/v1/${segments.map(encodeURIComponent).join('/')}` })),
  fc.tuple(nastyStrings, nastyStrings).map(([a, h]) => ({
    method: 'GET',
    path: `/v1/areas/${encodeURIComponent(a)}/hubs/${encodeURIComponent(h)}`,
  })),
);

describe('fuzzing the public API over HTTP', () => {
  it('answers 1,200 generated malformed requests with 4xx problems, never a 5xx', async () => {
    let sent = 0;
    await fc.assert(
      fc.asyncProperty(requestArb, async (req) => {
        sent++;
        const r = await send(
          req.method,
          req.path,
          'body' in req ? req.body : undefined,
          'contentType' in req ? req.contentType : undefined,
        );
        expectWellFormed(r, `${req.method} ${req.path.slice(0, 100)}`, req.method);
      }),
      { numRuns: 1200, seed: 20261123 },
    );
    expect(sent).toBeGreaterThanOrEqual(1200);
  });

  it('refuses 6 MB bodies with 413 and keeps serving', async () => {
    const six = Buffer.alloc(6 * 1024 * 1024, 'a');
    for (const contentType of ['application/json', 'text/plain']) {
      const r = await send('POST', '/v1/lookups', six, contentType);
      expect(r.status).toBe(413);
    }
    const json6 = JSON.stringify({ postcodes: Array.from({ length: 700_000 }, () => 'GL1 1AD') });
    expect(json6.length).toBeGreaterThan(6_000_000);
    expect((await send('POST', '/v1/lookups', json6, 'application/json')).status).toBe(413);
    const health = await send('GET', '/health');
    expect(health.status).toBe(200);
  });

  it('does not let __proto__ in a body pollute anything', async () => {
    const r = await send(
      'POST',
      '/v1/lookups',
      '{"__proto__": {"polluted": true}, "postcodes": ["TE1 1AA"]}',
      'application/json',
    );
    expect(r.status).toBe(400); // "__proto__" is an unknown member, named as such
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
