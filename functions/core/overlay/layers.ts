// Every overlapping pair of two polygon layers: a bounding-box index (flatbush) proposes candidate pairs,
// the exact pair overlay decides each one. Pairs the exact engine declines fall back to polyclip, and a
// pair polyclip cannot do either is reported as failed, never thrown.
import Flatbush from 'flatbush';
import type { MultiPolygon } from 'geojson';
import type { AreaGeometry } from '../model.js';
import type { BudgetMeter } from './budget.js';
import { clipDeclinedPair } from './clip-fallback.js';
import { type OverlayOp, overlayPair, type PairStatus } from './pair.js';
import type { OverlayLimits, PreparedLayer } from './prepared.js';

export interface LayerPair {
  /** Feature index in A and in B. */
  readonly a: number;
  readonly b: number;
  readonly areaM2: number;
  /** Boundary length of the overlap (m, equal-area plane): with the area, a width estimate for slivers. */
  readonly boundaryM: number;
  /** How the area was computed: the exact engine, a polyclip fallback, or not at all. */
  readonly method: 'exact' | 'polyclip-6dp' | 'polyclip-raw' | 'failed';
  /** Why the exact engine declined, when it did. */
  readonly declined?: Exclude<PairStatus, 'ok'>;
}

export interface LayerOverlay {
  /** Pairs with a positive overlap area (above float noise), in A order then B order. */
  readonly pairs: readonly LayerPair[];
  /** Pairs whose boundaries touch (shared vertex or edge) with no overlapping area. */
  readonly touching: number;
  /** Candidate pairs the bounding-box index proposed. */
  readonly candidates: number;
  /** Total edge crossings found. */
  readonly crossings: number;
  /** Pairs that needed the fallback or failed outright. */
  readonly fallbacks: readonly LayerPair[];
}

export interface OverlayLayersOptions {
  readonly limits?: OverlayLimits;
  /** Input geometries of A and B (for the polyclip fallback); without them a declined pair fails. */
  readonly geometriesA?: readonly AreaGeometry[];
  readonly geometriesB?: readonly AreaGeometry[];
  /** Same layer on both sides: only pairs a < b are computed (for overlaps within one layer). */
  readonly self?: boolean;
  /** The analysis's budget (every pair counts against it). */
  readonly budget?: BudgetMeter;
}

/** Flatbush over the features' boxes of a prepared layer (features with no ring get an empty box). */
export function boxIndex(L: PreparedLayer): Flatbush {
  const index = new Flatbush(Math.max(1, L.size));
  const box = L.featureBox;
  for (let f = 0; f < L.size; f++) {
    if (Number.isNaN(box[4 * f]!))
      index.add(
        Number.POSITIVE_INFINITY,
        Number.POSITIVE_INFINITY,
        Number.POSITIVE_INFINITY,
        Number.POSITIVE_INFINITY,
      );
    else index.add(box[4 * f]!, box[4 * f + 1]!, box[4 * f + 2]!, box[4 * f + 3]!);
  }
  if (L.size === 0) index.add(0, 0, 0, 0);
  index.finish();
  return index;
}

/** Candidate B features whose boxes meet feature a's box, ascending. */
export function candidatesOf(A: PreparedLayer, a: number, index: Flatbush, sizeB: number): number[] {
  const box = A.featureBox;
  if (Number.isNaN(box[4 * a]!)) return [];
  return index
    .search(box[4 * a]!, box[4 * a + 1]!, box[4 * a + 2]!, box[4 * a + 3]!)
    .filter((j) => j < sizeB)
    .sort((p, q) => p - q);
}

/**
 * All pairs (a, b) with a positive intersection area. A and B must share one projection. The exact
 * engine's answer is used whenever it gives one (always, on the real layers).
 */
export function overlayLayers(
  A: PreparedLayer,
  B: PreparedLayer,
  options: OverlayLayersOptions = {},
): LayerOverlay {
  const index = boxIndex(B);
  const pairs: LayerPair[] = [];
  const fallbacks: LayerPair[] = [];
  let touching = 0;
  let candidates = 0;
  let crossings = 0;
  for (let a = 0; a < A.size; a++) {
    for (const b of candidatesOf(A, a, index, B.size)) {
      if (options.self && b <= a) continue;
      candidates++;
      options.budget?.tick();
      const r = overlayPair(A, a, B, b, { limits: options.limits, budget: options.budget });
      crossings += r.crossings;
      if (r.status === 'ok') {
        if (r.areaM2 > 0) pairs.push({ a, b, areaM2: r.areaM2, boundaryM: r.boundaryM, method: 'exact' });
        else if (r.touches) touching++;
        continue;
      }
      const ga = options.geometriesA?.[a];
      const gb = options.geometriesB?.[b];
      const clipped = ga && gb ? clipDeclinedPair('intersection', ga, gb) : null;
      const pair: LayerPair = clipped
        ? { a, b, areaM2: clipped.areaM2, boundaryM: 0, method: clipped.method, declined: r.status }
        : { a, b, areaM2: 0, boundaryM: 0, method: 'failed', declined: r.status };
      fallbacks.push(pair);
      if (pair.areaM2 > 0) pairs.push(pair);
    }
  }
  return { pairs, touching, candidates, crossings, fallbacks };
}

/**
 * The geometry of A op B for one pair: the exact engine's loops when it can, else polyclip (6 dp, then
 * raw), else null with the reason. Never throws.
 */
export function pairGeometry(
  A: PreparedLayer,
  a: number,
  B: PreparedLayer,
  b: number,
  op: OverlayOp,
  inputs?: { readonly a?: AreaGeometry; readonly b?: AreaGeometry },
  budget?: BudgetMeter,
): { geometry: MultiPolygon | null; method: LayerPair['method'] } {
  const r = overlayPair(A, a, B, b, { op, geometry: true, budget });
  if (r.status === 'ok') return { geometry: r.geometry ?? null, method: 'exact' };
  if (inputs?.a && inputs.b) {
    const clipped = clipDeclinedPair(op, inputs.a, inputs.b);
    if (clipped) return { geometry: clipped.geometry, method: clipped.method };
  }
  return { geometry: null, method: 'failed' };
}
