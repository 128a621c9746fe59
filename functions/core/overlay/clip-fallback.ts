// The last resort for a pair the exact engine declines (`inconsistent`: typically a feature whose parts
// overlap each other, so "inside" is not well defined; or `too-complex`). polyclip-ts (behind turf's
// intersect/difference/union) is tried on coordinates rounded to 6 dp (~0.1 m), which removes the
// 1e-12° float noise that makes it fail, then on the raw coordinates; if both throw ("Unable to complete
// output ring" and friends) the caller gets `null` and reports the pair without geometry. Never throws.
// For a declined pair only small features are tried (clipDeclinedPair): polyclip's time grows with the
// number of self-crossings, which for a declined (self-crossing) feature can be quadratic — one call on a
// 101-vertex star polygon takes 3.4 s, and nothing can interrupt it — so larger pairs are reported as
// failed, their invalid geometry named by the validity checks. (applyFix cuts valid polygons with
// clipWithPolyclip directly.)
// Per-module turf imports keep the Lambda bundles small (Turf's own advice; whole-@turf/turf is ~600 KB).
import { difference } from '@turf/difference';
import { featureCollection, feature as geoFeature } from '@turf/helpers';
import { intersect } from '@turf/intersect';
import { union } from '@turf/union';
import type { Feature, MultiPolygon, Polygon, Position } from 'geojson';
import { geometryAreaM2 } from '../geo/area.js';
import type { AreaGeometry } from '../model.js';
import type { OverlayOp } from './pair.js';

export type ClipMethod = 'polyclip-6dp' | 'polyclip-raw';

export interface ClipResult {
  readonly geometry: MultiPolygon | null;
  readonly areaM2: number;
  readonly method: ClipMethod;
}

function round6(geometry: AreaGeometry): AreaGeometry {
  const r = (p: Position): Position => [Math.round(p[0]! * 1e6) / 1e6, Math.round(p[1]! * 1e6) / 1e6];
  const ring = (ps: Position[]): Position[] => {
    const out: Position[] = [];
    for (const p of ps.map(r)) {
      const last = out[out.length - 1];
      if (!last || last[0] !== p[0] || last[1] !== p[1]) out.push(p);
    }
    return out;
  };
  return geometry.type === 'Polygon'
    ? { type: 'Polygon', coordinates: geometry.coordinates.map(ring) }
    : { type: 'MultiPolygon', coordinates: geometry.coordinates.map((poly) => poly.map(ring)) };
}

function toMulti(g: Polygon | MultiPolygon): MultiPolygon {
  return g.type === 'Polygon' ? { type: 'MultiPolygon', coordinates: [g.coordinates] } : g;
}

function run(op: OverlayOp, a: AreaGeometry, b: AreaGeometry): MultiPolygon | null {
  const fc = featureCollection([geoFeature(a), geoFeature(b)]) as Parameters<typeof intersect>[0];
  let out: Feature<Polygon | MultiPolygon> | null;
  if (op === 'intersection') out = intersect(fc);
  else if (op === 'difference') out = difference(fc);
  else out = union(fc);
  return out ? toMulti(out.geometry) : null;
}

/** Features with more vertices than this are never handed to polyclip (a bow-tie has 4). */
export const POLYCLIP_MAX_VERTICES = 64;

function vertexCount(g: AreaGeometry): number {
  let n = 0;
  for (const poly of g.type === 'Polygon' ? [g.coordinates] : g.coordinates)
    for (const ring of poly) n += ring.length;
  return n;
}

/**
 * The fallback for a pair the exact engine declined (so at least one feature is invalid, usually
 * self-crossing): polyclip, for small features only; null otherwise or when polyclip fails.
 */
export function clipDeclinedPair(op: OverlayOp, a: AreaGeometry, b: AreaGeometry): ClipResult | null {
  if (vertexCount(a) > POLYCLIP_MAX_VERTICES || vertexCount(b) > POLYCLIP_MAX_VERTICES) return null;
  return clipWithPolyclip(op, a, b);
}

/** A op B by polyclip, rounded first then raw; null when both attempts throw. */
export function clipWithPolyclip(op: OverlayOp, a: AreaGeometry, b: AreaGeometry): ClipResult | null {
  const attempts: [ClipMethod, () => MultiPolygon | null][] = [
    ['polyclip-6dp', () => run(op, round6(a), round6(b))],
    ['polyclip-raw', () => run(op, a, b)],
  ];
  for (const [method, attempt] of attempts) {
    try {
      const geometry = attempt();
      return { geometry, areaM2: geometry ? geometryAreaM2(geometry, { edges: 'lnglat' }) : 0, method };
    } catch {
      // polyclip failed on this input; try the next variant.
    }
  }
  return null;
}
