// Exact area (and, on request, the geometry) of A ∩ B or A \ B for one feature of A and one of B,
// without building a clipper's event queue.
//
// Edges are straight in (lng, lat) (RFC 7946), so every topological decision below is taken on the input's
// doubles in degrees; areas are the line integrals of those edges in the equal-area plane (prepared.ts).
//
// Green's theorem: the area of a region is the integral of ½(x dy − y dx) around its boundary. The
// boundary of A ∩ B is made of the pieces of ∂A lying inside B and the pieces of ∂B lying inside A
// (each keeping its orientation, interiors on the left). So:
//   1. find every crossing of an edge of A with an edge of B (edge slabs of both features, exact
//      orientation predicates; B is treated as shifted by an infinitesimal sδ so that shared vertices and
//      shared edges become ordinary crossings or none — see predicates.ts);
//   2. order the crossings along each ring; between two consecutive crossings the ring is wholly inside
//      or wholly outside the other feature, and which one is known exactly from the direction of the
//      crossing that starts the run (entering or leaving) — no point-in-polygon test and no midpoint;
//   3. add the runs that are inside: a run is a partial edge, whole edges (read from the ring's prefix
//      sums in O(1)) and a partial edge. Rings with no crossing are wholly inside or outside: one exact
//      point-in-polygon test of a vertex decides.
// Runs alternate in/out along a ring for valid input; a violation (overlapping parts, a ring crossing
// itself) is detected and reported as `inconsistent` instead of guessed. The geometry, when wanted, is
// the same runs chained crossing to crossing, so it always matches the area.
import Flatbush from 'flatbush';
import type { MultiPolygon, Position } from 'geojson';
import { type EqualAreaProjection, lngLatLengthM, signedFlatRingAreaM2 } from '../geo/area.js';
import type { BudgetMeter } from './budget.js';
import { compareAlongEdge, orientSign, orientValue, tieSign } from './predicates.js';
import {
  DEFAULT_OVERLAY_LIMITS,
  edgeAreaM2,
  IntBuffer,
  type OverlayLimits,
  type PreparedLayer,
  queryEdges,
  ringTotal,
} from './prepared.js';
import { cleanLoops } from './seams.js';

export type OverlayOp = 'intersection' | 'difference' | 'union';

/**
 * Which runs each operation keeps. A-runs start at crossings where A enters B (aEnters = 1) or leaves
 * it (0); B-runs (forward along B) start where B enters A, i.e. A leaves B (0), or B leaves A (1).
 */
const RULES: Readonly<
  Record<OverlayOp, { aRun: number; bRun: number; bSign: number; aInside: boolean; bInside: boolean }>
> = {
  intersection: { aRun: 1, bRun: 0, bSign: 1, aInside: true, bInside: true },
  // A \ B: A outside B, and B inside A traversed backwards.
  difference: { aRun: 0, bRun: 0, bSign: -1, aInside: false, bInside: true },
  union: { aRun: 0, bRun: 1, bSign: 1, aInside: false, bInside: false },
};

export type PairStatus = 'ok' | 'inconsistent' | 'too-complex';

export interface PairOverlay {
  /** Area of the result in m² on the WGS84 ellipsoid (0 when status is not 'ok'). */
  readonly areaM2: number;
  /** Length of the result's boundary in metres (for sliver width estimates). */
  readonly boundaryM: number;
  /** The closed boundaries meet (a shared vertex or edge, or a crossing), even if no area overlaps. */
  readonly touches: boolean;
  readonly crossings: number;
  readonly status: PairStatus;
  /** The result as a MultiPolygon in WGS84, when asked for and status is 'ok'. */
  readonly geometry?: MultiPolygon;
}

/** Below this (m²) a result is an exact zero blurred by float rounding: a touch, not an overlap. */
export const ZERO_AREA_M2 = 1e-6;

/** Crossing records of one pair, struct-of-arrays (see findPairCrossings). */
export interface CrossingSet {
  readonly n: number;
  /** Edge (= its start vertex) of A and of B. */
  readonly aEdge: Int32Array;
  readonly bEdge: Int32Array;
  /** Parameter (0-1) of the crossing along each edge; ties are broken exactly (compareAlongEdge). */
  readonly tA: Float64Array;
  readonly tB: Float64Array;
  /** The crossing point in degrees... */
  readonly lng: Float64Array;
  readonly lat: Float64Array;
  /** ...and in the equal-area plane (metres), for area terms. */
  readonly px: Float64Array;
  readonly py: Float64Array;
  /** 1 when A's boundary enters B here (so B's leaves A), else 0. */
  readonly aEnters: Uint8Array;
}

// Crossing records, struct-of-arrays in a reusable workspace.
class Crossings implements CrossingSet {
  n = 0;
  aEdge = new Int32Array(64);
  bEdge = new Int32Array(64);
  tA = new Float64Array(64);
  tB = new Float64Array(64);
  lng = new Float64Array(64);
  lat = new Float64Array(64);
  px = new Float64Array(64);
  py = new Float64Array(64);
  aEnters = new Uint8Array(64);

  clear(): void {
    this.n = 0;
  }

  grow(): void {
    const size = this.aEdge.length * 2;
    const g = <T extends Int32Array | Float64Array | Uint8Array>(a: T): T => {
      const b = new (a.constructor as new (n: number) => T)(size);
      b.set(a);
      return b;
    };
    this.aEdge = g(this.aEdge);
    this.bEdge = g(this.bEdge);
    this.tA = g(this.tA);
    this.tB = g(this.tB);
    this.lng = g(this.lng);
    this.lat = g(this.lat);
    this.px = g(this.px);
    this.py = g(this.py);
    this.aEnters = g(this.aEnters);
  }
}

const work = {
  crossings: new Crossings(),
  aEdges: new IntBuffer(),
  bEdges: new IntBuffer(),
  bNear: new IntBuffer(),
};

/** Up to this many B edges near A are scanned directly for each A edge rather than through the slabs. */
const DIRECT_SCAN_MAX = 24;

function paramAlong(ax: number, ay: number, bx: number, by: number, px: number, py: number): number {
  if (px === ax && py === ay) return 0;
  if (px === bx && py === by) return 1;
  const dx = bx - ax;
  const dy = by - ay;
  const t = ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy);
  return t < 0 ? 0 : Math.min(t, 1);
}

/**
 * Exact point-in-feature test for the point (px, py) — degrees — shifted by sδ relative to feature f
 * (s ≠ 0): never ambiguous, consistent with the crossing predicates.
 */
export function pointInFeature(L: PreparedLayer, f: number, px: number, py: number, s: number): boolean {
  const box = L.featureBox;
  if (!(px >= box[4 * f]! && px <= box[4 * f + 2]! && py >= box[4 * f + 1]! && py <= box[4 * f + 3]!))
    return false;
  const idx = L.slabs[f]!;
  const slab = idx.slabOf(py);
  const list = idx.edges;
  const xs = L.lng;
  const ys = L.lat;
  const next = L.next;
  let inside = false;
  for (let k = idx.start[slab]!; k < idx.start[slab + 1]!; k++) {
    const a = list[k]!;
    const b = next[a]!;
    const ay = ys[a]!;
    const by = ys[b]!;
    const aAbove = ay > py || (ay === py && s < 0);
    const bAbove = by > py || (by === py && s < 0);
    if (aAbove === bAbove) continue;
    const ax = xs[a]!;
    const bx = xs[b]!;
    let o = orientSign(ax, ay, bx, by, px, py);
    if (o === 0) o = tieSign(ax, ay, bx, by, s);
    if (bAbove ? o > 0 : o < 0) inside = !inside;
  }
  return inside;
}

/**
 * Finds the crossings of feature fa of A with feature fb of B (B shifted by sδ). Returns whether the
 * closed boundaries touch at all, or null when the crossing cap is exceeded.
 */
function findCrossings(
  A: PreparedLayer,
  fa: number,
  B: PreparedLayer,
  fb: number,
  s: number,
  limit: number,
  budget?: BudgetMeter,
): { touches: boolean } | null {
  const C = work.crossings;
  C.clear();
  const ab = A.featureBox;
  const bb = B.featureBox;
  const ix0 = Math.max(ab[4 * fa]!, bb[4 * fb]!);
  const iy0 = Math.max(ab[4 * fa + 1]!, bb[4 * fb + 1]!);
  const ix1 = Math.min(ab[4 * fa + 2]!, bb[4 * fb + 2]!);
  const iy1 = Math.min(ab[4 * fa + 3]!, bb[4 * fb + 3]!);
  if (!(ix0 <= ix1 && iy0 <= iy1)) return { touches: false };
  // B's edges inside the common box first: none means no crossing at all (containment or disjoint),
  // which is most pairs; a short list is scanned directly instead of through B's slabs.
  const bEdges = work.bEdges;
  const bNear = work.bNear;
  bNear.clear();
  queryEdges(B, fb, ix0, iy0, ix1, iy1, bNear);
  if (bNear.length === 0) return { touches: false };
  const aEdges = work.aEdges;
  aEdges.clear();
  queryEdges(A, fa, ix0, iy0, ix1, iy1, aEdges);
  const direct = bNear.length <= DIRECT_SCAN_MAX;
  let touches = false;
  const Ax = A.lng;
  const Ay = A.lat;
  const Bx = B.lng;
  const By = B.lat;
  const projection = A.projection;
  for (let i = 0; i < aEdges.length; i++) {
    budget?.tick();
    const a = aEdges.data[i]!;
    const a1 = A.next[a]!;
    const ax0 = Ax[a]!;
    const ay0 = Ay[a]!;
    const ax1 = Ax[a1]!;
    const ay1 = Ay[a1]!;
    const ex0 = Math.min(ax0, ax1);
    const ey0 = Math.min(ay0, ay1);
    const ex1 = Math.max(ax0, ax1);
    const ey1 = Math.max(ay0, ay1);
    let candidates: IntBuffer;
    if (direct) {
      candidates = bNear;
    } else {
      bEdges.clear();
      queryEdges(
        B,
        fb,
        Math.max(ex0, ix0),
        Math.max(ey0, iy0),
        Math.min(ex1, ix1),
        Math.min(ey1, iy1),
        bEdges,
      );
      candidates = bEdges;
    }
    for (let j = 0; j < candidates.length; j++) {
      const q = candidates.data[j]!;
      const q1 = B.next[q]!;
      const qx0 = Bx[q]!;
      const qy0 = By[q]!;
      const qx1 = Bx[q1]!;
      const qy1 = By[q1]!;
      if (direct) {
        if (Math.max(qx0, qx1) < ex0 || Math.min(qx0, qx1) > ex1) continue;
        if (Math.max(qy0, qy1) < ey0 || Math.min(qy0, qy1) > ey1) continue;
      }
      const r1 = orientSign(ax0, ay0, ax1, ay1, qx0, qy0);
      const r2 = orientSign(ax0, ay0, ax1, ay1, qx1, qy1);
      if (r1 === r2 && r1 !== 0) continue;
      const r3 = orientSign(qx0, qy0, qx1, qy1, ax0, ay0);
      const r4 = orientSign(qx0, qy0, qx1, qy1, ax1, ay1);
      if (r3 === r4 && r3 !== 0) continue;
      if (r1 === 0 && r2 === 0) {
        // Collinear: the closed segments meet when their extents overlap (the boxes already do, and
        // on one line that is enough).
        touches = true;
        continue; // parallel edges never cross under a translation
      }
      touches = true;
      const tieA = r1 === 0 || r2 === 0 ? tieSign(ax0, ay0, ax1, ay1, s) : 0;
      const o1 = r1 !== 0 ? r1 : tieA;
      const o2 = r2 !== 0 ? r2 : tieA;
      if (o1 === o2) continue;
      const tieB = r3 === 0 || r4 === 0 ? tieSign(qx0, qy0, qx1, qy1, -s) : 0;
      const o3 = r3 !== 0 ? r3 : tieB;
      const o4 = r4 !== 0 ? r4 : tieB;
      if (o3 === o4) continue;
      if (C.n >= limit) return null;
      if (C.n === C.aEdge.length) C.grow();
      const k = C.n++;
      let px: number;
      let py: number;
      let tA: number;
      let tB: number;
      if (r1 === 0) {
        px = qx0;
        py = qy0;
        tA = paramAlong(ax0, ay0, ax1, ay1, px, py);
        tB = 0;
      } else if (r2 === 0) {
        px = qx1;
        py = qy1;
        tA = paramAlong(ax0, ay0, ax1, ay1, px, py);
        tB = 1;
      } else if (r3 === 0) {
        px = ax0;
        py = ay0;
        tA = 0;
        tB = paramAlong(qx0, qy0, qx1, qy1, px, py);
      } else if (r4 === 0) {
        px = ax1;
        py = ay1;
        tA = 1;
        tB = paramAlong(qx0, qy0, qx1, qy1, px, py);
      } else {
        const v3 = orientValue(qx0, qy0, qx1, qy1, ax0, ay0);
        const v4 = orientValue(qx0, qy0, qx1, qy1, ax1, ay1);
        tA = v3 / (v3 - v4);
        tA = tA < 0 ? 0 : Math.min(tA, 1);
        const v1 = orientValue(ax0, ay0, ax1, ay1, qx0, qy0);
        const v2 = orientValue(ax0, ay0, ax1, ay1, qx1, qy1);
        tB = v1 / (v1 - v2);
        tB = tB < 0 ? 0 : Math.min(tB, 1);
        px = ax0 + tA * (ax1 - ax0);
        py = ay0 + tA * (ay1 - ay0);
      }
      C.aEdge[k] = a;
      C.bEdge[k] = q;
      C.tA[k] = tA;
      C.tB[k] = tB;
      C.lng[k] = px;
      C.lat[k] = py;
      C.px[k] = projection.x(px);
      C.py[k] = projection.y(py);
      C.aEnters[k] = o4 > 0 ? 1 : 0;
    }
  }
  return { touches };
}

/**
 * The crossings of feature fa of A with feature fb of B shifted by sδ (s ≠ 0), or null over `limit`.
 * The returned set is a shared workspace, valid until the next call into this module.
 */
export function findPairCrossings(
  A: PreparedLayer,
  fa: number,
  B: PreparedLayer,
  fb: number,
  s: number,
  limit: number,
  budget?: BudgetMeter,
): { readonly touches: boolean; readonly crossings: CrossingSet } | null {
  const found = findCrossings(A, fa, B, fb, s, limit, budget);
  return found ? { touches: found.touches, crossings: work.crossings } : null;
}

interface RingOrder {
  /** Crossing ids sorted along the rings of one side. */
  readonly order: Int32Array;
  /** Position of each crossing in `order`. */
  readonly pos: Int32Array;
  /** For each position, the first and last position of its ring's group. */
  readonly groupStart: Int32Array;
  readonly groupEnd: Int32Array;
}

const EMPTY_ORDER: RingOrder = {
  order: new Int32Array(0),
  pos: new Int32Array(0),
  groupStart: new Int32Array(0),
  groupEnd: new Int32Array(0),
};

/** Below this difference of float parameters, two crossings on one edge are ordered exactly. */
const NEAR_T = 1e-7;

/** The four coordinates (degrees) of edge e of layer L (start vertex e). */
export function edgeCoords(L: PreparedLayer, e: number): [number, number, number, number] {
  const b = L.next[e]!;
  return [L.lng[e]!, L.lat[e]!, L.lng[b]!, L.lat[b]!];
}

/**
 * Sorts crossing ids along the rings of one side: by edge, then parameter; crossings at (or within
 * float noise of) the same point are ordered exactly as the perturbation places them. `sigma` is the
 * other side's shift relative to this side.
 */
function orderAlong(
  n: number,
  L: PreparedLayer,
  edge: Int32Array,
  t: Float64Array,
  other: PreparedLayer,
  otherEdge: Int32Array,
  sigma: number,
): RingOrder {
  if (n === 0) return EMPTY_ORDER;
  const ids = Array.from({ length: n }, (_, i) => i);
  ids.sort((i, j) => {
    const d = edge[i]! - edge[j]!;
    if (d !== 0) return d;
    const dt = t[i]! - t[j]!;
    if (dt > NEAR_T || dt < -NEAR_T) return dt;
    const e = edgeCoords(L, edge[i]!);
    return (
      compareAlongEdge(e, edgeCoords(other, otherEdge[i]!), sigma, edgeCoords(other, otherEdge[j]!), sigma) ||
      i - j
    );
  });
  const ringOf = L.ringOf;
  const order = Int32Array.from(ids);
  const pos = new Int32Array(n);
  const groupStart = new Int32Array(n);
  const groupEnd = new Int32Array(n);
  let g = 0;
  for (let p = 0; p <= n; p++) {
    if (p === n || (p > 0 && ringOf[edge[order[p]!]!] !== ringOf[edge[order[p - 1]!]!])) {
      for (let q = g; q < p; q++) {
        groupStart[q] = g;
        groupEnd[q] = p - 1;
      }
      g = p;
    }
    if (p < n) pos[order[p]!] = p;
  }
  return { order, pos, groupStart, groupEnd };
}

function nextIn(o: RingOrder, c: number): number {
  const p = o.pos[c]!;
  return o.order[p === o.groupEnd[p] ? o.groupStart[p]! : p + 1]!;
}

function prevIn(o: RingOrder, c: number): number {
  const p = o.pos[c]!;
  return o.order[p === o.groupStart[p] ? o.groupEnd[p]! : p - 1]!;
}

/** Whether c2 follows c1 on the same edge without wrapping around the ring. */
function sameEdgeAfter(o: RingOrder, edge: Int32Array, c1: number, c2: number): boolean {
  return edge[c1] === edge[c2] && o.pos[c2]! > o.pos[c1]!;
}

/**
 * Area contribution (m²) of the run of layer L's ring from point 1 (on edge e1) forward to point 2 (on
 * edge e2): partial edge, whole edges from the prefix sums, partial edge. Points are given in the plane
 * (x, y), with their latitude for the edges' bows.
 */
export function runArea(
  L: PreparedLayer,
  e1: number,
  x1: number,
  y1: number,
  lat1: number,
  e2: number,
  x2: number,
  y2: number,
  lat2: number,
  sameEdge: boolean,
): number {
  const P = L.projection;
  if (sameEdge) return edgeAreaM2(P, x1, y1, lat1, x2, y2, lat2);
  const r = L.ringOf[e1]!;
  const start = L.ringStart[r]!;
  const size = L.ringSize[r]!;
  const base = L.ringPre[r]!;
  const pre = L.pre;
  const i = e1 - start;
  const j = e2 - start;
  const v = L.next[e1]!;
  let sum = edgeAreaM2(P, x1, y1, lat1, L.x[v]!, L.y[v]!, L.lat[v]!);
  sum +=
    j > i ? pre[base + j]! - pre[base + i + 1]! : pre[base + size]! - pre[base + i + 1]! + pre[base + j]!;
  sum += edgeAreaM2(P, L.x[e2]!, L.y[e2]!, L.lat[e2]!, x2, y2, lat2);
  return sum;
}

/** Length in metres of the same run, points in degrees (for boundary lengths): prefix sums again. */
function runLength(
  L: PreparedLayer,
  e1: number,
  lng1: number,
  lat1: number,
  e2: number,
  lng2: number,
  lat2: number,
  sameEdge: boolean,
): number {
  if (sameEdge) return lngLatLengthM(lng1, lat1, lng2, lat2);
  const r = L.ringOf[e1]!;
  const start = L.ringStart[r]!;
  const size = L.ringSize[r]!;
  const base = L.ringPre[r]!;
  const pre = L.lenPre;
  const i = e1 - start;
  const j = e2 - start;
  const v = L.next[e1]!;
  const whole =
    j > i ? pre[base + j]! - pre[base + i + 1]! : pre[base + size]! - pre[base + i + 1]! + pre[base + j]!;
  return (
    lngLatLengthM(lng1, lat1, L.lng[v]!, L.lat[v]!) +
    whole +
    lngLatLengthM(L.lng[e2]!, L.lat[e2]!, lng2, lat2)
  );
}

function ringLength(L: PreparedLayer, r: number): number {
  return L.lenPre[L.ringPre[r]! + L.ringSize[r]!]!;
}

function boxesMeet(b1: Float64Array, i: number, b2: Float64Array, j: number): boolean {
  return (
    b1[4 * i]! <= b2[4 * j + 2]! &&
    b2[4 * j]! <= b1[4 * i + 2]! &&
    b1[4 * i + 1]! <= b2[4 * j + 3]! &&
    b2[4 * j + 1]! <= b1[4 * i + 3]!
  );
}

export interface PairOptions {
  readonly op?: OverlayOp;
  /** Build the result geometry (WGS84 MultiPolygon). */
  readonly geometry?: boolean;
  /** Relative shift of B against A under the perturbation (any non-zero number; default 1). */
  readonly shift?: number;
  readonly limits?: OverlayLimits;
  /** The analysis's budget: the crossing search counts its work against it. */
  readonly budget?: BudgetMeter;
}

/**
 * A ∩ B (default) or A \ B for feature fa of layer A and feature fb of layer B, which must have been
 * prepared with the same projection. Never throws for prepared input; problems come back as `status`.
 */
export function overlayPair(
  A: PreparedLayer,
  fa: number,
  B: PreparedLayer,
  fb: number,
  options: PairOptions = {},
): PairOverlay {
  const op = options.op ?? 'intersection';
  const s = options.shift ?? 1;
  const limits = options.limits ?? DEFAULT_OVERLAY_LIMITS;
  const found = findCrossings(A, fa, B, fb, s, limits.maxCrossingsPerPair, options.budget);
  if (!found)
    return {
      areaM2: 0,
      boundaryM: 0,
      touches: true,
      crossings: limits.maxCrossingsPerPair,
      status: 'too-complex',
    };
  const C = work.crossings;
  const n = C.n;
  const oa = orderAlong(n, A, C.aEdge, C.tA, B, C.bEdge, s);
  const ob = orderAlong(n, B, C.bEdge, C.tB, A, C.aEdge, -s);
  // Alternation: along every ring, crossings must alternate entering / leaving the other feature.
  for (let p = 0; p < n; p++) {
    const c = oa.order[p]!;
    if (C.aEnters[c] === C.aEnters[nextIn(oa, c)]) return inconsistent(found.touches, n);
    const d = ob.order[p]!;
    if (C.aEnters[d] === C.aEnters[nextIn(ob, d)]) return inconsistent(found.touches, n);
  }
  const rule = RULES[op];
  let area = 0;
  let boundary = 0;
  // Σ|terms|: the float noise of the sum is ~1e-16 of it (coordinates are metres from a nearby origin).
  let scale = 0;
  for (let c = 0; c < n; c++) {
    if (C.aEnters[c] === rule.aRun) {
      const c2 = nextIn(oa, c);
      const same = sameEdgeAfter(oa, C.aEdge, c, c2);
      const e1 = C.aEdge[c]!;
      const e2 = C.aEdge[c2]!;
      const run = runArea(A, e1, C.px[c]!, C.py[c]!, C.lat[c]!, e2, C.px[c2]!, C.py[c2]!, C.lat[c2]!, same);
      area += run;
      scale += Math.abs(run);
      boundary += runLength(A, e1, C.lng[c]!, C.lat[c]!, e2, C.lng[c2]!, C.lat[c2]!, same);
    }
    if (C.aEnters[c] === rule.bRun) {
      const c2 = nextIn(ob, c);
      const same = sameEdgeAfter(ob, C.bEdge, c, c2);
      const e1 = C.bEdge[c]!;
      const e2 = C.bEdge[c2]!;
      const run = runArea(B, e1, C.px[c]!, C.py[c]!, C.lat[c]!, e2, C.px[c2]!, C.py[c2]!, C.lat[c2]!, same);
      area += rule.bSign * run;
      scale += Math.abs(run);
      boundary += runLength(B, e1, C.lng[c]!, C.lat[c]!, e2, C.lng[c2]!, C.lat[c2]!, same);
    }
  }
  // Rings that no crossing touches are wholly in or out.
  const ringsWithCrossings = new Set<number>();
  for (let c = 0; c < n; c++) {
    ringsWithCrossings.add(A.ringOf[C.aEdge[c]!]!);
    ringsWithCrossings.add(-1 - B.ringOf[C.bEdge[c]!]!);
  }
  const wholeA: number[] = [];
  const wholeB: number[] = [];
  const [a0, a1] = [A.featureRings[fa]!, A.featureRings[fa + 1]!];
  for (let r = a0; r < a1; r++) {
    if (ringsWithCrossings.has(r)) continue;
    const v = A.ringStart[r]!;
    const inside =
      boxesMeet(A.ringBox, r, B.featureBox, fb) && pointInFeature(B, fb, A.lng[v]!, A.lat[v]!, -s);
    if (inside === rule.aInside) {
      area += ringTotal(A, r);
      scale += Math.abs(ringTotal(A, r));
      boundary += ringLength(A, r);
      wholeA.push(r);
    }
  }
  const [b0, b1] = [B.featureRings[fb]!, B.featureRings[fb + 1]!];
  for (let r = b0; r < b1; r++) {
    if (ringsWithCrossings.has(-1 - r)) continue;
    const v = B.ringStart[r]!;
    const inside =
      boxesMeet(B.ringBox, r, A.featureBox, fa) && pointInFeature(A, fa, B.lng[v]!, B.lat[v]!, s);
    if (inside === rule.bInside) {
      area += rule.bSign * ringTotal(B, r);
      scale += Math.abs(ringTotal(B, r));
      boundary += ringLength(B, r);
      wholeB.push(r);
    }
  }
  const noise = ZERO_AREA_M2 + 1e-13 * scale;
  if (area < noise) {
    // An exact zero blurred by rounding is a touch; anything clearly negative is a broken invariant.
    if (area < -noise) return inconsistent(found.touches, n);
    area = 0;
  }
  const result: PairOverlay = {
    areaM2: area,
    boundaryM: boundary,
    touches: found.touches || n > 0,
    crossings: n,
    status: 'ok',
  };
  if (!options.geometry || area === 0) return result;
  const geometry = assemble(A, B, oa, ob, op, wholeA, wholeB);
  return geometry ? { ...result, geometry } : { ...result, status: 'inconsistent' };
}

function inconsistent(touches: boolean, n: number): PairOverlay {
  return { areaM2: 0, boundaryM: 0, touches, crossings: n, status: 'inconsistent' };
}

// --- geometry -----------------------------------------------------------------------------------

/**
 * A result loop: its positions flat in `xy` ([lng0, lat0, lng1, lat1, …], degrees, for exact predicates
 * and fast scans) and as GeoJSON positions in `lnglat` (the same values, input vertices kept as given).
 */
export interface Loop {
  readonly xy: number[];
  readonly lnglat: Position[];
}

function pushVertex(loop: Loop, L: PreparedLayer, v: number): void {
  loop.xy.push(L.lng[v]!, L.lat[v]!);
  loop.lnglat.push([L.lng[v]!, L.lat[v]!]);
}

function pushPoint(loop: Loop, lng: number, lat: number): void {
  loop.xy.push(lng, lat);
  loop.lnglat.push([lng, lat]);
}

function prevVertex(L: PreparedLayer, v: number): number {
  const r = L.ringOf[v]!;
  const s = L.ringStart[r]!;
  return v === s ? s + L.ringSize[r]! - 1 : v - 1;
}

/** Chains the counted runs crossing to crossing into closed loops, then loops into polygons. */
function assemble(
  A: PreparedLayer,
  B: PreparedLayer,
  oa: RingOrder,
  ob: RingOrder,
  op: OverlayOp,
  wholeA: readonly number[],
  wholeB: readonly number[],
): MultiPolygon | null {
  const C = work.crossings;
  const n = C.n;
  const countA = RULES[op].aRun;
  const visited = new Uint8Array(n);
  const loops: Loop[] = [];
  for (let c0 = 0; c0 < n; c0++) {
    if (visited[c0] || C.aEnters[c0] !== countA) continue;
    const loop: Loop = { xy: [], lnglat: [] };
    let c = c0;
    let guard = 0;
    do {
      if (guard++ > n) return null;
      visited[c] = 1;
      // A-run from c forward to the next crossing on A.
      const c1 = nextIn(oa, c);
      pushPoint(loop, C.lng[c]!, C.lat[c]!);
      if (!sameEdgeAfter(oa, C.aEdge, c, c1)) {
        let v = A.next[C.aEdge[c]!]!;
        for (let g = 0; g <= A.ringSize[A.ringOf[v]!]!; g++) {
          pushVertex(loop, A, v);
          if (v === C.aEdge[c1]) break;
          v = A.next[v]!;
        }
      }
      // Then B: forward (∩, ∪) or backward (\: B inside A, reversed).
      pushPoint(loop, C.lng[c1]!, C.lat[c1]!);
      if (op !== 'difference') {
        const c2 = nextIn(ob, c1);
        if (!sameEdgeAfter(ob, C.bEdge, c1, c2)) {
          let v = B.next[C.bEdge[c1]!]!;
          for (let g = 0; g <= B.ringSize[B.ringOf[v]!]!; g++) {
            pushVertex(loop, B, v);
            if (v === C.bEdge[c2]) break;
            v = B.next[v]!;
          }
        }
        c = c2;
      } else {
        const c2 = prevIn(ob, c1);
        if (!sameEdgeAfter(ob, C.bEdge, c2, c1)) {
          let v = C.bEdge[c1]!;
          const stop = B.next[C.bEdge[c2]!]!;
          for (let g = 0; g <= B.ringSize[B.ringOf[v]!]!; g++) {
            pushVertex(loop, B, v);
            if (v === stop) break;
            v = prevVertex(B, v);
          }
        }
        c = c2;
      }
    } while (c !== c0);
    loops.push(loop);
  }
  for (const r of wholeA) {
    const loop: Loop = { xy: [], lnglat: [] };
    const s = A.ringStart[r]!;
    for (let i = 0; i < A.ringSize[r]!; i++) pushVertex(loop, A, s + i);
    loops.push(loop);
  }
  for (const r of wholeB) {
    const loop: Loop = { xy: [], lnglat: [] };
    const s = B.ringStart[r]!;
    const m = B.ringSize[r]!;
    for (let i = 0; i < m; i++) pushVertex(loop, B, op !== 'difference' ? s + i : s + m - 1 - i);
    loops.push(loop);
  }
  // At ε = 0 a stretch both boundaries share can be walked out and back (a zero-width seam, with
  // different vertices on each side at a T-junction) and a loop can pass a point twice: seams.ts.
  return loopsToMultiPolygon(cleanLoops(loops).loops, A.projection);
}

function pointInLoop(xy: readonly number[], px: number, py: number): boolean {
  let inside = false;
  const m = xy.length / 2;
  for (let i = 0, j = m - 1; i < m; j = i++) {
    const xi = xy[2 * i]!;
    const yi = xy[2 * i + 1]!;
    const xj = xy[2 * j]!;
    const yj = xy[2 * j + 1]!;
    if (yi > py !== yj > py && px < ((xj - xi) * (py - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Below this a loop is the zero-width trace of a shared edge, not a piece of area. */
const MIN_LOOP_M2 = 1e-4;

/**
 * Loops (counter-clockwise shells, clockwise holes) to a MultiPolygon: each hole goes to the smallest
 * shell containing a point just inside it. Loops thinner than MIN_LOOP_M2 are dropped.
 */
export function loopsToMultiPolygon(loops: readonly Loop[], projection: EqualAreaProjection): MultiPolygon {
  const shells: { loop: Loop; area: number; holes: Loop[] }[] = [];
  const holes: { loop: Loop; area: number }[] = [];
  for (const loop of loops) {
    const dedup = dedupLoop(loop);
    if (dedup.lnglat.length < 3) continue;
    const area = signedFlatRingAreaM2(dedup.xy, projection);
    if (Math.abs(area) < MIN_LOOP_M2) continue;
    if (area > 0) shells.push({ loop: dedup, area, holes: [] });
    else holes.push({ loop: dedup, area: -area });
  }
  shells.sort((p, q) => p.area - q.area);
  // Candidate shells for a hole: those whose box holds its probe (a box index when there are many: a
  // layer's gaps can be thousands of shells and holes).
  const boxes = shells.map((sh) => loopBox(sh.loop.xy));
  let around: (x: number, y: number) => readonly number[];
  if (shells.length <= 32) {
    const all = shells.map((_, i) => i);
    around = () => all;
  } else {
    const index = new Flatbush(shells.length);
    for (const b of boxes) index.add(b[0], b[1], b[2], b[3]);
    index.finish();
    around = (x, y) => index.search(x, y, x, y).sort((i, j) => i - j);
  }
  for (const hole of holes) {
    const [hx, hy] = interiorProbe(hole.loop.xy);
    const owner = around(hx, hy).find((i) => {
      const [x0, y0, x1, y1] = boxes[i]!;
      const sh = shells[i]!;
      return (
        sh.area > hole.area && hx >= x0 && hx <= x1 && hy >= y0 && hy <= y1 && pointInLoop(sh.loop.xy, hx, hy)
      );
    });
    (owner !== undefined ? shells[owner] : shells[shells.length - 1])?.holes.push(hole.loop);
  }
  return {
    type: 'MultiPolygon',
    coordinates: shells.map((sh) => [closeRing(sh.loop.lnglat), ...sh.holes.map((h) => closeRing(h.lnglat))]),
  };
}

function loopBox(xy: readonly number[]): [number, number, number, number] {
  const box: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
  for (let i = 0; i < xy.length; i += 2) {
    box[0] = Math.min(box[0], xy[i]!);
    box[1] = Math.min(box[1], xy[i + 1]!);
    box[2] = Math.max(box[2], xy[i]!);
    box[3] = Math.max(box[3], xy[i + 1]!);
  }
  return box;
}

/** A point a hair inside a loop's first edge's left side is a fair probe for which shell holds it. */
function interiorProbe(xy: readonly number[]): [number, number] {
  const mx = (xy[0]! + xy[2]!) / 2;
  const my = (xy[1]! + xy[3]!) / 2;
  return [mx, my];
}

/**
 * Drops repeated vertices and zero-width spikes (…P, Q, P… — a shared edge walked out and back, which
 * the perturbation leaves where two features only touch), so loops are clean rings.
 */
export function dedupLoop(loop: Loop): Loop {
  const xy: number[] = [];
  const lnglat: Position[] = [];
  const m = loop.xy.length / 2;
  const same = (i: number, x: number, y: number) => xy[2 * i] === x && xy[2 * i + 1] === y;
  const push = (x: number, y: number, p: Position) => {
    const k = xy.length / 2;
    if (k > 0 && same(k - 1, x, y)) return;
    if (k > 1 && same(k - 2, x, y)) {
      // Back to where we were two steps ago: remove the spike tip instead of adding the return.
      xy.length -= 2;
      lnglat.pop();
      return;
    }
    xy.push(x, y);
    lnglat.push(p);
  };
  for (let i = 0; i < m; i++) push(loop.xy[2 * i]!, loop.xy[2 * i + 1]!, loop.lnglat[i]!);
  // Close the ring: trim spikes and repeats that wrap around its start.
  for (let guard = 0; guard < m && xy.length >= 4; guard++) {
    const k = xy.length / 2;
    if (same(0, xy[2 * (k - 1)]!, xy[2 * (k - 1) + 1]!)) {
      xy.length -= 2;
      lnglat.pop();
    } else if (k >= 3 && same(1, xy[2 * (k - 1)]!, xy[2 * (k - 1) + 1]!)) {
      // …, P1, [P0, P1, …]: the ring starts with a spike tip P0.
      xy.splice(0, 2);
      lnglat.shift();
      xy.length -= 2;
      lnglat.pop();
    } else if (k >= 3 && same(k - 2, xy[0]!, xy[1]!)) {
      xy.length -= 2;
      lnglat.pop();
    } else {
      break;
    }
  }
  return { xy, lnglat };
}

function closeRing(ring: Position[]): Position[] {
  return [...ring, ring[0]!];
}
