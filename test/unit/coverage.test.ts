import { readFileSync } from 'node:fs';
import type { Feature, FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import { describe, expect, it } from 'vitest';
import { checkCoverage } from '../../functions/core/coverage/coverage.js';
import { checkValidity } from '../../functions/core/coverage/validity.js';
import { EqualAreaProjection, geometryAreaM2 } from '../../functions/core/geo/area.js';
import type { Layer } from '../../functions/core/model.js';

const fixture = <T>(name: string): T =>
  JSON.parse(readFileSync(new URL(`../fixtures/alignment/${name}`, import.meta.url), 'utf8')) as T;
const plane = new EqualAreaProjection(0, 51);
const area = (g: Polygon | MultiPolygon) => geometryAreaM2(g, { edges: 'plane', projection: plane });

describe('checkValidity (OGC rules) on fixtures', () => {
  const cases =
    fixture<FeatureCollection<Polygon | MultiPolygon, { id: string; expected: string[] }>>(
      'validity-cases.geojson',
    );
  for (const f of cases.features) {
    it(`${f.properties.id}: ${f.properties.expected.join(', ') || 'valid'}`, () => {
      const problems = checkValidity(f.properties.id, f.geometry);
      expect([...new Set(problems.map((p) => p.kind))].sort()).toEqual([...f.properties.expected].sort());
      for (const p of problems) {
        expect(p.feature).toBe(f.properties.id);
        expect(p.location).toHaveLength(2);
      }
    });
  }

  it('locates a bow-tie at its crossing', () => {
    const bowtie = cases.features.find((f) => f.properties.id === 'bowtie')!;
    const [p] = checkValidity('bowtie', bowtie.geometry);
    expect(p!.location[0]).toBeCloseTo(0.01, 12);
    expect(p!.location[1]).toBeCloseTo(51.01, 12);
  });
});

describe('checkCoverage on a fixture with a gap, an overlap and a part outside the outline', () => {
  const layer = fixture<Layer>('coverage-layer.geojson');
  const outline = fixture<Layer>('coverage-outline.geojson');
  const geometry = (id: string) => layer.features.find((f) => f.properties.id === id)!.geometry;
  const r = checkCoverage(layer, { outline });

  it('finds the overlap of west and middle (lng 0.018-0.02)', () => {
    expect(r.overlaps).toHaveLength(1);
    expect(r.overlaps[0]).toMatchObject({ kind: 'overlap', sliver: false, features: ['west', 'middle'] });
    expect(r.overlaps[0]!.areaM2 / area(geometry('west'))).toBeCloseTo(0.1, 9);
    expect(r.overlaps[0]!.location![0]).toBeGreaterThan(0.018);
    expect(r.overlaps[0]!.location![0]).toBeLessThan(0.02);
  });

  it('finds the gap between middle and east (lng 0.038-0.04)', () => {
    expect(r.gaps).toHaveLength(1);
    const outlineArea = area(outline.features[0]!.geometry);
    expect(r.gaps[0]!.areaM2 / outlineArea).toBeCloseTo(0.002 / 0.06, 9);
    expect(r.gaps[0]!.features).toEqual(expect.arrayContaining(['middle', 'east']));
    expect(area(r.gaps[0]!.geometry!)).toBeCloseTo(r.gaps[0]!.areaM2, 3);
  });

  it('finds the part of east outside the outline (lng 0.06-0.0605)', () => {
    expect(r.outside).toHaveLength(1);
    expect(r.outside[0]!.features).toEqual(['east']);
    expect(r.outside[0]!.areaM2 / area(geometry('east'))).toBeCloseTo(0.0005 / 0.0205, 9);
    expect(r.ok).toBe(false);
    expect(r.invalid).toHaveLength(0);
  });

  it('reports thin pieces as slivers, apart', () => {
    // Close the gap to a 1e-6° (7 cm) crack: 156 m² but 7 cm wide.
    const cracked = JSON.parse(JSON.stringify(layer)) as Layer;
    const east = cracked.features.find((f) => f.properties.id === 'east')!.geometry as Polygon;
    east.coordinates[0] = east.coordinates[0]!.map(([x, y]) => [
      x === 0.04 ? 0.038001 : x === 0.0605 ? 0.06 : x!,
      y!,
    ]);
    const c = checkCoverage(cracked, { outline });
    expect(c.gaps).toHaveLength(0);
    expect(c.slivers.gaps.count).toBe(1);
    expect(c.slivers.gaps.areaM2).toBeGreaterThan(100);
    expect(c.slivers.listed.find((s) => s.kind === 'gap')!.widthM).toBeLessThan(0.1);
    // Tolerances are the caller's: with a 1 cm width rule the crack is a gap.
    const strict = checkCoverage(cracked, { outline, sliver: { areaM2: 1, widthM: 0.01 } });
    expect(strict.gaps).toHaveLength(1);
  });

  it('without an outline, gaps are the holes of the layer', () => {
    const ring = (x0: number, x1: number, y0 = 51, y1 = 51.03) => [
      [x0, y0],
      [x1, y0],
      [x1, y1],
      [x0, y1],
      [x0, y0],
    ];
    const donut: Layer = {
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          properties: { id: 'ring', name: 'ring' },
          geometry: {
            type: 'Polygon',
            coordinates: [ring(0, 0.03), ring(0.01, 0.02, 51.01, 51.02).reverse()],
          },
        },
      ],
    };
    const holed = checkCoverage(donut);
    expect(holed.gaps).toHaveLength(1);
    expect(holed.gaps[0]!.areaM2).toBeCloseTo(
      area({ type: 'Polygon', coordinates: [ring(0.01, 0.02, 51.01, 51.02)] }),
      3,
    );
    // Filling the hole with another feature leaves no gap, even though every edge is shared.
    const filled: Layer = {
      ...donut,
      features: [
        ...donut.features,
        {
          type: 'Feature',
          properties: { id: 'plug', name: 'plug' },
          geometry: { type: 'Polygon', coordinates: [ring(0.01, 0.02, 51.01, 51.02)] },
        } as Feature<Polygon, { id: string; name: string }>,
      ],
    };
    const f = checkCoverage(filled);
    expect(f.ok).toBe(true);
    expect(f.gaps).toHaveLength(0);
    expect(f.slivers.gaps.count).toBe(0);
    expect(f.unionAreaM2! / f.areaM2).toBeCloseTo(1, 12);
  });
});
