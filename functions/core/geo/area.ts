// Areas on the WGS84 ellipsoid, in square metres.
//
// Method (docs/alignment.md, "Areas"): every position is mapped by the ellipsoidal Lambert cylindrical
// equal-area projection
//   x = a·(λ − λ0),   y = (a/2)·(q(φ) − q(φ0)),
//   q(φ) = (1 − e²)·[sin φ / (1 − e² sin² φ) + atanh(e sin φ) / e]
// whose Jacobian is exactly the ellipsoid's area element a²(1 − e²) cos φ / (1 − e² sin² φ)², so the area
// of any region is its area in that plane, and a line integral around its boundary (Green's theorem)
// gives it. What the boundary is between two vertices is a choice, and it matters at the 1e-4 level for
// kilometre-long edges:
// - `lnglat` (the overlay engine's, and RFC 7946's, GEOS's and QGIS's): an edge is straight in
//   (lng, lat). In the plane it is the curve x linear, y = Y(φ) with φ linear: the shoelace term of its
//   chord plus its "bow", −Δx·(∫y dt − (y1 + y2)/2), by Simpson's rule (exact to O(Δφ⁴)). Because an
//   edge's pieces are straight in (lng, lat) too, the bows of the pieces add up to the bow of the edge, so
//   areas of clipped pieces add up to the area of the whole exactly.
// - `geodesic` (PostGIS geography, GeographicLib): each edge also carries the area between chord and
//   geodesic, −(2/3)·(chord × offset of the geodesic midpoint), exact to O(L⁵); agrees with
//   GeographicLib's PolygonArea to 2e-9 on the real layers.
// turf's spherical `area` reads 0.36% low here because it uses a sphere of radius a.
import type { Position } from 'geojson';
import type { AreaGeometry } from '../model.js';

export const WGS84_A = 6_378_137;
export const WGS84_F = 1 / 298.257223563;
const E2 = WGS84_F * (2 - WGS84_F);
const E = Math.sqrt(E2);
const DEG = Math.PI / 180;
/** Simpson's rule over one interval is used for edges up to this span of latitude (degrees). */
const SIMPSON_MAX_DEG = 0.5;

/** q(φ) of the authalic latitude, from sin φ. */
function authalicQ(sinPhi: number): number {
  const es = E * sinPhi;
  return (1 - E2) * (sinPhi / (1 - es * es) + Math.atanh(es) / E);
}

const B_AXIS = WGS84_A * (1 - WGS84_F);
const EP2 = E2 / (1 - E2);

/** q at the pole: the total ellipsoid area is 2π a² q_p. */
const Q_POLE = authalicQ(1);

/** Surface area of the whole WGS84 ellipsoid in m² (510,065,621.7 km²), a sanity anchor for tests. */
export const WGS84_SURFACE_M2 = 2 * Math.PI * WGS84_A * WGS84_A * Q_POLE;

/**
 * An equal-area plane: metres east and north of an origin, area-preserving on the WGS84 ellipsoid.
 * Use one instance for every layer that takes part in an overlay, so the area terms of identical input
 * positions are bit-identical and the pieces of a feature add up to it exactly.
 */
export class EqualAreaProjection {
  readonly originLng: number;
  readonly originLat: number;
  private readonly halfA = WGS84_A / 2;
  private readonly q0: number;

  constructor(originLng = 0, originLat = 0) {
    if (!Number.isFinite(originLng) || !Number.isFinite(originLat) || Math.abs(originLat) > 90) {
      throw new RangeError(
        `projection origin must be finite WGS84 degrees, got (${originLng}, ${originLat})`,
      );
    }
    this.originLng = originLng;
    this.originLat = originLat;
    this.q0 = authalicQ(Math.sin(originLat * DEG));
  }

  /** An origin near the data keeps plane coordinates small (better float precision): whole degrees. */
  static near(lng: number, lat: number): EqualAreaProjection {
    return new EqualAreaProjection(Math.round(lng), Math.round(lat));
  }

  x(lng: number): number {
    return WGS84_A * (lng - this.originLng) * DEG;
  }

  y(lat: number): number {
    return this.halfA * (authalicQ(Math.sin(lat * DEG)) - this.q0);
  }

  /**
   * Signed area (m²) between the chord from (lng1, lat1) to (lng2, lat2) in this plane and the geodesic
   * joining them, to add to a shoelace sum over a ring traversed in that direction (negative when the
   * geodesic bows to the left, into a counter-clockwise ring). The geodesic midpoint is taken as the
   * ellipsoid point below the midpoint of the ECEF chord (Bowring's formula), which for edges under a few
   * hundred kilometres is the geodesic midpoint to well under a micrometre.
   */
  edgeBowM2(lng1: number, lat1: number, lng2: number, lat2: number): number {
    if (lng1 === lng2 && lat1 === lat2) return 0;
    const x1 = this.x(lng1);
    const y1 = this.y(lat1);
    const x2 = this.x(lng2);
    const y2 = this.y(lat2);
    return bowFromEcef(this, x1, y1, x2, y2, lng1, lat1, lng2, lat2);
  }

  /**
   * Signed area (m²) between the chord in this plane from (x1, y1) to (x2, y2) and the image of the edge
   * that is straight in (lng, lat) between the same points (latitudes lat1, lat2), to add to the chord's
   * shoelace term for a ring traversed in that direction. The edge maps to x linear, y = Y(φ) with φ
   * linear in the same parameter t, so the difference of the line integrals ½∮(x dy − y dx) is
   * −Δx·(∫₀¹ y dt − (y1 + y2)/2); the integral is Simpson's rule, composite for edges over half a degree
   * of latitude (error below 1e-5 m per metre of Δx).
   */
  lngLatBowM2(x1: number, y1: number, lat1: number, x2: number, y2: number, lat2: number): number {
    const dx = x2 - x1;
    if (dx === 0 || lat1 === lat2) return 0;
    const span = Math.abs(lat2 - lat1);
    if (span <= SIMPSON_MAX_DEG) return (-2 / 3) * dx * (this.y((lat1 + lat2) / 2) - (y1 + y2) / 2);
    const n = Math.ceil(span / SIMPSON_MAX_DEG);
    const dLat = (lat2 - lat1) / n;
    let integral = 0;
    let ya = y1;
    for (let k = 0; k < n; k++) {
      const yb = k + 1 === n ? y2 : this.y(lat1 + (k + 1) * dLat);
      integral += (ya + 4 * this.y(lat1 + (k + 0.5) * dLat) + yb) / 6;
      ya = yb;
    }
    return -dx * (integral / n - (y1 + y2) / 2);
  }

  /** Back to [lng, lat] (Newton's method on q; converges to 1e-15 rad in 3-4 steps for |lat| < 89°). */
  inverse(x: number, y: number): [number, number] {
    const lng = this.originLng + x / (WGS84_A * DEG);
    const q = y / this.halfA + this.q0;
    // Start from the spherical inverse, then refine with dq/dφ = 2(1 − e²) cos φ / (1 − e² sin² φ)².
    let phi = Math.asin(Math.max(-1, Math.min(1, q / Q_POLE)));
    for (let i = 0; i < 8; i++) {
      const s = Math.sin(phi);
      const c = Math.cos(phi);
      const w = 1 - E2 * s * s;
      const dq = (2 * (1 - E2) * c) / (w * w);
      if (dq < 1e-12) break;
      const step = (q - authalicQ(s)) / dq;
      phi += step;
      if (Math.abs(step) < 1e-15) break;
    }
    return [lng, phi / DEG];
  }
}

/** ECEF position of a point on the ellipsoid surface, written into `out` at `at`. */
export function ecefInto(lng: number, lat: number, out: Float64Array, at: number): void {
  const phi = lat * DEG;
  const lam = lng * DEG;
  const s = Math.sin(phi);
  const c = Math.cos(phi);
  const n = WGS84_A / Math.sqrt(1 - E2 * s * s);
  out[at] = n * c * Math.cos(lam);
  out[at + 1] = n * c * Math.sin(lam);
  out[at + 2] = n * (1 - E2) * s;
}

const scratch = new Float64Array(6);

function bowFromEcef(
  p: EqualAreaProjection,
  x1: number,
  y1: number,
  x2: number,
  y2: number,
  lng1: number,
  lat1: number,
  lng2: number,
  lat2: number,
): number {
  ecefInto(lng1, lat1, scratch, 0);
  ecefInto(lng2, lat2, scratch, 3);
  return bowFromChord(
    p,
    scratch[0]!,
    scratch[1]!,
    scratch[2]!,
    scratch[3]!,
    scratch[4]!,
    scratch[5]!,
    x1,
    y1,
    x2,
    y2,
  );
}

/**
 * The bow of one edge from its endpoints in ECEF (X, Y, Z) and in the plane (x, y): the geodesic midpoint
 * is the surface point below the ECEF chord midpoint, located by Bowring's formula.
 */
export function bowFromChord(
  p: EqualAreaProjection,
  ax: number,
  ay: number,
  az: number,
  bx: number,
  by: number,
  bz: number,
  x1: number,
  y1: number,
  x2: number,
  y2: number,
): number {
  const mx = (ax + bx) / 2;
  const my = (ay + by) / 2;
  const mz = (az + bz) / 2;
  const rho = Math.sqrt(mx * mx + my * my);
  const theta = Math.atan2(mz * WGS84_A, rho * B_AXIS);
  const st = Math.sin(theta);
  const ct = Math.cos(theta);
  const phi = Math.atan2(mz + EP2 * B_AXIS * st * st * st, rho - E2 * WGS84_A * ct * ct * ct);
  const lam = Math.atan2(my, mx);
  const gx = p.x(lam / DEG);
  const gy = p.y(phi / DEG);
  // (2/3)·chord·offset is the area of the parabolic segment between chord and geodesic.
  return (-2 / 3) * ((x2 - x1) * (gy - (y1 + y2) / 2) - (y2 - y1) * (gx - (x1 + x2) / 2));
}

/**
 * How polygon edges run between their vertices: `geodesic` (PostGIS geography, GeographicLib) or
 * `lnglat`, straight in (lng, lat) as RFC 7946 has them — the overlay engine's semantics, and GEOS's
 * and QGIS's. The two differ by up to 1.5e-4 of a polygon's area on the real layers (median 2e-6), from
 * their few kilometre-long edges.
 */
export type EdgeSemantics = 'geodesic' | 'lnglat';

export interface AreaOptions {
  /** Default `geodesic`. */
  readonly edges?: EdgeSemantics;
  /** Plane to use (default: one with its origin near the polygon). */
  readonly projection?: EqualAreaProjection;
}

/**
 * Signed area (m², counter-clockwise positive in (lng, lat)) of one ring of positions, closed or not.
 * Coordinates are taken relative to the first vertex to keep the shoelace sum well conditioned.
 */
export function signedRingAreaM2(ring: readonly Position[], options: AreaOptions = {}): number {
  const projection = options.projection;
  const edges = options.edges ?? 'geodesic';
  const n = ring.length;
  if (n < 3) return 0;
  const p = projection ?? EqualAreaProjection.near(ring[0]![0]!, ring[0]![1]!);
  const x0 = p.x(ring[0]![0]!);
  const y0 = p.y(ring[0]![1]!);
  let sum = 0;
  let bow = 0;
  let px = 0;
  let py = 0;
  for (let i = 1; i <= n; i++) {
    // i === n closes the ring (a no-op edge when the ring is already closed).
    const q = ring[i === n ? 0 : i]!;
    const prev = ring[i - 1]!;
    const x = p.x(q[0]!) - x0;
    const y = p.y(q[1]!) - y0;
    sum += px * y - x * py;
    bow +=
      edges === 'geodesic'
        ? p.edgeBowM2(prev[0]!, prev[1]!, q[0]!, q[1]!)
        : p.lngLatBowM2(px + x0, py + y0, prev[1]!, x + x0, y + y0, q[1]!);
    px = x;
    py = y;
  }
  return sum / 2 + bow;
}

/**
 * Signed area (m², counter-clockwise positive) of a ring given as flat [lng0, lat0, lng1, lat1, …]
 * (not closed), with edges straight in (lng, lat): the overlay's loops.
 */
export function signedFlatRingAreaM2(lngLat: ArrayLike<number>, projection: EqualAreaProjection): number {
  const m = lngLat.length / 2;
  if (m < 3) return 0;
  const x0 = projection.x(lngLat[0]!);
  const y0 = projection.y(lngLat[1]!);
  let sum = 0;
  let bow = 0;
  let px = 0;
  let py = 0;
  for (let i = 1; i <= m; i++) {
    const k = i === m ? 0 : i;
    const x = projection.x(lngLat[2 * k]!) - x0;
    const y = projection.y(lngLat[2 * k + 1]!) - y0;
    sum += px * y - x * py;
    bow += projection.lngLatBowM2(px + x0, py + y0, lngLat[2 * i - 1]!, x + x0, y + y0, lngLat[2 * k + 1]!);
    px = x;
    py = y;
  }
  return sum / 2 + bow;
}

/**
 * Length (m) of a short edge straight in (lng, lat), from the ellipsoid's radii of curvature at its
 * middle latitude (within 1e-6 for edges of a few kilometres): for widths of slivers and pieces.
 */
export function lngLatLengthM(lng1: number, lat1: number, lng2: number, lat2: number): number {
  const s = Math.sin(((lat1 + lat2) / 2) * DEG);
  const w = 1 - E2 * s * s;
  const n = WGS84_A / Math.sqrt(w);
  const m = (n * (1 - E2)) / w;
  const dx = n * Math.sqrt(1 - s * s) * (lng2 - lng1) * DEG;
  const dy = m * (lat2 - lat1) * DEG;
  return Math.hypot(dx, dy);
}

/** Area (m²) of a polygon given as RFC 7946 rings: |exterior| − Σ|holes|, whatever the ring orientation. */
export function polygonAreaM2(rings: readonly (readonly Position[])[], options: AreaOptions = {}): number {
  if (rings.length === 0 || rings[0]!.length === 0) return 0;
  const projection = options.projection ?? EqualAreaProjection.near(rings[0]![0]![0]!, rings[0]![0]![1]!);
  const o = { ...options, projection };
  let area = Math.abs(signedRingAreaM2(rings[0]!, o));
  for (let i = 1; i < rings.length; i++) area -= Math.abs(signedRingAreaM2(rings[i]!, o));
  return area;
}

/**
 * Area (m²) on the WGS84 ellipsoid of a Polygon or MultiPolygon (parts added, holes subtracted), with
 * geodesic edges unless asked otherwise. Agrees with PostGIS ST_Area(geography) to ~1e-9 relative.
 */
export function geometryAreaM2(geometry: AreaGeometry, options: AreaOptions = {}): number {
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  const first = polygons[0]?.[0]?.[0];
  if (!first) return 0;
  const projection = options.projection ?? EqualAreaProjection.near(first[0]!, first[1]!);
  let area = 0;
  for (const rings of polygons) area += polygonAreaM2(rings, { ...options, projection });
  return area;
}
