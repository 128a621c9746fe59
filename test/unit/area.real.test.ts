// Real-data checks of the ellipsoidal area against PostGIS: reference-areas.csv holds ST_Area(geography)
// for every Gloucestershire feature (see ../shared/data/README.md).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { area as turfArea } from '@turf/turf';
import type { FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import { describe, expect, it } from 'vitest';
import { geometryAreaM2 } from '../../functions/core/geo/area.js';

const dir = process.env.CATCHMENTS_REAL_DATA!;
const reference = new Map(
  readFileSync(path.join(dir, 'reference-areas.csv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => {
      const [layer, code, area] = line.split(',');
      return [`${layer}/${code}`, Number(area)] as const;
    }),
);

function load(layer: string): FeatureCollection<Polygon | MultiPolygon, Record<string, string>> {
  return JSON.parse(readFileSync(path.join(dir, `gloucestershire-${layer}.geojson`), 'utf8'));
}

describe('ellipsoidal area vs PostGIS ST_Area(geography)', () => {
  it('matches all 373 LSOA areas within 0.05% (in fact within 1e-7)', () => {
    const lsoa = load('lsoa');
    expect(lsoa.features).toHaveLength(373);
    let worst = 0;
    for (const f of lsoa.features) {
      const expected = reference.get(`gloucestershire-lsoa/${f.properties.LSOA11CD}`)!;
      const rel = Math.abs(geometryAreaM2(f.geometry) / expected - 1);
      expect(rel).toBeLessThan(5e-4);
      worst = Math.max(worst, rel);
    }
    expect(worst).toBeLessThan(1e-7);
  });

  it('matches every feature of the other four layers within 1e-6 (the CSV rounds to 0.01 m²)', () => {
    for (const [layer, key] of [
      ['oa', 'OA11CD'],
      ['msoa', 'MSOA11CD'],
      ['wards', 'WD13CD'],
      ['districts', 'LAD13CD'],
    ] as const) {
      for (const f of load(layer).features) {
        const expected = reference.get(`gloucestershire-${layer}/${f.properties[key]}`)!;
        expect(Math.abs(geometryAreaM2(f.geometry) / expected - 1)).toBeLessThan(1e-6);
      }
    }
  });

  it('is where turf is 0.36% low', () => {
    const f = load('districts').features[0]!;
    const expected = reference.get(`gloucestershire-districts/${f.properties.LAD13CD}`)!;
    expect(turfArea(f) / expected - 1).toBeCloseTo(-0.0038, 3);
    expect(Math.abs(geometryAreaM2(f.geometry) / expected - 1)).toBeLessThan(1e-8);
  });
});
