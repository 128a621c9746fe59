// A polygon layer made ready for overlays: every ring oriented (exteriors counter-clockwise, holes
// clockwise, so every feature's interior is on the LEFT of each of its edges), with a per-feature edge
// index and per-ring prefix sums of the edges' area contributions.
//
// Edges are straight in (lng, lat), as RFC 7946, GEOS and QGIS have them, so every topological question
// (which edges cross, in what order, what is inside) is decided on the input's own doubles in degrees;
// areas are line integrals in the ellipsoidal equal-area plane of those same curves (geo/area.ts:
// chord shoelace plus the edge's bow), so they are areas on the WGS84 ellipsoid.
//
// Work is bounded before anything is allocated: a feature over `maxVerticesPerFeature` or a layer over
// `maxVerticesPerLayer` is refused with an InvalidGeometryError that says which and by how much, as is a
// layer whose coordinates are not WGS84 degrees (British National Grid metres, most often).
import type { Position } from 'geojson';
import { type GeometryProblem, InvalidGeometryError } from '../errors.js';
import { EqualAreaProjection, lngLatLengthM } from '../geo/area.js';
import type { AreaGeometry } from '../model.js';

export interface OverlayLimits {
  /** Vertices in one feature (all rings). Default 100,000: a county boundary at full detail has ~20k. */
  readonly maxVerticesPerFeature: number;
  /** Vertices in one layer. Default 5,000,000 (England's 32,844 LSOAs have 1.9 M). */
  readonly maxVerticesPerLayer: number;
  /** Edge crossings in one pair of features before the pair is abandoned. Default 1,000,000. */
  readonly maxCrossingsPerPair: number;
}

export const DEFAULT_OVERLAY_LIMITS: OverlayLimits = {
  maxVerticesPerFeature: 100_000,
  maxVerticesPerLayer: 5_000_000,
  maxCrossingsPerPair: 1_000_000,
};

/** What a layer feature must give the overlay: a geometry, and an id and name for reports. */
export interface OverlayInputFeature {
  readonly id: string;
  readonly name?: string;
  readonly geometry: AreaGeometry;
}

/**
 * Horizontal slabs over one feature's edges (CSR arrays): a query for a y-range reads only the edges
 * whose y-extent meets it. An edge spanning several slabs is listed in each and reported once.
 */
export class SlabIndex {
  readonly y0: number;
  readonly y1: number;
  readonly invH: number;
  readonly k: number;
  readonly start: Int32Array;
  readonly edges: Int32Array;

  constructor(y0: number, y1: number, k: number, start: Int32Array, edges: Int32Array) {
    this.y0 = y0;
    this.y1 = y1;
    this.k = k;
    this.invH = y1 > y0 ? k / (y1 - y0) : 0;
    this.start = start;
    this.edges = edges;
  }

  slabOf(y: number): number {
    const s = Math.floor((y - this.y0) * this.invH);
    return s < 0 ? 0 : s >= this.k ? this.k - 1 : s;
  }
}

/** Growable int buffer reused across queries (the overlay's hot loops allocate nothing per edge). */
export class IntBuffer {
  data = new Int32Array(256);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const grown = new Int32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = v;
  }
  clear(): void {
    this.length = 0;
  }
}

export interface PreparedLayer {
  readonly projection: EqualAreaProjection;
  readonly size: number;
  readonly ids: readonly string[];
  readonly names: readonly string[];
  // Per vertex (= per edge starting at that vertex), in ring order after orientation.
  /** The input's coordinates, degrees: every predicate, box and index works on these. */
  readonly lng: Float64Array;
  readonly lat: Float64Array;
  /** The same positions in the equal-area plane, metres: for area terms only. */
  readonly x: Float64Array;
  readonly y: Float64Array;
  /** Index of the edge's end vertex. */
  readonly next: Int32Array;
  /** Ring of the vertex. */
  readonly ringOf: Int32Array;
  // Per ring.
  readonly ringStart: Int32Array;
  readonly ringSize: Int32Array;
  readonly ringFeature: Int32Array;
  readonly ringHole: Uint8Array;
  /** min lng, min lat, max lng, max lat per ring. */
  readonly ringBox: Float64Array;
  /**
   * pre[ringPre[r] + k] is the sum of the first k edge contributions of ring r: the shoelace term
   * (x_i·y_i+1 − x_i+1·y_i)/2 plus the edge's bow (EqualAreaProjection.lngLatBowM2), m².
   */
  readonly ringPre: Int32Array;
  readonly pre: Float64Array;
  /** lenPre[ringPre[r] + k] is the length in metres of the first k edges of ring r. */
  readonly lenPre: Float64Array;
  // Per feature.
  /** Rings of feature f are featureRings[f] .. featureRings[f + 1] - 1. */
  readonly featureRings: Int32Array;
  /** min lng, min lat, max lng, max lat per feature (NaN for a feature with no ring). */
  readonly featureBox: Float64Array;
  /**
   * Area in m² on the ellipsoid of the polygon whose edges are straight in (lng, lat) (the overlay's
   * semantics; within 1.5e-4, median 2e-6, of geodesic edges on the real layers).
   */
  readonly featureArea: Float64Array;
  readonly featureVertices: Int32Array;
  readonly slabs: readonly SlabIndex[];
}

/**
 * Area contribution (m²) of the piece of an edge from point 1 to point 2 (plane x, y and latitude of
 * each), the piece being straight in (lng, lat): its chord's shoelace term plus its bow. Pieces of one
 * edge add up to the edge.
 */
export function edgeAreaM2(
  projection: EqualAreaProjection,
  x1: number,
  y1: number,
  lat1: number,
  x2: number,
  y2: number,
  lat2: number,
): number {
  return (x1 * y2 - x2 * y1) / 2 + projection.lngLatBowM2(x1, y1, lat1, x2, y2, lat2);
}

/** Signed contribution of a whole ring: its signed area in m² (holes negative). */
export function ringTotal(layer: PreparedLayer, r: number): number {
  return layer.pre[layer.ringPre[r]! + layer.ringSize[r]!]!;
}

/** A projection origin near the data: the first position of the first non-empty feature. */
export function projectionFor(features: readonly OverlayInputFeature[]): EqualAreaProjection {
  for (const f of features) {
    const g = f.geometry;
    const first = g.type === 'Polygon' ? g.coordinates[0]?.[0] : g.coordinates[0]?.[0]?.[0];
    if (first && Number.isFinite(first[0]) && Number.isFinite(first[1]) && Math.abs(first[1]!) <= 90) {
      return EqualAreaProjection.near(first[0]!, first[1]!);
    }
  }
  return new EqualAreaProjection(0, 0);
}

function polygonsOf(g: AreaGeometry): readonly (readonly (readonly Position[])[])[] {
  return g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
}

/**
 * Checks the cheap preconditions (geometry type, finite WGS84 coordinates, vertex caps) in one pass
 * without allocating per vertex; returns the problems (empty when the layer can be prepared).
 */
export function screenLayer(
  features: readonly OverlayInputFeature[],
  limits: OverlayLimits = DEFAULT_OVERLAY_LIMITS,
  label = 'layer',
): GeometryProblem[] {
  const problems: GeometryProblem[] = [];
  let total = 0;
  let outOfRange = 0;
  let bngLike = 0;
  let firstOut: [number, number] | undefined;
  for (const f of features) {
    const g = f.geometry as { type?: unknown; coordinates?: unknown } | null;
    if (!g || (g.type !== 'Polygon' && g.type !== 'MultiPolygon') || !Array.isArray(g.coordinates)) {
      problems.push({
        kind: 'unsupported-geometry',
        feature: f.id,
        message: `Feature ${f.id} of the ${label} is not a Polygon or MultiPolygon; alignment and coverage need polygons.`,
      });
      continue;
    }
    let count = 0;
    for (const rings of polygonsOf(f.geometry)) {
      if (!Array.isArray(rings)) continue;
      for (const ring of rings) {
        if (!Array.isArray(ring)) continue;
        count += ring.length;
        if (count > limits.maxVerticesPerFeature) break;
        for (const p of ring) {
          const x = Array.isArray(p) ? p[0] : undefined;
          const y = Array.isArray(p) ? p[1] : undefined;
          if (typeof x !== 'number' || typeof y !== 'number' || !Number.isFinite(x) || !Number.isFinite(y)) {
            problems.push({
              kind: 'non-finite-coordinate',
              feature: f.id,
              message: `Feature ${f.id} of the ${label} has a position that is not two finite numbers.`,
            });
            break;
          }
          if (Math.abs(x) > 180 || Math.abs(y) > 90) {
            outOfRange++;
            firstOut ??= [x, y];
            if (x >= 0 && x <= 700_000 && y >= 0 && y <= 1_300_000) bngLike++;
          }
        }
      }
      if (count > limits.maxVerticesPerFeature) break;
    }
    if (count > limits.maxVerticesPerFeature) {
      problems.push({
        kind: 'too-many-vertices-in-feature',
        feature: f.id,
        message:
          `Feature ${f.id} of the ${label} has more than ${limits.maxVerticesPerFeature.toLocaleString('en-GB')} vertices ` +
          `(the cap that bounds overlay work). Simplify it (e.g. mapshaper -simplify 10%) and try again.`,
      });
    }
    total += Math.min(count, limits.maxVerticesPerFeature + 1);
  }
  if (total > limits.maxVerticesPerLayer) {
    problems.push({
      kind: 'too-many-vertices-in-layer',
      message: `The ${label} has ${total.toLocaleString('en-GB')} vertices, over the cap of ${limits.maxVerticesPerLayer.toLocaleString('en-GB')}.`,
    });
  }
  if (outOfRange > 0 && firstOut) {
    const looksBng = bngLike === outOfRange;
    problems.push({
      kind: looksBng ? 'looks-like-bng' : 'out-of-range',
      message: looksBng
        ? `The ${label} has ${outOfRange.toLocaleString('en-GB')} positions like (${firstOut[0]}, ${firstOut[1]}): these look like ` +
          'British National Grid eastings/northings in metres (EPSG:27700), not WGS84 degrees. Reproject the layer to ' +
          'WGS84 (EPSG:4326) longitude/latitude before checking it.'
        : `The ${label} has ${outOfRange.toLocaleString('en-GB')} positions outside longitude -180..180 / latitude -90..90, ` +
          `e.g. (${firstOut[0]}, ${firstOut[1]}). Export the layer as WGS84 longitude/latitude (RFC 7946 order).`,
    });
  }
  return problems;
}

/**
 * Projects and indexes a layer. Throws InvalidGeometryError (a typed domain error listing every problem)
 * when `screenLayer` finds any; never throws anything else for any input that passed the type checks.
 */
export function prepareLayer(
  features: readonly OverlayInputFeature[],
  options: { projection?: EqualAreaProjection; limits?: OverlayLimits; label?: string } = {},
): PreparedLayer {
  const limits = options.limits ?? DEFAULT_OVERLAY_LIMITS;
  const label = options.label ?? 'layer';
  const problems = screenLayer(features, limits, label);
  if (problems.length > 0) {
    throw new InvalidGeometryError(
      `The ${label} cannot be overlaid: ${problems[0]!.message}`,
      problems.slice(0, 100),
    );
  }
  const projection = options.projection ?? projectionFor(features);
  // Pass 1: clean rings (closing and consecutive duplicate positions dropped), counted.
  const cleanRings: { f: number; hole: boolean; pts: Position[] }[] = [];
  let vertexTotal = 0;
  features.forEach((feature, f) => {
    for (const rings of polygonsOf(feature.geometry)) {
      rings.forEach((ring, i) => {
        const pts: Position[] = [];
        for (const p of ring) {
          const last = pts[pts.length - 1];
          if (last && last[0] === p[0] && last[1] === p[1]) continue;
          pts.push(p);
        }
        while (
          pts.length > 1 &&
          pts[0]![0] === pts[pts.length - 1]![0] &&
          pts[0]![1] === pts[pts.length - 1]![1]
        ) {
          pts.pop();
        }
        // Fewer than 3 distinct positions enclose nothing; the validity check reports such rings.
        if (pts.length < 3) return;
        cleanRings.push({ f, hole: i > 0, pts });
        vertexTotal += pts.length;
      });
    }
  });
  const n = features.length;
  const x = new Float64Array(vertexTotal);
  const y = new Float64Array(vertexTotal);
  const lng = new Float64Array(vertexTotal);
  const lat = new Float64Array(vertexTotal);
  const next = new Int32Array(vertexTotal);
  const ringOf = new Int32Array(vertexTotal);
  const R = cleanRings.length;
  const ringStart = new Int32Array(R);
  const ringSize = new Int32Array(R);
  const ringFeature = new Int32Array(R);
  const ringHole = new Uint8Array(R);
  const ringBox = new Float64Array(4 * R);
  const ringPre = new Int32Array(R);
  const pre = new Float64Array(vertexTotal + R);
  const lenPre = new Float64Array(vertexTotal + R);
  const featureRings = new Int32Array(n + 1);
  const featureBox = new Float64Array(4 * n).fill(Number.NaN);
  const featureArea = new Float64Array(n);
  const featureVertices = new Int32Array(n);

  let v = 0;
  let ringCursor = 0;
  for (let f = 0; f < n; f++) {
    featureRings[f] = ringCursor;
    let fx0 = Number.POSITIVE_INFINITY;
    let fy0 = Number.POSITIVE_INFINITY;
    let fx1 = Number.NEGATIVE_INFINITY;
    let fy1 = Number.NEGATIVE_INFINITY;
    while (ringCursor < R && cleanRings[ringCursor]!.f === f) {
      const { pts, hole } = cleanRings[ringCursor]!;
      const r = ringCursor;
      const m = pts.length;
      const s = v;
      // Orientation in (lng, lat), where edges are straight: counter-clockwise exteriors, clockwise holes.
      let twice = 0;
      const bx = pts[0]![0]!;
      const by = pts[0]![1]!;
      let px = 0;
      let py = 0;
      for (let i = 1; i < m; i++) {
        const qx = pts[i]![0]! - bx;
        const qy = pts[i]![1]! - by;
        twice += px * qy - qx * py;
        px = qx;
        py = qy;
      }
      const reverse = hole ? twice > 0 : twice < 0;
      let x0 = Number.POSITIVE_INFINITY;
      let y0 = Number.POSITIVE_INFINITY;
      let x1 = Number.NEGATIVE_INFINITY;
      let y1 = Number.NEGATIVE_INFINITY;
      for (let i = 0; i < m; i++) {
        const p = pts[reverse ? m - 1 - i : i]!;
        const k = s + i;
        const pLng = p[0]!;
        const pLat = p[1]!;
        lng[k] = pLng;
        lat[k] = pLat;
        x[k] = projection.x(pLng);
        y[k] = projection.y(pLat);
        next[k] = i + 1 < m ? k + 1 : s;
        ringOf[k] = r;
        if (pLng < x0) x0 = pLng;
        if (pLng > x1) x1 = pLng;
        if (pLat < y0) y0 = pLat;
        if (pLat > y1) y1 = pLat;
      }
      const p0 = s + r;
      ringPre[r] = p0;
      pre[p0] = 0;
      lenPre[p0] = 0;
      let acc = 0;
      let len = 0;
      for (let i = 0; i < m; i++) {
        const a = s + i;
        const b = next[a]!;
        acc += edgeAreaM2(projection, x[a]!, y[a]!, lat[a]!, x[b]!, y[b]!, lat[b]!);
        pre[p0 + i + 1] = acc;
        len += lngLatLengthM(lng[a]!, lat[a]!, lng[b]!, lat[b]!);
        lenPre[p0 + i + 1] = len;
      }
      ringStart[r] = s;
      ringSize[r] = m;
      ringFeature[r] = f;
      ringHole[r] = hole ? 1 : 0;
      ringBox[4 * r] = x0;
      ringBox[4 * r + 1] = y0;
      ringBox[4 * r + 2] = x1;
      ringBox[4 * r + 3] = y1;
      featureArea[f] = featureArea[f]! + acc;
      featureVertices[f] = featureVertices[f]! + m;
      if (x0 < fx0) fx0 = x0;
      if (y0 < fy0) fy0 = y0;
      if (x1 > fx1) fx1 = x1;
      if (y1 > fy1) fy1 = y1;
      v += m;
      ringCursor++;
    }
    if (fx0 <= fx1) {
      featureBox[4 * f] = fx0;
      featureBox[4 * f + 1] = fy0;
      featureBox[4 * f + 2] = fx1;
      featureBox[4 * f + 3] = fy1;
    }
  }
  featureRings[n] = ringCursor;

  const slabs: SlabIndex[] = [];
  for (let f = 0; f < n; f++) {
    slabs.push(
      buildSlabs(featureRings[f]!, featureRings[f + 1]!, ringStart, ringSize, lat, next, featureBox, f),
    );
  }
  return {
    projection,
    size: n,
    ids: features.map((f) => f.id),
    names: features.map((f) => f.name ?? f.id),
    x,
    y,
    lng,
    lat,
    next,
    ringOf,
    ringStart,
    ringSize,
    ringFeature,
    ringHole,
    ringBox,
    ringPre,
    pre,
    lenPre,
    featureRings,
    featureBox,
    featureArea,
    featureVertices,
    slabs,
  };
}

/** About two edges per slab: the measured sweet spot between slab count and edges read per query. */
const EDGES_PER_SLAB = 2;
/**
 * An edge is listed in every slab it spans, so tall edges (a sawtooth's teeth, a star's rays) would
 * list n edges in each of n/2 slabs: n² entries. Slabs are made fewer until the lists hold at most this
 * many entries per edge; such a feature's queries then read more edges each, but its index stays O(n).
 */
const MAX_SLAB_ENTRIES_PER_EDGE = 8;

function buildSlabs(
  r0: number,
  r1: number,
  ringStart: Int32Array,
  ringSize: Int32Array,
  y: Float64Array,
  next: Int32Array,
  featureBox: Float64Array,
  f: number,
): SlabIndex {
  let edges = 0;
  let spans = 0;
  for (let r = r0; r < r1; r++) {
    edges += ringSize[r]!;
    const s = ringStart[r]!;
    for (let i = 0; i < ringSize[r]!; i++) spans += Math.abs(y[next[s + i]!]! - y[s + i]!);
  }
  const fy0 = featureBox[4 * f + 1]!;
  const fy1 = featureBox[4 * f + 3]!;
  if (edges === 0 || !(fy1 >= fy0)) return new SlabIndex(0, 0, 1, new Int32Array(2), new Int32Array(0));
  // Entries ≈ edges + k · (Σ edge heights / feature height): keep them under the cap.
  const tall = fy1 > fy0 ? spans / (fy1 - fy0) : 0;
  const bounded = tall > 0 ? ((MAX_SLAB_ENTRIES_PER_EDGE - 1) * edges) / tall : Number.POSITIVE_INFINITY;
  const k = Math.max(1, Math.min(1 << 20, Math.ceil(edges / EDGES_PER_SLAB), Math.floor(bounded)));
  const index = new SlabIndex(fy0, fy1, k, new Int32Array(k + 1), new Int32Array(0));
  const counts = new Int32Array(k + 1);
  for (let r = r0; r < r1; r++) {
    const s = ringStart[r]!;
    for (let i = 0; i < ringSize[r]!; i++) {
      const a = s + i;
      const b = next[a]!;
      const lo = index.slabOf(Math.min(y[a]!, y[b]!));
      const hi = index.slabOf(Math.max(y[a]!, y[b]!));
      for (let q = lo; q <= hi; q++) counts[q + 1]!++;
    }
  }
  const start = index.start;
  for (let q = 0; q < k; q++) start[q + 1] = start[q]! + counts[q + 1]!;
  const list = new Int32Array(start[k]!);
  const fill = start.slice(0, k);
  for (let r = r0; r < r1; r++) {
    const s = ringStart[r]!;
    for (let i = 0; i < ringSize[r]!; i++) {
      const a = s + i;
      const b = next[a]!;
      const lo = index.slabOf(Math.min(y[a]!, y[b]!));
      const hi = index.slabOf(Math.max(y[a]!, y[b]!));
      for (let q = lo; q <= hi; q++) list[fill[q]!++] = a;
    }
  }
  return new SlabIndex(fy0, fy1, k, start, list);
}

/**
 * Appends to `out` every edge of feature f whose bounding box meets the closed box
 * [x0, x1] × [y0, y1], once each.
 */
export function queryEdges(
  layer: PreparedLayer,
  f: number,
  x0: number,
  y0: number,
  x1: number,
  y1: number,
  out: IntBuffer,
): void {
  const idx = layer.slabs[f]!;
  if (idx.edges.length === 0 || y1 < idx.y0 || y0 > idx.y1) return;
  const s0 = idx.slabOf(y0);
  const s1 = idx.slabOf(y1);
  const xs = layer.lng;
  const ys = layer.lat;
  const next = layer.next;
  const list = idx.edges;
  const start = idx.start;
  for (let s = s0; s <= s1; s++) {
    for (let k = start[s]!; k < start[s + 1]!; k++) {
      const a = list[k]!;
      const b = next[a]!;
      const ay = ys[a]!;
      const by = ys[b]!;
      const ey0 = Math.min(ay, by);
      // Report an edge listed in several slabs only in the first slab the query reads.
      if (s > s0 && idx.slabOf(ey0) < s) continue;
      const ey1 = Math.max(ay, by);
      if (ey1 < y0 || ey0 > y1) continue;
      const ax = xs[a]!;
      const bx = xs[b]!;
      if (Math.max(ax, bx) < x0 || Math.min(ax, bx) > x1) continue;
      out.push(a);
    }
  }
}
