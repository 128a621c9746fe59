import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import type { Feature, FeatureCollection, Geometry, MultiPolygon, Polygon, Position } from 'geojson';
import { describe, expect, it } from 'vitest';
import { InvalidGeometryError } from '../../functions/core/errors.js';
import { FeatureSlabs, flattenLayer } from '../../functions/core/spatial/feature-slabs.js';
import {
  coarsestDyadicIn,
  type PointMatch,
  PolygonIndex,
} from '../../functions/core/spatial/polygon-index.js';
import { checkerboard, circle, holes, sawtooth, selfCrossingStar, star } from '../support/hostile-layers.js';

const fixtureDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/polygon-index');

type Area = Polygon | MultiPolygon;
interface Probe {
  readonly expect: PointMatch;
  readonly why: string;
}

function loadFixture(file: string): { layer: Area[]; probes: Feature<Geometry, Probe>[] } {
  const collection = JSON.parse(readFileSync(path.join(fixtureDir, file), 'utf8')) as FeatureCollection<
    Geometry,
    Probe
  >;
  const layer: Area[] = [];
  const probes: Feature<Geometry, Probe>[] = [];
  for (const f of collection.features) {
    if (f.geometry.type === 'Point') probes.push(f);
    else layer.push(f.geometry as Area);
  }
  return { layer, probes };
}

/**
 * The reference: a plain scan of every feature with a textbook closed-set test (distance to each edge,
 * then even-odd crossings per polygon), written independently of the index.
 */
function referenceMatch(layer: readonly Area[], x: number, y: number, tol: number): PointMatch {
  const candidates: number[] = [];
  let firstOnEdge = false;
  layer.forEach((geometry, i) => {
    const r = referenceContains(geometry, x, y, tol);
    if (r === 0) return;
    if (candidates.length === 0) firstOnEdge = r === 2;
    candidates.push(i);
  });
  return {
    index: candidates[0] ?? -1,
    onBoundary: candidates.length > 1 || firstOnEdge,
    candidates,
  };
}

function referenceContains(geometry: Area, x: number, y: number, tol: number): 0 | 1 | 2 {
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  let inside = false;
  for (const rings of polygons) {
    let odd = false;
    for (const ring of rings) {
      if (ring.length === 0) continue;
      const pts = [...ring];
      const a0 = pts[0]!;
      const z = pts[pts.length - 1]!;
      if (a0[0] !== z[0] || a0[1] !== z[1]) pts.push(a0);
      for (let i = 0; i + 1 < pts.length; i++) {
        const [ax, ay] = pts[i] as [number, number];
        const [bx, by] = pts[i + 1] as [number, number];
        if (pointSegmentDistance(x, y, ax, ay, bx, by) <= tol) return 2;
        if (ay > y !== by > y && x < ((bx - ax) * (y - ay)) / (by - ay) + ax) odd = !odd;
      }
    }
    if (odd) inside = true;
  }
  return inside ? 1 : 0;
}

function pointSegmentDistance(
  px: number,
  py: number,
  ax: number,
  ay: number,
  bx: number,
  by: number,
): number {
  const vx = bx - ax;
  const vy = by - ay;
  const wx = px - ax;
  const wy = py - ay;
  const c1 = vx * wx + vy * wy;
  if (c1 <= 0) return Math.hypot(wx, wy);
  const c2 = vx * vx + vy * vy;
  if (c2 <= c1) return Math.hypot(px - bx, py - by);
  const t = c1 / c2;
  return Math.hypot(px - (ax + t * vx), py - (ay + t * vy));
}

describe('PolygonIndex: GeoJSON fixtures with known answers', () => {
  const files = readdirSync(fixtureDir)
    .filter((f) => f.endsWith('.geojson'))
    .sort();

  it('has every fixture the suite is written for', () => {
    expect(files).toEqual([
      'degenerate.geojson',
      'hole.geojson',
      'l-shape.geojson',
      'multipolygon.geojson',
      'shared-edge.geojson',
      'sliver-overlap.geojson',
      'square.geojson',
    ]);
  });

  for (const file of files) {
    it(`${file}: match() and locate() give each probe's known answer`, () => {
      const { layer, probes } = loadFixture(file);
      expect(layer.length).toBeGreaterThan(0);
      expect(probes.length).toBeGreaterThan(0);
      const index = PolygonIndex.build(layer);
      expect(index.size).toBe(layer.length);
      for (const probe of probes) {
        const [x, y] = (probe.geometry as { coordinates: Position }).coordinates as [number, number];
        const got = index.match(x, y);
        const label = `${probe.properties.why} at (${x}, ${y})`;
        expect({ label, ...got }).toEqual({ label, ...probe.properties.expect });
        expect({ label, index: index.locate(x, y) }).toEqual({ label, index: probe.properties.expect.index });
        // The fixture answers also hold for the brute-force reference, so the two cannot drift apart.
        expect({ label, ...referenceMatch(layer, x, y, 1e-9) }).toEqual({
          label,
          ...probe.properties.expect,
        });
      }
    });
  }
});

describe('PolygonIndex: inputs that must not crash', () => {
  const square: Polygon = {
    type: 'Polygon',
    coordinates: [
      [
        [0, 0],
        [1, 0],
        [1, 1],
        [0, 1],
        [0, 0],
      ],
    ],
  };

  it('answers -1 for NaN and infinite coordinates without throwing', () => {
    const index = PolygonIndex.build([square]);
    for (const [x, y] of [
      [Number.NaN, 0.5],
      [0.5, Number.NaN],
      [Number.NaN, Number.NaN],
      [Number.POSITIVE_INFINITY, 0.5],
      [0.5, Number.NEGATIVE_INFINITY],
    ] as const) {
      expect(index.locate(x, y)).toBe(-1);
      expect(index.match(x, y)).toEqual({ index: -1, onBoundary: false, candidates: [] });
    }
    expect(index.locate(0.5, 0.5)).toBe(0);
  });

  it('builds an empty layer that matches nothing', () => {
    const index = PolygonIndex.build([]);
    expect(index.size).toBe(0);
    expect(index.locate(0, 0)).toBe(-1);
    expect(index.match(-2.24, 51.86)).toEqual({ index: -1, onBoundary: false, candidates: [] });
  });

  it('keeps feature numbering when some features have no rings', () => {
    const empty: Polygon = { type: 'Polygon', coordinates: [] };
    const emptyMulti: MultiPolygon = { type: 'MultiPolygon', coordinates: [[], [[]]] };
    const index = PolygonIndex.build([empty, emptyMulti, square]);
    expect(index.size).toBe(3);
    expect(index.match(0.5, 0.5)).toEqual({ index: 2, onBoundary: false, candidates: [2] });
    expect(index.locate(5, 5)).toBe(-1);
  });

  it('rejects non-finite polygon coordinates and non-polygon geometries with InvalidGeometryError', () => {
    const bad: Polygon = {
      type: 'Polygon',
      coordinates: [
        [
          [0, 0],
          [Number.NaN, 0],
          [1, 1],
          [0, 0],
        ],
      ],
    };
    expect(() => PolygonIndex.build([square, bad])).toThrow(InvalidGeometryError);
    expect(() => PolygonIndex.build([square, bad])).toThrow(/Feature #1/);
    const point = { type: 'Point', coordinates: [0, 0] } as unknown as Polygon;
    expect(() => PolygonIndex.build([point])).toThrow(InvalidGeometryError);
  });

  it('rejects a negative or non-finite tolerance', () => {
    expect(() => PolygonIndex.build([square], { boundaryToleranceDeg: -1 })).toThrow(RangeError);
    expect(() => PolygonIndex.build([square], { boundaryToleranceDeg: Number.NaN })).toThrow(RangeError);
  });

  it('applies the tolerance option isotropically', () => {
    const index = PolygonIndex.build([square], { boundaryToleranceDeg: 0.01 });
    expect(index.boundaryToleranceDeg).toBe(0.01);
    expect(index.match(1.005, 0.5)).toEqual({ index: 0, onBoundary: true, candidates: [0] });
    expect(index.match(0.5, -0.009)).toEqual({ index: 0, onBoundary: true, candidates: [0] });
    // 0.008 along both axes from the corner is 0.0113 away: outside.
    expect(index.locate(1.008, 1.008)).toBe(-1);
    expect(index.match(0.5, 0.5)).toEqual({ index: 0, onBoundary: false, candidates: [0] });
    const exact = PolygonIndex.build([square], { boundaryToleranceDeg: 0 });
    expect(exact.match(1, 0.5)).toEqual({ index: 0, onBoundary: true, candidates: [0] });
    expect(exact.locate(1 + 1e-12, 0.5)).toBe(-1);
  });
});

// ---------------------------------------------------------------------------------------------------
// Property: the index equals a brute-force scan.

/** A star-shaped ring around (cx, cy): angles spread round the circle, radii in [rMin, rMax]. */
function starRing(cx: number, cy: number, radii: readonly number[], jitter: readonly number[]): Position[] {
  const n = radii.length;
  const ring: Position[] = radii.map((r, i) => {
    const angle = (2 * Math.PI * (i + 0.8 * jitter[i]!)) / n;
    return [cx + r * Math.cos(angle), cy + r * Math.sin(angle)];
  });
  ring.push(ring[0]!);
  return ring;
}

const ringShape = fc.record({
  radii: fc.array(fc.double({ min: 0.05, max: 2, noNaN: true }), { minLength: 3, maxLength: 28 }),
  jitter: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 28, maxLength: 28 }),
});

const featureArb: fc.Arbitrary<Area[]> = fc.oneof(
  // A star, sometimes with a star hole (scaled inside the shortest radius), sometimes with a second part.
  fc
    .record({
      c: fc.tuple(fc.double({ min: -4, max: 4, noNaN: true }), fc.double({ min: -4, max: 4, noNaN: true })),
      shell: ringShape,
      hole: fc.option(ringShape, { nil: undefined }),
      second: fc.option(
        fc.record({
          c: fc.tuple(
            fc.double({ min: -4, max: 4, noNaN: true }),
            fc.double({ min: -4, max: 4, noNaN: true }),
          ),
          shell: ringShape,
        }),
        { nil: undefined },
      ),
    })
    .map(({ c, shell, hole, second }) => {
      const [cx, cy] = [c[0] - 2.2, c[1] + 51.8];
      const rings = [starRing(cx, cy, shell.radii, shell.jitter)];
      if (hole) {
        const scale = (0.15 * Math.min(...shell.radii)) / Math.max(...hole.radii);
        rings.push(
          starRing(
            cx,
            cy,
            hole.radii.map((r) => r * scale),
            hole.jitter,
          ),
        );
      }
      if (!second) return [{ type: 'Polygon', coordinates: rings } satisfies Polygon];
      const other = starRing(second.c[0] - 2.2, second.c[1] + 51.8, second.shell.radii, second.shell.jitter);
      return [{ type: 'MultiPolygon', coordinates: [rings, [other]] } satisfies MultiPolygon];
    }),
  // A star split along a chord into two features that share that edge exactly.
  fc
    .record({
      c: fc.tuple(fc.double({ min: -4, max: 4, noNaN: true }), fc.double({ min: -4, max: 4, noNaN: true })),
      shell: ringShape,
      cut: fc.double({ min: 0.2, max: 0.8, noNaN: true }),
    })
    .filter(({ shell }) => shell.radii.length >= 4)
    .map(({ c, shell, cut }) => {
      const ring = starRing(c[0] - 2.2, c[1] + 51.8, shell.radii, shell.jitter).slice(0, -1);
      const k = Math.max(2, Math.min(ring.length - 2, Math.round(cut * ring.length)));
      const a = [...ring.slice(0, k + 1), ring[0]!];
      const b = [...ring.slice(k), ring[0]!, ring[k]!];
      return [
        { type: 'Polygon', coordinates: [a] } satisfies Polygon,
        { type: 'Polygon', coordinates: [b] } satisfies Polygon,
      ];
    }),
  // Any ring at all: self-intersecting, repeated and collinear vertices allowed.
  fc
    .array(
      fc
        .tuple(fc.integer({ min: -40, max: 40 }), fc.integer({ min: -40, max: 40 }))
        .map(([x, y]): Position => [x / 10 - 2.2, y / 10 + 51.8]),
      { minLength: 1, maxLength: 12 },
    )
    .map((pts) => [{ type: 'Polygon', coordinates: [[...pts, pts[0]!]] } satisfies Polygon]),
);

const layerArb = fc.array(featureArb, { minLength: 1, maxLength: 6 }).map((parts) => parts.flat());

/** Query points: uniform ones, vertices, points on edges, and points a set multiple of tol off an edge. */
function probePoints(layer: readonly Area[], rand: () => number, tol: number): [number, number][] {
  const segments: [Position, Position][] = [];
  for (const g of layer) {
    const polygons = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
    for (const ring of polygons.flat())
      for (let i = 0; i + 1 < ring.length; i++) segments.push([ring[i]!, ring[i + 1]!]);
  }
  const points: [number, number][] = [];
  for (let i = 0; i < 150; i++) points.push([-2.2 - 7 + 14 * rand(), 51.8 - 7 + 14 * rand()]);
  for (let i = 0; i < 150 && segments.length > 0; i++) {
    const [a, b] = segments[Math.floor(rand() * segments.length)]!;
    const kind = i % 3;
    if (kind === 0) {
      points.push([a[0]!, a[1]!]);
      continue;
    }
    const t = rand();
    const x = a[0]! + t * (b[0]! - a[0]!);
    const y = a[1]! + t * (b[1]! - a[1]!);
    if (kind === 1) {
      points.push([x, y]);
      continue;
    }
    // Off the edge by 0.3, 0.6, 1.7 or 3 tolerances, either side (never at 1, where rounding decides).
    const len = Math.hypot(b[0]! - a[0]!, b[1]! - a[1]!) || 1;
    const off = [0.3, 0.6, 1.7, 3][Math.floor(rand() * 4)]! * tol * (rand() < 0.5 ? -1 : 1);
    points.push([x - (off * (b[1]! - a[1]!)) / len, y + (off * (b[0]! - a[0]!)) / len]);
  }
  return points;
}

function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('PolygonIndex: equals a brute-force scan (property)', () => {
  it('match() equals the reference, and locate() and assignment() agree with it, on random layers (either grid)', () => {
    fc.assert(
      fc.property(
        layerArb,
        fc.integer(),
        fc.constantFrom(1e-9, 1e-6, 1e-3),
        fc.constantFrom('serving' as const, 'one-pass' as const),
        (layer, seed, tol, use) => {
          const index = PolygonIndex.build(layer, { boundaryToleranceDeg: tol, use });
          const rand = mulberry32(seed);
          for (const [x, y] of probePoints(layer, rand, tol)) {
            const expected = referenceMatch(layer, x, y, tol);
            const got = index.match(x, y);
            const assigned = expected.index < 0 ? -1 : expected.index * 2 + (expected.onBoundary ? 1 : 0);
            if (
              got.index !== expected.index ||
              got.onBoundary !== expected.onBoundary ||
              got.candidates.join() !== expected.candidates.join() ||
              index.locate(x, y) !== expected.index ||
              index.assignment(x, y) !== assigned
            ) {
              throw new Error(
                `at (${x}, ${y}): index ${JSON.stringify(got)} locate ${index.locate(x, y)} assignment ${index.assignment(x, y)}, ` +
                  `reference ${JSON.stringify(expected)}`,
              );
            }
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('agrees with the reference on a dense jittered tessellation (deep grid, many leaves)', () => {
    // 40 × 40 quads over shared jittered vertices, so neighbours share edges and vertices exactly.
    const rand = mulberry32(7);
    const n = 40;
    const size = 0.01;
    const grid: Position[][] = [];
    for (let i = 0; i <= n; i++) {
      grid.push([]);
      for (let j = 0; j <= n; j++) {
        const inner = i > 0 && i < n && j > 0 && j < n;
        const jx = inner ? (rand() - 0.5) * 0.6 * size : 0;
        const jy = inner ? (rand() - 0.5) * 0.6 * size : 0;
        grid[i]!.push([-2.3 + i * size + jx, 51.7 + j * size + jy]);
      }
    }
    const layer: Polygon[] = [];
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        // Extra vertices along the bottom edge make the rings wiggly and the cells busy.
        const a = grid[i]![j]!;
        const b = grid[i + 1]![j]!;
        const mid: Position = [(a[0]! + b[0]!) / 2, (a[1]! + b[1]!) / 2];
        layer.push({
          type: 'Polygon',
          coordinates: [[a, mid, b, grid[i + 1]![j + 1]!, grid[i]![j + 1]!, a]],
        });
      }
    }
    const index = PolygonIndex.build(layer);
    expect(index.stats().gridNodes).toBeGreaterThan(1);
    expect(index.stats().leafCells).toBeGreaterThan(100);
    const probes = probePoints(layer, rand, 1e-9);
    for (let k = 0; k < 1500; k++) probes.push([-2.31 + 0.42 * rand(), 51.69 + 0.42 * rand()]);
    let onBoundary = 0;
    for (const [x, y] of probes) {
      const expected = referenceMatch(layer, x, y, 1e-9);
      expect(index.match(x, y)).toEqual(expected);
      expect(index.locate(x, y)).toBe(expected.index);
      if (expected.onBoundary) onBoundary++;
    }
    // The probes really do test shared edges and vertices, not just interiors.
    expect(onBoundary).toBeGreaterThan(50);
  });
});

// Issue 15's hostile shapes: long thin edges spanning most of the feature's height, where every leaf
// of the grid used to re-read most of the feature (a star of 8,000 vertices took 19 s to index).
describe('PolygonIndex: long thin edges (star, sawtooth, self-crossing star, checkerboard)', () => {
  const shapes: [string, Area][] = [
    ['star of 1,500 vertices', star(1500)],
    ['sawtooth of 3,000 vertices', sawtooth(3000)],
    ['self-crossing star of 301 vertices', selfCrossingStar(301)],
    ['checkerboard of 300 squares', checkerboard(300)],
    ['square with 200 holes', holes(200)],
  ];
  for (const [name, shape] of shapes) {
    it(`${name}: match() and locate() equal the brute-force scan, with either grid`, () => {
      // A second feature over part of it, so leaves hold entries of both.
      const other = circle(64, { cx: -2.23, cy: 51.865 });
      const layer = [shape, other];
      const rand = mulberry32(15);
      const probes = probePoints(layer, rand, 1e-9);
      for (let i = 0; i < 1500; i++) probes.push([-2.295 + 0.11 * rand(), 51.825 + 0.07 * rand()]);
      for (const use of ['serving', 'one-pass'] as const) {
        const index = PolygonIndex.build(layer, { use });
        let inside = 0;
        for (const [x, y] of probes) {
          const expected = referenceMatch(layer, x, y, 1e-9);
          const got = index.match(x, y);
          if (got.index !== expected.index || got.candidates.join() !== expected.candidates.join()) {
            throw new Error(
              `${use} at (${x}, ${y}): ${JSON.stringify(got)}, reference ${JSON.stringify(expected)}`,
            );
          }
          expect(index.locate(x, y)).toBe(expected.index);
          if (expected.index === 0) inside++;
        }
        // The probes reach the shape's inside, not only the space around it.
        expect(inside).toBeGreaterThan(50);
      }
    });
  }

  it('lists a long edge in a bounded number of slabs (a 20,000-tooth sawtooth: ≤ 5 entries per edge)', () => {
    const layer = flattenLayer([sawtooth(20_000)]);
    const slabs = new FeatureSlabs(layer, 1e-9);
    const vertexBytes = layer.xy.byteLength;
    // Int32 slab entries (plus a few starts) beyond the shared vertices and per-feature records.
    const entries = (slabs.byteLength - vertexBytes) / 4;
    expect(entries).toBeLessThan(5 * layer.edges.length + 1000);
    // And the fewer slabs still answer exactly, as the brute-force scan does.
    const shape = [sawtooth(20_000)];
    const rand = mulberry32(20);
    const probes = probePoints(shape, rand, 1e-9);
    for (let i = 0; i < 300; i++) probes.push([-2.295 + 0.11 * rand(), 51.845 + 0.05 * rand()]);
    const answers = new Set<number>();
    for (const [x, y] of probes) {
      const expected = referenceMatch(shape, x, y, 1e-9);
      const answer = slabs.classify(0, x, y);
      answers.add(answer);
      expect(answer).toBe(expected.index < 0 ? 0 : expected.onBoundary ? 2 : 1);
    }
    expect([...answers].sort()).toEqual([0, 1, 2]);
  });

  it('calls the checkpoint while building, and a checkpoint that throws abandons the build', () => {
    let calls = 0;
    PolygonIndex.build([sawtooth(3000)], { checkpoint: () => void calls++ });
    expect(calls).toBeGreaterThan(10);
    const stop = new Error('out of time');
    expect(() =>
      PolygonIndex.build([sawtooth(3000)], {
        checkpoint: () => {
          if (++calls > 20) throw stop;
        },
      }),
    ).toThrow(stop);
  });
});

describe('coarsestDyadicIn (the latitude leaves share for their parity)', () => {
  it('is inside the interval, and no coarser power of two has a multiple there', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -90, max: 90, noNaN: true }),
        fc.double({ min: 1e-12, max: 10, noNaN: true }),
        (a, width) => {
          const b = a + width;
          if (!(b > a)) return;
          const y = coarsestDyadicIn(a, b, Number.NaN);
          expect(y >= a && y <= b).toBe(true);
          if (y === 0) return;
          // y is a multiple of step but not of 2 step, and [a, b] holds no multiple of 2 step.
          let step = 2 ** Math.floor(Math.log2(Math.abs(y)));
          while (y % step !== 0) step /= 2;
          let coarser = Math.ceil(a / (2 * step)) * 2 * step;
          if (coarser < a) coarser += 2 * step; // a / (2 step) underflowed
          expect(coarser > b).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
    expect(coarsestDyadicIn(51.3, 51.9, 0)).toBe(51.5);
    expect(coarsestDyadicIn(1, 1, 7)).toBe(7);
  });
});
