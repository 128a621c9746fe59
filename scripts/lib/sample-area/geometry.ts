// Geometry helpers for the sample-area generator: 6 dp rounding, dissolving whole wards with
// turf `union` (polyclip-ts) and ellipsoidal ring areas. Scripts only (ward adjacency is shared with
// the national sample: functions/core/illustrative/adjacency.ts).
import { featureCollection, polygon, union } from '@turf/turf';
import geodesicLib from 'geographiclib-geodesic';
import type { Position } from 'geojson';
import type { AreaGeometry } from '../../../functions/core/model.js';

const WGS84 = geodesicLib.Geodesic.WGS84;

/** A polygon as coordinate rings: outer ring first, then holes. */
export type Rings = Position[][];

/** Round to 6 decimals (about 0.1 m): the precision the shared data README recommends for overlays. */
export function round6(x: number): number {
  const r = Math.round(x * 1e6) / 1e6;
  // Math.round(-0.4) is -0; keep the output free of negative zeros.
  return r === 0 ? 0 : r;
}

/** Round a ring to 6 dp and drop the consecutive duplicate vertices that rounding leaves. */
export function roundRing(ring: readonly Position[]): Position[] {
  const out: Position[] = [];
  for (const p of ring) {
    const q: Position = [round6(p[0]!), round6(p[1]!)];
    const last = out[out.length - 1];
    if (last && last[0] === q[0] && last[1] === q[1]) continue;
    out.push(q);
  }
  const first = out[0];
  const last = out[out.length - 1];
  if (first && last && (first[0] !== last[0] || first[1] !== last[1])) out.push([first[0]!, first[1]!]);
  return out;
}

/** The polygons of a Polygon or MultiPolygon as a list of ring arrays. */
export function polygonsOf(geometry: AreaGeometry): Rings[] {
  return geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
}

/** Signed ring area on the WGS84 ellipsoid in m², counter-clockwise positive (Karney). */
export function signedRingAreaM2(ring: readonly Position[]): number {
  const poly = WGS84.Polygon(false);
  // The closing position repeats the first; GeographicLib closes the ring itself.
  for (let i = 0; i < ring.length - 1; i++) poly.AddPoint(ring[i]![1]!, ring[i]![0]!);
  return poly.Compute(false, true).area ?? 0;
}

/** Area of a polygon or multipolygon on the WGS84 ellipsoid in m² (outer rings minus holes). */
export function areaM2(geometry: AreaGeometry): number {
  let total = 0;
  for (const rings of polygonsOf(geometry)) {
    rings.forEach((ring, i) => {
      const a = Math.abs(signedRingAreaM2(ring));
      total += i === 0 ? a : -a;
    });
  }
  return total;
}

/** What a dissolve threw away as digitising noise, for the generator's report. */
export interface DissolveNoise {
  /** Interior rings under the threshold, with their area (m²) and first vertex. */
  readonly holes: { areaM2: number; at: Position }[];
  /** Whole polygons (outer ring) under the threshold. */
  readonly slivers: { areaM2: number; at: Position }[];
}

/** Holes and slivers smaller than this are float noise from the dissolve, not real gaps. */
export const NOISE_THRESHOLD_M2 = 1;

/**
 * Dissolve polygons into one Polygon or MultiPolygon. Inputs must already be rounded to 6 dp: at full
 * precision adjacent wards share vertices only to ~1e-12°, and the union leaves micro-holes or throws.
 * The output is rounded again (intersection points can carry more digits), rings below
 * NOISE_THRESHOLD_M2 are dropped and reported, and rings are wound as RFC 7946 asks (outer
 * counter-clockwise, holes clockwise).
 */
export function dissolve(parts: readonly Rings[]): { geometry: AreaGeometry; noise: DissolveNoise } {
  if (parts.length === 0) throw new Error('dissolve: nothing to dissolve');
  let merged: Rings[];
  if (parts.length === 1) {
    merged = [parts[0]!];
  } else {
    const result = union(featureCollection(parts.map((rings) => polygon(rings))));
    if (!result) throw new Error('dissolve: union returned nothing');
    merged = result.geometry.type === 'Polygon' ? [result.geometry.coordinates] : result.geometry.coordinates;
  }
  const noise: DissolveNoise = { holes: [], slivers: [] };
  const polygons: Rings[] = [];
  for (const rings of merged) {
    const outer = roundRing(rings[0]!);
    const outerArea = outer.length >= 4 ? Math.abs(signedRingAreaM2(outer)) : 0;
    if (outerArea < NOISE_THRESHOLD_M2) {
      noise.slivers.push({ areaM2: outerArea, at: outer[0]! });
      continue;
    }
    const kept: Rings = [wind(outer, true)];
    for (const hole of rings.slice(1)) {
      const h = roundRing(hole);
      const a = h.length >= 4 ? Math.abs(signedRingAreaM2(h)) : 0;
      if (a < NOISE_THRESHOLD_M2) {
        noise.holes.push({ areaM2: a, at: h[0]! });
        continue;
      }
      kept.push(wind(h, false));
    }
    polygons.push(kept);
  }
  if (polygons.length === 0) throw new Error('dissolve: every polygon was noise');
  const geometry: AreaGeometry =
    polygons.length === 1
      ? { type: 'Polygon', coordinates: polygons[0]! }
      : { type: 'MultiPolygon', coordinates: polygons };
  return { geometry, noise };
}

/** Wind a closed ring counter-clockwise (outer) or clockwise (hole). */
function wind(ring: Position[], counterClockwise: boolean): Position[] {
  return signedRingAreaM2(ring) > 0 === counterClockwise ? ring : [...ring].reverse();
}
