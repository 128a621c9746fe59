// The public API over real HTTP (node:http + the same middy handlers Lambda runs), on the
// Testshire fixture whose answers are known. Every response is checked against the OpenAPI document.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PUBLIC_ROUTES } from '../../functions/http/routes.js';
import type { LocalApp } from '../../functions/local-app.js';
import { FIXTURE_AREAS_DIR, TESTSHIRE_DIR } from '../support/fixtures.js';
import { type CallInit, call, startTestApp } from '../support/local-app.js';
import { seen } from '../support/openapi-validator.js';

let app: LocalApp;
beforeAll(async () => {
  app = await startTestApp({ CATCHMENTS_DATA_DIR: FIXTURE_AREAS_DIR });
});
afterAll(async () => {
  await app.close();
});

async function ok(path: string, init?: CallInit) {
  const r = await call(app, path, init);
  expect(r.contractProblems).toEqual([]);
  return r;
}

describe('GET /v1/postcodes/{postcode}', () => {
  it('answers a postcode with hub, spokes, patch, team, version and caching headers', async () => {
    const r = await ok('/v1/postcodes/TE1%201AA');
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({
      postcode: 'TE1 1AA',
      status: 'live',
      area: 'testshire',
      version: 1,
      location: { lat: 51.05, lng: -1.99 },
      match: 'inside',
      hub: { id: 'hub-a', name: 'Ayton Family Hub' },
      hvPatch: { id: 'patch-a1' },
      cocTeam: { id: 'team-1' },
      nearestHub: null,
    });
    expect(r.headers.get('etag')).toMatch(/^"testshire\.v1\./);
    expect(r.headers.get('cache-control')).toBe('public, max-age=60');
    expect(r.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('normalises case, missing spaces, tabs and non-breaking spaces', async () => {
    const canonical = await ok('/v1/postcodes/TE1%201AA');
    // Twice each: the second answer comes from the answer cache, kept by the spelling asked.
    for (const raw of ['te11aa', ' TE1\t1AA ', 'TE1\u00a01AA', 'ｔｅ１ １ａａ', 'te11aa']) {
      const r = await ok(`/v1/postcodes/${encodeURIComponent(raw)}`);
      expect(r.status, raw).toBe(200);
      expect((r.json as { postcode: string }).postcode).toBe('TE1 1AA');
      expect(r.text, raw).toBe(canonical.text);
      expect(r.headers.get('etag'), raw).toBe(canonical.headers.get('etag'));
    }
  });

  it('answers 304 when the ETag still matches', async () => {
    const first = await ok('/v1/postcodes/TE1%201AA');
    const again = await call(app, '/v1/postcodes/TE1%201AA', {
      headers: { 'If-None-Match': first.headers.get('etag')! },
    });
    expect(again.status).toBe(304);
    expect(again.text).toBe('');
  });

  it('keeps malformed (400), unknown (404) and no-location (404) apart as problem+json', async () => {
    const malformed = await ok('/v1/postcodes/NOT-A-POSTCODE');
    expect(malformed.status).toBe(400);
    expect(malformed.headers.get('content-type')).toBe('application/problem+json');
    expect(malformed.json).toMatchObject({ type: '/problems/invalid-postcode', status: 400 });
    expect((malformed.json as { detail: string }).detail).toMatch(/GL1 1AD/);

    const unknown = await ok('/v1/postcodes/TE5%205ZZ');
    expect(unknown.status).toBe(404);
    expect(unknown.json).toMatchObject({ type: '/problems/postcode-not-found', postcode: 'TE5 5ZZ' });

    const noLocation = await ok('/v1/postcodes/TE9%209ZZ');
    expect(noLocation.status).toBe(404);
    expect(noLocation.json).toMatchObject({ type: '/problems/postcode-without-location' });
  });

  it('answers terminated postcodes, saying so', async () => {
    const r = await ok('/v1/postcodes/TE2%202AA');
    expect(r.json).toMatchObject({ status: 'terminated', terminated: '2019-06', hub: { id: 'hub-b' } });
  });

  it('distinguishes gap and outside, offering the nearest hub with its distance', async () => {
    const gap = await ok('/v1/postcodes/TE1%201AD');
    expect(gap.json).toMatchObject({ match: 'gap', hub: null, nearestHub: { id: 'hub-a' } });
    const outside = await ok('/v1/postcodes/TE1%201AE');
    expect(outside.json).toMatchObject({ match: 'outside', hub: null, nearestHub: { id: 'hub-b' } });
  });

  it('flags a boundary point and names the rule', async () => {
    const r = await ok('/v1/postcodes/TE1%201AB');
    expect(r.json).toMatchObject({
      match: 'boundary',
      hub: { id: 'hub-a' },
      boundary: { hubIds: ['hub-a', 'hub-b'] },
    });
  });
});

describe('GET /v1/locations', () => {
  it('answers coordinates like a postcode', async () => {
    const r = await ok('/v1/locations?lat=51.02&lng=-1.92');
    expect(r.json).toMatchObject({
      match: 'inside',
      hub: { id: 'hub-b' },
      location: { lat: 51.02, lng: -1.92 },
    });
    expect((r.json as Record<string, unknown>).postcode).toBeUndefined();
  });

  it.each([
    ['', 'required'],
    ['?lat=51&lng=', 'required'],
    ['?lat=abc&lng=-2', 'decimal'],
    ['?lat=NaN&lng=-2', 'decimal'],
    ['?lat=Infinity&lng=-2', 'decimal'],
    ['?lat=91&lng=-2', 'between -90 and 90'],
    ['?lat=51&lng=-181', 'between -180 and 180'],
    ['?lat=51&lat=52&lng=-2', 'once'],
  ])('rejects %s with 400 saying what is wrong', async (query, words) => {
    const r = await ok(`/v1/locations${query}`);
    expect(r.status).toBe(400);
    expect((r.json as { detail: string }).detail).toContain(words);
  });
});

describe('POST /v1/lookups', () => {
  const post = (body: string, contentType = 'application/json') =>
    ok('/v1/lookups', { method: 'POST', headers: { 'Content-Type': contentType }, body });

  it('answers each item in request order, each with its own answer or problem', async () => {
    // Items 42, {lat: "x"} and null are off the documented contract on purpose: each gets its own problem.
    const r = await ok('/v1/lookups', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        postcodes: ['TE1 1AA', 'bad', 'TE5 5ZZ', 42],
        locations: [{ lat: 51.02, lng: -1.92 }, { lat: 'x', lng: 0 }, null],
      }),
      offContract: true,
    });
    expect(r.status).toBe(200);
    const body = r.json as {
      postcodes: Record<string, { hub?: { id: string }; type?: string }>[];
      locations: typeof body.postcodes;
    };
    expect(body.postcodes.map((i) => i.answer?.hub?.id ?? i.error?.type)).toEqual([
      'hub-a',
      '/problems/invalid-postcode',
      '/problems/postcode-not-found',
      '/problems/invalid-request',
    ]);
    expect(body.locations.map((i) => i.answer?.hub?.id ?? i.error?.type)).toEqual([
      'hub-b',
      '/problems/invalid-coordinates',
      '/problems/invalid-request',
    ]);
  });

  it('refuses more than 100 items, unknown members, non-JSON and the wrong media type', async () => {
    const tooMany = await post(JSON.stringify({ postcodes: Array.from({ length: 101 }, () => 'TE1 1AA') }));
    expect(tooMany.status).toBe(400);
    expect(tooMany.json).toMatchObject({ limit: 100 });
    expect((await post(JSON.stringify({ postcode: ['TE1 1AA'] }))).status).toBe(400);
    expect((await post('{"postcodes": [')).status).toBe(400);
    expect((await post('[]')).status).toBe(400);
    expect((await post(JSON.stringify({ postcodes: [] }))).status).toBe(400);
    expect((await post('{}', 'text/plain')).status).toBe(415);
  });

  it('refuses a body over the size limit with 413', async () => {
    const r = await post(JSON.stringify({ postcodes: ['x'.repeat(2 * 1024 * 1024)] }));
    expect(r.status).toBe(413);
  });
});

describe('areas and hubs', () => {
  it('lists areas, an area, its hubs with spokes and one hub with its catchment', async () => {
    const areas = await ok('/v1/areas');
    expect(areas.json).toMatchObject({
      areas: [{ id: 'testshire', version: 1, counts: { hubs: 2, spokes: 3 } }],
    });
    const area = await ok('/v1/areas/testshire');
    expect(area.json).toMatchObject({ id: 'testshire', illustrative: true });
    const hubs = await ok('/v1/areas/testshire/hubs');
    const list = (hubs.json as { hubs: { id: string; spokes: { id: string }[] }[] }).hubs;
    expect(list.map((h) => [h.id, h.spokes.map((s) => s.id)])).toEqual([
      ['hub-a', ['spoke-a1', 'spoke-a2']],
      ['hub-b', ['spoke-b1']],
    ]);
    const hub = await ok('/v1/areas/testshire/hubs/hub-b');
    expect(hub.json).toMatchObject({
      id: 'hub-b',
      catchment: { type: 'Feature', properties: { id: 'hub-b' } },
    });
  });

  it('answers unknown areas and hubs with 404 naming what exists', async () => {
    const area = await ok('/v1/areas/atlantis');
    expect(area.status).toBe(404);
    expect((area.json as { detail: string }).detail).toContain('testshire');
    expect((await ok('/v1/areas/testshire/hubs/hub-z')).status).toBe(404);
  });
});

describe('map data: GET /v1/areas/{area}/sites and /v1/areas/{area}/layers/{layer}', () => {
  const fixture = (name: string) => JSON.parse(readFileSync(join(TESTSHIRE_DIR, name), 'utf8'));

  it('serves the sites as GeoJSON points, hubs first, matching the published set', async () => {
    const r = await ok('/v1/areas/testshire/sites');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/geo+json');
    expect(r.headers.get('etag')).toMatch(/^"testshire\.v1\./);
    const body = r.json as {
      area: string;
      version: number;
      features: {
        id: string;
        geometry: { coordinates: number[] };
        properties: { kind: string; hubId?: string };
      }[];
    };
    expect(body).toMatchObject({ type: 'FeatureCollection', area: 'testshire', version: 1 });
    const sites = (
      fixture('area.json') as {
        sites: { id: string; kind: string; location: { lat: number; lng: number } }[];
      }
    ).sites;
    expect(body.features.map((f) => f.id)).toEqual(['hub-a', 'hub-b', 'spoke-a1', 'spoke-a2', 'spoke-b1']);
    for (const f of body.features) {
      const site = sites.find((s) => s.id === f.id)!;
      expect(f.geometry.coordinates).toEqual([site.location.lng, site.location.lat]);
      expect(f.properties.kind).toBe(site.kind);
    }
  });

  it('serves each published layer as stored, and 404s unknown or absent layers', async () => {
    for (const layer of ['outline', 'catchments', 'hv-patches', 'coc-teams']) {
      const r = await ok(`/v1/areas/testshire/layers/${layer}`);
      expect(r.status, layer).toBe(200);
      expect(r.headers.get('content-type')).toBe('application/geo+json');
      const body = r.json as { layer: string; features: { properties: { id: string }; geometry: unknown }[] };
      expect(body.layer).toBe(layer);
      const expected = fixture(`${layer}.geojson`) as typeof body;
      const byId = (fc: typeof body) =>
        Object.fromEntries(fc.features.map((f) => [String(f.properties.id), f.geometry]));
      expect(byId(body)).toEqual(byId(expected));
    }
    const unknown = await ok('/v1/areas/testshire/layers/wards');
    expect(unknown.status).toBe(404);
    expect((unknown.json as { detail: string }).detail).toContain('catchments');
    expect((await ok('/v1/areas/testshire/layers/spoke-catchments')).status).toBe(404);
    expect((await ok('/v1/areas/nowhere/layers/catchments')).status).toBe(404);
    expect((await ok('/v1/areas/nowhere/sites')).status).toBe(404);
  });
});

describe('GET /v1/areas/{area}/versions/{version}/assignments.csv', () => {
  it('exports the answers precomputed at publish, ONS-lookup style', async () => {
    const r = await ok('/v1/areas/testshire/versions/1/assignments.csv');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(r.headers.get('etag')).toBe('"testshire.v1.assignments"');
    expect(r.headers.get('content-disposition')).toContain('testshire-v1-assignments.csv');
    const rows = r.text.trimEnd().split('\r\n');
    expect(rows).toEqual([
      'postcode,hub_id,hub_name,hv_patch_id,coc_team_id,match',
      'TE1 1AA,hub-a,Ayton Family Hub,patch-a1,team-1,inside',
      'TE1 1AB,hub-a,Ayton Family Hub,patch-a1,team-1,boundary',
      'TE1 1AD,,,,team-1,gap',
      'TE1 1AE,,,,,outside',
      'TE2 2AA,hub-b,Bee Town Family Hub,patch-b1,team-1,inside',
    ]);
  });

  it('answers 404 for a version that does not exist and 400 for one that is not a number', async () => {
    expect((await ok('/v1/areas/testshire/versions/9/assignments.csv')).status).toBe(404);
    expect((await ok('/v1/areas/testshire/versions/abc/assignments.csv')).status).toBe(400);
    expect((await ok('/v1/areas/nowhere/versions/1/assignments.csv')).status).toBe(404);
  });
});

describe('history, change lists, nearest sites and the ORUK feed (covered in depth in their own suites)', () => {
  it('answers each for the fixture area', async () => {
    const versions = await ok('/v1/areas/testshire/versions');
    expect(versions.json).toMatchObject({
      area: 'testshire',
      active: 1,
      versions: [{ version: 1, active: true }],
    });
    const same = await ok('/v1/areas/testshire/changes?from=1&to=1');
    expect(same.json).toMatchObject({ changedPostcodeCount: 0, postcodes: [], next: null });
    expect((await ok('/v1/areas/testshire/changes.csv?from=1&to=1')).text.split('\r\n')[0]).toMatch(
      /^postcode,changed,/,
    );
    const near = await ok('/v1/sites/nearest?lat=51.02&lng=-1.92&kind=hub&limit=1');
    expect(near.json).toMatchObject({ sites: [{ site: { id: 'hub-b' }, catchment: { contains: true } }] });
    const byPostcode = await ok('/v1/postcodes/TE1%201AA/nearest-sites?limit=2');
    expect((byPostcode.json as { sites: unknown[] }).sites).toHaveLength(2);
    const oruk = await ok('/v1/areas/testshire/oruk/services');
    expect(oruk.json).toMatchObject({ total_items: 5, page_number: 1, last_page: true });
    expect((await ok('/v1/postcodes/TE1%201AA?version=1')).json).toMatchObject({
      asOf: { historical: false },
    });
  });
});

describe('service routes and HTTP behaviour', () => {
  it('serves health and a valid OpenAPI 3.1 document listing every public route', async () => {
    const health = await ok('/health');
    expect(health.json).toMatchObject({
      status: 'ok',
      areas: [{ id: 'testshire', version: 1 }],
      postcodes: 6,
    });
    const doc = (await ok('/openapi.json')).json as {
      openapi: string;
      paths: Record<string, Record<string, unknown>>;
    };
    expect(doc.openapi).toBe('3.1.0');
    for (const route of PUBLIC_ROUTES)
      expect(doc.paths[route.path]?.[route.method.toLowerCase()], route.path).toBeDefined();
  });

  it('answers unknown paths 404 and wrong methods 405 with Allow', async () => {
    expect((await ok('/v2/nothing')).status).toBe(404);
    const wrong = await ok('/v1/postcodes/TE1%201AA', { method: 'DELETE' });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('GET');
  });

  it('answers CORS preflight for GET and POST', async () => {
    const r = await fetch(`${app.url}/v1/lookups`, {
      method: 'OPTIONS',
      headers: { Origin: 'https://council.example', 'Access-Control-Request-Method': 'POST' },
    });
    expect(r.status).toBe(204);
    expect(r.headers.get('access-control-allow-origin')).toBe('*');
    expect(r.headers.get('access-control-allow-methods')).toContain('POST');
  });

  it('exercised every public route', () => {
    const operations = new Set([...seen].map((s) => s.split(' ')[0]));
    for (const route of PUBLIC_ROUTES)
      expect(operations.has(route.operationId), route.operationId).toBe(true);
  });
});
