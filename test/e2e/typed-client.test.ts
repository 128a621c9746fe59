// The generated typed client against the local server (real HTTP): it compiles (npm run typecheck
// compiles the workspace and this file), and its calls and answers are what the document says.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCatchmentsClient } from '../../clients/typescript/src/index.js';
import type { LocalApp } from '../../functions/local-app.js';
import { FIXTURE_AREAS_DIR } from '../support/fixtures.js';
import { startTestApp } from '../support/local-app.js';
import { checkAgainstOpenApi, checkRequestAgainstOpenApi } from '../support/openapi-validator.js';

const TOKEN = 'test-admin-token-0123456789';
let app: LocalApp;
const problems: string[] = [];

beforeAll(async () => {
  app = await startTestApp({ CATCHMENTS_DATA_DIR: FIXTURE_AREAS_DIR, CATCHMENTS_ADMIN_TOKEN: TOKEN });
});
afterAll(async () => {
  await app?.close();
});

/** The client's own fetch, with every request and answer checked against the document. */
const checkedFetch: typeof fetch = async (input, init) => {
  const request = new Request(input, init);
  const body = request.method === 'GET' ? undefined : await request.clone().text();
  const url = new URL(request.url);
  const path = url.pathname + url.search;
  problems.push(
    ...checkRequestAgainstOpenApi({
      method: request.method,
      path,
      headers: Object.fromEntries(request.headers.entries()),
      ...(body ? { body } : {}),
    }),
  );
  const response = await fetch(request);
  const text = await response.clone().text();
  if (response.status !== 304 && response.status !== 204) {
    problems.push(
      ...checkAgainstOpenApi({
        method: request.method,
        path,
        status: response.status,
        contentType: response.headers.get('content-type'),
        body: text,
      }),
    );
  }
  return response;
};

describe('the typed client', () => {
  it('looks up a postcode, now and at a version, typed end to end', async () => {
    const api = createCatchmentsClient(app.url, { fetch: checkedFetch });
    const { data, error } = await api.GET('/v1/postcodes/{postcode}', {
      params: { path: { postcode: 'te1 1aa' } },
    });
    expect(error).toBeUndefined();
    expect(data?.postcode).toBe('TE1 1AA');
    expect(data?.hub?.id).toBe('hub-a');
    const past = await api.GET('/v1/postcodes/{postcode}', {
      params: { path: { postcode: 'TE1 1AA' }, query: { version: 1 } },
    });
    expect(past.data?.asOf).toEqual({ at: null, version: 1, activeVersion: 1, historical: false });
  });

  it('returns problems as typed errors, not exceptions', async () => {
    const api = createCatchmentsClient(app.url, { fetch: checkedFetch });
    const { data, error, response } = await api.GET('/v1/postcodes/{postcode}', {
      params: { path: { postcode: 'not a postcode' } },
    });
    expect(data).toBeUndefined();
    expect(response.status).toBe(400);
    expect(error?.type).toBe('/problems/invalid-postcode');
  });

  it('does bulk lookups, nearest sites, versions and change lists', async () => {
    const api = createCatchmentsClient(app.url, { fetch: checkedFetch, apiKey: 'ignored-locally' });
    const bulk = await api.POST('/v1/lookups', {
      body: { postcodes: ['TE1 1AA', 'TE2 2AA'], locations: [{ lat: 51.02, lng: -1.92 }] },
    });
    expect(bulk.data?.postcodes.map((i) => ('answer' in i ? i.answer.hub?.id : i.error.type))).toEqual([
      'hub-a',
      'hub-b',
    ]);
    const near = await api.GET('/v1/sites/nearest', {
      params: { query: { lat: 51.02, lng: -1.92, kind: 'hub', limit: 2 } },
    });
    expect(near.data?.sites.map((s) => s.site.id)).toEqual(['hub-b', 'hub-a']);
    const versions = await api.GET('/v1/areas/{area}/versions', { params: { path: { area: 'testshire' } } });
    expect(versions.data?.versions[0]?.periods[0]?.until).toBeNull();
    const changes = await api.GET('/v1/areas/{area}/changes', {
      params: { path: { area: 'testshire' }, query: { from: 1, to: 1 } },
    });
    expect(changes.data?.changedPostcodeCount).toBe(0);
  });

  it('calls admin routes with the local token', async () => {
    const api = createCatchmentsClient(app.url, { fetch: checkedFetch, adminToken: TOKEN });
    const history = await api.GET('/v1/admin/areas/{area}/versions', {
      params: { path: { area: 'testshire' } },
    });
    expect(history.data?.active).toBe(1);
    const refused = await createCatchmentsClient(app.url, { fetch: checkedFetch }).GET(
      '/v1/admin/areas/{area}/versions',
      {
        params: { path: { area: 'testshire' } },
      },
    );
    expect(refused.response.status).toBe(401);
  });

  it('sent and received only what the document describes', () => {
    expect(problems).toEqual([]);
  });
});
