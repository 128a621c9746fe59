import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import type { Feature, FeatureCollection, MultiPolygon, Polygon, Position } from 'geojson';
import { describe, expect, it } from 'vitest';
import { type CoverageResult, checkCoverage } from '../../functions/core/coverage/coverage.js';
import { checkValidity } from '../../functions/core/coverage/validity.js';
import { EqualAreaProjection, geometryAreaM2, lngLatLengthM } from '../../functions/core/geo/area.js';
import type { Layer } from '../../functions/core/model.js';
import { prepareLayer } from '../../functions/core/overlay/prepared.js';
import { unionLayer } from '../../functions/core/overlay/union.js';

const fixture = <T>(name: string): T =>
  JSON.parse(readFileSync(new URL(`../fixtures/alignment/${name}`, import.meta.url), 'utf8')) as T;
const plane = new EqualAreaProjection(0, 51);
const area = (g: Polygon | MultiPolygon) => geometryAreaM2(g, { edges: 'lnglat', projection: plane });

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
    const crack = c.slivers.listed.find((s) => s.kind === 'gap')!;
    // The crack alone: east's corner lies on the outline's bottom edge (a T-junction), and no trace of
    // that edge hangs off the crack any more (it used to drag its width to 2 cm and name west too).
    expect(crack.features).toEqual(['middle', 'east']);
    expect(crack.geometry!.coordinates).toHaveLength(1);
    expect(crack.geometry!.coordinates[0]![0]).toHaveLength(5);
    // Mean width 2·area / perimeter, in metres on the ground (docs/alignment.md): 1e-6° of longitude at
    // 51°N is 7 cm.
    const w = plane.x(0.038001) - plane.x(0.038);
    const h = plane.y(51.02) - plane.y(51);
    expect(crack.areaM2 / (w * h)).toBeCloseTo(1, 9);
    const perimeter =
      2 * (lngLatLengthM(0.038, 51.01, 0.038001, 51.01) + lngLatLengthM(0.038, 51, 0.038, 51.02));
    expect(crack.widthM / ((2 * crack.areaM2) / perimeter)).toBeCloseTo(1, 4);
    expect(crack.widthM).toBeLessThan(0.075);
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

// T-junctions: a corner of one feature in the interior of a neighbour's edge, where the neighbour has no
// vertex (GIS snapping makes them all the time). Every case of the fixture has its answer in it: the
// expected gaps and slivers are features of the case (roles gap, sliver-gap, sliver-overlap).
type Role = 'outline' | 'feature' | 'gap' | 'sliver-gap' | 'sliver-overlap';
const tj =
  fixture<FeatureCollection<Polygon, { case: string; role: Role; id: string }>>('t-junctions.geojson');
function tCase(name: string) {
  const of = (role: Role) =>
    tj.features.filter((f) => f.properties.case === name && f.properties.role === role);
  const layerOf = (role: Role): Layer => ({
    type: 'FeatureCollection',
    features: of(role).map((f) => ({ ...f, properties: { id: f.properties.id, name: f.properties.id } })),
  });
  const outline = of('outline').length > 0 ? layerOf('outline') : undefined;
  return { layer: layerOf('feature'), outline, expected: (role: Role) => of(role).map((f) => f.geometry) };
}

/** Nothing to report, every figure computed. */
function expectClean(r: CoverageResult) {
  expect(r.notes).toEqual([]);
  expect(r.invalid).toEqual([]);
  expect(r.gaps).toEqual([]);
  expect(r.overlaps).toEqual([]);
  expect(r.outside).toEqual([]);
  expect(r.slivers.gaps.count).toBe(0);
  expect(r.slivers.overlaps.count).toBe(0);
  expect(r.slivers.outside.count).toBe(0);
  expect(r.ok).toBe(true);
}

describe('checkCoverage with T-junctions (fixture t-junctions.geojson)', () => {
  for (const name of ['minimal', 'outer-edge', 'several', 'outline-vertex']) {
    it(`${name}: the gaps against the outline are computed, none found, the outline covered exactly`, () => {
      const { layer, outline } = tCase(name);
      const r = checkCoverage(layer, { outline });
      expectClean(r);
      // The outline's area by an independent computation (another projection origin, plain shoelace).
      const outlineArea = area(outline!.features[0]!.geometry);
      expect(Math.abs(r.outlineAreaM2! / outlineArea - 1)).toBeLessThan(1e-12);
      expect(Math.abs(r.unionAreaM2! / outlineArea - 1)).toBeLessThan(1e-12);
      expect(Math.abs(r.areaM2 / outlineArea - 1)).toBeLessThan(1e-12);
      // The union is one clean ring, the outline's boundary (its extra vertices all lie on that boundary).
      const L = prepareLayer(
        layer.features.map((f) => ({ id: f.properties.id, geometry: f.geometry })),
        { projection: plane },
      );
      const u = unionLayer(L);
      expect(u.status).toBe('ok');
      expect(u.holes).toEqual([]);
      expect(u.geometry.coordinates).toHaveLength(1);
      expect(u.geometry.coordinates[0]).toHaveLength(1);
      expect(Math.abs(area(u.geometry) / outlineArea - 1)).toBeLessThan(1e-12);
      const ring = u.geometry.coordinates[0]![0]!;
      expect(new Set(ring.slice(1).map((p) => `${p[0]},${p[1]}`)).size).toBe(ring.length - 1);
    });
  }

  it('noise: corners 1e-12° off the line leave a sliver gap and a sliver overlap, exactly the wedges', () => {
    const { layer, outline, expected } = tCase('noise');
    const r = checkCoverage(layer, { outline });
    expect(r.notes).toEqual([]);
    expect(r.gaps).toEqual([]);
    expect(r.overlaps).toEqual([]);
    expect(r.ok).toBe(true);
    const gapWedge = area(expected('sliver-gap')[0]!);
    const overlapWedge = area(expected('sliver-overlap')[0]!);
    // ~7.8e-4 m² each (22 km long, 7e-8 m wide at most).
    expect(gapWedge).toBeGreaterThan(5e-4);
    expect(gapWedge).toBeLessThan(1e-3);
    expect(r.slivers.gaps.count).toBe(1);
    expect(Math.abs(r.slivers.gaps.areaM2 - gapWedge)).toBeLessThan(1e-5);
    // The overlap wedge is b1 ∩ c below the noisy corner and b2 ∩ c above it.
    expect(r.slivers.overlaps.count).toBe(2);
    expect(Math.abs(r.slivers.overlaps.areaM2 - overlapWedge)).toBeLessThan(1e-5);
    const outlineArea = area(outline!.features[0]!.geometry);
    expect(Math.abs(r.unionAreaM2! - (outlineArea - gapWedge))).toBeLessThan(1e-5);
  });

  for (const name of ['gap-at-t', 'gap-at-t-bottom', 'gap-at-outline-corner']) {
    it(`${name}: a real gap where T-junction seams meet the outline is found, with its exact area and shape`, () => {
      const { layer, outline, expected } = tCase(name);
      const r = checkCoverage(layer, { outline, sliver: { areaM2: 1, widthM: 0.01 } });
      expect(r.notes).toEqual([]);
      const gap = expected('gap')[0]!;
      const neighbour = tj.features.find((f) => f.properties.case === name && f.properties.role === 'gap')!
        .properties.id;
      expect(r.gaps).toHaveLength(1);
      expect(r.slivers.gaps.count).toBe(0);
      expect(Math.abs(r.gaps[0]!.areaM2 / area(gap) - 1)).toBeLessThan(1e-9);
      expect(Math.abs(area(r.gaps[0]!.geometry!) / area(gap) - 1)).toBeLessThan(1e-9);
      // No zero-width seam hangs off the gap: one ring of 4 corners, and the box's mean width.
      expect(r.gaps[0]!.geometry!.coordinates).toHaveLength(1);
      expect(r.gaps[0]!.geometry!.coordinates[0]).toHaveLength(1);
      expect(r.gaps[0]!.geometry!.coordinates[0]![0]).toHaveLength(5);
      const ring = gap.coordinates[0]!;
      let perimeter = 0;
      for (let i = 0; i + 1 < ring.length; i++)
        perimeter += lngLatLengthM(ring[i]![0]!, ring[i]![1]!, ring[i + 1]![0]!, ring[i + 1]![1]!);
      expect(r.gaps[0]!.widthM / ((2 * area(gap)) / perimeter)).toBeCloseTo(1, 6);
      expect(r.gaps[0]!.features).toContain(neighbour);
      const [lng, lat] = r.gaps[0]!.location!;
      const lngs = ring.map((p) => p[0]!);
      const lats = ring.map((p) => p[1]!);
      expect(lng).toBeGreaterThan(Math.min(...lngs));
      expect(lng).toBeLessThan(Math.max(...lngs));
      expect(lat).toBeGreaterThan(Math.min(...lats));
      expect(lat).toBeLessThan(Math.max(...lats));
      const outlineArea = area(outline!.features[0]!.geometry);
      expect(Math.abs(r.unionAreaM2! / (outlineArea - area(gap)) - 1)).toBeLessThan(1e-12);
    });
  }

  for (const [name, around] of [
    ['hole', ['bottom', 'left', 'right', 'top']],
    ['hole-touching-boundary', ['c1', 'c2']],
  ] as const) {
    it(`${name}: the hole framed by T-junctions is the one gap, with or without the outline`, () => {
      const { layer, outline, expected } = tCase(name);
      const gap = expected('gap')[0]!;
      const r = checkCoverage(layer);
      expect(r.notes).toEqual([]);
      expect(r.invalid).toEqual([]);
      expect(r.gaps).toHaveLength(1);
      expect(r.slivers.gaps.count).toBe(0);
      expect(Math.abs(r.gaps[0]!.areaM2 / area(gap) - 1)).toBeLessThan(1e-9);
      expect(Math.abs(area(r.gaps[0]!.geometry!) / area(gap) - 1)).toBeLessThan(1e-9);
      expect([...r.gaps[0]!.features].sort()).toEqual([...around]);
      const w = checkCoverage(layer, { outline });
      expect(w.notes).toEqual([]);
      expect(w.gaps).toHaveLength(1);
      expect(w.slivers.gaps.count).toBe(0);
      expect(Math.abs(w.gaps[0]!.areaM2 / area(gap) - 1)).toBeLessThan(1e-9);
      expect(w.outside).toEqual([]);
      // The union: the outline's shell and the gap as its hole, in one polygon.
      const u = unionLayer(
        prepareLayer(
          layer.features.map((f) => ({ id: f.properties.id, geometry: f.geometry })),
          { projection: plane },
        ),
      );
      expect(u.geometry.coordinates).toHaveLength(1);
      expect(u.geometry.coordinates[0]).toHaveLength(2);
      expect(u.holes).toHaveLength(1);
      expect(Math.abs(u.areaM2 / (area(outline!.features[0]!.geometry) - area(gap)) - 1)).toBeLessThan(1e-12);
    });
  }
});

describe('property: partitions of a box into rectangles (T-junctions everywhere)', () => {
  const X0 = -2;
  const Y0 = 51;
  const X1 = -1.7;
  const Y1 = 51.2;
  type Rect = [number, number, number, number];
  /** Guillotine cuts: each splits one rectangle at a tenth of its width or height; neighbours share the cut. */
  function partition(cuts: readonly [number, boolean, number][]): Rect[] {
    const rects: Rect[] = [[X0, Y0, X1, Y1]];
    for (const [pick, vertical, tenth] of cuts) {
      const i = pick % rects.length;
      const [x0, y0, x1, y1] = rects[i]!;
      if (vertical) {
        const x = x0 + ((x1 - x0) * tenth) / 10;
        if (!(x > x0 && x < x1)) continue;
        rects.splice(i, 1, [x0, y0, x, y1], [x, y0, x1, y1]);
      } else {
        const y = y0 + ((y1 - y0) * tenth) / 10;
        if (!(y > y0 && y < y1)) continue;
        rects.splice(i, 1, [x0, y0, x1, y], [x0, y, x1, y1]);
      }
    }
    return rects;
  }
  const ringOf = ([x0, y0, x1, y1]: Rect, clockwise: boolean, start: number): Position[] => {
    const corners: Position[] = [
      [x0, y0],
      [x1, y0],
      [x1, y1],
      [x0, y1],
    ];
    if (clockwise) corners.reverse();
    const ring = [...corners.slice(start % 4), ...corners.slice(0, start % 4)];
    return [...ring, ring[0]!];
  };
  const layerOf = (rects: Rect[], shapes: readonly [boolean, number][], order: number): Layer => {
    const features = rects.map((r, i) => ({
      type: 'Feature' as const,
      properties: { id: `r${i}`, name: `r${i}` },
      geometry: {
        type: 'Polygon' as const,
        coordinates: [ringOf(r, shapes[i % shapes.length]![0], shapes[i % shapes.length]![1])],
      },
    }));
    // The feature order decides each feature's shift under the perturbation: rotate it too.
    const k = order % features.length;
    return { type: 'FeatureCollection', features: [...features.slice(k), ...features.slice(0, k)] };
  };
  const box: Layer = {
    type: 'FeatureCollection',
    features: [
      {
        type: 'Feature',
        properties: { id: 'box', name: 'box' },
        geometry: { type: 'Polygon', coordinates: [ringOf([X0, Y0, X1, Y1], false, 0)] },
      },
    ],
  };
  const boxArea = area(box.features[0]!.geometry);

  it('the union is the box, with no gap, overlap or sliver, with or without the outline', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(), fc.boolean(), fc.integer({ min: 1, max: 9 })), {
          minLength: 1,
          maxLength: 30,
        }),
        fc.array(fc.tuple(fc.boolean(), fc.nat({ max: 3 })), { minLength: 1, maxLength: 8 }),
        fc.nat(),
        (cuts, shapes, order) => {
          const layer = layerOf(partition(cuts), shapes, order);
          const r = checkCoverage(layer, { outline: box });
          expectClean(r);
          expect(Math.abs(r.unionAreaM2! / boxArea - 1)).toBeLessThan(1e-12);
          expect(Math.abs(r.areaM2 / boxArea - 1)).toBeLessThan(1e-12);
          const alone = checkCoverage(layer);
          expectClean(alone);
          const u = unionLayer(
            prepareLayer(
              layer.features.map((f) => ({ id: f.properties.id, geometry: f.geometry })),
              { projection: plane },
            ),
          );
          expect(u.status).toBe('ok');
          expect(u.geometry.coordinates).toHaveLength(1);
          expect(u.geometry.coordinates[0]).toHaveLength(1);
          expect(Math.abs(area(u.geometry) / boxArea - 1)).toBeLessThan(1e-12);
        },
      ),
      { numRuns: 150, seed: 20261123 },
    );
  });
});
