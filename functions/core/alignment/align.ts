// Alignment of two polygon layers A and B (e.g. HV patches and CoC midwifery teams): every overlapping
// pair with its area and postcodes, best fits both ways, scores, slivers apart, misaligned fragments as
// GeoJSON and ranked suggested fixes. Semantics and the JSON schema: docs/alignment.md.
//
// Works for any two `Layer`s, so the redraw impact (draft vs active version) can call it per version.
import type { Feature, FeatureCollection, MultiPolygon } from 'geojson';
import type { Layer } from '../model.js';
import { type LayerPair, overlayLayers, pairGeometry } from '../overlay/layers.js';
import { type OverlayLimits, type PreparedLayer, prepareLayer, projectionFor } from '../overlay/prepared.js';
import {
  type Basis,
  type Cell,
  type Change,
  type DirectionScore,
  OverlapMatrix,
  type PointsBasis,
  type ScoreSet,
} from './matrix.js';
import { locatePoints, type WeightedPoint } from './points.js';

export type { Basis, DirectionScore, ScoreSet, WeightedPoint };

/** A tiny overlap with no postcodes is digitising noise: reported apart, never a misalignment. */
export interface SliverRule {
  /** Below this share of the smaller of the two units (default 0.01)... */
  readonly maxShare: number;
  /** ...and below this area in m² (default 10,000 m² = 1 ha)... */
  readonly maxAreaM2: number;
  // ...and holding no postcodes (when points are given).
}

export const DEFAULT_SLIVER_RULE: SliverRule = { maxShare: 0.01, maxAreaM2: 10_000 };
export const DEFAULT_THRESHOLD = 0.95;

export interface AlignmentOptions {
  /** Share of a unit in its best fit at which it counts as nested (default 0.95). */
  readonly threshold?: number;
  /** Postcode points (or other weighted points) to count in every piece. */
  readonly points?: readonly WeightedPoint[];
  /**
   * The points' weights are a planner's weights from this column (e.g. `births`): the scores' basis
   * is then `weights`, named by it, rather than `postcodes`.
   */
  readonly weightColumn?: string;
  readonly sliver?: Partial<SliverRule>;
  /** Build geometry for misaligned fragments and fixes (default true). */
  readonly geometry?: boolean;
  /** How many suggested fixes to return (default 10). */
  readonly maxFixes?: number;
  /** Words for the reports, e.g. { a: 'patch', b: 'team' } (default 'A unit' / 'B unit'). */
  readonly nouns?: { readonly a?: string; readonly b?: string };
  readonly limits?: OverlayLimits;
}

export interface AlignmentPair {
  readonly a: string;
  readonly b: string;
  readonly areaM2: number;
  /** Points (postcodes) in a ∩ b. */
  readonly postcodes: number;
  /** Σ point weights in a ∩ b (equals `postcodes` when points carry no weight). */
  readonly weight: number;
  /** areaM2 / area of a, and / area of b. */
  readonly shareOfA: number;
  readonly shareOfB: number;
  readonly sliver: boolean;
  /** b is a's best fit or a is b's best fit (see "coterminosity"). */
  readonly aligned: boolean;
  /** How the area was computed (see docs): 'exact' on valid input. */
  readonly method: LayerPair['method'] | 'points-only';
}

export interface UnitFit {
  readonly id: string;
  readonly name: string;
  readonly areaM2: number;
  readonly postcodes: number;
  readonly weight: number;
  /** Id of the best-fitting unit of the other layer, null when the unit overlaps none. */
  readonly bestFit: string | null;
  readonly shareByArea: number;
  /** null without points, or when the unit holds no postcodes. */
  readonly shareByPostcodes: number | null;
  readonly nested: boolean;
  /** Other units of the other layer it overlaps beyond slivers, largest first. */
  readonly splits: readonly { readonly id: string; readonly areaM2: number; readonly postcodes: number }[];
  /** Part of the unit in no unit of the other layer. */
  readonly uncoveredAreaM2: number;
  readonly uncoveredPostcodes: number;
}

export interface FragmentProperties {
  readonly a: string;
  readonly aName: string;
  readonly b: string;
  readonly bName: string;
  /** The best fit of a, which this piece is not in. */
  readonly bestFitOfA: string | null;
  readonly areaM2: number;
  readonly postcodes: number;
  readonly weight: number;
  readonly shareOfA: number;
  /** 'exact' (the overlay's own loops), a polyclip fallback, or 'failed' (geometry null). */
  readonly geometryMethod: LayerPair['method'] | 'not-built';
}

export interface FixMove {
  /** The unit that gives up the piece and the unit that takes it (both in the changed layer). */
  readonly from: string;
  readonly to: string;
  /** The piece: a ∩ b. */
  readonly a: string;
  readonly b: string;
  readonly areaM2: number;
  readonly postcodes: number;
  readonly weight: number;
  readonly geometry: MultiPolygon | null;
}

export interface AlignmentFix {
  readonly rank: number;
  /** One fragment, or every piece of a unit outside its best fit. */
  readonly kind: 'move-fragment' | 'move-unit';
  /** Which layer's boundaries change. */
  readonly layer: 'a' | 'b';
  readonly to: string;
  readonly moves: readonly FixMove[];
  readonly areaM2: number;
  readonly postcodes: number;
  readonly before: ScoreSet;
  readonly after: ScoreSet;
  /** after.coterminosity − before.coterminosity. */
  readonly gain: number;
  readonly summary: string;
}

export interface AlignmentResult {
  readonly a: { readonly units: number; readonly areaM2: number; readonly postcodes: number };
  readonly b: { readonly units: number; readonly areaM2: number; readonly postcodes: number };
  readonly threshold: number;
  readonly sliverRule: SliverRule;
  readonly scores: ScoreSet;
  readonly pairs: readonly AlignmentPair[];
  readonly unitsA: readonly UnitFit[];
  readonly unitsB: readonly UnitFit[];
  readonly slivers: { readonly count: number; readonly areaM2: number; readonly largestM2: number };
  /** Pieces that are neither aligned nor slivers: what keeps coterminosity below 1. */
  readonly misalignedPieces: number;
  /** Pieces of A units outside their best fit (non-sliver), largest weight first. */
  readonly fragments: FeatureCollection<MultiPolygon | null, FragmentProperties>;
  readonly fixes: readonly AlignmentFix[];
  readonly points: {
    readonly given: number;
    readonly skipped: number;
    readonly inA: number;
    readonly inB: number;
    readonly inBoth: number;
  } | null;
  readonly stats: {
    readonly candidatePairs: number;
    readonly touchingPairs: number;
    readonly crossings: number;
    /** Pairs the exact engine declined (invalid input), with what was done instead. */
    readonly fallbacks: readonly {
      readonly a: string;
      readonly b: string;
      readonly method: string;
      readonly reason: string;
    }[];
  };
}

/** Everything computed on the way, kept for fixes, three-way reports and applyFix. */
export interface AlignmentWork {
  readonly A: PreparedLayer;
  readonly B: PreparedLayer;
  readonly matrix: OverlapMatrix;
  readonly result: AlignmentResult;
}

function toInput(layer: Layer) {
  return layer.features.map((f, i) => ({
    id: String(f.properties?.id ?? `#${i}`),
    name: String(f.properties?.name ?? f.properties?.id ?? `#${i}`),
    geometry: f.geometry,
  }));
}

/**
 * Aligns layer A with layer B. Throws InvalidGeometryError (typed) when a layer cannot be overlaid at
 * all (not WGS84, over the vertex caps, not polygons); otherwise returns a result, whatever the data.
 */
export function alignLayers(layerA: Layer, layerB: Layer, options: AlignmentOptions = {}): AlignmentResult {
  return alignLayersWork(layerA, layerB, options).result;
}

export function alignLayersWork(layerA: Layer, layerB: Layer, options: AlignmentOptions = {}): AlignmentWork {
  const threshold = options.threshold ?? DEFAULT_THRESHOLD;
  if (!(threshold > 0 && threshold <= 1))
    throw new RangeError(`threshold must be in (0, 1], got ${threshold}`);
  const sliverRule: SliverRule = { ...DEFAULT_SLIVER_RULE, ...options.sliver };
  const nouns = { a: options.nouns?.a ?? 'A unit', b: options.nouns?.b ?? 'B unit' };
  const inA = toInput(layerA);
  const inB = toInput(layerB);
  const projection = projectionFor([...inA, ...inB]);
  const A = prepareLayer(inA, { projection, limits: options.limits, label: `${nouns.a} layer` });
  const B = prepareLayer(inB, { projection, limits: options.limits, label: `${nouns.b} layer` });
  const geomA = inA.map((f) => f.geometry);
  const geomB = inB.map((f) => f.geometry);
  const overlay = overlayLayers(A, B, { limits: options.limits, geometriesA: geomA, geometriesB: geomB });

  // Points: per unit and per pair.
  const wA = new Float64Array(A.size);
  const wB = new Float64Array(B.size);
  const nA = new Float64Array(A.size);
  const nB = new Float64Array(B.size);
  const pairPts = new Map<number, { count: number; w: number }>();
  let pointsSummary: AlignmentResult['points'] = null;
  if (options.points) {
    const located = locatePoints(options.points, geomA, geomB);
    let inAcount = 0;
    let inBcount = 0;
    let both = 0;
    for (let i = 0; i < options.points.length; i++) {
      const a = located.inA[i]!;
      const b = located.inB[i]!;
      const w = located.weight[i]!;
      if (a >= 0) {
        inAcount++;
        wA[a]! += w;
        nA[a]!++;
      }
      if (b >= 0) {
        inBcount++;
        wB[b]! += w;
        nB[b]!++;
      }
      if (a >= 0 && b >= 0) {
        both++;
        const key = a * B.size + b;
        const cell = pairPts.get(key) ?? { count: 0, w: 0 };
        cell.count++;
        cell.w += w;
        pairPts.set(key, cell);
      }
    }
    pointsSummary = {
      given: options.points.length,
      skipped: located.skipped,
      inA: inAcount,
      inB: inBcount,
      inBoth: both,
    };
  }

  // Cells: every pair with area or with points.
  const cells: Cell[] = [];
  const methods: AlignmentPair['method'][] = [];
  const boundaries: number[] = [];
  const seen = new Set<number>();
  for (const p of overlay.pairs) {
    const key = p.a * B.size + p.b;
    seen.add(key);
    const pts = pairPts.get(key);
    cells.push({ a: p.a, b: p.b, area: p.areaM2, w: pts?.w ?? 0, count: pts?.count ?? 0 });
    methods.push(p.method);
    boundaries.push(p.boundaryM);
  }
  for (const [key, pts] of pairPts) {
    if (seen.has(key)) continue;
    // Points on a shared boundary can land in a pair whose overlap has no area.
    cells.push({ a: Math.floor(key / B.size), b: key % B.size, area: 0, w: pts.w, count: pts.count });
    methods.push('points-only');
    boundaries.push(0);
  }
  const order = cells.map((_, i) => i).sort((i, j) => cells[i]!.a - cells[j]!.a || cells[i]!.b - cells[j]!.b);
  const sortedCells = order.map((i) => cells[i]!);
  const sortedMethods = order.map((i) => methods[i]!);
  const matrix = new OverlapMatrix(
    sortedCells,
    { area: A.featureArea, w: wA },
    { area: B.featureArea, w: wB },
    pointsBasis(options),
  );
  const scores = matrix.scores();

  const isSliver = (c: Cell): boolean =>
    c.count === 0 &&
    c.area < sliverRule.maxAreaM2 &&
    c.area < sliverRule.maxShare * Math.min(A.featureArea[c.a]!, B.featureArea[c.b]!);
  const sliverFlags = sortedCells.map(isSliver);

  const pairs: AlignmentPair[] = sortedCells.map((c, i) => ({
    a: A.ids[c.a]!,
    b: B.ids[c.b]!,
    areaM2: c.area,
    postcodes: c.count,
    weight: c.w,
    shareOfA: A.featureArea[c.a]! > 0 ? c.area / A.featureArea[c.a]! : 0,
    shareOfB: B.featureArea[c.b]! > 0 ? c.area / B.featureArea[c.b]! : 0,
    sliver: sliverFlags[i]!,
    aligned: matrix.A.best[c.a] === i || matrix.B.best[c.b] === i,
    method: sortedMethods[i]!,
  }));

  const unitsA = unitFits('a', A, B, matrix, nA, sliverFlags, threshold);
  const unitsB = unitFits('b', B, A, matrix, nB, sliverFlags, threshold);

  let sliverArea = 0;
  let largest = 0;
  let sliverCount = 0;
  sortedCells.forEach((c, i) => {
    if (!sliverFlags[i]) return;
    sliverCount++;
    sliverArea += c.area;
    largest = Math.max(largest, c.area);
  });

  // Misaligned fragments: non-sliver pieces of a outside a's best fit.
  const wantGeometry = options.geometry ?? true;
  const geometryCache = new Map<number, { geometry: MultiPolygon | null; method: LayerPair['method'] }>();
  const geometryOf = (i: number) => {
    let g = geometryCache.get(i);
    if (!g) {
      const c = sortedCells[i]!;
      g =
        c.area > 0
          ? pairGeometry(A, c.a, B, c.b, 'intersection', { a: geomA[c.a], b: geomB[c.b] })
          : { geometry: null, method: 'failed' };
      geometryCache.set(i, g);
    }
    return g;
  };
  const fragmentIdx = sortedCells
    .map((_, i) => i)
    .filter((i) => !sliverFlags[i] && matrix.A.best[sortedCells[i]!.a] !== i)
    .sort((i, j) => sortedCells[j]!.w - sortedCells[i]!.w || sortedCells[j]!.area - sortedCells[i]!.area);
  const fragments: Feature<MultiPolygon | null, FragmentProperties>[] = fragmentIdx.map((i) => {
    const c = sortedCells[i]!;
    const g = wantGeometry ? geometryOf(i) : { geometry: null, method: 'not-built' as const };
    const best = matrix.A.best[c.a]!;
    return {
      type: 'Feature',
      geometry: g.geometry,
      properties: {
        a: A.ids[c.a]!,
        aName: A.names[c.a]!,
        b: B.ids[c.b]!,
        bName: B.names[c.b]!,
        bestFitOfA: best >= 0 ? B.ids[sortedCells[best]!.b]! : null,
        areaM2: c.area,
        postcodes: c.count,
        weight: c.w,
        shareOfA: A.featureArea[c.a]! > 0 ? c.area / A.featureArea[c.a]! : 0,
        geometryMethod: g.method,
      },
    };
  });

  const fixes = suggestFixes(
    matrix,
    A,
    B,
    sortedCells,
    sliverFlags,
    scores,
    nouns,
    options.maxFixes ?? 10,
    (i) => (wantGeometry ? geometryOf(i).geometry : null),
  );

  const sumArea = (L: PreparedLayer) => L.featureArea.reduce((s, v) => s + v, 0);
  const result: AlignmentResult = {
    a: { units: A.size, areaM2: sumArea(A), postcodes: pointsSummary?.inA ?? 0 },
    b: { units: B.size, areaM2: sumArea(B), postcodes: pointsSummary?.inB ?? 0 },
    threshold,
    sliverRule,
    scores,
    pairs,
    unitsA,
    unitsB,
    slivers: { count: sliverCount, areaM2: sliverArea, largestM2: largest },
    misalignedPieces: pairs.filter((p) => !p.aligned && !p.sliver).length,
    fragments: { type: 'FeatureCollection', features: fragments },
    fixes,
    points: pointsSummary,
    stats: {
      candidatePairs: overlay.candidates,
      touchingPairs: overlay.touching,
      crossings: overlay.crossings,
      fallbacks: overlay.fallbacks.map((p) => ({
        a: A.ids[p.a]!,
        b: B.ids[p.b]!,
        method: p.method,
        reason:
          p.declined === 'too-complex' ? 'over the crossing cap' : 'inconsistent boundary (invalid geometry)',
      })),
    },
  };
  return { A, B, matrix, result };
}

function unitFits(
  side: 'a' | 'b',
  self: PreparedLayer,
  other: PreparedLayer,
  matrix: OverlapMatrix,
  counts: Float64Array,
  sliver: readonly boolean[],
  threshold: number,
): UnitFit[] {
  const S = side === 'a' ? matrix.A : matrix.B;
  const withPoints = matrix.basis !== 'area';
  return Array.from({ length: self.size }, (_, u) => {
    const best = S.best[u]!;
    const cellsOf = S.cells[u]!;
    const bestCell = best >= 0 ? matrix.cells[best]! : undefined;
    const area = S.area[u]!;
    const w = S.w[u]!;
    const shareByArea = bestCell && area > 0 ? bestCell.area / area : 0;
    const shareByPostcodes = withPoints && w > 0 ? (bestCell?.w ?? 0) / w : null;
    const share = shareByPostcodes ?? shareByArea;
    let covered = 0;
    let coveredPts = 0;
    for (const i of cellsOf) {
      covered += matrix.cells[i]!.area;
      coveredPts += matrix.cells[i]!.count;
    }
    const splits = cellsOf
      .filter((i) => i !== best && !sliver[i])
      .map((i) => matrix.cells[i]!)
      .sort((p, q) => q.w - p.w || q.area - p.area)
      .map((c) => ({ id: other.ids[side === 'a' ? c.b : c.a]!, areaM2: c.area, postcodes: c.count }));
    return {
      id: self.ids[u]!,
      name: self.names[u]!,
      areaM2: area,
      postcodes: counts[u]!,
      weight: w,
      bestFit: bestCell ? other.ids[side === 'a' ? bestCell.b : bestCell.a]! : null,
      shareByArea,
      shareByPostcodes,
      nested: bestCell !== undefined && share >= threshold,
      splits,
      uncoveredAreaM2: Math.max(0, area - covered),
      uncoveredPostcodes: Math.max(0, counts[u]! - coveredPts),
    };
  });
}

function fmtScore(x: number): string {
  return x.toFixed(3);
}

function fmtArea(m2: number): string {
  return m2 >= 1e6
    ? `${(m2 / 1e6).toFixed(2)} km²`
    : m2 >= 1e4
      ? `${(m2 / 1e4).toFixed(1)} ha`
      : `${Math.round(m2)} m²`;
}

/**
 * Candidate fixes, each evaluated exactly on the matrix:
 * - move a fragment a ∩ b out of b into a's best fit (B's boundary changes), or out of a into the A unit
 *   that best fits b (A's boundary changes);
 * - move every non-sliver piece of a unit into its best fit (B changes), for units split several ways.
 * Ranked by the gain in coterminosity; moves that do not raise it are dropped.
 */
function suggestFixes(
  matrix: OverlapMatrix,
  A: PreparedLayer,
  B: PreparedLayer,
  cells: readonly Cell[],
  sliver: readonly boolean[],
  before: ScoreSet,
  nouns: { a: string; b: string },
  maxFixes: number,
  geometryOf: (cell: number) => MultiPolygon | null,
): AlignmentFix[] {
  if (maxFixes <= 0) return [];
  type Candidate = {
    kind: AlignmentFix['kind'];
    layer: 'a' | 'b';
    from: number[];
    to: number;
    pieces: number[];
    after: ScoreSet;
  };
  const candidates: Candidate[] = [];
  const cellIndex = new Map<number, number>();
  cells.forEach((c, i) => {
    cellIndex.set(c.a * B.size + c.b, i);
  });
  const evaluate = (layer: 'a' | 'b', pieces: readonly number[], to: number): ScoreSet | null => {
    const dc = new Map<number, { area: number; w: number }>();
    const du = new Map<number, { area: number; w: number }>();
    const add = (m: Map<number, { area: number; w: number }>, k: number, area: number, w: number) => {
      const v = m.get(k) ?? { area: 0, w: 0 };
      m.set(k, { area: v.area + area, w: v.w + w });
    };
    for (const i of pieces) {
      const c = cells[i]!;
      const target = layer === 'b' ? cellIndex.get(c.a * B.size + to) : cellIndex.get(to * B.size + c.b);
      if (target === undefined) return null;
      add(dc, i, -c.area, -c.w);
      add(dc, target, c.area, c.w);
      add(du, layer === 'b' ? c.b : c.a, -c.area, -c.w);
      add(du, to, c.area, c.w);
    }
    const change: Change =
      layer === 'b'
        ? { cells: dc, unitsA: new Map(), unitsB: du }
        : { cells: dc, unitsA: du, unitsB: new Map() };
    return matrix.scores(change);
  };
  const misplaced = cells.map((_, i) => i).filter((i) => !sliver[i] && matrix.A.best[cells[i]!.a] !== i);
  for (const i of misplaced) {
    const c = cells[i]!;
    const bestA = matrix.A.best[c.a]!;
    if (bestA >= 0) {
      const to = cells[bestA]!.b;
      const after = evaluate('b', [i], to);
      if (after) candidates.push({ kind: 'move-fragment', layer: 'b', from: [c.b], to, pieces: [i], after });
    }
    const bestB = matrix.B.best[c.b]!;
    if (bestB >= 0 && cells[bestB]!.a !== c.a) {
      const to = cells[bestB]!.a;
      const after = evaluate('a', [i], to);
      if (after) candidates.push({ kind: 'move-fragment', layer: 'a', from: [c.a], to, pieces: [i], after });
    }
  }
  // Whole units split more than one way: move all their pieces at once.
  for (let u = 0; u < A.size; u++) {
    const best = matrix.A.best[u]!;
    if (best < 0) continue;
    const pieces = matrix.A.cells[u]!.filter((i) => i !== best && !sliver[i]);
    if (pieces.length < 2) continue;
    const to = cells[best]!.b;
    const after = evaluate('b', pieces, to);
    if (after)
      candidates.push({
        kind: 'move-unit',
        layer: 'b',
        from: pieces.map((i) => cells[i]!.b),
        to,
        pieces,
        after,
      });
  }
  const gainOf = (c: Candidate) => c.after.coterminosity - before.coterminosity;
  const ranked = candidates
    .filter((c) => gainOf(c) > 1e-9)
    .sort((p, q) => gainOf(q) - gainOf(p) || p.pieces[0]! - q.pieces[0]!)
    .slice(0, maxFixes);
  return ranked.map((c, rank) => {
    const L = c.layer === 'a' ? A : B;
    const moves: FixMove[] = c.pieces.map((i) => {
      const cell = cells[i]!;
      return {
        from: c.layer === 'a' ? A.ids[cell.a]! : B.ids[cell.b]!,
        to: L.ids[c.to]!,
        a: A.ids[cell.a]!,
        b: B.ids[cell.b]!,
        areaM2: cell.area,
        postcodes: cell.count,
        weight: cell.w,
        geometry: geometryOf(i),
      };
    });
    const areaM2 = moves.reduce((s, m) => s + m.areaM2, 0);
    const postcodes = moves.reduce((s, m) => s + m.postcodes, 0);
    const first = cells[c.pieces[0]!]!;
    const what = `${postcodes.toLocaleString('en-GB')} postcodes, ${fmtArea(areaM2)}`;
    const summary =
      c.kind === 'move-unit'
        ? `move all of ${nouns.a} ${A.names[first.a]} (${what} outside it) into ${nouns.b} ${B.names[c.to]}`
        : c.layer === 'b'
          ? `move the part of ${nouns.a} ${A.names[first.a]} in ${nouns.b} ${B.names[first.b]} (${what}) to ${nouns.b} ${B.names[c.to]}`
          : `move the part of ${nouns.a} ${A.names[first.a]} in ${nouns.b} ${B.names[first.b]} (${what}) to ${nouns.a} ${A.names[c.to]}`;
    return {
      rank: rank + 1,
      kind: c.kind,
      layer: c.layer,
      to: L.ids[c.to]!,
      moves,
      areaM2,
      postcodes,
      before,
      after: c.after,
      gain: gainOf(c),
      summary: `${summary}: coterminosity ${fmtScore(before.coterminosity)} → ${fmtScore(c.after.coterminosity)}`,
    };
  });
}

/** What the options' points count (null without points). */
export function pointsBasis(options: Pick<AlignmentOptions, 'points' | 'weightColumn'>): PointsBasis | null {
  if (options.points === undefined) return null;
  return options.weightColumn !== undefined
    ? { basis: 'weights', column: options.weightColumn }
    : { basis: 'postcodes' };
}
