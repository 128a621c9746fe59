// The admin and analysis routes check their requests with the operations' schemas (the ones the
// OpenAPI document prints): a refused request is a 400 problem naming the parameter or member, what
// was wrong and what to send, and never reaches the service. The service here fails the test if it
// is called at all.
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { AnalysisService } from '../../functions/application/analysis-service.js';
import type { BoundarySetService } from '../../functions/application/boundary-set-service.js';
import { createAdminApiHandler } from '../../functions/handlers/admin-api.js';
import { createAnalysisApiHandler } from '../../functions/handlers/analysis-api.js';
import { createLogger } from '../../functions/http/logger.js';
import { OPERATIONS } from '../../functions/http/operations/index.js';

const TOKEN = 'unit-test-token';
const logger = createLogger('error');

/** A service whose every method fails the test: refused requests must not reach it. */
function untouchable<T>(): T {
  return new Proxy(
    {},
    {
      get: (_target, name) => () => {
        throw new Error(`the service was called (${String(name)}) for a request that should be refused`);
      },
    },
  ) as T;
}

const admin = createAdminApiHandler({
  context: () => ({ service: untouchable<BoundarySetService>(), maxBodyBytes: 1 << 20 }),
  logger,
  corsOrigins: [],
  auth: { mode: 'token', token: TOKEN },
});
const analysis = createAnalysisApiHandler({
  context: () => ({ analysis: untouchable<AnalysisService>(), maxBodyBytes: 1 << 20 }),
  logger,
  corsOrigins: [],
  adminCorsOrigins: [],
  cacheSeconds: 0,
  auth: { mode: 'token', token: TOKEN },
});

function request(method: string, url: string, body?: unknown, headers: Record<string, string> = {}) {
  const { pathname, searchParams } = new URL(url, 'http://x');
  const query: Record<string, string> = {};
  const multi: Record<string, string[]> = {};
  for (const [k, v] of searchParams) {
    query[k] = v;
    multi[k] = [...(multi[k] ?? []), v];
  }
  return {
    httpMethod: method,
    path: pathname,
    headers: {
      authorization: `Bearer ${TOKEN}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...headers,
    },
    queryStringParameters: Object.keys(query).length ? query : null,
    multiValueQueryStringParameters: Object.keys(multi).length ? multi : null,
    body: body === undefined ? null : typeof body === 'string' ? body : JSON.stringify(body),
    isBase64Encoded: false,
    requestContext: { requestId: 'unit' },
  } as unknown as APIGatewayProxyEvent;
}

async function problem(
  handler: (e: APIGatewayProxyEvent, c: Context) => Promise<APIGatewayProxyResult>,
  event: APIGatewayProxyEvent,
) {
  const r = await handler(event, {} as Context);
  expect(r.headers?.['Content-Type'] ?? r.headers?.['content-type']).toContain('application/problem+json');
  return { status: r.statusCode, ...(JSON.parse(r.body) as { type: string; detail: string }) };
}

const DRAFT = '/v1/admin/areas/testshire/draft';
const VERSIONS = '/v1/admin/areas/testshire/versions';

describe('admin requests checked by the operation schemas', () => {
  it.each([
    [
      'POST',
      DRAFT,
      { from: 'latest' },
      /"from" must be one of "active", "empty", got "latest"\. "active" copies/,
    ],
    ['POST', DRAFT, { replace: 'yes' }, /"replace" must be true or false, got "yes"/],
    ['POST', DRAFT, { form: 'active' }, /unknown member "form"; allowed: from, area, replace/],
    ['POST', DRAFT, '[1]', /The body must be a JSON object, e\.g\. \{"from":"active"\}/],
    ['POST', `${DRAFT}/publish`, {}, /"message" is required\. Why this change, kept in the version history/],
    ['POST', `${DRAFT}/publish`, { message: 7 }, /"message" must be text, got 7/],
    [
      'POST',
      `${DRAFT}/publish`,
      { message: 'm', draftRevision: 1.5 },
      /"draftRevision" must be a whole number, got 1\.5\. The revision GET …\/draft reports/,
    ],
    [
      'POST',
      `${DRAFT}/publish`,
      { message: 'm', extra: 1 },
      /unknown member "extra"; allowed: message, draftRevision/,
    ],
    [
      'POST',
      '/v1/admin/areas/testshire/rollback',
      { version: 0, message: 'm' },
      /"version" must be at least 1, got 0\. The number of a published version/,
    ],
    ['POST', '/v1/admin/areas/testshire/rollback', { message: 'm' }, /"version" is required/],
    [
      'PUT',
      `${DRAFT}/layers/catchments`,
      { type: 'FeatureCollection', features: [] },
      /"idProperty" is required\. The property holding each feature's id: for catchments, the column with the hub ids/,
    ],
    ['GET', `${VERSIONS}/two`, undefined, /"version" must be a whole number, got "two"/],
    ['GET', `${VERSIONS}/0`, undefined, /"version" must be at least 1, got 0/],
  ])('%s %s %j → 400', async (method, url, body, detail) => {
    const headers: Record<string, string> =
      url.endsWith('/publish') || url.endsWith('/rollback') ? { 'if-match': '1' } : {};
    const p = await problem(admin, request(method, url, body, headers));
    expect(p.status).toBe(400);
    expect(p.detail).toMatch(detail);
  });

  it('keeps the CRS words and the 404 for a layer that does not exist', async () => {
    const crs = await problem(
      admin,
      request('PUT', `${DRAFT}/layers/catchments?idProperty=id&crs=EPSG:3857`, { type: 'FeatureCollection' }),
    );
    expect(crs.status).toBe(400);
    expect(crs.detail).toMatch(/Unknown crs "EPSG:3857": send EPSG:4326 .* or EPSG:27700/);
    const layer = await problem(admin, request('GET', `${DRAFT}/layers/rivers`));
    expect(layer.status).toBe(404);
    expect(layer.detail).toMatch(/No layer "rivers"/);
  });
});

describe('analysis requests checked by the operation schemas', () => {
  it.each([
    [
      `${DRAFT}/impact?maxListed=-1`,
      /"maxListed" must be between 0 and 10000, got -1\. Moved postcodes listed per layer; the counts always cover every postcode/,
    ],
    [`${DRAFT}/impact?maxListed=99999`, /"maxListed" must be between 0 and 10000, got 99999/],
    [`${DRAFT}/impact?maxListed=1e3x`, /"maxListed" must be a whole number, got "1e3x"/],
    [
      `${DRAFT}/impact?from=abc`,
      /"from" must be a whole number, got "abc"\. Compare with this published version/,
    ],
    [`${DRAFT}/impact?threshold=2`, /"threshold" must be more than 0 and at most 1, got 2\. Share of a unit/],
    [`${DRAFT}/alignment?threshold=0`, /"threshold" must be more than 0 and at most 1, got 0/],
    [
      `${DRAFT}/alignment?a=nope`,
      /"a" must be one of "outline", "catchments", "hv-patches", "coc-teams", "spoke-catchments", got "nope"\. Layer A\. Default "hv-patches"/,
    ],
    [`${DRAFT}/alignment?a=coc-teams&b=coc-teams`, /a and b are both "coc-teams": name two different layers/],
    [`${DRAFT}/alignment?threshold=1&threshold=0.5`, /"threshold" was given 2 times; give it once/],
    [`${VERSIONS}/x/impact`, /"version" must be a whole number, got "x"/],
    [`${VERSIONS}/0/alignment/three-way`, /"version" must be at least 1, got 0/],
  ])('GET %s → 400', async (url, detail) => {
    const p = await problem(analysis, request('GET', url));
    expect(p.status).toBe(400);
    expect(p.detail).toMatch(detail);
  });

  it('checks the POST (weights) twins with the same query schema, before reading the body', async () => {
    const p = await problem(analysis, request('POST', `${DRAFT}/impact?threshold=2`, {}));
    expect(p.status).toBe(400);
    expect(p.detail).toMatch(/"threshold" must be more than 0 and at most 1, got 2/);
    expect(OPERATIONS.postDraftImpact.query).toBe(OPERATIONS.getDraftImpact.query);
  });

  it('shares one query schema between the draft and version routes, as the document prints', () => {
    expect(OPERATIONS.getDraftImpact.query).toBe(OPERATIONS.getVersionImpact.query);
    expect(OPERATIONS.getDraftAlignment.query).toBe(OPERATIONS.getVersionAlignment.query);
    expect(OPERATIONS.getDraftThreeWay.query).toBe(OPERATIONS.getVersionThreeWay.query);
  });
});
