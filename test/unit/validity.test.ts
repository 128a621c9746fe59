// OGC validity by one sweep line (functions/core/coverage/validity.ts, edge-sweep.ts): against an
// exhaustive all-pairs oracle on random rings snapped to a coarse grid (so shared vertices, vertices on
// edges, collinear overlaps and crossings through vertices are common), and bounded on the hostile
// shapes of issue 15 (generated here, not committed).
import fc from 'fast-check';
import type { Polygon, Position } from 'geojson';
import { describe, expect, it } from 'vitest';
import { checkValidity, inspectGeometry } from '../../functions/core/coverage/validity.js';
import { AnalysisBudgetExceededError, BudgetMeter } from '../../functions/core/overlay/budget.js';
import { orientSign } from '../../functions/core/overlay/predicates.js';
import { checkerboard, circle, holes, sawtooth, star } from '../support/hostile-layers.js';
import { slabIntersectionAreaM2 } from '../support/slab-area.js';

type P = readonly [number, number];

/** Closed segments ab and cd meet (exact predicates); and whether their interiors cross at one point. */
function meetSegments(a: P, b: P, c: P, d: P): { meet: boolean; proper: boolean; collinearOverlap: boolean } {
  const o1 = orientSign(a[0], a[1], b[0], b[1], c[0], c[1]);
  const o2 = orientSign(a[0], a[1], b[0], b[1], d[0], d[1]);
  const o3 = orientSign(c[0], c[1], d[0], d[1], a[0], a[1]);
  const o4 = orientSign(c[0], c[1], d[0], d[1], b[0], b[1]);
  const within = (p: P, q: P, r: P) =>
    Math.min(p[0], q[0]) <= r[0] &&
    r[0] <= Math.max(p[0], q[0]) &&
    Math.min(p[1], q[1]) <= r[1] &&
    r[1] <= Math.max(p[1], q[1]);
  if (o1 === 0 && o2 === 0) {
    // Collinear: overlap length along the line.
    const useX = a[0] !== b[0];
    const k = (p: P) => (useX ? p[0] : p[1]);
    const lo = Math.max(Math.min(k(a), k(b)), Math.min(k(c), k(d)));
    const hi = Math.min(Math.max(k(a), k(b)), Math.max(k(c), k(d)));
    return { meet: lo <= hi, proper: false, collinearOverlap: lo < hi };
  }
  const proper = o1 * o2 < 0 && o3 * o4 < 0;
  const touch =
    (o1 === 0 && within(a, b, c)) ||
    (o2 === 0 && within(a, b, d)) ||
    (o3 === 0 && within(c, d, a)) ||
    (o4 === 0 && within(c, d, b));
  return { meet: proper || touch, proper, collinearOverlap: false };
}

/** The exhaustive oracle for one ring: is it simple (no two edges meet but consecutive ones at their vertex)? */
function bruteSimpleRing(ring: readonly P[]): { simple: boolean; properCrossing: boolean } {
  const m = ring.length;
  let simple = true;
  let properCrossing = false;
  for (let i = 0; i < m; i++) {
    for (let j = i + 1; j < m; j++) {
      const [a, b] = [ring[i]!, ring[(i + 1) % m]!];
      const [c, d] = [ring[j]!, ring[(j + 1) % m]!];
      const r = meetSegments(a, b, c, d);
      const consecutive = j === i + 1 || (i === 0 && j === m - 1);
      if (consecutive) {
        if (r.collinearOverlap) simple = false; // a spike
        continue;
      }
      if (r.meet) simple = false;
      if (r.proper) properCrossing = true;
    }
  }
  return { simple, properCrossing };
}

/** Random rings on a 5 × 5 grid of 1/128° (about 600 m; exact doubles), consecutive repeats dropped. */
const gridRing = fc
  .array(fc.tuple(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 4 })), {
    minLength: 3,
    maxLength: 9,
  })
  .map((pts) => {
    const ring: P[] = [];
    for (const [i, j] of pts) {
      const p: P = [-2.25 + i / 128, 51.75 + j / 128];
      const last = ring[ring.length - 1];
      if (!last || last[0] !== p[0] || last[1] !== p[1]) ring.push(p);
    }
    while (
      ring.length > 1 &&
      ring[0]![0] === ring[ring.length - 1]![0] &&
      ring[0]![1] === ring[ring.length - 1]![1]
    )
      ring.pop();
    return ring;
  })
  .filter((ring) => new Set(ring.map((p) => `${p[0]},${p[1]}`)).size >= 3);

const polygon = (...rings: (readonly P[])[]): Polygon => ({
  type: 'Polygon',
  coordinates: rings.map((r) => [...r, r[0]!].map((p) => [p[0], p[1]] as Position)),
});

describe('checkValidity against an exhaustive oracle', () => {
  it('a random grid ring is reported invalid exactly when some two of its edges meet', () => {
    fc.assert(
      fc.property(gridRing, (ring) => {
        const oracle = bruteSimpleRing(ring);
        const kinds = checkValidity('r', polygon(ring)).map((p) => p.kind);
        const ogc = kinds.filter((k) => k !== 'ring-near-zero-area');
        expect(ogc.length === 0).toBe(oracle.simple);
        if (oracle.properCrossing) expect(ogc).toContain('self-intersection');
        if (oracle.simple) expect(kinds).toEqual([]);
      }),
      { numRuns: 3000, seed: 15 },
    );
  });

  it('a random grid hole in a square: valid exactly when both rings are simple, meet at most at one point, and the hole is inside', () => {
    const [x0, y0, x1, y1] = [-2.25, 51.75, -2.25 + 4 / 128, 51.75 + 4 / 128];
    const shell: P[] = [
      [x0, y0],
      [x1, y0],
      [x1, y1],
      [x0, y1],
    ];
    const inShell = (p: P) => p[0] > x0 && p[0] < x1 && p[1] > y0 && p[1] < y1;
    fc.assert(
      fc.property(gridRing, (hole) => {
        const kinds = checkValidity('h', polygon(shell, hole)).map((p) => p.kind);
        const holeSimple = bruteSimpleRing(hole).simple;
        // Points where the two rings meet (vertices of one on the other, or crossings).
        let proper = false;
        let overlap = false;
        const touches = new Set<string>();
        for (let i = 0; i < hole.length; i++) {
          const [a, b] = [hole[i]!, hole[(i + 1) % hole.length]!];
          for (let j = 0; j < 4; j++) {
            const [c, d] = [shell[j]!, shell[(j + 1) % 4]!];
            const r = meetSegments(a, b, c, d);
            if (r.proper) proper = true;
            if (r.collinearOverlap) overlap = true;
          }
          if (!inShell(a)) {
            // On the shell's boundary (the grid ring cannot be outside: the grid is inside or on it).
            touches.add(`${a[0]},${a[1]}`);
          }
        }
        const inside = hole.some(inShell);
        const valid = holeSimple && !proper && !overlap && touches.size <= 1 && inside;
        expect(kinds.filter((k) => k !== 'ring-near-zero-area').length === 0).toBe(valid);
      }),
      { numRuns: 3000, seed: 16 },
    );
  });
});

describe('two random simple rings as the parts of a MultiPolygon, against the slab area oracle', () => {
  it('parts-overlap exactly when their overlap has area; one piece exactly when they meet', () => {
    const simple = gridRing.filter((ring) => bruteSimpleRing(ring).simple);
    fc.assert(
      fc.property(simple, simple, (a, b) => {
        const pa = polygon(a);
        const pb = polygon(b);
        const overlapM2 = slabIntersectionAreaM2(pa, pb);
        let meet = false;
        for (let i = 0; i < a.length && !meet; i++)
          for (let j = 0; j < b.length && !meet; j++)
            meet = meetSegments(a[i]!, a[(i + 1) % a.length]!, b[j]!, b[(j + 1) % b.length]!).meet;
        const { problems, pieces } = inspectGeometry('m', {
          type: 'MultiPolygon',
          coordinates: [pa.coordinates, pb.coordinates],
        });
        const kinds = new Set(problems.map((p) => p.kind));
        expect(kinds.has('parts-overlap')).toBe(overlapM2 > 1);
        if (overlapM2 > 1) return;
        // Apart or touching: at most a shared edge, and one piece exactly when they meet.
        expect([...kinds].filter((k) => k !== 'parts-share-edge')).toEqual([]);
        expect(pieces).toHaveLength(meet ? 1 : 2);
      }),
      { numRuns: 3000, seed: 19 },
    );
  });
});

describe('checkValidity and pieces on two rectangles, against interval arithmetic', () => {
  // Rectangles on a 6 × 6 grid of 1/64° (exact doubles): whether two of them overlap, share a stretch of
  // edge, touch at a corner or lie apart is plain integer arithmetic on their sides.
  const rect = fc
    .tuple(
      fc.integer({ min: 0, max: 5 }),
      fc.integer({ min: 0, max: 5 }),
      fc.integer({ min: 1, max: 3 }),
      fc.integer({ min: 1, max: 3 }),
    )
    .map(([i, j, w, h]) => ({ x0: i, y0: j, x1: i + w, y1: j + h }));
  type R = { x0: number; y0: number; x1: number; y1: number };
  const ring = (r: R): Position[] => {
    const at = (i: number, j: number): Position => [-2.25 + i / 64, 51.75 + j / 64];
    return [at(r.x0, r.y0), at(r.x1, r.y0), at(r.x1, r.y1), at(r.x0, r.y1), at(r.x0, r.y0)];
  };
  const overlap = (a0: number, a1: number, b0: number, b1: number) => Math.min(a1, b1) - Math.max(a0, b0);

  it('two parts: overlapping, sharing an edge, touching at a corner or apart', () => {
    fc.assert(
      fc.property(rect, rect, (a, b) => {
        const ox = overlap(a.x0, a.x1, b.x0, b.x1);
        const oy = overlap(a.y0, a.y1, b.y0, b.y1);
        const { problems, pieces } = inspectGeometry('m', {
          type: 'MultiPolygon',
          coordinates: [[ring(a)], [ring(b)]],
        });
        const kinds = [...new Set(problems.map((p) => p.kind))];
        if (ox > 0 && oy > 0) {
          expect(kinds).toContain('parts-overlap');
        } else if ((ox > 0 && oy === 0) || (ox === 0 && oy > 0)) {
          expect(kinds).toEqual(['parts-share-edge']);
          expect(pieces).toHaveLength(1);
        } else {
          expect(kinds).toEqual([]);
          expect(pieces).toHaveLength(ox === 0 && oy === 0 ? 1 : 2);
        }
      }),
      { numRuns: 2000, seed: 17 },
    );
  });

  it('an island in a hole: inside it, on its edge, or over the shell', () => {
    const shell: R = { x0: 0, y0: 0, x1: 8, y1: 8 };
    fc.assert(
      fc.property(rect, rect, (hole0, island0) => {
        // The hole inside the shell (1..7), the island anywhere on 0..8.
        const hole = {
          x0: hole0.x0 + 1,
          y0: hole0.y0 + 1,
          x1: Math.min(7, hole0.x1 + 1),
          y1: Math.min(7, hole0.y1 + 1),
        };
        if (hole.x1 <= hole.x0 || hole.y1 <= hole.y0) return;
        const island = island0;
        const { problems, pieces } = inspectGeometry('i', {
          type: 'MultiPolygon',
          coordinates: [[ring(shell), [...ring(hole)].reverse()], [ring(island)]],
        });
        const kinds = [...new Set(problems.map((p) => p.kind))].sort();
        const inside =
          island.x0 >= hole.x0 && island.x1 <= hole.x1 && island.y0 >= hole.y0 && island.y1 <= hole.y1;
        if (!inside) {
          // Some of the island lies over the shell's area.
          expect(kinds).toContain('parts-overlap');
          return;
        }
        const sharesEdge =
          island.x0 === hole.x0 || island.x1 === hole.x1 || island.y0 === hole.y0 || island.y1 === hole.y1;
        const cornerOnly = !sharesEdge && false;
        expect(cornerOnly).toBe(false);
        if (sharesEdge) {
          expect(kinds).toEqual(['parts-share-edge']);
          expect(pieces).toHaveLength(1);
        } else {
          expect(kinds).toEqual([]);
          expect(pieces).toHaveLength(2);
        }
      }),
      { numRuns: 2000, seed: 18 },
    );
  });
});

describe('bounded on hostile shapes (issue 15)', () => {
  const timed = (geometry: Polygon | ReturnType<typeof checkerboard>) => {
    const t = performance.now();
    const problems = checkValidity('x', geometry);
    return { problems, ms: performance.now() - t };
  };

  it('a star of 1k, 2k, 4k and 8k vertices is valid, in well under a second each (49.9 s at 8k before)', () => {
    for (const n of [1000, 2000, 4000, 8000]) {
      const { problems, ms } = timed(star(n));
      expect(problems).toEqual([]);
      expect(ms).toBeLessThan(2000);
    }
  });

  it('a 50,000-vertex sawtooth, a 10,000-part checkerboard and a polygon with 10,000 holes are valid, each under 2 s', () => {
    for (const g of [sawtooth(50_000), checkerboard(10_000), holes(10_000), circle(50_000), star(50_000)]) {
      const { problems, ms } = timed(g);
      expect(problems).toEqual([]);
      expect(ms).toBeLessThan(2000);
    }
  });

  it('stops at the budget: too many vertices at once, or out of time, as a 422 problem', () => {
    expect(() =>
      checkValidity('x', circle(50_000), { budget: new BudgetMeter({ maxVertices: 10_000 }) }),
    ).toThrow(AnalysisBudgetExceededError);
    let now = 0;
    const clock = () => (now += 5);
    try {
      checkValidity('x', star(50_000), { budget: new BudgetMeter({ maxMillis: 20, clock }) });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(AnalysisBudgetExceededError);
      const e = error as AnalysisBudgetExceededError;
      expect(e.code).toBe('invalid-geometry');
      expect(e.problems[0]!.kind).toBe('analysis-budget-exceeded');
      expect(e.message).toMatch(/time budget \(20 ms\).*Simplify/);
    }
  });
});
