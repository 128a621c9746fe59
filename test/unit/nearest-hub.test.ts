// The nearest-hub screen must not change any answer: with many hubs, AreaLookup.nearestHub equals
// an exhaustive geodesic search (same hub, same distance), for points near and far.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { geodesicDistanceM } from '../../functions/core/geo/geodesic.js';
import { AreaLookup } from '../../functions/core/lookup/area-lookup.js';
import type { BoundarySet, Site } from '../../functions/core/model.js';
import { testshireSet } from '../support/boundary-sets.js';

describe('AreaLookup.nearestHub with many hubs', () => {
  it('equals the exhaustive geodesic search (property)', async () => {
    const base = await testshireSet();
    const hub = base.sites.find((s) => s.kind === 'hub')!;
    const coordinate = (min: number, max: number) => fc.double({ min, max, noNaN: true });
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ lng: coordinate(-3, -1), lat: coordinate(50.5, 52.5) }), {
          minLength: 17,
          maxLength: 120,
        }),
        fc.record({ lng: coordinate(-8, 4), lat: coordinate(48, 60) }),
        async (places, point) => {
          const hubs: Site[] = places.map((location, i) => ({
            ...hub,
            id: `hub-${String(i).padStart(3, '0')}`,
            location,
          }));
          const set: BoundarySet = { ...base, sites: hubs };
          const lookup = AreaLookup.build(set);
          let best: { id: string; d: number } | null = null;
          for (const h of [...hubs].sort((a, b) => (a.id < b.id ? -1 : 1))) {
            const d = geodesicDistanceM([point.lng, point.lat], [h.location.lng, h.location.lat]);
            if (!best || d < best.d) best = { id: h.id, d };
          }
          const found = lookup.nearestHub(point.lng, point.lat)!;
          expect(found.site.id).toBe(best!.id);
          expect(found.distanceM).toBe(best!.d);
        },
      ),
      { numRuns: 300 },
    );
  });
});
