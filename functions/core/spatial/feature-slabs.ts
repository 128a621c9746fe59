// Build-time helpers for PolygonIndex: the layer flattened into typed arrays, and the exact per-feature
// test, with each feature's edges bucketed into horizontal slabs so one test reads only the few edges
// near the point's latitude. The semantics are documented in polygon-index.ts.
import type { MultiPolygon, Polygon } from 'geojson';
import { InvalidGeometryError } from '../errors.js';

/**
 * Absolute slack (degrees) added to the tolerance when assigning edges to slabs and grid cells, so that
 * float rounding in index arithmetic (~1e-14° at |lng| ≤ 180) can never drop an edge that matters.
 * Over-assigning only costs a little time; it never changes an answer.
 */
export const FLOAT_MARGIN_DEG = 1e-11;

/** Target edges per slab; measured on England LSOAs (more slabs cost memory for spanning edges). */
const EDGES_PER_SLAB = 3;
const MAX_SLABS_PER_FEATURE = 1 << 15;
/**
 * Slab entries per edge a feature may hold beyond one each. An edge is listed in every slab it spans,
 * so a feature of long edges (a sawtooth of 50,000 teeth, each across most of its height) would list
 * nearly every edge in each of its ~16,000 slabs (800 M entries, 3 GB). Fewer slabs cost such a feature
 * nothing, since its spanning edges are in every slab anyway; ordinary boundaries (short edges) stay
 * well under the cap.
 */
const EXTRA_SLAB_ENTRIES_PER_EDGE = 4;

/** A polygon layer flattened for indexing: closed rings, feature-major. */
export interface FlatLayer {
  readonly size: number;
  /** Vertex coordinates [x0, y0, x1, y1, ...]; every ring is closed (its last vertex repeats its first). */
  readonly xy: Float64Array;
  /** Vertex id of the start of every edge (edge v runs from vertex v to v + 1), feature-major. */
  readonly edges: Int32Array;
  /** Edges of feature f are edges[featEdgeStart[f] .. featEdgeStart[f + 1]). */
  readonly featEdgeStart: Int32Array;
  /** Vertices of feature f are featVertexStart[f] .. featVertexStart[f + 1] - 1. */
  readonly featVertexStart: Int32Array;
  /** [minX, minY, maxX, maxY] per feature (Infinity/-Infinity for a feature without edges). */
  readonly featBBox: Float64Array;
  /** Polygon parts (with at least one edge) of feature f are featFirstPart[f] .. + featPartCount[f] - 1. */
  readonly featFirstPart: Int32Array;
  readonly featPartCount: Int32Array;
  /** Each part's vertices are partVertexStart[p] .. partVertexEnd[p] - 1 (parts are contiguous). */
  readonly partVertexStart: Int32Array;
  readonly partVertexEnd: Int32Array;
  /** [minX, minY, maxX, maxY] per part. */
  readonly partBBox: Float64Array;
  readonly maxPartsPerFeature: number;
  /** Bounds of every feature that has edges, or [Infinity, Infinity, -Infinity, -Infinity]. */
  readonly bounds: readonly [number, number, number, number];
  /** Where each ring's vertices start, ascending (one extra entry: the end of the last ring). */
  readonly ringStart: Int32Array;
  /** Per vertex: RING_FIRST when it starts a ring, RING_LAST_EDGE when it starts its ring's last edge. */
  readonly ringFlags: Uint8Array;
}

const RING_FIRST = 1;
const RING_LAST_EDGE = 2;

/** The ring holding vertex v: binary search over ringStart (needed only at ring ends, so rarely). */
function ringOf(layer: FlatLayer, v: number): number {
  const starts = layer.ringStart;
  let lo = 0;
  let hi = starts.length - 2;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= v) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** The edge before edge v in its ring (rings are closed: the last edge precedes the first). */
export function previousEdge(layer: FlatLayer, v: number): number {
  if ((layer.ringFlags[v]! & RING_FIRST) === 0) return v - 1;
  return layer.ringStart[ringOf(layer, v) + 1]! - 2;
}

/** The edge after edge v in its ring. */
export function nextEdge(layer: FlatLayer, v: number): number {
  if ((layer.ringFlags[v]! & RING_LAST_EDGE) === 0) return v + 1;
  return layer.ringStart[ringOf(layer, v)]!;
}

function polygonsOf(geometry: Polygon | MultiPolygon, index: number): readonly unknown[] {
  const g = geometry as { type?: unknown; coordinates?: unknown } | null | undefined;
  const type = g?.type;
  const coords = g?.coordinates;
  if (type === 'Polygon' && Array.isArray(coords)) return [coords];
  if (type === 'MultiPolygon' && Array.isArray(coords)) return coords;
  const what = typeof type === 'string' ? `a ${type}` : 'not a GeoJSON geometry';
  throw new InvalidGeometryError(
    `Feature #${index} is ${what}; the polygon index takes Polygon and MultiPolygon geometries only. ` +
      'Remove or convert that feature before building.',
    [
      {
        kind: 'unsupported-geometry-type',
        message: 'expected a Polygon or MultiPolygon',
        feature: `#${index}`,
      },
    ],
  );
}

function badPosition(index: number, pos: unknown): InvalidGeometryError {
  const shown = (JSON.stringify(pos) ?? String(pos)).slice(0, 60);
  return new InvalidGeometryError(
    `Feature #${index} has a position that is not two finite numbers (${shown}); ` +
      'fix or drop that vertex before building the index.',
    [{ kind: 'non-finite-coordinate', message: `position ${shown} is not finite`, feature: `#${index}` }],
  );
}

/** Whether a ring's last position repeats its first (compared by value; invalid positions are caught later). */
function isClosed(ring: readonly unknown[]): boolean {
  const a = ring[0];
  const b = ring[ring.length - 1];
  return Array.isArray(a) && Array.isArray(b) && a[0] === b[0] && a[1] === b[1];
}

/**
 * Flattens the layer into exactly sized typed arrays (a counting pass, then a filling pass, so a large
 * layer is not copied while it grows). Throws InvalidGeometryError for a non-polygon geometry or a
 * position that is not two finite numbers.
 */
export function flattenLayer(geometries: readonly (Polygon | MultiPolygon)[]): FlatLayer {
  const n = geometries.length;
  const polygonsPerFeature: (readonly unknown[])[] = new Array(n);
  let nVertices = 0;
  let nEdges = 0;
  let nRings = 0;
  let nParts = 0;
  for (let f = 0; f < n; f++) {
    const polygons = polygonsOf(geometries[f]!, f);
    polygonsPerFeature[f] = polygons;
    for (const rings of polygons) {
      if (!Array.isArray(rings)) continue;
      let partEdges = 0;
      for (const ring of rings as unknown[]) {
        if (!Array.isArray(ring) || ring.length === 0) continue;
        const vertices = ring.length + (isClosed(ring) ? 0 : 1);
        nVertices += vertices;
        nEdges += vertices - 1;
        partEdges += vertices - 1;
        nRings++;
      }
      if (partEdges > 0) nParts++;
    }
  }

  const xy = new Float64Array(nVertices * 2);
  const edges = new Int32Array(nEdges);
  const ringFlags = new Uint8Array(nVertices);
  const ringStart = new Int32Array(nRings + 1);
  const partVertexStart = new Int32Array(nParts);
  const partVertexEnd = new Int32Array(nParts);
  const partBBox = new Float64Array(nParts * 4);
  const featEdgeStart = new Int32Array(n + 1);
  const featVertexStart = new Int32Array(n + 1);
  const featFirstPart = new Int32Array(n);
  const featPartCount = new Int32Array(n);
  const featBBox = new Float64Array(n * 4);
  let vertex = 0;
  let edge = 0;
  let ring = 0;
  let part = 0;
  let maxParts = 1;
  let lx0 = Infinity;
  let ly0 = Infinity;
  let lx1 = -Infinity;
  let ly1 = -Infinity;
  for (let f = 0; f < n; f++) {
    featFirstPart[f] = part;
    let x0 = Infinity;
    let y0 = Infinity;
    let x1 = -Infinity;
    let y1 = -Infinity;
    for (const rings of polygonsPerFeature[f]!) {
      if (!Array.isArray(rings)) continue;
      const partFirstVertex = vertex;
      for (const positions of rings as unknown[]) {
        if (!Array.isArray(positions) || positions.length === 0) continue;
        const first = vertex;
        const closed = isClosed(positions);
        for (let i = 0; i < positions.length; i++) {
          const pos: unknown = positions[i];
          const x: unknown = Array.isArray(pos) ? pos[0] : undefined;
          const y: unknown = Array.isArray(pos) ? pos[1] : undefined;
          if (typeof x !== 'number' || typeof y !== 'number' || !Number.isFinite(x) || !Number.isFinite(y)) {
            throw badPosition(f, pos);
          }
          xy[vertex * 2] = x;
          xy[vertex * 2 + 1] = y;
          vertex++;
          if (x < x0) x0 = x;
          if (x > x1) x1 = x;
          if (y < y0) y0 = y;
          if (y > y1) y1 = y;
        }
        if (!closed) {
          // RFC 7946 rings are closed; close an open one rather than reject it.
          xy[vertex * 2] = xy[first * 2]!;
          xy[vertex * 2 + 1] = xy[first * 2 + 1]!;
          vertex++;
        }
        ringFlags[first]! |= RING_FIRST;
        if (vertex - 2 >= first) ringFlags[vertex - 2]! |= RING_LAST_EDGE;
        for (let v = first; v < vertex - 1; v++) edges[edge++] = v;
        ringStart[++ring] = vertex;
      }
      // A part counts when it has an edge (same rule as the counting pass).
      if (vertex - partFirstVertex > 0 && edge > 0 && edges[edge - 1]! >= partFirstVertex) {
        partVertexStart[part] = partFirstVertex;
        partVertexEnd[part] = vertex;
        let [px0, py0, px1, py1] = [Infinity, Infinity, -Infinity, -Infinity];
        for (let v = partFirstVertex; v < vertex; v++) {
          px0 = Math.min(px0, xy[v * 2]!);
          px1 = Math.max(px1, xy[v * 2]!);
          py0 = Math.min(py0, xy[v * 2 + 1]!);
          py1 = Math.max(py1, xy[v * 2 + 1]!);
        }
        partBBox.set([px0, py0, px1, py1], part * 4);
        part++;
      }
    }
    const parts = part - featFirstPart[f]!;
    featPartCount[f] = parts;
    if (parts > maxParts) maxParts = parts;
    featEdgeStart[f + 1] = edge;
    featVertexStart[f + 1] = vertex;
    featBBox[f * 4] = x0;
    featBBox[f * 4 + 1] = y0;
    featBBox[f * 4 + 2] = x1;
    featBBox[f * 4 + 3] = y1;
    if (parts > 0) {
      if (x0 < lx0) lx0 = x0;
      if (y0 < ly0) ly0 = y0;
      if (x1 > lx1) lx1 = x1;
      if (y1 > ly1) ly1 = y1;
    }
  }
  return {
    size: n,
    xy,
    edges,
    featEdgeStart,
    featVertexStart,
    featBBox,
    featFirstPart,
    featPartCount,
    partVertexStart,
    partVertexEnd,
    partBBox,
    maxPartsPerFeature: maxParts,
    bounds: [lx0, ly0, lx1, ly1],
    ringStart,
    ringFlags,
  };
}

// Per-feature record in FeatureSlabs.feat, one cache line of doubles.
const F_MIN_X = 0;
const F_MIN_Y = 1;
const F_MAX_X = 2;
const F_MAX_Y = 3;
const F_SLAB_Y0 = 4;
const F_SLAB_INV = 5;
const F_SLAB_COUNT = 6;
const F_SLAB_BASE = 7;
const F_STRIDE = 8;

/** Exact closed-set test of one feature against a point, in O(edges in one slab). */
export class FeatureSlabs {
  readonly size: number;
  readonly tol: number;
  private readonly tol2: number;
  private readonly xy: Float64Array;
  /** F_STRIDE doubles per feature: bbox and slab geometry (see F_* offsets). */
  private readonly feat: Float64Array;
  private readonly featFirstPart: Int32Array;
  private readonly featPartCount: Int32Array;
  private readonly partVertexEnd: Int32Array;
  // Slab s of feature f lists the start vertices of its edges, ascending, in
  // slabEdges[slabStart[base + s] .. slabStart[base + s + 1]), base = feat[f * F_STRIDE + F_SLAB_BASE].
  private readonly slabStart: Int32Array;
  private readonly slabEdges: Int32Array;
  /** Per-part parity scratch for multi-part features, reused so that tests allocate nothing. */
  private readonly partParity: Uint8Array;

  constructor(layer: FlatLayer, tol: number) {
    const n = layer.size;
    const pad = tol + FLOAT_MARGIN_DEG;
    const { xy, edges, featEdgeStart, featBBox } = layer;
    this.size = n;
    this.tol = tol;
    this.tol2 = tol * tol;
    this.xy = xy;
    this.featFirstPart = layer.featFirstPart;
    this.featPartCount = layer.featPartCount;
    this.partVertexEnd = layer.partVertexEnd;
    this.partParity = new Uint8Array(Math.max(1, layer.maxPartsPerFeature));

    const feat = new Float64Array(n * F_STRIDE);
    let totalStarts = 0;
    for (let f = 0; f < n; f++) {
      const o = f * F_STRIDE;
      const ne = featEdgeStart[f + 1]! - featEdgeStart[f]!;
      const ns = Math.min(
        MAX_SLABS_PER_FEATURE,
        Math.max(1, Math.ceil(ne / EDGES_PER_SLAB)),
        Math.max(1, slabsWithinEntryCap(layer, f, pad)),
      );
      for (let k = 0; k < 4; k++) feat[o + k] = featBBox[f * 4 + k]!;
      feat[o + F_SLAB_COUNT] = ns;
      feat[o + F_SLAB_BASE] = totalStarts;
      totalStarts += ns + 1; // each feature owns ns + 1 starts
      if (ne > 0) {
        const lo = featBBox[f * 4 + 1]! - pad;
        const hi = featBBox[f * 4 + 3]! + pad;
        feat[o + F_SLAB_Y0] = lo;
        feat[o + F_SLAB_INV] = ns / (hi - lo);
      }
    }
    // Two passes over the edges: count per slab, then fill (CSR), in ascending edge order. The slab
    // range of an edge is its y-range grown by pad, so every edge within the tolerance is found.
    const counts = new Int32Array(totalStarts);
    for (let f = 0; f < n; f++) {
      const o = f * F_STRIDE;
      const base = feat[o + F_SLAB_BASE]!;
      const last = feat[o + F_SLAB_COUNT]! - 1;
      const lo = feat[o + F_SLAB_Y0]!;
      const inv = feat[o + F_SLAB_INV]!;
      for (let e = featEdgeStart[f]!; e < featEdgeStart[f + 1]!; e++) {
        const v = edges[e]!;
        const ya = xy[v * 2 + 1]!;
        const yb = xy[v * 2 + 3]!;
        const s0 = Math.max(0, Math.floor((Math.min(ya, yb) - pad - lo) * inv));
        const s1 = Math.min(last, Math.floor((Math.max(ya, yb) + pad - lo) * inv));
        for (let s = s0; s <= s1; s++) counts[base + s]!++;
      }
    }
    const slabStart = new Int32Array(totalStarts);
    let running = 0;
    for (let f = 0; f < n; f++) {
      const base = feat[f * F_STRIDE + F_SLAB_BASE]!;
      const ns = feat[f * F_STRIDE + F_SLAB_COUNT]!;
      for (let s = 0; s <= ns; s++) {
        slabStart[base + s] = running;
        if (s < ns) running += counts[base + s]!;
      }
    }
    const slabEdges = new Int32Array(running);
    // Reuse counts as the fill cursor.
    for (let i = 0; i < totalStarts; i++) counts[i] = slabStart[i]!;
    for (let f = 0; f < n; f++) {
      const o = f * F_STRIDE;
      const base = feat[o + F_SLAB_BASE]!;
      const last = feat[o + F_SLAB_COUNT]! - 1;
      const lo = feat[o + F_SLAB_Y0]!;
      const inv = feat[o + F_SLAB_INV]!;
      for (let e = featEdgeStart[f]!; e < featEdgeStart[f + 1]!; e++) {
        const v = edges[e]!;
        const ya = xy[v * 2 + 1]!;
        const yb = xy[v * 2 + 3]!;
        const s0 = Math.max(0, Math.floor((Math.min(ya, yb) - pad - lo) * inv));
        const s1 = Math.min(last, Math.floor((Math.max(ya, yb) + pad - lo) * inv));
        for (let s = s0; s <= s1; s++) slabEdges[counts[base + s]!++] = v;
      }
    }
    this.feat = feat;
    this.slabStart = slabStart;
    this.slabEdges = slabEdges;
  }

  /** Bytes held in typed arrays (the shared vertex array included). */
  get byteLength(): number {
    return (
      this.xy.byteLength +
      this.feat.byteLength +
      this.featFirstPart.byteLength +
      this.featPartCount.byteLength +
      this.partVertexEnd.byteLength +
      this.slabStart.byteLength +
      this.slabEdges.byteLength +
      this.partParity.byteLength
    );
  }

  /**
   * 0 when feature f does not contain (px, py); 1 when it is strictly inside (farther than the tolerance
   * from every edge); 2 when it is on the boundary (within the tolerance of an edge of any ring).
   */
  classify(f: number, px: number, py: number): 0 | 1 | 2 {
    const tol = this.tol;
    const feat = this.feat;
    const o = f * F_STRIDE;
    if (
      !(
        px >= feat[o + F_MIN_X]! - tol &&
        px <= feat[o + F_MAX_X]! + tol &&
        py >= feat[o + F_MIN_Y]! - tol &&
        py <= feat[o + F_MAX_Y]! + tol
      )
    ) {
      return 0;
    }
    const slab = this.slabAt(o, py);
    const start = this.slabStart[slab]!;
    const end = this.slabStart[slab + 1]!;
    const edges = this.slabEdges;
    const xy = this.xy;
    const tol2 = this.tol2;
    const nParts = this.featPartCount[f]!;
    if (nParts === 1) {
      let inside = false;
      for (let k = start; k < end; k++) {
        const i = edges[k]! << 1;
        const x0 = xy[i]!;
        const y0 = xy[i + 1]!;
        const x1 = xy[i + 2]!;
        const y1 = xy[i + 3]!;
        if (nearSegment(px, py, x0, y0, x1, y1, tol, tol2)) return 2;
        // Even-odd crossing of the ray towards +x; the half-open y test counts a vertex on the ray once.
        if (y0 > py !== y1 > py && px < x0 + ((py - y0) * (x1 - x0)) / (y1 - y0)) inside = !inside;
      }
      return inside ? 1 : 0;
    }
    // Several parts: even-odd per part (a MultiPolygon is the union of its polygons). Slab entries are
    // ascending, so a cursor over the parts' vertex ranges finds each edge's part.
    const parity = this.partParity;
    parity.fill(0, 0, nParts);
    const firstPart = this.featFirstPart[f]!;
    const partVertexEnd = this.partVertexEnd;
    let part = firstPart;
    for (let k = start; k < end; k++) {
      const v = edges[k]!;
      const i = v << 1;
      const x0 = xy[i]!;
      const y0 = xy[i + 1]!;
      const x1 = xy[i + 2]!;
      const y1 = xy[i + 3]!;
      if (nearSegment(px, py, x0, y0, x1, y1, tol, tol2)) return 2;
      if (y0 > py !== y1 > py && px < x0 + ((py - y0) * (x1 - x0)) / (y1 - y0)) {
        while (v >= partVertexEnd[part]!) part++;
        parity[part - firstPart]! ^= 1;
      }
    }
    for (let p = 0; p < nParts; p++) if (parity[p] === 1) return 1;
    return 0;
  }

  /** How many edges `parity(f, …, py)` reads: those of feature f's slab at latitude py. */
  slabEdgeCount(f: number, py: number): number {
    const o = f * F_STRIDE;
    if (!(py >= this.feat[o + F_MIN_Y]! && py <= this.feat[o + F_MAX_Y]!)) return 0;
    const slab = this.slabAt(o, py);
    return this.slabStart[slab + 1]! - this.slabStart[slab]!;
  }

  /** The slab of the feature at offset o (in `feat`) that holds latitude py, clamped to its range. */
  private slabAt(o: number, py: number): number {
    const feat = this.feat;
    const ns = feat[o + F_SLAB_COUNT]!;
    let s = Math.floor((py - feat[o + F_SLAB_Y0]!) * feat[o + F_SLAB_INV]!);
    if (s < 0) s = 0;
    else if (s >= ns) s = ns - 1;
    return feat[o + F_SLAB_BASE]! + s;
  }

  /**
   * Ray-crossing parity at (px, py) of the edges of feature f whose start vertex is in [lo, hi) (one
   * part, or the whole feature), ignoring the tolerance: the float expression `classify` uses, so the
   * grid's leaves can split it into local terms.
   */
  parity(f: number, lo: number, hi: number, px: number, py: number): 0 | 1 {
    const feat = this.feat;
    const o = f * F_STRIDE;
    // Only edges spanning py can cross the ray, and all of them are in py's slab when py is in range.
    if (!(py >= feat[o + F_MIN_Y]! && py <= feat[o + F_MAX_Y]!)) return 0;
    const slab = this.slabAt(o, py);
    const edges = this.slabEdges;
    const xy = this.xy;
    let inside = 0;
    for (let k = this.slabStart[slab]!; k < this.slabStart[slab + 1]!; k++) {
      const v = edges[k]!;
      if (v < lo || v >= hi) continue;
      const i = v << 1;
      const x0 = xy[i]!;
      const y0 = xy[i + 1]!;
      const x1 = xy[i + 2]!;
      const y1 = xy[i + 3]!;
      if (y0 > py !== y1 > py && px < x0 + ((py - y0) * (x1 - x0)) / (y1 - y0)) inside ^= 1;
    }
    return inside as 0 | 1;
  }

  /**
   * `parity(f, lo, hi, px, py)` for many px at once, in one pass over py's slab: with px[0..m)
   * ascending, sets beyond[j] to how many edges of [lo, hi) the ray from (px[j], py) crosses (beyond[m]
   * is 0). Term for term the same float expression as `parity`; `beyond` needs m + 1 slots.
   */
  crossingCounts(
    f: number,
    lo: number,
    hi: number,
    py: number,
    px: Float64Array,
    m: number,
    beyond: Int32Array,
  ): void {
    beyond.fill(0, 0, m + 1);
    const feat = this.feat;
    const o = f * F_STRIDE;
    if (m === 0 || !(py >= feat[o + F_MIN_Y]! && py <= feat[o + F_MAX_Y]!)) return;
    const slab = this.slabAt(o, py);
    const edges = this.slabEdges;
    const xy = this.xy;
    const first = px[0]!;
    const last = px[m - 1]!;
    // A crossing at xi lies beyond the first k = #{px < xi} points: histogram k, then suffix sums.
    for (let k = this.slabStart[slab]!; k < this.slabStart[slab + 1]!; k++) {
      const v = edges[k]!;
      if (v < lo || v >= hi) continue;
      const i = v << 1;
      const y0 = xy[i + 1]!;
      const y1 = xy[i + 3]!;
      if (y0 > py === y1 > py) continue;
      const x0 = xy[i]!;
      const xi = x0 + ((py - y0) * (xy[i + 2]! - x0)) / (y1 - y0);
      if (last < xi) beyond[m]!++;
      else if (first < xi) beyond[countBelow(px, m, xi)]!++;
    }
    for (let j = m - 1; j >= 0; j--) beyond[j]! += beyond[j + 1]!;
    // beyond[j] now counts crossings with k >= j, i.e. px[j - 1] < xi; shift to px[j] < xi.
    for (let j = 0; j < m; j++) beyond[j] = beyond[j + 1]!;
    beyond[m] = 0;
  }
}

/**
 * The most slabs feature f can have while its edges, each listed in every slab it spans, make at most
 * (1 + EXTRA_SLAB_ENTRIES_PER_EDGE) entries each: the slabs an edge spans beyond its first are about
 * its height (grown by pad at both ends) over the slab height.
 */
function slabsWithinEntryCap(layer: FlatLayer, f: number, pad: number): number {
  const { xy, edges, featEdgeStart, featBBox } = layer;
  const height = featBBox[f * 4 + 3]! - featBBox[f * 4 + 1]! + 2 * pad;
  let spans = 0; // Σ edge heights in units of the feature's height
  for (let e = featEdgeStart[f]!; e < featEdgeStart[f + 1]!; e++) {
    const v = edges[e]!;
    spans += (Math.abs(xy[v * 2 + 3]! - xy[v * 2 + 1]!) + 2 * pad) / height;
  }
  const ne = featEdgeStart[f + 1]! - featEdgeStart[f]!;
  return spans > 0 ? Math.floor((EXTRA_SLAB_ENTRIES_PER_EDGE * ne) / spans) : MAX_SLABS_PER_FEATURE;
}

/** How many of the ascending a[0..n) are < v. */
function countBelow(a: Float64Array, n: number, v: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** True when (px, py) is within `tol` of segment (x0, y0)-(x1, y1); a cheap box test rejects most edges. */
export function nearSegment(
  px: number,
  py: number,
  x0: number,
  y0: number,
  x1: number,
  y1: number,
  tol: number,
  tol2: number,
): boolean {
  if ((x0 - px > tol && x1 - px > tol) || (px - x0 > tol && px - x1 > tol)) return false;
  if ((y0 - py > tol && y1 - py > tol) || (py - y0 > tol && py - y1 > tol)) return false;
  return segmentDistance2(px, py, x0, y0, x1, y1) <= tol2;
}

/** Squared planar distance from (px, py) to segment (x0, y0)-(x1, y1), in degrees². */
export function segmentDistance2(
  px: number,
  py: number,
  x0: number,
  y0: number,
  x1: number,
  y1: number,
): number {
  const dx = x1 - x0;
  const dy = y1 - y0;
  const len2 = dx * dx + dy * dy;
  let t = len2 > 0 ? ((px - x0) * dx + (py - y0) * dy) / len2 : 0;
  if (t < 0) t = 0;
  else if (t > 1) t = 1;
  const ex = x0 + t * dx - px;
  const ey = y0 + t * dy - py;
  return ex * ex + ey * ey;
}

/** Append-only Int32 buffer for builds. */
export class IntList {
  data: Int32Array;
  length = 0;
  constructor(capacity = 1024) {
    this.data = new Int32Array(Math.max(16, capacity));
  }
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Int32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  /** Appends n slots (growing at most once) and returns the index of the first, for bulk writes. */
  reserve(n: number): number {
    const at = this.length;
    if (at + n > this.data.length) {
      const next = new Int32Array(Math.max(this.data.length * 2, at + n));
      next.set(this.data.subarray(0, at));
      this.data = next;
    }
    this.length = at + n;
    return at;
  }
  toArray(): Int32Array {
    return this.data.slice(0, this.length);
  }
  /** The contents without a copy when little capacity is unused (copying a large buffer costs a GC). */
  trimmed(): Int32Array {
    return this.length >= this.data.length * 0.875 ? this.data.subarray(0, this.length) : this.toArray();
  }
}

/** Append-only Float64 buffer for builds. */
export class FloatList {
  data: Float64Array;
  length = 0;
  constructor(capacity = 1024) {
    this.data = new Float64Array(Math.max(16, capacity));
  }
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  toArray(): Float64Array {
    return this.data.slice(0, this.length);
  }
}
