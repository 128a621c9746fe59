// Nearest sites over HTTP (checked against a brute-force geodesic ranking of the served sites) and
// ORUK links: a planner uploads sites with Open Referral UK ids and an Ofsted URN, publishes, and
// the site answers and the ORUK services feed carry them.
import path from 'node:path';
import geodesicLib from 'geographiclib-geodesic';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readBoundarySetDir } from '../../functions/adapters/boundary-set-files.js';
import type { BoundarySet } from '../../functions/core/model.js';
import type { LocalApp } from '../../functions/local-app.js';
import { SAMPLE_DIR } from '../support/fixtures.js';
import { type CallResult, call, startTestApp } from '../support/local-app.js';

const TOKEN = 'test-admin-token-0123456789';
const AREA = 'gloucestershire';
const ADMIN = `/v1/admin/areas/${AREA}`;
const json = { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' };
const WGS84 = geodesicLib.Geodesic.WGS84;

let app: LocalApp;
let sample: BoundarySet;

async function ok(p: string, init?: RequestInit): Promise<CallResult> {
  const r = await call(app, p, init);
  expect(r.contractProblems, `${init?.method ?? 'GET'} ${p}`).toEqual([]);
  return r;
}

beforeAll(async () => {
  app = await startTestApp({ CATCHMENTS_ADMIN_TOKEN: TOKEN });
  sample = await readBoundarySetDir(path.join(SAMPLE_DIR, AREA), 1);
}, 60_000);
afterAll(async () => {
  await app?.close();
});

interface Nearby {
  area: string;
  distanceM: number;
  site: { id: string; kind: string; hubId?: string; oruk?: unknown; ofstedUrn?: string };
  catchment: { hubId: string; href: string; contains: boolean };
}

describe('GET /v1/sites/nearest', () => {
  it('ranks sites as a brute-force geodesic ranking does, at 40 seeded points in and around the county', async () => {
    let seed = 11;
    const random = () => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    };
    for (let i = 0; i < 40; i++) {
      const lat = 51.4 + random() * 0.8;
      const lng = -2.8 + random() * 1.2;
      const kind = i % 3 === 0 ? 'hub' : i % 3 === 1 ? 'spoke' : undefined;
      const limit = 1 + (i % 7);
      const r = await ok(
        `/v1/sites/nearest?lat=${lat}&lng=${lng}&limit=${limit}${kind ? `&kind=${kind}` : ''}`,
      );
      const got = (r.json as { sites: Nearby[] }).sites;
      const want = sample.sites
        .filter((s) => !kind || s.kind === kind)
        .map((s) => ({ id: s.id, d: WGS84.Inverse(lat, lng, s.location.lat, s.location.lng).s12! }))
        .sort((a, b) => a.d - b.d || (a.id < b.id ? -1 : 1))
        .slice(0, limit);
      expect(got.map((s) => s.site.id)).toEqual(want.map((w) => w.id));
      expect(got.map((s) => s.distanceM)).toEqual(want.map((w) => Math.round(w.d)));
    }
  });

  it('gives each site the catchment it serves and whether the point is in it', async () => {
    const pc = 'GL16 8PT'; // a Coleford postcode in the sample directory
    const answer = (await ok(`/v1/postcodes/${encodeURIComponent(pc)}`)).json as { hub: { id: string } };
    const r = await ok(`/v1/postcodes/${encodeURIComponent(pc)}/nearest-sites?limit=6`);
    const body = r.json as { from: { postcode: string }; sites: Nearby[] };
    expect(body.from.postcode).toBe(pc);
    for (const s of body.sites) {
      expect(s.catchment.hubId).toBe(s.site.kind === 'hub' ? s.site.id : s.site.hubId);
      expect(s.catchment.contains).toBe(s.catchment.hubId === answer.hub.id);
      expect(s.catchment.href).toBe(`/v1/areas/${AREA}/hubs/${s.catchment.hubId}`);
    }
    expect(body.sites.some((s) => s.catchment.contains)).toBe(true);
    expect((await ok('/v1/sites/nearest?lat=51.8&lng=-2.2&kind=school')).status).toBe(400);
    expect((await ok('/v1/sites/nearest?lat=51.8&lng=-2.2&limit=51')).status).toBe(400);
    expect((await ok('/v1/sites/nearest?lat=51.8')).status).toBe(400);
  });
});

describe('ORUK links', () => {
  it('takes ORUK ids and an Ofsted URN on upload, serves them on sites and as an ORUK services feed', async () => {
    const hub = sample.sites.find((s) => s.kind === 'hub')!;
    const sites = sample.sites.map((s) =>
      s.id === hub.id
        ? {
            ...s,
            oruk: { serviceId: 'svc-0001', locationId: 'loc-0001', serviceAtLocationId: 'sal-0001' },
            ofstedUrn: '20123',
          }
        : s,
    );
    expect((await ok(`${ADMIN}/draft`, { method: 'POST', headers: json, body: '{}' })).status).toBe(201);
    const bad = await ok(`${ADMIN}/draft/sites`, {
      method: 'PUT',
      headers: json,
      body: JSON.stringify(
        sites.map((s) => (s.id === hub.id ? { ...s, ofstedUrn: 'not a urn', oruk: { service: 'x' } } : s)),
      ),
    });
    expect(bad.status).toBe(400);
    expect((bad.json as { detail: string }).detail).toMatch(/oruk|ofstedUrn/);
    const put = await ok(`${ADMIN}/draft/sites`, {
      method: 'PUT',
      headers: json,
      body: JSON.stringify(sites),
    });
    expect(put.status).toBe(200);
    const published = await ok(`${ADMIN}/draft/publish`, {
      method: 'POST',
      headers: { ...json, 'If-Match': '1' },
      body: JSON.stringify({ message: 'Link the hubs to the council ORUK feed' }),
    });
    expect(published.status).toBe(201);

    const hubAnswer = (await ok(`/v1/areas/${AREA}/hubs/${hub.id}`)).json as Nearby['site'];
    expect(hubAnswer).toMatchObject({ oruk: { serviceId: 'svc-0001' }, ofstedUrn: '20123' });

    const feed = (await ok(`/v1/areas/${AREA}/oruk/services?per_page=10`)).json as {
      total_items: number;
      total_pages: number;
      contents: { id: string; service_at_locations: { id: string; location: { id: string } }[] }[];
    };
    expect(feed.total_items).toBe(sample.sites.length);
    expect(feed.total_pages).toBe(Math.ceil(sample.sites.length / 10));
    const linked = feed.contents.find((c) => c.id === 'svc-0001')!;
    expect(linked.service_at_locations[0]).toMatchObject({ id: 'sal-0001', location: { id: 'loc-0001' } });
    // Sites without ORUK ids get stable local ones.
    expect(feed.contents.some((c) => c.id.startsWith(`${AREA}:hub-`))).toBe(true);
    const all = [];
    for (let page = 1; page <= feed.total_pages; page++) {
      all.push(
        ...((await ok(`/v1/areas/${AREA}/oruk/services?per_page=10&page=${page}`)).json as typeof feed)
          .contents,
      );
    }
    expect(new Set(all.map((c) => c.id)).size).toBe(sample.sites.length);
  });
});
