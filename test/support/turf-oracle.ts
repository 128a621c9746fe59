// The independent point-in-polygon oracle of the index's real-data test and benchmark: turf's
// booleanPointInPolygon (boundary included) over every feature whose bounding box holds the point.
// A bbox pre-filter cannot change the answer of the naive loop over all features.
import { booleanPointInPolygon } from '@turf/boolean-point-in-polygon';
import Flatbush from 'flatbush';
import type { Feature, GeoJsonProperties, MultiPolygon, Polygon } from 'geojson';

/** The indexes of the features containing (x, y), ascending. */
export function turfContaining(
  features: readonly Feature<Polygon | MultiPolygon, GeoJsonProperties>[],
): (x: number, y: number) => number[] {
  const boxes = new Flatbush(Math.max(1, features.length));
  for (const f of features) {
    let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
    const polygons = f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates;
    for (const ring of polygons.flat()) {
      for (const [x, y] of ring) {
        x0 = Math.min(x0, x!);
        y0 = Math.min(y0, y!);
        x1 = Math.max(x1, x!);
        y1 = Math.max(y1, y!);
      }
    }
    boxes.add(x0, y0, x1, y1);
  }
  boxes.finish();
  return (x, y) =>
    boxes
      .search(x, y, x, y)
      .filter((i) => booleanPointInPolygon([x, y], features[i]!))
      .sort((a, b) => a - b);
}
