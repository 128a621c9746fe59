/**
 * Point-in-polygon index over one polygon layer: built once per boundary set, queried millions of times.
 *
 * ## Semantics (the contract every lookup relies on)
 *
 * - Feature `i` is `geometries[i]`, a Polygon or MultiPolygon. Rings follow RFC 7946: the first ring of a
 *   polygon is its exterior, the others are holes. A ring whose last position differs from its first is
 *   closed implicitly; an empty ring is ignored.
 * - **Closed sets.** A point is in feature `i` when it is within `boundaryToleranceDeg` of any edge of any
 *   ring of `i` (vertices and edges of exteriors *and* holes: a hole's boundary belongs to the polygon), or
 *   when it is strictly inside one of `i`'s polygons by the even-odd rule over that polygon's rings (so a
 *   hole excludes its interior). A MultiPolygon is the union of its polygons. For valid geometry this is
 *   "inside the exterior and not inside any hole"; it is also what turf `booleanPointInPolygon` computes
 *   (boundary included), up to the tolerance.
 * - **Tolerance** is one isotropic distance in degrees, measured in the plane of (lng, lat): 1e-9° is about
 *   0.1 mm of latitude and 0.07 mm of longitude in England. It absorbs the float noise of shared edges
 *   (adjacent source polygons agree only to ~1e-12°). It is not a geodesic distance.
 * - **Tie rule.** A point in several features (on a shared edge or vertex, or in an overlap) is assigned to
 *   the lowest feature index; callers sort features by id before building, so the rule is deterministic.
 *   `match()` flags such points `onBoundary` and lists every containing feature in ascending order.
 * - **Bad input.** NaN or infinite query coordinates give -1 (no match) and never throw. Degenerate rings
 *   (zero area, repeated vertices, collinear runs, fewer than 4 positions) never crash: their edges still
 *   count as boundary and their zero area adds no interior. Non-finite *polygon* coordinates or a geometry
 *   that is not a Polygon/MultiPolygon throw `InvalidGeometryError` at build time.
 *
 * ## How it is fast
 *
 * 1. An adaptive grid (a shallow tree of uniform grids, all cells in one Int32Array) covers the layer.
 *    At build time every edge is rasterised conservatively, grown by the tolerance plus a float margin.
 *    A cell that no edge comes near lies wholly inside one feature, or none, and stores that answer, so
 *    most lookups are two or three array reads. Crossed cells with many edges become finer grids; the
 *    other crossed cells are leaves.
 * 2. A leaf answers from its own contiguous block, because following each feature's own structures costs
 *    ~10 cache misses. Per polygon part reaching the cell (ascending feature), it stores the edges near
 *    the cell, a parity bit and a few "threshold" vertices. For points in the cell, the ray-crossing sum
 *    over the part's other edges is constant, except at the y of vertices where a run of edges lying
 *    right of the cell meets a stored edge: along each run the sum telescopes to its two ends. So
 *    parity(p) = bit ⊕ crossings of the stored edges ⊕ #{thresholds above p}. Term for term this is the
 *    float expression of the full even-odd test, and the bit is that full test run once at the cell
 *    centre during the build. Answers are therefore exact, not approximations. `locate` stops at the
 *    first entry that holds the point.
 * 3. The full per-feature test (edges bucketed into horizontal slabs, feature-slabs.ts) is used only
 *    while building: it classifies uncrossed cells and computes the leaf bits, then is dropped. The
 *    bits are asked at latitudes many leaves share and answered in one pass per latitude
 *    (deferred-parity.ts), so a feature of long edges spanning most of its height (a star, a
 *    sawtooth) costs about (latitudes × edges), not (leaves × edges).
 *
 * Measured on England's 32,844 LSOAs with 200k real postcodes: see bench/point-in-polygon.bench.ts.
 *
 * The module is pure: no I/O, no clock, no globals; a built index is immutable.
 */
import type { MultiPolygon, Polygon } from 'geojson';
import { DeferredParities } from './deferred-parity.js';
import {
  FeatureSlabs,
  FLOAT_MARGIN_DEG,
  type FlatLayer,
  FloatList,
  flattenLayer,
  IntList,
  nearSegment,
  nextEdge,
  previousEdge,
} from './feature-slabs.js';

export interface PolygonIndexOptions {
  /** A point within this distance (degrees) of a ring edge counts as ON the boundary. Default 1e-9 (~0.1 mm). */
  readonly boundaryToleranceDeg?: number;
  /**
   * What the index is for. 'serving' (default): the finest grid, for an index that answers lookups
   * for as long as it lives. 'one-pass': a coarser grid, built in about 60% of the time and answering
   * about 2x slower, for a single bulk pass (`catchments assign` of 1.7 M postcodes to England's
   * LSOAs), where the build is most of the work. Both give the same answers.
   */
  readonly use?: 'serving' | 'one-pass';
  /**
   * Called now and then while building (between grid nodes, and between batches of the leaves'
   * parities): a caller with a deadline throws from it to abandon the build.
   */
  readonly checkpoint?: () => void;
}

export interface PointMatch {
  /** Index of the feature the point is assigned to (tie rule below), or -1 when none contains it. */
  readonly index: number;
  /** True when the point lies on the boundary of the assigned feature (within tolerance) or in more than one feature. */
  readonly onBoundary: boolean;
  /** Every feature whose closed polygon (interior + boundary within tolerance) contains the point, ascending. */
  readonly candidates: readonly number[];
}

/** Shape of the built index, for benchmarks and capacity planning. */
export interface PolygonIndexStats {
  readonly features: number;
  readonly vertices: number;
  readonly edges: number;
  readonly gridNodes: number;
  readonly gridCells: number;
  /** Cells answered by one array read (wholly inside one feature, or in none). */
  readonly pureCells: number;
  /** Leaf cells, answered by the exact test over their own edges. */
  readonly leafCells: number;
  /** Bytes held in the index's typed arrays (the bulk of its memory; they live outside the JS heap). */
  readonly typedArrayBytes: number;
}

export const DEFAULT_BOUNDARY_TOLERANCE_DEG = 1e-9;

/** A built index as data (see `PolygonIndex.snapshot`). */
export interface PolygonIndexSnapshot {
  readonly size: number;
  readonly boundaryToleranceDeg: number;
  readonly xy: Float64Array;
  readonly nodes: Float64Array;
  readonly cells: Int32Array;
  readonly leaves: Int32Array;
  /** [minX, minY, maxX, maxY] of every feature, grown by the tolerance and a float margin. */
  readonly paddedBounds: readonly [number, number, number, number];
  readonly stats: PolygonIndexStats;
}

/** Grid shape; the defaults were measured on England LSOAs with bench/point-in-polygon.bench.ts. */
interface GridTuning {
  /** Root grid: about this many edges per cell on average. */
  readonly rootEdgesPerCell: number;
  /** A crossed cell with more edges than this is split into a finer grid... */
  readonly splitMinEdges: number;
  /** ...of k×k cells, k ≈ sqrt(edges / childEdgesPerCell), clamped to [2, maxChildK]... */
  readonly childEdgesPerCell: number;
  readonly maxChildK: number;
  /** ...down to this depth (the root is depth 0). */
  readonly maxDepth: number;
}

const TUNING: Record<NonNullable<PolygonIndexOptions['use']>, GridTuning> = {
  serving: { rootEdgesPerCell: 8, splitMinEdges: 32, childEdgesPerCell: 1, maxChildK: 16, maxDepth: 4 },
  // England LSOAs, CPU under contention: build 1.2-1.4 s vs 2.2-2.3 s, 1.7 M `assignment` lookups
  // 0.63-0.67 s vs 0.29-0.37 s.
  'one-pass': { rootEdgesPerCell: 64, splitMinEdges: 128, childEdgesPerCell: 8, maxChildK: 16, maxDepth: 3 },
};
const MAX_ROOT_CELLS = 1 << 22;

/**
 * How far (degrees) a leaf's strip reaches beyond its cell when collecting thresholds: more than the
 * float error of locating a point in a cell (~1e-14°), less than FLOAT_MARGIN_DEG, which keeps every
 * edge that is not stored in the leaf farther than that from the cell.
 */
const LEAF_STRIP_MARGIN_DEG = 1e-12;

// Grid node record: one cache line of doubles, so a level of the tree costs one miss, not seven.
const NODE_STRIDE = 8;
const NODE_X0 = 0;
const NODE_Y0 = 1;
const NODE_INV_W = 2;
const NODE_INV_H = 3;
const NODE_NX = 4;
const NODE_NY = 5;
const NODE_BASE = 6;

const NO_MATCH: PointMatch = Object.freeze({ index: -1, onBoundary: false, candidates: Object.freeze([]) });

// Cell values in `cells`: v >= 0 is a feature (the cell is wholly inside it and no other); -1 is no
// feature; v <= -2 gives c = -2 - v: even c is child node c >> 1, odd c is the leaf at leaves[c >> 1].
// A leaf block is its entry count, then the entries, by ascending feature, one per polygon part of the
// feature that reaches the cell:
//   (f << 1 | parity bit), (edge count << 16 | threshold count)   when the counts fit, else
//   (f << 1 | parity bit), ~edge count, threshold count
// then the edges' start-vertex ids and the thresholds' vertex ids.
const LEAF_PACKED_MAX_EDGES = 0x7fff;
const LEAF_PACKED_MAX_THRESHOLDS = 0xffff;

export class PolygonIndex {
  /** Number of features (geometries) the index was built over. */
  readonly size: number;
  /** The tolerance in force, degrees. */
  readonly boundaryToleranceDeg: number;
  private readonly tol2: number;
  private readonly xy: Float64Array;
  /** Grid nodes, NODE_STRIDE doubles each (one cache line): see NODE_* offsets. */
  private readonly nodes: Float64Array;
  private readonly cells: Int32Array;
  private readonly leaves: Int32Array;
  private readonly minX: number;
  private readonly minY: number;
  private readonly maxX: number;
  private readonly maxY: number;
  private readonly statsValue: PolygonIndexStats;

  private constructor(parts: PolygonIndexSnapshot) {
    this.size = parts.size;
    this.boundaryToleranceDeg = parts.boundaryToleranceDeg;
    this.tol2 = parts.boundaryToleranceDeg * parts.boundaryToleranceDeg;
    this.xy = parts.xy;
    this.nodes = parts.nodes;
    this.cells = parts.cells;
    this.leaves = parts.leaves;
    [this.minX, this.minY, this.maxX, this.maxY] = parts.paddedBounds;
    this.statsValue = parts.stats;
  }

  private static fromGrid(layer: FlatLayer, tol: number, grid: Grid, pad: number): PolygonIndex {
    const a = grid.arrays;
    const [x0, y0, x1, y1] = layer.bounds;
    return new PolygonIndex({
      size: layer.size,
      boundaryToleranceDeg: tol,
      xy: layer.xy,
      nodes: a.nodes,
      cells: a.cells,
      leaves: a.leaves,
      paddedBounds: [x0 - pad, y0 - pad, x1 + pad, y1 + pad],
      stats: {
        features: layer.size,
        vertices: layer.xy.length >> 1,
        edges: layer.edges.length,
        gridNodes: a.nodes.length / NODE_STRIDE,
        gridCells: a.cells.length,
        pureCells: grid.pureCells,
        leafCells: grid.leafCells,
        // Whole buffers: `leaves` may be a view of a slightly larger one.
        typedArrayBytes: [layer.xy, a.nodes, a.cells, a.leaves].reduce(
          (sum, arr) => sum + arr.buffer.byteLength,
          0,
        ),
      },
    });
  }

  /**
   * Everything a built index consists of, as typed arrays and plain numbers: serialise it once (e.g.
   * in the national routing file) and `fromSnapshot` gives back an index that answers identically,
   * with no build (convention 6: serialise indexes where it helps cold start).
   */
  snapshot(): PolygonIndexSnapshot {
    return {
      size: this.size,
      boundaryToleranceDeg: this.boundaryToleranceDeg,
      xy: this.xy,
      nodes: this.nodes,
      cells: this.cells,
      leaves: this.leaves,
      paddedBounds: [this.minX, this.minY, this.maxX, this.maxY],
      stats: this.statsValue,
    };
  }

  /**
   * An index from a snapshot of one built by this code. The arrays are used as given (not copied);
   * a snapshot that was not produced by `snapshot()` gives undefined answers, so callers check the
   * bytes they read (the routing file is checksummed) before handing them here.
   */
  static fromSnapshot(snapshot: PolygonIndexSnapshot): PolygonIndex {
    const { nodes, cells, xy } = snapshot;
    if (
      nodes.length < NODE_STRIDE ||
      nodes.length % NODE_STRIDE !== 0 ||
      cells.length === 0 ||
      xy.length % 2 !== 0
    ) {
      throw new RangeError('Not a polygon index snapshot: its node, cell or vertex arrays are malformed.');
    }
    return new PolygonIndex(snapshot);
  }

  /**
   * Builds the index. Feature `i` of every answer is `geometries[i]`; sort the features by id first so
   * that the "lowest index wins" tie rule is stable across builds. The index copies what it needs: the
   * caller may drop the GeoJSON afterwards. Throws InvalidGeometryError for a geometry that is not a
   * Polygon/MultiPolygon or has a non-finite coordinate, and RangeError for a negative or non-finite
   * tolerance.
   */
  static build(
    geometries: readonly (Polygon | MultiPolygon)[],
    options: PolygonIndexOptions = {},
  ): PolygonIndex {
    const tol = options.boundaryToleranceDeg ?? DEFAULT_BOUNDARY_TOLERANCE_DEG;
    if (!(tol >= 0 && Number.isFinite(tol))) {
      throw new RangeError(`boundaryToleranceDeg must be a finite number >= 0 (degrees); received ${tol}.`);
    }
    const layer = flattenLayer(geometries);
    const pad = tol + FLOAT_MARGIN_DEG;
    // The slabs serve the build only: every leaf answers from its own block.
    const exact = new FeatureSlabs(layer, tol);
    const grid = new GridBuilder(
      layer,
      exact,
      pad,
      TUNING[options.use ?? 'serving'],
      options.checkpoint ?? noCheckpoint,
    ).build();
    return PolygonIndex.fromGrid(layer, tol, grid, pad);
  }

  /** Counts and bytes of the built structure. */
  stats(): PolygonIndexStats {
    return this.statsValue;
  }

  /** Hot path, allocation-free: the assigned feature index or -1. Always equals `match().index`. */
  locate(lng: number, lat: number): number {
    // Written so that NaN fails the test and falls out as -1.
    if (!(lng >= this.minX && lng <= this.maxX && lat >= this.minY && lat <= this.maxY)) return -1;
    const cells = this.cells;
    let node = 0;
    for (;;) {
      const v = cells[this.cellOf(node, lng, lat)]!;
      if (v >= -1) return v;
      const c = -2 - v;
      if ((c & 1) === 0) {
        node = c >> 1;
        continue;
      }
      // Entries come by ascending feature, so the first part that holds the point names the winner.
      const leaves = this.leaves;
      const at = c >> 1;
      const n = leaves[at]!;
      let k = at + 1;
      for (let j = 0; j < n; j++) {
        if (this.entryTest(k, lng, lat) !== 0) return leaves[k]! >> 1;
        k = this.entryEnd(k);
      }
      return -1;
    }
  }

  /** Full answer: the assigned feature, the boundary flag and every feature containing the point. */
  match(lng: number, lat: number): PointMatch {
    const v = this.descend(lng, lat);
    if (v === -1) return NO_MATCH;
    if (v >= 0) return { index: v, onBoundary: false, candidates: [v] };
    const candidates: number[] = [];
    const found = this.scanLeaf(v, lng, lat, candidates);
    if (found < 0) return NO_MATCH;
    return { index: found >> 1, onBoundary: (found & 1) === 1, candidates };
  }

  /**
   * `match` without the candidate list and allocation-free, for bulk passes (`catchments assign`):
   * -1 when no feature holds the point, else 2 × the assigned feature + 1 when `match` would say
   * onBoundary.
   */
  assignment(lng: number, lat: number): number {
    const v = this.descend(lng, lat);
    if (v >= -1) return v < 0 ? -1 : v << 1;
    return this.scanLeaf(v, lng, lat, null);
  }

  /** The value of the leaf-level cell holding the point (layout above); -1 outside the index. */
  private descend(lng: number, lat: number): number {
    if (!(lng >= this.minX && lng <= this.maxX && lat >= this.minY && lat <= this.maxY)) return -1;
    const cells = this.cells;
    let node = 0;
    for (;;) {
      const v = cells[this.cellOf(node, lng, lat)]!;
      if (v >= -1) return v;
      const c = -2 - v;
      if ((c & 1) === 1) return v;
      node = c >> 1;
    }
  }

  /**
   * The features of leaf cell `v` holding the point, pushed onto `candidates` when given: -1 for
   * none, else 2 × the first + 1 when it is on an edge or not the only one.
   */
  private scanLeaf(v: number, lng: number, lat: number, candidates: number[] | null): number {
    const leaves = this.leaves;
    const at = (-2 - v) >> 1;
    const n = leaves[at]!;
    let first = -1;
    let firstOnEdge = false;
    let count = 0;
    let k = at + 1;
    for (let j = 0; j < n; ) {
      // A feature's entries (one per part) are consecutive: on an edge of any part beats inside.
      const f = leaves[k]! >> 1;
      let r = 0;
      for (; j < n && leaves[k]! >> 1 === f; j++) {
        if (r !== 2) r = Math.max(r, this.entryTest(k, lng, lat));
        k = this.entryEnd(k);
      }
      if (r === 0) continue;
      if (count === 0) {
        first = f;
        firstOnEdge = r === 2;
      }
      count++;
      if (candidates) candidates.push(f);
      // Without a list to fill, a second feature settles the answer.
      else if (count > 1) break;
    }
    if (count === 0) return -1;
    return (first << 1) | (firstOnEdge || count > 1 ? 1 : 0);
  }

  /** Index into `cells` of the cell of `node` holding (x, y); clamps float spill at the node's edges. */
  private cellOf(node: number, x: number, y: number): number {
    const nodes = this.nodes;
    const o = node * NODE_STRIDE;
    const nx = nodes[o + NODE_NX]!;
    const ny = nodes[o + NODE_NY]!;
    let ix = Math.floor((x - nodes[o + NODE_X0]!) * nodes[o + NODE_INV_W]!);
    let iy = Math.floor((y - nodes[o + NODE_Y0]!) * nodes[o + NODE_INV_H]!);
    if (ix < 0) ix = 0;
    else if (ix >= nx) ix = nx - 1;
    if (iy < 0) iy = 0;
    else if (iy >= ny) iy = ny - 1;
    return nodes[o + NODE_BASE]! + iy * nx + ix;
  }

  /** Where the leaf entry starting at leaves[k] ends (layout above). */
  private entryEnd(k: number): number {
    const leaves = this.leaves;
    const counts = leaves[k + 1]!;
    return counts >= 0 ? k + 2 + (counts >>> 16) + (counts & 0xffff) : k + 3 + ~counts + leaves[k + 2]!;
  }

  /**
   * The exact test of one leaf entry (one polygon part near the cell): 0 outside, 1 inside, 2 within the
   * tolerance of one of its edges. parity = bit ⊕ crossings of the stored edges ⊕ thresholds above py.
   */
  private entryTest(k: number, px: number, py: number): 0 | 1 | 2 {
    const leaves = this.leaves;
    const counts = leaves[k + 1]!;
    let e: number;
    let edgesEnd: number;
    let end: number;
    if (counts >= 0) {
      e = k + 2;
      edgesEnd = e + (counts >>> 16);
      end = edgesEnd + (counts & 0xffff);
    } else {
      e = k + 3;
      edgesEnd = e + ~counts;
      end = edgesEnd + leaves[k + 2]!;
    }
    const xy = this.xy;
    const tol = this.boundaryToleranceDeg;
    const tol2 = this.tol2;
    let inside = leaves[k]! & 1;
    for (; e < edgesEnd; e++) {
      const i = leaves[e]! << 1;
      const x0 = xy[i]!;
      const y0 = xy[i + 1]!;
      const x1 = xy[i + 2]!;
      const y1 = xy[i + 3]!;
      if (nearSegment(px, py, x0, y0, x1, y1, tol, tol2)) return 2;
      // The same expression as FeatureSlabs.parity, so the split sum equals the full one exactly.
      if (y0 > py !== y1 > py && px < x0 + ((py - y0) * (x1 - x0)) / (y1 - y0)) inside ^= 1;
    }
    for (; e < end; e++) if (xy[(leaves[e]! << 1) + 1]! > py) inside ^= 1;
    return inside === 1 ? 1 : 0;
  }
}

// ---------------------------------------------------------------------------------------------------
// Grid build

interface Grid {
  readonly arrays: {
    readonly nodes: Float64Array;
    readonly cells: Int32Array;
    readonly leaves: Int32Array;
  };
  readonly pureCells: number;
  readonly leafCells: number;
}

interface GridTask {
  readonly node: number;
  readonly depth: number;
  readonly x0: number;
  readonly y0: number;
  readonly cw: number;
  readonly ch: number;
  readonly nx: number;
  readonly ny: number;
  /** Features that may contain a point of the node's region, ascending. */
  readonly feats: Int32Array;
  /** Edges (start-vertex ids) of feats[j] within reach of the region: edges[edgeStart[j] .. edgeStart[j + 1]). */
  readonly edgeStart: Int32Array;
  readonly edges: Int32Array;
}

/**
 * Builds the grid tree breadth-first. In each node, every feature's edges are rasterised conservatively
 * (cells within `pad` of an edge are "crossed"); the other cells of the feature's bbox are wholly inside
 * or outside it, decided by one exact test per run of such cells in a row. A cell with one covering
 * feature and nothing crossing it is pure; crossed cells with many edges become child grids, the rest
 * leaves. Scratch buffers are shared by all nodes, so the build allocates little per node.
 */
class GridBuilder {
  private readonly nodes = new FloatList(NODE_STRIDE * 1024);
  private readonly cells: IntList;
  private readonly leaves: IntList;
  private pureCells = 0;
  private leafCells = 0;
  private nodeCount = 0;
  private readonly queue: (GridTask | undefined)[] = [];

  // Scratch, grown on demand.
  private cellEdgeCount = new Int32Array(0);
  private cellFeatCount = new Int32Array(0);
  private cellCrossed = new Uint8Array(0);
  private featAt = new Int32Array(0);
  private edgeAt = new Int32Array(0);
  private featSorted = new Int32Array(0);
  private edgeSorted = new Int32Array(0);
  private mark = new Uint8Array(1024);
  private readonly featPairCell: IntList;
  private readonly featPairFeat: IntList;
  private readonly edgePairCell: IntList;
  private readonly edgePairEdge: IntList;
  private readonly thresholds = new IntList(64);
  /** Each leaf entry's full parity at its cell's centre, answered in batches at the end. */
  private readonly parities: DeferredParities;

  constructor(
    private readonly layer: FlatLayer,
    private readonly exact: FeatureSlabs,
    private readonly pad: number,
    private readonly tuning: GridTuning,
    private readonly checkpoint: () => void,
  ) {
    // Sized from England LSOAs (per edge: ~1 cell, ~4.4 leaf ints, ~1.15 root (cell, edge) pairs) so that
    // big layers grow these at most once: every regrowth of a large buffer can force a full GC.
    const nEdges = layer.edges.length;
    this.cells = new IntList(Math.ceil(nEdges * 1.15) + 1024);
    this.leaves = new IntList(Math.ceil(nEdges * 4.5) + 1024);
    this.edgePairCell = new IntList(Math.ceil(nEdges * 1.25) + 1024);
    this.edgePairEdge = new IntList(Math.ceil(nEdges * 1.25) + 1024);
    this.featPairCell = new IntList(Math.ceil(nEdges / 6) + 1024);
    this.featPairFeat = new IntList(Math.ceil(nEdges / 6) + 1024);
    this.parities = new DeferredParities(exact, checkpoint);
  }

  build(): Grid {
    const { layer, pad } = this;
    const n = layer.size;
    const feats = new IntList(n);
    const edgeStart = new IntList(n + 1);
    edgeStart.push(0);
    for (let f = 0; f < n; f++) {
      // Features without edges contain no point.
      if (layer.featEdgeStart[f + 1]! > layer.featEdgeStart[f]!) {
        feats.push(f);
        edgeStart.push(layer.featEdgeStart[f + 1]!);
      }
    }
    const x0 = layer.bounds[0] - pad;
    const y0 = layer.bounds[1] - pad;
    const width = Math.max(layer.bounds[2] + pad - x0, 1e-9);
    const height = Math.max(layer.bounds[3] + pad - y0, 1e-9);
    let nx = 1;
    let ny = 1;
    if (feats.length > 0) {
      // Root cells roughly square on the ground: a degree of longitude shrinks with cos(latitude).
      const midLat = Math.min(85, Math.abs(y0 + height / 2));
      const groundAspect = (width * Math.cos((midLat * Math.PI) / 180)) / height;
      const target = Math.min(
        MAX_ROOT_CELLS,
        Math.max(1, Math.ceil(layer.edges.length / this.tuning.rootEdgesPerCell)),
      );
      nx = clampInt(Math.round(Math.sqrt(target * groundAspect)), 1, target);
      ny = clampInt(Math.round(target / nx), 1, target);
    }
    this.queue.push({
      node: this.nodeCount++,
      depth: 0,
      x0,
      y0,
      cw: width / nx,
      ch: height / ny,
      nx,
      ny,
      feats: feats.toArray(),
      edgeStart: edgeStart.toArray(),
      edges: layer.edges,
    });
    for (let q = 0; q < this.queue.length; q++) {
      const task = this.queue[q]!;
      this.queue[q] = undefined; // let its arrays go
      this.processNode(task);
      this.checkpoint();
    }
    this.parities.resolveInto(this.leaves.data);
    return {
      arrays: {
        nodes: this.nodes.toArray(),
        cells: this.cells.trimmed(),
        leaves: this.leaves.trimmed(),
      },
      pureCells: this.pureCells,
      leafCells: this.leafCells,
    };
  }

  private ensureScratch(nCells: number): void {
    if (this.cellEdgeCount.length >= nCells) {
      this.cellEdgeCount.fill(0, 0, nCells);
      this.cellFeatCount.fill(0, 0, nCells);
      this.cellCrossed.fill(0, 0, nCells);
      return;
    }
    this.cellEdgeCount = new Int32Array(nCells);
    this.cellFeatCount = new Int32Array(nCells);
    this.cellCrossed = new Uint8Array(nCells);
    this.featAt = new Int32Array(nCells + 1);
    this.edgeAt = new Int32Array(nCells + 1);
  }

  private processNode(task: GridTask): void {
    const { x0, y0, cw, ch, nx, ny, feats, edgeStart, edges } = task;
    const { pad, exact } = this;
    const { featBBox } = this.layer;
    const coords = this.layer.xy;
    const nCells = nx * ny;
    this.ensureScratch(nCells);
    const cellEdgeCount = this.cellEdgeCount;
    const cellFeatCount = this.cellFeatCount;
    const cellCrossed = this.cellCrossed;
    const featPairCell = this.featPairCell;
    const featPairFeat = this.featPairFeat;
    const edgePairCell = this.edgePairCell;
    const edgePairEdge = this.edgePairEdge;
    featPairCell.length = 0;
    featPairFeat.length = 0;
    edgePairCell.length = 0;
    edgePairEdge.length = 0;
    const invW = 1 / cw;
    const invH = 1 / ch;

    for (let j = 0; j < feats.length; j++) {
      const f = feats[j]!;
      // The feature's footprint in this node, in cells.
      const fx0 = clampInt(Math.floor((featBBox[f * 4]! - pad - x0) * invW), 0, nx - 1);
      const fy0 = clampInt(Math.floor((featBBox[f * 4 + 1]! - pad - y0) * invH), 0, ny - 1);
      const fx1 = clampInt(Math.floor((featBBox[f * 4 + 2]! + pad - x0) * invW), 0, nx - 1);
      const fy1 = clampInt(Math.floor((featBBox[f * 4 + 3]! + pad - y0) * invH), 0, ny - 1);
      const bw = fx1 - fx0 + 1;
      const bh = fy1 - fy0 + 1;
      if (this.mark.length < bw * bh) this.mark = new Uint8Array(Math.max(bw * bh, this.mark.length * 2));
      const mark = this.mark;
      mark.fill(0, 0, bw * bh);

      // Conservative rasterisation: every cell within `pad` of an edge is marked crossed.
      for (let k = edgeStart[j]!; k < edgeStart[j + 1]!; k++) {
        const e = edges[k]!;
        const ax = coords[e * 2]!;
        const ay = coords[e * 2 + 1]!;
        const bx = coords[e * 2 + 2]!;
        const by = coords[e * 2 + 3]!;
        const segMinY = Math.min(ay, by);
        const segMaxY = Math.max(ay, by);
        const iy0 = Math.max(fy0, Math.floor((segMinY - pad - y0) * invH));
        const iy1 = Math.min(fy1, Math.floor((segMaxY + pad - y0) * invH));
        const slope = ay === by ? 0 : (bx - ax) / (by - ay);
        for (let iy = iy0; iy <= iy1; iy++) {
          // The segment's x-range over this row's y-band grown by pad, then grown by pad again in x.
          // Start from the whole segment and narrow only on sound arithmetic: a near-horizontal edge
          // can overflow the slope, and NaN must widen (never drop) the cells marked.
          let xa = Math.min(ax, bx);
          let xb = Math.max(ax, bx);
          if (ay !== by) {
            const ya = clampNum(y0 + iy * ch - pad, segMinY, segMaxY);
            const yb = clampNum(y0 + (iy + 1) * ch + pad, segMinY, segMaxY);
            const p = ax + (ya - ay) * slope;
            const r = ax + (yb - ay) * slope;
            const lo = Math.min(p, r);
            const hi = Math.max(p, r);
            if (lo > xa) xa = lo;
            if (hi < xb) xb = hi;
          }
          const ix0 = Math.max(fx0, Math.floor((xa - pad - x0) * invW));
          const ix1 = Math.min(fx1, Math.floor((xb + pad - x0) * invW));
          if (ix1 < ix0) continue;
          let w = edgePairCell.reserve(ix1 - ix0 + 1);
          edgePairEdge.reserve(ix1 - ix0 + 1);
          const pairCells = edgePairCell.data;
          const pairEdges = edgePairEdge.data;
          for (let ix = ix0; ix <= ix1; ix++, w++) {
            const cell = iy * nx + ix;
            pairCells[w] = cell;
            pairEdges[w] = e;
            cellEdgeCount[cell]!++;
            const li = (iy - fy0) * bw + (ix - fx0);
            if (mark[li] === 0) {
              mark[li] = 1;
              featPairCell.push(cell);
              featPairFeat.push(f);
              cellFeatCount[cell]!++;
              cellCrossed[cell] = 1;
            }
          }
        }
      }

      // Runs of unmarked cells in a row are wholly inside or wholly outside f: one exact test per run.
      for (let iy = fy0; iy <= fy1; iy++) {
        const rowMark = (iy - fy0) * bw - fx0;
        let ix = fx0;
        while (ix <= fx1) {
          if (mark[rowMark + ix] !== 0) {
            ix++;
            continue;
          }
          const r = exact.classify(f, x0 + (ix + 0.5) * cw, y0 + (iy + 0.5) * ch);
          if (r === 2) {
            // Only float rounding could bring an edge this close to an unmarked cell: treat it as crossed.
            const cell = iy * nx + ix;
            featPairCell.push(cell);
            featPairFeat.push(f);
            cellFeatCount[cell]!++;
            cellCrossed[cell] = 1;
            ix++;
            continue;
          }
          const runStart = ix;
          while (ix <= fx1 && mark[rowMark + ix] === 0) ix++;
          if (r === 1) {
            for (let c = runStart; c < ix; c++) {
              const cell = iy * nx + c;
              featPairCell.push(cell);
              featPairFeat.push(f);
              cellFeatCount[cell]!++;
            }
          }
        }
      }
    }

    // Group the (cell, feature) and (cell, edge) pairs by cell; the counting sort keeps them ascending.
    const featAt = this.featAt;
    const edgeAt = this.edgeAt;
    prefixStarts(cellFeatCount, nCells, featAt);
    prefixStarts(cellEdgeCount, nCells, edgeAt);
    // The root node needs the largest buffers; later nodes reuse them.
    if (this.featSorted.length < featPairCell.length) this.featSorted = new Int32Array(featPairCell.length);
    if (this.edgeSorted.length < edgePairCell.length) this.edgeSorted = new Int32Array(edgePairCell.length);
    const featSorted = this.featSorted;
    const edgeSorted = this.edgeSorted;
    scatter(featPairCell, featPairFeat, featAt, nCells, featSorted);
    scatter(edgePairCell, edgePairEdge, edgeAt, nCells, edgeSorted);

    const base = this.cells.length;
    const { splitMinEdges, childEdgesPerCell, maxChildK, maxDepth } = this.tuning;
    for (let cell = 0; cell < nCells; cell++) {
      const fc = cellFeatCount[cell]!;
      const ec = cellEdgeCount[cell]!;
      const ix = cell % nx;
      const iy = (cell - ix) / nx;
      if (fc === 0) {
        this.cells.push(-1);
        this.pureCells++;
      } else if (fc === 1 && cellCrossed[cell] === 0) {
        this.cells.push(featSorted[featAt[cell]!]!);
        this.pureCells++;
      } else if (ec > splitMinEdges && task.depth < maxDepth) {
        const child = this.nodeCount++;
        const k = clampInt(Math.ceil(Math.sqrt(ec / childEdgesPerCell)), 2, maxChildK);
        const childFeats = featSorted.slice(featAt[cell]!, featAt[cell]! + fc);
        const childEdges = edgeSorted.slice(edgeAt[cell]!, edgeAt[cell]! + ec);
        // Edges arrive feature-major (features were rasterised in ascending order): cut them per feature.
        const childEdgeStart = new Int32Array(fc + 1);
        let at = 0;
        for (let j = 0; j < fc; j++) {
          const vertexEnd = this.layer.featVertexStart[childFeats[j]! + 1]!;
          while (at < ec && childEdges[at]! < vertexEnd) at++;
          childEdgeStart[j + 1] = at;
        }
        this.queue.push({
          node: child,
          depth: task.depth + 1,
          x0: x0 + ix * cw,
          y0: y0 + iy * ch,
          cw: cw / k,
          ch: ch / k,
          nx: k,
          ny: k,
          feats: childFeats,
          edgeStart: childEdgeStart,
          edges: childEdges,
        });
        this.cells.push(-2 - 2 * child);
      } else {
        const at = this.writeLeaf(
          x0 + ix * cw,
          y0 + iy * ch,
          x0 + (ix + 1) * cw,
          y0 + (iy + 1) * ch,
          featAt[cell]!,
          featAt[cell]! + fc,
          edgeAt[cell]!,
          edgeAt[cell]! + ec,
        );
        this.cells.push(-3 - 2 * at);
        this.leafCells++;
      }
    }
    // Nodes are numbered in queue order, so these arrays fill in node order.
    const record = [x0, y0, invW, invH, nx, ny, base, 0];
    for (const value of record) this.nodes.push(value);
  }

  /**
   * Writes the leaf block of cell [cx0, cx1] × [cy0, cy1] whose candidates are featSorted[fa..fb) and
   * whose edges are edgeSorted[ea..eb) (ascending, so feature-major and part-major); returns its offset.
   */
  private writeLeaf(
    cx0: number,
    cy0: number,
    cx1: number,
    cy1: number,
    fa: number,
    fb: number,
    ea: number,
    eb: number,
  ): number {
    const { layer, exact, leaves } = this;
    const edgeSorted = this.edgeSorted;
    const cx = (cx0 + cx1) / 2;
    const cy = (cy0 + cy1) / 2;
    const at = leaves.length;
    leaves.push(0); // entry count, set below
    let entries = 0;
    let e = ea;
    for (let j = fa; j < fb; j++) {
      const f = this.featSorted[j]!;
      const firstPart = layer.featFirstPart[f]!;
      const lastPart = firstPart + layer.featPartCount[f]!;
      for (let p = firstPart; p < lastPart; p++) {
        const lo = layer.partVertexStart[p]!;
        const hi = layer.partVertexEnd[p]!;
        const first = e;
        while (e < eb && edgeSorted[e]! < hi) e++;
        if (e === first) {
          // No edge of this part comes near the cell: it covers the cell wholly or misses it.
          const b = p * 4;
          const bb = layer.partBBox;
          if (!(cx >= bb[b]! && cx <= bb[b + 2]! && cy >= bb[b + 1]! && cy <= bb[b + 3]!)) continue;
          if (exact.parity(f, lo, hi, cx, cy) === 0) continue;
        }
        this.writeEntry(f, lo, hi, first, e, cx1, cy0, cy1, cx, cy);
        entries++;
      }
    }
    leaves.data[at] = entries;
    return at;
  }

  /** Writes one leaf entry: part [lo, hi) of feature f, whose edges near the cell are edgeSorted[first..end). */
  private writeEntry(
    f: number,
    lo: number,
    hi: number,
    first: number,
    end: number,
    cx1: number,
    cy0: number,
    cy1: number,
    cx: number,
    cy: number,
  ): void {
    const { layer, exact, leaves, thresholds } = this;
    const xy = layer.xy;
    const edgeSorted = this.edgeSorted;
    const sy0 = cy0 - LEAF_STRIP_MARGIN_DEG;
    const sy1 = cy1 + LEAF_STRIP_MARGIN_DEG;
    // Thresholds: vertices in the strip where a stored edge meets an unstored edge lying right of the
    // cell (or clear of the strip), i.e. the ends of the runs whose crossings telescope. Stored edges
    // are ascending, so a neighbour in the ring is usually the neighbour in the slice.
    thresholds.length = 0;
    for (let k = first; k < end; k++) {
      const v = edgeSorted[k]!;
      const y0 = xy[v * 2 + 1]!;
      if (y0 >= sy0 && y0 <= sy1 && !(k > first && edgeSorted[k - 1] === v - 1)) {
        const before = previousEdge(layer, v);
        if (!sortedIncludes(edgeSorted, first, end, before) && this.rightOrClear(before, cx1, sy0, sy1)) {
          thresholds.push(v);
        }
      }
      const y1 = xy[v * 2 + 3]!;
      if (y1 >= sy0 && y1 <= sy1 && !(k + 1 < end && edgeSorted[k + 1] === v + 1)) {
        const after = nextEdge(layer, v);
        if (!sortedIncludes(edgeSorted, first, end, after) && this.rightOrClear(after, cx1, sy0, sy1)) {
          thresholds.push(v + 1);
        }
      }
    }
    // The bit: the part's full parity at a reference point of the cell (added by `parities` once the
    // grid is built), xor the stored edges' and thresholds' terms there. Any point of the cell will do,
    // as the split holds throughout it; its latitude is the coarsest binary fraction in the cell's
    // rows, which cells of many nodes share, so `parities` answers them in one pass per latitude.
    const ry = coarsestDyadicIn(cy0, cy1, cy);
    // A short slab (ordinary boundaries) is cheaper to read now than to queue, sort and batch.
    const direct = exact.slabEdgeCount(f, ry) <= DIRECT_PARITY_MAX_EDGES;
    let bit: number = direct ? exact.parity(f, lo, hi, cx, ry) : 0;
    for (let k = first; k < end; k++) {
      const i = edgeSorted[k]! << 1;
      const x0 = xy[i]!;
      const y0 = xy[i + 1]!;
      const x1 = xy[i + 2]!;
      const y1 = xy[i + 3]!;
      if (y0 > ry !== y1 > ry && cx < x0 + ((ry - y0) * (x1 - x0)) / (y1 - y0)) bit ^= 1;
    }
    for (let k = 0; k < thresholds.length; k++) if (xy[thresholds.data[k]! * 2 + 1]! > ry) bit ^= 1;
    const nEdges = end - first;
    const nThresholds = thresholds.length;
    const packed = nEdges <= LEAF_PACKED_MAX_EDGES && nThresholds <= LEAF_PACKED_MAX_THRESHOLDS;
    let w = leaves.reserve((packed ? 2 : 3) + nEdges + nThresholds);
    if (!direct) this.parities.add(w, f, lo, hi, cx, ry);
    const out = leaves.data;
    out[w++] = (f << 1) | bit;
    if (packed) {
      out[w++] = (nEdges << 16) | nThresholds;
    } else {
      out[w++] = ~nEdges;
      out[w++] = nThresholds;
    }
    for (let k = first; k < end; k++) out[w++] = edgeSorted[k]!;
    const t = thresholds.data;
    for (let k = 0; k < nThresholds; k++) out[w++] = t[k]!;
  }

  /**
   * For an edge not stored in the leaf (so farther than `pad` from the cell): true when its part inside
   * the strip [sy0, sy1] lies right of the cell, or it has no such part; false when that part lies left.
   */
  private rightOrClear(v: number, cx1: number, sy0: number, sy1: number): boolean {
    const xy = this.layer.xy;
    const ax = xy[v * 2]!;
    const ay = xy[v * 2 + 1]!;
    const bx = xy[v * 2 + 2]!;
    const by = xy[v * 2 + 3]!;
    const lo = Math.min(ay, by);
    const hi = Math.max(ay, by);
    if (hi < sy0 || lo > sy1) return true;
    // Any point of the edge within the strip decides, since its strip part lies wholly on one side.
    const y = clampNum((sy0 + sy1) / 2, lo, hi);
    const x = ay === by ? ax : ax + ((y - ay) * (bx - ax)) / (by - ay);
    return x > cx1;
  }
}

/** Whether the ascending slice sorted[lo..hi) holds v. */
function sortedIncludes(sorted: Int32Array, lo: number, hi: number, v: number): boolean {
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const m = sorted[mid]!;
    if (m === v) return true;
    if (m < v) lo = mid + 1;
    else hi = mid;
  }
  return false;
}

function noCheckpoint(): void {}

/**
 * Leaves whose slab holds at most this many edges get their parity at once; longer slabs (stars,
 * sawtooths) are batched by `DeferredParities`. Deferring every leaf made England's LSOA index build
 * ~60% slower (CPU 1.9 s → 3.1-3.5 s) for slabs of a handful of edges.
 */
const DIRECT_PARITY_MAX_EDGES = 64;

/** The least multiple of `step` (a power of two) that is >= a; a / step may underflow to 0. */
function firstMultipleFrom(a: number, step: number): number {
  const m = Math.ceil(a / step) * step;
  return m < a ? m + step : m;
}

/**
 * The number in [a, b] with the fewest significant bits (a multiple of the largest power of two that
 * has one there), or `fallback` when a, b are not an interval of finite numbers. Multiples of a power
 * of two are exact doubles, so the result is within [a, b] exactly.
 */
export function coarsestDyadicIn(a: number, b: number, fallback: number): number {
  if (!(b > a) || !Number.isFinite(a) || !Number.isFinite(b)) return fallback;
  let step = 2 ** Math.floor(Math.log2(b - a));
  if (!(step > 0 && Number.isFinite(step))) return fallback;
  // b - a >= step, so [a, b] holds a multiple of step; try coarser steps while it holds theirs.
  let best = firstMultipleFrom(a, step);
  for (;;) {
    const coarser = firstMultipleFrom(a, 2 * step);
    if (!(coarser <= b)) break;
    best = coarser;
    step *= 2;
  }
  return best >= a && best <= b ? best : fallback;
}

function clampInt(v: number, lo: number, hi: number): number {
  return v < lo ? lo : Math.min(v, hi);
}

function clampNum(v: number, lo: number, hi: number): number {
  return v < lo ? lo : Math.min(v, hi);
}

/** Exclusive prefix sums of counts[0..n) into at[0..n]: where each cell's group starts. */
function prefixStarts(counts: Int32Array, n: number, at: Int32Array): void {
  at[0] = 0;
  for (let i = 0; i < n; i++) at[i + 1] = at[i]! + counts[i]!;
}

/** Stable counting-sort scatter of `values` by `keys` (cells < n) into `out`, using the starts `at`. */
function scatter(keys: IntList, values: IntList, at: Int32Array, n: number, out: Int32Array): void {
  const cursor = at.slice(0, n);
  const k = keys.data;
  const v = values.data;
  for (let i = 0; i < keys.length; i++) out[cursor[k[i]!]!++] = v[i]!;
}
