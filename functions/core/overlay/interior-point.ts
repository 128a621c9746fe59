// A point guaranteed inside a (Multi)Polygon, for labelling a place on a map or in a report ("near
// lng, lat"): the middle of the widest interior run of the horizontal line through the middle of the
// largest part. A centroid can fall outside a concave shape; this cannot.
import type { MultiPolygon, Polygon, Position } from 'geojson';

function ringAreaDeg(ring: readonly Position[]): number {
  let s = 0;
  for (let i = 0; i + 1 < ring.length; i++)
    s += ring[i]![0]! * ring[i + 1]![1]! - ring[i + 1]![0]! * ring[i]![1]!;
  return Math.abs(s / 2);
}

export function interiorPoint(geometry: Polygon | MultiPolygon): [number, number] | null {
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  let best: Position[][] | undefined;
  let bestArea = -1;
  for (const p of polygons) {
    const a = p[0] ? ringAreaDeg(p[0]) : 0;
    if (a > bestArea) {
      bestArea = a;
      best = p;
    }
  }
  if (!best?.[0]?.length) return null;
  let y0 = Number.POSITIVE_INFINITY;
  let y1 = Number.NEGATIVE_INFINITY;
  for (const [, y] of best[0]) {
    if (y! < y0) y0 = y!;
    if (y! > y1) y1 = y!;
  }
  // Nudge off the exact middle so the line misses vertices (a vertex on the line would be counted twice).
  const y = y0 + (y1 - y0) * 0.5000000123;
  const xs: number[] = [];
  for (const ring of best) {
    for (let i = 0; i + 1 < ring.length; i++) {
      const [ax, ay] = ring[i]! as [number, number];
      const [bx, by] = ring[i + 1]! as [number, number];
      if (ay > y !== by > y) xs.push(ax + ((y - ay) * (bx - ax)) / (by - ay));
    }
  }
  xs.sort((p, q) => p - q);
  let widest = -1;
  let at: [number, number] | null = null;
  for (let i = 0; i + 1 < xs.length; i += 2) {
    const w = xs[i + 1]! - xs[i]!;
    if (w > widest) {
      widest = w;
      at = [(xs[i]! + xs[i + 1]!) / 2, y];
    }
  }
  return at ?? [best[0][0]![0]!, best[0][0]![1]!];
}
