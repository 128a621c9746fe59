// A district as the geometry the planner works on: its LSOAs and postcodes as given (the input
// types), a local plane in metres for comparing distances, and the adjacency graphs that catchments,
// patches and teams are grown on (partition.ts).
import { adjacency } from '../illustrative/adjacency.js';
import type { AreaGeometry } from '../model.js';
import type { RegionGraph } from './partition.js';

export interface PlanLsoa {
  /** `LSOA11CD`. */
  readonly code: string;
  /** `LSOA11NM`, e.g. "Cheltenham 001A": the district's name and a number. */
  readonly name: string;
  readonly geometry: AreaGeometry;
}

export interface PlanPostcode {
  readonly postcode: string;
  readonly lat: number;
  readonly lng: number;
  /** Index of the LSOA holding the point, or -1 for a point outside every LSOA (kept for the directory). */
  readonly lsoa: number;
  /** Strictly inside exactly one LSOA, on no boundary: fit to be a site. */
  readonly clean: boolean;
}

export interface DistrictInput {
  /** The district's (2011) LAD code, e.g. `E07000078`. */
  readonly code: string;
  /** The district's LSOAs, sorted by code. */
  readonly lsoas: readonly PlanLsoa[];
  readonly postcodes: readonly PlanPostcode[];
}

export interface LocalProjection {
  xy(p: { lat: number; lng: number }): [number, number];
}

/**
 * Metres on a plane tangent at the district's centre (equirectangular): over a district's few tens of
 * kilometres the error is well under 1%, and only comparisons of distances use it.
 */
export function localProjection(
  lsoas: readonly PlanLsoa[],
  postcodes: readonly PlanPostcode[],
): LocalProjection {
  let lat0 = 0;
  let lng0 = 0;
  if (postcodes.length > 0) {
    for (const p of postcodes) {
      lat0 += p.lat;
      lng0 += p.lng;
    }
    lat0 /= postcodes.length;
    lng0 /= postcodes.length;
  } else {
    const [x, y] = bboxCentre(lsoas[0]!.geometry);
    lng0 = x;
    lat0 = y;
  }
  const kx = 111_320 * Math.cos((lat0 * Math.PI) / 180);
  const ky = 110_574;
  return { xy: (p) => [(p.lng - lng0) * kx, (p.lat - lat0) * ky] };
}

export function bboxCentre(geometry: AreaGeometry): [number, number] {
  let [minX, minY, maxX, maxY] = [Infinity, Infinity, -Infinity, -Infinity];
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  for (const rings of polygons) {
    for (const [x, y] of rings[0]! as [number, number][]) {
      minX = Math.min(minX, x);
      minY = Math.min(minY, y);
      maxX = Math.max(maxX, x);
      maxY = Math.max(maxY, y);
    }
  }
  return [(minX + maxX) / 2, (minY + maxY) / 2];
}

/** LSOAs as graph nodes: positioned at their postcodes' mean (else their bbox centre), weighted by postcodes. */
export function lsoaGraph(
  lsoas: readonly PlanLsoa[],
  postcodes: readonly PlanPostcode[],
  geo: LocalProjection,
): RegionGraph {
  const n = lsoas.length;
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  const weight = new Float64Array(n);
  for (const p of postcodes) {
    if (p.lsoa < 0) continue;
    const [px, py] = geo.xy(p);
    x[p.lsoa]! += px;
    y[p.lsoa]! += py;
    weight[p.lsoa]!++;
  }
  lsoas.forEach((l, i) => {
    if (weight[i]! > 0) {
      x[i] = x[i]! / weight[i]!;
      y[i] = y[i]! / weight[i]!;
    } else {
      const [lng, lat] = bboxCentre(l.geometry);
      [x[i], y[i]] = geo.xy({ lng, lat });
    }
  });
  const index = new Map(lsoas.map((l, i) => [l.code, i]));
  const adj = adjacency(
    lsoas.map((l) => ({
      id: l.code,
      rings: l.geometry.type === 'Polygon' ? [l.geometry.coordinates] : l.geometry.coordinates,
    })),
  );
  const neighbours = lsoas.map((l) => [...adj.get(l.code)!].map((c) => index.get(c)!).sort((a, b) => a - b));
  return { x, y, weight, neighbours };
}

/** Catchments as graph nodes: positioned at their weighted centre, neighbours when any of their LSOAs are. */
export function catchmentGraph(
  graph: RegionGraph,
  catchments: readonly { readonly lsoas: readonly number[]; readonly load: number }[],
  catchmentOfLsoa: Int32Array,
): RegionGraph {
  const x = new Float64Array(catchments.length);
  const y = new Float64Array(catchments.length);
  const weight = new Float64Array(catchments.length);
  const neighbours = catchments.map((c, h) => {
    const [cx, cy] = weightedCentre(graph, c.lsoas);
    x[h] = cx;
    y[h] = cy;
    weight[h] = c.load;
    const near = new Set<number>();
    for (const v of c.lsoas) {
      for (const n of graph.neighbours[v]!) if (catchmentOfLsoa[n] !== h) near.add(catchmentOfLsoa[n]!);
    }
    return [...near].sort((a, b) => a - b);
  });
  return { x, y, weight, neighbours };
}

export function weightedCentre(graph: RegionGraph, nodes: readonly number[]): [number, number] {
  let w = 0;
  let sx = 0;
  let sy = 0;
  for (const v of nodes) {
    const wv = Math.max(graph.weight[v]!, 1e-9);
    w += wv;
    sx += wv * graph.x[v]!;
    sy += wv * graph.y[v]!;
  }
  return [sx / w, sy / w];
}

/** North first (greater y), then west first, then the smaller first node. */
export function northFirstCentre(graph: RegionGraph, a: readonly number[], b: readonly number[]): number {
  const [ax, ay] = weightedCentre(graph, a);
  const [bx, by] = weightedCentre(graph, b);
  return by - ay || ax - bx || a[0]! - b[0]!;
}
