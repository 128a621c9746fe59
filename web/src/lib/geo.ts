// Small GeoJSON helpers for the maps: bounding boxes and empty collections. Pure (no DOM).
import type { Feature, FeatureCollection, Geometry, Position } from 'geojson';

/** [west, south, east, north] in WGS84 degrees. */
export type Bbox = [number, number, number, number];

export const EMPTY_COLLECTION: FeatureCollection = { type: 'FeatureCollection', features: [] };

/** The bounding box of any GeoJSON value, or null when it has no positions. */
export function bboxOf(value: FeatureCollection | Feature | Geometry | null | undefined): Bbox | null {
  let box: Bbox | null = null;
  const visit = (p: Position) => {
    const x = p[0]!;
    const y = p[1]!;
    if (!Number.isFinite(x) || !Number.isFinite(y)) return;
    if (!box) box = [x, y, x, y];
    else {
      if (x < box[0]) box[0] = x;
      if (y < box[1]) box[1] = y;
      if (x > box[2]) box[2] = x;
      if (y > box[3]) box[3] = y;
    }
  };
  const walk = (g: Geometry | null | undefined): void => {
    if (!g) return;
    switch (g.type) {
      case 'Point':
        visit(g.coordinates);
        break;
      case 'MultiPoint':
      case 'LineString':
        for (const p of g.coordinates) visit(p);
        break;
      case 'MultiLineString':
      case 'Polygon':
        for (const ring of g.coordinates) for (const p of ring) visit(p);
        break;
      case 'MultiPolygon':
        for (const poly of g.coordinates) for (const ring of poly) for (const p of ring) visit(p);
        break;
      case 'GeometryCollection':
        for (const part of g.geometries) walk(part);
        break;
    }
  };
  if (!value) return null;
  if (value.type === 'FeatureCollection') for (const f of value.features) walk(f.geometry);
  else if (value.type === 'Feature') walk(value.geometry);
  else walk(value);
  return box;
}

/** The box holding both (either may be null). */
export function unionBbox(a: Bbox | null, b: Bbox | null): Bbox | null {
  if (!a) return b;
  if (!b) return a;
  return [Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[2], b[2]), Math.max(a[3], b[3])];
}

/** A point box grown to about `metres` around it, so a lone point is not zoomed to the maximum. */
export function padPoint(lng: number, lat: number, metres: number): Bbox {
  const dLat = metres / 111_320;
  const dLng = metres / (111_320 * Math.max(Math.cos((lat * Math.PI) / 180), 0.01));
  return [lng - dLng, lat - dLat, lng + dLng, lat + dLat];
}

/** Points as a FeatureCollection, with each item's fields as properties. */
export function pointsCollection<T extends object>(
  items: readonly T[],
  position: (item: T) => [number, number] | null,
): FeatureCollection {
  const features: Feature[] = [];
  for (const item of items) {
    const p = position(item);
    if (!p) continue;
    features.push({ type: 'Feature', geometry: { type: 'Point', coordinates: p }, properties: { ...item } });
  }
  return { type: 'FeatureCollection', features };
}
