import { readFileSync } from 'node:fs';
import { featureCollection, feature as geoFeature, intersect } from '@turf/turf';
import fc from 'fast-check';
import type { Feature, FeatureCollection, MultiPolygon, Polygon, Position } from 'geojson';
import { describe, expect, it } from 'vitest';
import { InvalidGeometryError } from '../../functions/core/errors.js';
import { EqualAreaProjection, geometryAreaM2 } from '../../functions/core/geo/area.js';
import { overlayLayers } from '../../functions/core/overlay/layers.js';
import { type OverlayOp, overlayPair } from '../../functions/core/overlay/pair.js';
import { orientSign } from '../../functions/core/overlay/predicates.js';
import { type OverlayInputFeature, prepareLayer } from '../../functions/core/overlay/prepared.js';
import { cleanLoops } from '../../functions/core/overlay/seams.js';
import { unionLayer } from '../../functions/core/overlay/union.js';
import { slabIntersectionAreaM2 } from '../support/slab-area.js';

type Case = Feature<
  Polygon | MultiPolygon,
  { id: string; case: string; expected: Record<string, number | boolean> }
>;
const cases = JSON.parse(
  readFileSync(new URL('../fixtures/alignment/overlay-cases.geojson', import.meta.url), 'utf8'),
) as FeatureCollection<Polygon | MultiPolygon, Case['properties']>;
const byCase = new Map<string, Case[]>();
for (const f of cases.features)
  byCase.set(f.properties.case, [...(byCase.get(f.properties.case) ?? []), f as Case]);

const projection = new EqualAreaProjection(0, 51);
const lngLatArea = (g: Polygon | MultiPolygon) => geometryAreaM2(g, { edges: 'lnglat', projection });

function pair(a: Polygon | MultiPolygon, b: Polygon | MultiPolygon) {
  const A = prepareLayer([{ id: 'a', geometry: a }], { projection });
  const B = prepareLayer([{ id: 'b', geometry: b }], { projection });
  return {
    A,
    B,
    run: (op: OverlayOp = 'intersection', geometry = false) => overlayPair(A, 0, B, 0, { op, geometry }),
  };
}

describe('overlayPair on fixtures with known answers', () => {
  for (const [name, [fa, fb]] of byCase) {
    it(`${name}: area share, touch flag, and geometry matching the area`, () => {
      const { A, B, run } = pair(fa!.geometry, fb!.geometry);
      const expected = fa!.properties.expected;
      const r = run('intersection', true);
      expect(r.status).toBe('ok');
      if (typeof expected.intersectionOfA === 'number') {
        expect(r.areaM2 / A.featureArea[0]!).toBeCloseTo(expected.intersectionOfA, 9);
      }
      if (typeof expected.intersectionOfB === 'number') {
        expect(r.areaM2 / B.featureArea[0]!).toBeCloseTo(expected.intersectionOfB, 9);
      }
      expect(r.touches).toBe(expected.touches);
      if (r.areaM2 > 0) expect(lngLatArea(r.geometry!) / r.areaM2).toBeCloseTo(1, 9);
      else expect(r.geometry).toBeUndefined();
      // Set identities tie the three operations together: |A∪B| = |A| + |B| − |A∩B|, |A\B| = |A| − |A∩B|.
      const union = run('union', true);
      const difference = run('difference', true);
      expect(union.areaM2).toBeCloseTo(A.featureArea[0]! + B.featureArea[0]! - r.areaM2, 3);
      expect(difference.areaM2).toBeCloseTo(A.featureArea[0]! - r.areaM2, 3);
      if (union.geometry) expect(lngLatArea(union.geometry)).toBeCloseTo(union.areaM2, 3);
      if (difference.geometry) expect(lngLatArea(difference.geometry)).toBeCloseTo(difference.areaM2, 3);
    });
  }

  it('keeps input vertices exactly in the result geometry', () => {
    const [fa, fb] = byCase.get('nested-squares')!;
    const r = pair(fa!.geometry, fb!.geometry).run('intersection', true);
    const ring = r.geometry!.coordinates[0]![0]!;
    expect(ring).toContainEqual([0.01, 51.01]);
    expect(ring).toContainEqual([0.03, 51.03]);
  });
});

describe('edges straight in lng/lat: the real pairs issue 12 found wrong', () => {
  // Two Gloucestershire output areas and the ward they share a 1.3 km boundary with, copied unchanged
  // (test/fixtures/alignment/real-slivers.geojson, with its attribution). The two layers were generalised
  // apart, so each pair is a sliver ~20 cm wide between two nearly collinear long edges: an edge that is
  // straight in the equal-area plane instead of in (lng, lat) moves by ~3 mm there, which moved the
  // crossings along the sliver and gave 198.4 m² and 117.9 m². PostGIS (geography) and GEOS (lng/lat)
  // both found 214.2 m² and 120.8 m² (issue 12).
  const fixture = JSON.parse(
    readFileSync(new URL('../fixtures/alignment/real-slivers.geojson', import.meta.url), 'utf8'),
  ) as FeatureCollection<Polygon, { layer: string; id: string }>;
  const shape = (id: string) => fixture.features.find((f) => f.properties.id === id)!.geometry;
  const ward = shape('E05008565');
  for (const [oa, postgis] of [
    ['E00114032', 214.2],
    ['E00114040', 120.8],
  ] as const) {
    it(`${oa} × E05008565: ${postgis} m² as PostGIS and GEOS, and the slab oracle to 1e-6`, () => {
      const r = pair(shape(oa), ward).run('intersection', true);
      expect(r.status).toBe('ok');
      expect(Math.abs(r.areaM2 / postgis - 1)).toBeLessThan(1e-3);
      const oracle = slabIntersectionAreaM2(shape(oa), ward);
      expect(Math.abs(r.areaM2 / oracle - 1)).toBeLessThan(1e-6);
      // The geometry's crossing points are rounded to doubles: a few square millimetres at most.
      expect(Math.abs(lngLatArea(r.geometry!) - r.areaM2)).toBeLessThan(1e-5);
    });
  }
});

describe('T-junctions: boundaries that coincide with different vertices', () => {
  const rect = (x0: number, y0: number, x1: number, y1: number, extra: Position[] = []): Polygon => {
    // Extra vertices go on the sides they lie on, in counter-clockwise order.
    const corners: Position[] = [
      [x0, y0],
      [x1, y0],
      [x1, y1],
      [x0, y1],
    ];
    const side = (p: Position) =>
      p[1] === y0
        ? p[0]! - x0
        : p[0] === x1
          ? 10 + p[1]! - y0
          : p[1] === y1
            ? 20 + x1 - p[0]!
            : 30 + y1 - p[1]!;
    const ring = [...corners, ...extra].sort((p, q) => side(p) - side(q));
    return { type: 'Polygon', coordinates: [[...ring, ring[0]!]] };
  };
  const corners = (g: MultiPolygon) => g.coordinates.map((poly) => poly.map((ring) => ring.length - 1));

  it('A \\ B and A ∪ B leave no zero-width seam where one side has a vertex the other has not', () => {
    // B: the east half of A, with corners of its own on A's south and north sides (T-junctions), and a
    // notch cut from A's south side west of it.
    const a = rect(0, 51, 0.04, 51.02);
    const b = rect(0.02, 51, 0.04, 51.02, [[0.03, 51]]);
    const { A, B, run } = pair(a, b);
    const difference = run('difference', true);
    expect(difference.status).toBe('ok');
    expect(difference.areaM2 / A.featureArea[0]!).toBeCloseTo(0.5, 12);
    // The west half, one ring: the south side's stretch under B, walked out and back, is gone.
    expect(corners(difference.geometry!)).toEqual([[4]]);
    expect(lngLatArea(difference.geometry!) / difference.areaM2).toBeCloseTo(1, 12);
    // Neighbours with a T-junction between them: their union is one box of 4 corners and 2 extra vertices.
    const west = rect(0, 51, 0.02, 51.02, [[0, 51.01]]);
    const union = pair(west, b).run('union', true);
    expect(union.areaM2 / A.featureArea[0]!).toBeCloseTo(1, 12);
    expect(union.geometry!.coordinates).toHaveLength(1);
    expect(union.geometry!.coordinates[0]).toHaveLength(1);
    const ring = union.geometry!.coordinates[0]![0]!;
    expect(
      ring
        .slice(1)
        .map((p) => p.join(','))
        .sort(),
    ).toEqual(
      ['0,51', '0.02,51.02', '0,51.01', '0,51.02', '0.03,51', '0.04,51', '0.04,51.02', '0.02,51'].sort(),
    );
    expect(B.featureArea[0]! / A.featureArea[0]!).toBeCloseTo(0.5, 12);
  });

  it('cleanLoops cancels a seam with a T-junction, and cuts a loop that passes a point twice', () => {
    const loop = (pts: [number, number][]) => ({ xy: pts.flat(), lnglat: pts.map((p) => [...p]) });
    // Two unit squares side by side, the right one with a vertex (1, 0.5) on the shared side.
    const seam = cleanLoops([
      loop([
        [0, 0],
        [1, 0],
        [1, 1],
        [0, 1],
      ]),
      loop([
        [1, 0],
        [2, 0],
        [2, 1],
        [1, 1],
        [1, 0.5],
      ]),
    ]);
    expect(seam.loops).toHaveLength(1);
    expect(seam.sources).toEqual([[0, 1]]);
    expect(seam.loops[0]!.xy.length / 2).toBe(6);
    expect(seam.loops[0]!.xy).not.toContain(0.5);
    // A square with an inward lobe touching its side at (2, 1): a shell and a clockwise hole.
    const pinched = cleanLoops([
      loop([
        [0, 0],
        [2, 0],
        [2, 1],
        [1, 0.5],
        [1, 1.5],
        [2, 1],
        [2, 2],
        [0, 2],
      ]),
    ]);
    const signed = (xy: number[]) => {
      let s2 = 0;
      for (let i = 0; i < xy.length / 2; i++) {
        const j = (i + 1) % (xy.length / 2);
        s2 += xy[2 * i]! * xy[2 * j + 1]! - xy[2 * j]! * xy[2 * i + 1]!;
      }
      return s2 / 2;
    };
    expect(pinched.loops.map((l) => signed(l.xy)).sort((p, q) => p - q)).toEqual([-0.5, 4]);
  });
});

describe('exact predicates', () => {
  it('decide orientation exactly where the float determinant rounds to the wrong sign', () => {
    // c is exactly on the line a→b in exact arithmetic: (0.1, 0.1) is not representable, but 0.5 is.
    expect(orientSign(0, 0, 1, 1, 0.5, 0.5)).toBe(0);
    // Points 1 ulp off the line, with coordinates far from the origin.
    const x = 123456.789;
    expect(orientSign(x, x, x + 1, x + 1, x + 0.5, x + 0.5 + 2 ** -35)).toBe(1);
    expect(orientSign(x, x, x + 1, x + 1, x + 0.5, x + 0.5 - 2 ** -35)).toBe(-1);
  });
});

/** A jittered n × m grid partition of [x0, x0+w] × [y0, y0+h]: cells share exact vertices and edges. */
function jaggedGrid(
  n: number,
  m: number,
  jitter: readonly number[],
  x0 = 0,
  y0 = 51,
  w = 0.05,
  h = 0.03,
): Polygon[] {
  const v: Position[][] = [];
  let k = 0;
  const next = () => jitter[k++ % jitter.length]!;
  for (let i = 0; i <= n; i++) {
    v.push([]);
    for (let j = 0; j <= m; j++) {
      // Keep the square's boundary straight: jitter only along it.
      const jx = i === 0 || i === n ? 0 : next() * (w / n) * 0.3;
      const jy = j === 0 || j === m ? 0 : next() * (h / m) * 0.3;
      v[i]!.push([x0 + (w * i) / n + jx, y0 + (h * j) / m + jy]);
    }
  }
  const cells: Polygon[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      cells.push({
        type: 'Polygon',
        coordinates: [[v[i]![j]!, v[i + 1]![j]!, v[i + 1]![j + 1]!, v[i]![j + 1]!, v[i]![j]!]],
      });
    }
  }
  return cells;
}

/** A star-shaped polygon around (cx, cy) with the given radii (degrees) at equal angles. */
function star(cx: number, cy: number, radii: readonly number[]): Polygon {
  const ring = radii.map((r, i): Position => {
    const t = (2 * Math.PI * i) / radii.length;
    return [cx + r * Math.cos(t), cy + r * Math.sin(t)];
  });
  return { type: 'Polygon', coordinates: [[...ring, ring[0]!]] };
}

const inputs = (gs: readonly (Polygon | MultiPolygon)[], prefix: string): OverlayInputFeature[] =>
  gs.map((geometry, i) => ({ id: `${prefix}${i}`, geometry }));

describe('properties', () => {
  it('the overlaps of any polygon with a partition of the square add up to its area', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 5 }),
        fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: 1, maxLength: 40 }),
        fc.array(fc.double({ min: 0.002, max: 0.012, noNaN: true }), { minLength: 3, maxLength: 24 }),
        (n, m, jitter, radii) => {
          const cells = jaggedGrid(n, m, jitter);
          const shape = star(0.025, 51.015, radii);
          const B = prepareLayer(inputs(cells, 'cell'), { projection });
          const A = prepareLayer(inputs([shape], 'shape'), { projection });
          const square = prepareLayer(
            inputs(
              [
                {
                  type: 'Polygon',
                  coordinates: [
                    [
                      [0, 51],
                      [0.05, 51],
                      [0.05, 51.03],
                      [0, 51.03],
                      [0, 51],
                    ],
                  ],
                },
              ],
              'sq',
            ),
            {
              projection,
            },
          );
          const overlay = overlayLayers(A, B);
          const sum = overlay.pairs.reduce((s, p) => s + p.areaM2, 0);
          expect(overlay.fallbacks).toHaveLength(0);
          expect(Math.abs(sum / A.featureArea[0]! - 1)).toBeLessThan(1e-9);
          // And the cells themselves add up to the square, pair by pair.
          const cellsInSquare = overlayLayers(B, square);
          expect(cellsInSquare.pairs).toHaveLength(n * m);
          const total = cellsInSquare.pairs.reduce((s, p) => s + p.areaM2, 0);
          expect(Math.abs(total / square.featureArea[0]! - 1)).toBeLessThan(1e-9);
          // Neighbouring cells share edges and never overlap.
          const self = overlayLayers(B, B, { self: true });
          expect(self.pairs).toHaveLength(0);
          // Their union is the square, with no hole.
          const u = unionLayer(B);
          expect(u.status).toBe('ok');
          expect(u.holes).toHaveLength(0);
          expect(Math.abs(u.areaM2 / square.featureArea[0]! - 1)).toBeLessThan(1e-9);
        },
      ),
      { numRuns: 60, seed: 20260523 },
    );
  });

  it('intersection areas agree with turf.intersect (polyclip) on random star polygons', () => {
    // polyclip is planar and cuts straight lines of (lng, lat), as the engine does; its pieces' areas
    // are then measured with the same edges (straight in lng/lat) on the ellipsoid.
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0.001, max: 0.02, noNaN: true }), { minLength: 3, maxLength: 16 }),
        fc.array(fc.double({ min: 0.001, max: 0.02, noNaN: true }), { minLength: 3, maxLength: 16 }),
        fc.double({ min: -0.02, max: 0.02, noNaN: true }),
        fc.double({ min: -0.02, max: 0.02, noNaN: true }),
        (ra, rb, dx, dy) => {
          const a = star(0, 51, ra);
          const b = star(dx, 51 + dy, rb);
          const ours = pair(a, b).run();
          expect(ours.status).toBe('ok');
          const oracle = intersect(
            featureCollection([geoFeature(a), geoFeature(b)]) as Parameters<typeof intersect>[0],
          );
          const expected = oracle ? lngLatArea(oracle.geometry) : 0;
          expect(Math.abs(ours.areaM2 - expected)).toBeLessThan(1e-9 * expected + 1e-6);
        },
      ),
      { numRuns: 200, seed: 7 },
    );
  });
});

describe('bounded work and clear refusals', () => {
  it('refuses a 100,001-vertex polygon by the vertex cap, before any geometry work', () => {
    const ring: Position[] = [];
    for (let i = 0; i < 100_000; i++) {
      const t = (2 * Math.PI * i) / 100_000;
      ring.push([0.1 * Math.cos(t), 51 + 0.1 * Math.sin(t)]);
    }
    ring.push(ring[0]!);
    expect(ring).toHaveLength(100_001);
    let error: unknown;
    try {
      prepareLayer([{ id: 'huge', geometry: { type: 'Polygon', coordinates: [ring] } }]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidGeometryError);
    const problems = (error as InvalidGeometryError).problems;
    expect(problems[0]).toMatchObject({ kind: 'too-many-vertices-in-feature', feature: 'huge' });
    expect(problems[0]!.message).toMatch(/100,000 vertices/);
  });

  it('refuses a layer in British National Grid metres, saying so', () => {
    const bng: Polygon = {
      type: 'Polygon',
      coordinates: [
        [
          [383_000, 218_000],
          [384_000, 218_000],
          [384_000, 219_000],
          [383_000, 219_000],
          [383_000, 218_000],
        ],
      ],
    };
    expect(() => prepareLayer([{ id: 'bng', geometry: bng }], { label: 'HV patch layer' })).toThrowError(
      /British National Grid.*EPSG:27700.*Reproject/,
    );
    try {
      prepareLayer([{ id: 'bng', geometry: bng }]);
    } catch (e) {
      expect((e as InvalidGeometryError).problems[0]!.kind).toBe('looks-like-bng');
    }
  });

  it('reports a bow-tie as an inconsistent pair (or measures it) without throwing', () => {
    const bowtie: Polygon = {
      type: 'Polygon',
      coordinates: [
        [
          [0, 51],
          [0.02, 51.02],
          [0.02, 51],
          [0, 51.02],
          [0, 51],
        ],
      ],
    };
    const square: Polygon = {
      type: 'Polygon',
      coordinates: [
        [
          [0.005, 50.99],
          [0.03, 50.99],
          [0.03, 51.03],
          [0.005, 51.03],
          [0.005, 50.99],
        ],
      ],
    };
    const r = pair(bowtie, square).run('intersection', true);
    expect(['ok', 'inconsistent']).toContain(r.status);
    // The layer overlay falls back to polyclip for declined pairs and never throws.
    const A = prepareLayer([{ id: 'bowtie', geometry: bowtie }], { projection });
    const B = prepareLayer([{ id: 'square', geometry: square }], { projection });
    const overlay = overlayLayers(A, B, { geometriesA: [bowtie], geometriesB: [square] });
    expect(overlay.pairs.length + overlay.fallbacks.length).toBeGreaterThan(0);
  });

  it('abandons a pair over the crossing cap with a status, not an exception', () => {
    const a = star(
      0,
      51,
      Array.from({ length: 64 }, (_, i) => (i % 2 ? 0.01 : 0.02)),
    );
    const b = star(
      0.001,
      51,
      Array.from({ length: 64 }, (_, i) => (i % 2 ? 0.02 : 0.01)),
    );
    const A = prepareLayer([{ id: 'a', geometry: a }], { projection });
    const B = prepareLayer([{ id: 'b', geometry: b }], { projection });
    const r = overlayPair(A, 0, B, 0, {
      limits: { maxVerticesPerFeature: 1e5, maxVerticesPerLayer: 1e6, maxCrossingsPerPair: 4 },
    });
    expect(r.status).toBe('too-complex');
    expect(overlayPair(A, 0, B, 0).status).toBe('ok');
  });
});
