// Alignment on the real Gloucestershire layers (../shared/data via CATCHMENTS_REAL_DATA). Oracles: LSOAs
// nest in MSOAs by construction (an LSOA's name is its MSOA's name plus a letter), and PostGIS found 3,863
// intersecting OA × ward pairs.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import { describe, expect, it } from 'vitest';
import { alignLayers } from '../../functions/core/alignment/align.js';
import type { Layer } from '../../functions/core/model.js';

const dir = process.env.CATCHMENTS_REAL_DATA!;

function layer(name: string, id: string, label?: string): Layer {
  const fc = JSON.parse(
    readFileSync(path.join(dir, `gloucestershire-${name}.geojson`), 'utf8'),
  ) as FeatureCollection<Polygon | MultiPolygon, Record<string, string>>;
  return {
    type: 'FeatureCollection',
    features: fc.features.map((f) => ({
      type: 'Feature',
      geometry: f.geometry,
      properties: {
        ...f.properties,
        id: f.properties[id]!,
        name: label ? f.properties[label]! : f.properties[id]!,
      },
    })),
  };
}

describe('LSOAs in MSOAs', () => {
  const lsoa = layer('lsoa', 'LSOA11CD', 'LSOA11NM');
  const msoa = layer('msoa', 'MSOA11CD', 'MSOA11NM');
  const r = alignLayers(lsoa, msoa);
  const msoaName = new Map(msoa.features.map((f) => [f.properties.id, f.properties.name]));

  it('gives each of the 373 LSOAs the MSOA named like it, minus the last letter, as best fit (share ≥ 0.99)', () => {
    expect(r.unitsA).toHaveLength(373);
    for (const u of r.unitsA) {
      expect(msoaName.get(u.bestFit!)).toBe(u.name.slice(0, -1));
      expect(u.shareByArea).toBeGreaterThanOrEqual(0.99);
      expect(u.nested).toBe(true);
    }
  });

  it('scores LSOA→MSOA ≥ 0.99 by area, and finds no misaligned piece beyond slivers', () => {
    expect(r.scores.aInB.byArea).toBeGreaterThanOrEqual(0.99);
    expect(r.scores.coterminosity).toBeGreaterThan(0.9999);
    expect(r.fragments.features).toHaveLength(0);
    expect(r.misalignedPieces).toBe(0);
    expect(r.stats.fallbacks).toHaveLength(0);
  });

  it('adds up each LSOA: Σ of its overlap areas = its own area within 0.1%', () => {
    const sums = new Map<string, number>();
    for (const p of r.pairs) sums.set(p.a, (sums.get(p.a) ?? 0) + p.areaM2);
    for (const u of r.unitsA) expect(Math.abs(sums.get(u.id)! / u.areaM2 - 1)).toBeLessThan(1e-3);
  });
});

describe('OAs against wards (different generalisations, edges crossing everywhere)', () => {
  it('finds the 3,863 intersecting pairs PostGIS finds, each OA covered to its area', () => {
    const r = alignLayers(layer('oa', 'OA11CD'), layer('wards', 'WD13CD'));
    expect(r.pairs.filter((p) => p.areaM2 > 0)).toHaveLength(3863);
    expect(r.stats.fallbacks).toHaveLength(0);
    // The two layers' outlines differ by under 0.5 km² in 2,655 km².
    expect(Math.abs(r.pairs.reduce((s, p) => s + p.areaM2, 0) / r.a.areaM2 - 1)).toBeLessThan(5e-4);
    // Away from the county edge, where the two outlines differ, an OA is covered by wards exactly.
    const covered = r.unitsA.filter((u) => u.uncoveredAreaM2 < 1e-6 * u.areaM2).length;
    expect(covered).toBeGreaterThan(1800);
  });
});
