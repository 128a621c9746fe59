// The stored point index on real geometry: Gloucestershire with every real layer (75 MSOAs as
// catchments, 373 LSOAs, 142 wards, 2,001 output areas), read back from its stored bytes, answers
// every real postcode and every layer vertex (points exactly on shared boundaries) as the index
// built from the GeoJSON. Reads CATCHMENTS_REAL_DATA (only collected when it is set).
import { describe, expect, it } from 'vitest';
import { AreaLocator, AreaLookup } from '../../functions/core/lookup/area-lookup.js';
import { realDirectory, realGloucestershireSet } from '../support/real-gloucestershire.js';

describe('the stored point index on real Gloucestershire layers', () => {
  it('answers real postcodes and boundary vertices as the built index', async () => {
    const set = await realGloucestershireSet();
    const built = AreaLookup.build(set);
    const stored = AreaLocator.fromIndex(set.area, 1, set.sites, built.encodeIndex());
    const points: [number, number][] = [];
    for (const r of (await realDirectory()).records())
      if (r.location) points.push([r.location.lng, r.location.lat]);
    expect(points.length).toBeGreaterThan(20_000);
    for (const name of ['catchments', 'hv-patches', 'spoke-catchments'] as const) {
      for (const f of set.layers[name]!.features.slice(0, 400)) {
        const g = f.geometry;
        for (const polygon of g.type === 'Polygon' ? [g.coordinates] : g.coordinates)
          for (const [x, y] of polygon[0]!) points.push([x!, y!]);
      }
    }
    let differ = 0;
    let boundary = 0;
    for (const [lng, lat] of points) {
      const want = built.assign(lng, lat);
      if (want.match === 'boundary') boundary++;
      if (JSON.stringify(stored.assign(lng, lat)) !== JSON.stringify(want)) differ++;
      if (stored.covers(lng, lat) !== built.covers(lng, lat)) differ++;
    }
    expect(boundary).toBeGreaterThan(1_000); // the vertices do test shared edges
    expect(differ).toBe(0);
  }, 60_000);
});
