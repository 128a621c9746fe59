// Nearest sites against an independent oracle: the geodesic to every site, sorted (brute force).
import { describe, expect, it } from 'vitest';
import { nearestSites } from '../../functions/application/nearest-sites.js';
import { geodesicDistanceM } from '../../functions/core/geo/geodesic.js';
import type { Site } from '../../functions/core/model.js';
import {
  compareRanked,
  ecef,
  NearestSites,
  type PlacedSite,
} from '../../functions/core/spatial/nearest-sites.js';

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Kind {
  readonly kind: 'hub' | 'spoke';
}

/** Sites over England (lat 50-55.8, lng -5.7-1.8) with duplicates (exact ties) and two areas sharing ids. */
function englandSites(random: () => number, count: number): PlacedSite<Kind>[] {
  const sites: PlacedSite<Kind>[] = [];
  for (let i = 0; i < count; i++) {
    const lat = 50 + random() * 5.8;
    const lng = -5.7 + random() * 7.5;
    sites.push({
      id: `s${i}`,
      area: `area-${i % 7}`,
      lat,
      lng,
      value: { kind: random() < 0.3 ? 'hub' : 'spoke' },
    });
  }
  for (let i = 0; i < 20; i++) {
    const twin = sites[i * 3]!;
    sites.push({ ...twin, id: `twin${i}` }); // same place, another id: an exact tie
    sites.push({ ...twin, area: 'area-z' }); // same place and id, another area
  }
  return sites;
}

function bruteForce<T>(
  sites: readonly PlacedSite<T>[],
  lat: number,
  lng: number,
  limit: number,
  accept = (_: PlacedSite<T>) => true,
) {
  return sites
    .filter(accept)
    .map((site) => ({ site, distanceM: geodesicDistanceM([lng, lat], [site.lng, site.lat]) }))
    .sort(compareRanked)
    .slice(0, limit);
}

const key = (r: { site: PlacedSite<unknown>; distanceM: number }) => `${r.site.area}/${r.site.id}`;

describe('NearestSites', () => {
  it('matches a brute-force geodesic ranking on 1,000 random points (England, offshore and worldwide)', () => {
    const random = mulberry32(20261123);
    const sites = englandSites(random, 600);
    const index = NearestSites.build(sites);
    let compared = 0;
    for (let q = 0; q < 1_000; q++) {
      // 80% over and around England, 20% anywhere on Earth (incl. near-antipodal and polar points).
      const world = q % 5 === 4;
      const lat = world ? -90 + random() * 180 : 49 + random() * 8;
      const lng = world ? -180 + random() * 360 : -7 + random() * 10;
      const limit = 1 + Math.floor(random() * 12);
      const kind = q % 3 === 0 ? 'hub' : q % 3 === 1 ? 'spoke' : null;
      const accept = kind ? (s: PlacedSite<Kind>) => s.value.kind === kind : undefined;
      const got = index.nearest(lat, lng, limit, accept);
      const want = bruteForce(sites, lat, lng, limit, accept);
      expect(got.map(key), `query ${q} at ${lat},${lng}`).toEqual(want.map(key));
      expect(got.map((g) => g.distanceM)).toEqual(want.map((w) => w.distanceM));
      compared += got.length;
    }
    expect(compared).toBeGreaterThan(5_000);
  });

  it('ranks exact ties by id, then area', () => {
    const sites: PlacedSite<null>[] = [
      { id: 'b', area: 'x', lat: 51.5, lng: -2, value: null },
      { id: 'a', area: 'y', lat: 51.5, lng: -2, value: null },
      { id: 'a', area: 'x', lat: 51.5, lng: -2, value: null },
      { id: 'c', area: 'x', lat: 51.6, lng: -2, value: null },
    ];
    const got = NearestSites.build(sites).nearest(51.4, -2, 3);
    expect(got.map(key)).toEqual(['x/a', 'y/a', 'x/b']);
  });

  it('answers nothing for no sites, a zero limit or a filter that keeps none', () => {
    expect(NearestSites.build([]).nearest(51, -2, 5)).toEqual([]);
    const one = NearestSites.build([{ id: 'a', area: 'x', lat: 51, lng: -2, value: null }]);
    expect(one.nearest(51, -2, 0)).toEqual([]);
    expect(one.nearest(51, -2, 5, () => false)).toEqual([]);
    expect(one.nearest(51, -2, 5).map((r) => r.distanceM)).toEqual([0]);
  });

  it('never lets a chord exceed the geodesic (the screen’s premise) on random pairs', () => {
    const random = mulberry32(7);
    for (let i = 0; i < 2_000; i++) {
      const a = [-180 + random() * 360, -90 + random() * 180] as const;
      const b = [-180 + random() * 360, -90 + random() * 180] as const;
      const [ax, ay, az] = ecef(a[1], a[0]);
      const [bx, by, bz] = ecef(b[1], b[0]);
      const chord = Math.hypot(ax - bx, ay - by, az - bz);
      expect(chord).toBeLessThanOrEqual(geodesicDistanceM(a, b) + 1e-6);
    }
  });
});

describe('nearestSites across areas (hub list first, areas loaded on demand)', () => {
  interface FakeArea {
    readonly id: string;
    readonly sites: Site[];
  }

  it('matches a brute-force geodesic ranking of every site on 1,000 random points, loading only areas near the point', async () => {
    const random = mulberry32(99);
    // 30 areas over England, 3-6 hubs each, 0-4 spokes per hub within the reach of their hub.
    const areas: FakeArea[] = [];
    for (let a = 0; a < 30; a++) {
      const cLat = 50.5 + random() * 4.5;
      const cLng = -5 + random() * 6;
      const sites: Site[] = [];
      for (let h = 0; h < 3 + Math.floor(random() * 4); h++) {
        const hub = site(
          `hub-${a}-${h}`,
          'hub',
          cLat + (random() - 0.5) * 0.6,
          cLng + (random() - 0.5) * 0.9,
        );
        sites.push(hub);
        for (let s = 0; s < Math.floor(random() * 5); s++) {
          // Within ~0.3 degrees: well inside the 50 km reach.
          sites.push(
            site(
              `spoke-${a}-${h}-${s}`,
              'spoke',
              hub.location.lat + (random() - 0.5) * 0.4,
              hub.location.lng + (random() - 0.5) * 0.4,
              hub.id,
            ),
          );
        }
      }
      areas.push({ id: `area-${String(a).padStart(2, '0')}`, sites });
    }
    const hubs = areas.flatMap((a) =>
      a.sites
        .filter((s) => s.kind === 'hub')
        .map((s) => ({ area: a.id, id: s.id, lat: s.location.lat, lng: s.location.lng })),
    );
    const everySite = areas.flatMap((a) => a.sites.map((s) => ({ area: a.id, site: s })));
    let loads = 0;
    for (let q = 0; q < 1_000; q++) {
      const lat = 49.8 + random() * 6;
      const lng = -6 + random() * 8;
      const limit = 1 + Math.floor(random() * 10);
      const kind = q % 3 === 0 ? ('hub' as const) : q % 3 === 1 ? ('spoke' as const) : undefined;
      const loaded = new Set<string>();
      const got = await nearestSites(
        hubs,
        {
          load: async (id) => {
            loaded.add(id);
            return areas.find((a) => a.id === id)!;
          },
          networkOf: (area, hubId) => ({
            hub: area.sites.find((s) => s.id === hubId),
            spokes: area.sites.filter((s) => s.hubId === hubId),
          }),
        },
        lat,
        lng,
        limit,
        kind,
      );
      const want = everySite
        .filter((e) => !kind || e.site.kind === kind)
        .map((e) => ({ ...e, d: geodesicDistanceM([lng, lat], [e.site.location.lng, e.site.location.lat]) }))
        .sort((a, b) => a.d - b.d || (a.site.id < b.site.id ? -1 : a.site.id > b.site.id ? 1 : 0))
        .slice(0, limit);
      expect(
        got.map((g) => g.site.id),
        `query ${q}`,
      ).toEqual(want.map((w) => w.site.id));
      expect(got.map((g) => g.distanceM)).toEqual(want.map((w) => w.d));
      loads += loaded.size;
    }
    // Far fewer area loads than 30 per query: the hub list screens them.
    expect(loads / 1_000).toBeLessThan(10);
  });
});

function site(id: string, kind: 'hub' | 'spoke', lat: number, lng: number, hubId?: string): Site {
  return {
    id,
    kind,
    name: id,
    ...(hubId ? { hubId } : {}),
    address: '1 Street',
    postcode: 'GL1 1AA',
    location: { lat, lng },
    operator: 'Council',
    services: [],
    ages: { min: 0, max: 19 },
    contact: {},
    openingHours: 'Mo-Fr 09:00-17:00',
  };
}
