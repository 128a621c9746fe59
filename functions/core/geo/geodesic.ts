// Distances on the WGS84 ellipsoid (Karney's algorithm via GeographicLib: accurate to
// nanometres, never fails to converge, unlike Vincenty's for near-antipodal points).
import geodesicLib from 'geographiclib-geodesic';

const WGS84 = geodesicLib.Geodesic.WGS84;
const DISTANCE_ONLY = geodesicLib.Geodesic.DISTANCE;

/** Geodesic distance in metres between two WGS84 points given as [lng, lat]. */
export function geodesicDistanceM(a: readonly [number, number], b: readonly [number, number]): number {
  return WGS84.Inverse(a[1], a[0], b[1], b[0], DISTANCE_ONLY).s12 ?? Number.NaN;
}

/** Round metres for display in answers: whole metres are the precision a family needs. */
export function roundMetres(metres: number): number {
  return Math.round(metres);
}
