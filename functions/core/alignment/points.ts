// Postcode points (or any weighted points) located in two layers at once. Uses the service's
// PolygonIndex (closed polygons, boundary tolerance 1e-9°, lowest feature index wins on a shared edge;
// see functions/core/spatial/polygon-index.ts), so alignment counts the same postcodes the lookup API
// assigns.
import type { AreaGeometry } from '../model.js';
import { PolygonIndex } from '../spatial/polygon-index.js';

/** A point to count, e.g. a postcode; `weight` (default 1) can carry births or children per postcode. */
export interface WeightedPoint {
  readonly lng: number;
  readonly lat: number;
  readonly weight?: number;
}

export interface LocatedPoints {
  /** Feature index in each layer per point, -1 when outside (or skipped). */
  readonly inA: Int32Array;
  readonly inB: Int32Array;
  /** Weight per point (0 for skipped points). */
  readonly weight: Float64Array;
  /** Points with non-finite coordinates or a negative/non-finite weight: not counted anywhere. */
  readonly skipped: number;
}

/** Locates every point in A and in B. Pure; cost ~ one index build per layer plus O(1) per point. */
export function locatePoints(
  points: readonly WeightedPoint[],
  a: readonly AreaGeometry[],
  b: readonly AreaGeometry[],
): LocatedPoints {
  const ia = PolygonIndex.build(a);
  const ib = PolygonIndex.build(b);
  const n = points.length;
  const inA = new Int32Array(n).fill(-1);
  const inB = new Int32Array(n).fill(-1);
  const weight = new Float64Array(n);
  let skipped = 0;
  for (let i = 0; i < n; i++) {
    const p = points[i]!;
    const w = p.weight ?? 1;
    if (!Number.isFinite(p.lng) || !Number.isFinite(p.lat) || !Number.isFinite(w) || w < 0) {
      skipped++;
      continue;
    }
    weight[i] = w;
    inA[i] = ia.locate(p.lng, p.lat);
    inB[i] = ib.locate(p.lng, p.lat);
  }
  return { inA, inB, weight, skipped };
}
