// Redraws of the sample area for the impact tests, and the independent recount they are checked
// against: turf's point-in-polygon over every catchment, the lowest id winning where a point lies in
// more than one (the documented tie rule), with no use of the service's own index.
import { booleanPointInPolygon, difference, featureCollection, intersect, union } from '@turf/turf';
import type { BoundarySet, Layer, PostcodeRecord } from '../../functions/core/model.js';

/** The set with the ground of HV patch `patch` inside catchment `fromHub` moved into catchment `toHub`. */
export function movePatchGround(
  set: BoundarySet,
  patch: string,
  fromHub: string,
  toHub: string,
): BoundarySet {
  const features = set.layers.catchments.features;
  const P = set.layers['hv-patches']?.features.find((f) => f.properties.id === patch);
  const A = features.find((f) => f.properties.id === fromHub);
  const B = features.find((f) => f.properties.id === toHub);
  if (!P || !A || !B) throw new Error(`movePatchGround: no ${patch}, ${fromHub} or ${toHub}`);
  const piece = intersect(featureCollection([P, A]));
  if (!piece) throw new Error(`movePatchGround: ${patch} is not in ${fromHub}`);
  const rest = difference(featureCollection([A, piece]));
  const grown = union(featureCollection([B, piece]));
  if (!rest || !grown) throw new Error('movePatchGround: the clipper returned nothing');
  const catchments: Layer = {
    ...set.layers.catchments,
    features: features.map((f) =>
      f === A ? { ...f, geometry: rest.geometry } : f === B ? { ...f, geometry: grown.geometry } : f,
    ),
  };
  return { ...set, version: null, layers: { ...set.layers, catchments } };
}

/** Hub id per located postcode by turf point-in-polygon (lowest id on ties; null in none). */
export function recountHubs(layer: Layer, records: Iterable<PostcodeRecord>): Map<string, string | null> {
  const out = new Map<string, string | null>();
  for (const r of records) {
    if (!r.location) continue;
    const point = [r.location.lng, r.location.lat];
    const ids = layer.features
      .filter((f) => booleanPointInPolygon(point, f))
      .map((f) => f.properties.id)
      .sort();
    out.set(r.postcode, ids[0] ?? null);
  }
  return out;
}

/** Postcodes whose recounted hub differs between two catchment layers, sorted. */
export function recountMoves(
  before: Layer,
  after: Layer,
  records: readonly PostcodeRecord[],
): { postcode: string; from: string | null; to: string | null }[] {
  const b = recountHubs(before, records);
  const a = recountHubs(after, records);
  return [...b.keys()]
    .filter((p) => b.get(p) !== a.get(p))
    .sort()
    .map((postcode) => ({ postcode, from: b.get(postcode)!, to: a.get(postcode)! }));
}

/**
 * The set with HV patch `absorbed` merged into `kept` (their union keeps `kept`'s id and name):
 * a patch redraw that leaves the hub catchments as they are.
 */
export function mergePatches(set: BoundarySet, kept: string, absorbed: string): BoundarySet {
  const layer = set.layers['hv-patches'];
  const K = layer?.features.find((f) => f.properties.id === kept);
  const A = layer?.features.find((f) => f.properties.id === absorbed);
  if (!layer || !K || !A) throw new Error(`mergePatches: no ${kept} or ${absorbed}`);
  const merged = union(featureCollection([K, A]));
  if (!merged) throw new Error('mergePatches: the clipper returned nothing');
  const patches: Layer = {
    ...layer,
    features: layer.features
      .filter((f) => f !== A)
      .map((f) => (f === K ? { ...f, geometry: merged.geometry } : f)),
  };
  return { ...set, version: null, layers: { ...set.layers, 'hv-patches': patches } };
}
