// The k sites nearest a point by geodesic distance on the WGS84 ellipsoid, across every area.
//
// Contract (tested against a brute-force geodesic ranking of every site, test/unit/nearest-sites.test.ts):
// - Distance is the geodesic (Karney, via GeographicLib) from the point to each site; ranking is
//   by that distance, ties by site id then area id (code-unit order), so every machine agrees.
// - The screen is exact, not approximate. The straight-line (3-D chord) distance between two
//   points on the ellipsoid never exceeds the geodesic between them: the geodesic is a curve
//   joining them, and no curve is shorter than the straight segment. So: measure the geodesic to
//   the k sites with the smallest chords; the largest of those, D, bounds the true k-th
//   distance from above; any site with chord > D is farther than D and cannot rank. Every site
//   with chord <= D (plus float slack) is measured, and the k best of those are the answer.
//   Typically k + a few geodesics per query, whatever the number of sites.
// - Chords come from each site's Earth-centred (ECEF) coordinates, computed once at build: one
//   pass of a few multiplications per site per query (a few microseconds for thousands of sites,
//   which is England's whole network).
import { geodesicDistanceM } from '../geo/geodesic.js';

/** WGS84 semi-major axis (m) and first eccentricity squared. */
const A = 6_378_137;
const E2 = 0.006_694_379_990_14;
/** Float slack on the chord test (m): chords and geodesics are both good to well under a micrometre. */
const SLACK_M = 1e-3;

export interface PlacedSite<T> {
  readonly id: string;
  /** Tie-break after id (sites of two areas may share an id). */
  readonly area: string;
  readonly lat: number;
  readonly lng: number;
  readonly value: T;
}

export interface RankedSite<T> {
  readonly site: PlacedSite<T>;
  /** Geodesic metres from the query point (unrounded). */
  readonly distanceM: number;
}

/** Earth-centred, Earth-fixed coordinates (m) of a point on the WGS84 ellipsoid surface. */
export function ecef(lat: number, lng: number): [number, number, number] {
  const phi = (lat * Math.PI) / 180;
  const lambda = (lng * Math.PI) / 180;
  const sinPhi = Math.sin(phi);
  const n = A / Math.sqrt(1 - E2 * sinPhi * sinPhi);
  const cosPhi = Math.cos(phi);
  return [n * cosPhi * Math.cos(lambda), n * cosPhi * Math.sin(lambda), n * (1 - E2) * sinPhi];
}

export class NearestSites<T> {
  private readonly xyz: Float64Array;

  private constructor(readonly sites: readonly PlacedSite<T>[]) {
    this.xyz = new Float64Array(sites.length * 3);
    sites.forEach((s, i) => {
      this.xyz.set(ecef(s.lat, s.lng), i * 3);
    });
  }

  static build<T>(sites: readonly PlacedSite<T>[]): NearestSites<T> {
    return new NearestSites(sites);
  }

  get size(): number {
    return this.sites.length;
  }

  /** The `limit` nearest sites that pass `accept`, nearest first. */
  nearest(
    lat: number,
    lng: number,
    limit: number,
    accept?: (site: PlacedSite<T>) => boolean,
  ): RankedSite<T>[] {
    if (limit <= 0 || this.sites.length === 0) return [];
    const [qx, qy, qz] = ecef(lat, lng);
    const n = this.sites.length;
    const chord = new Float64Array(n);
    // The k smallest chords so far, kept sorted (k is small: a page of results).
    const bestIdx: number[] = [];
    for (let i = 0; i < n; i++) {
      if (accept && !accept(this.sites[i]!)) {
        chord[i] = Number.POSITIVE_INFINITY;
        continue;
      }
      const dx = this.xyz[i * 3]! - qx;
      const dy = this.xyz[i * 3 + 1]! - qy;
      const dz = this.xyz[i * 3 + 2]! - qz;
      const c = Math.sqrt(dx * dx + dy * dy + dz * dz);
      chord[i] = c;
      if (bestIdx.length < limit || c < chord[bestIdx[bestIdx.length - 1]!]!) {
        let at = bestIdx.length;
        while (at > 0 && chord[bestIdx[at - 1]!]! > c) at--;
        bestIdx.splice(at, 0, i);
        if (bestIdx.length > limit) bestIdx.pop();
      }
    }
    if (bestIdx.length === 0) return [];
    const measured = new Map<number, number>();
    let bound = 0;
    for (const i of bestIdx) {
      const d = this.geodesic(i, lat, lng);
      measured.set(i, d);
      if (d > bound) bound = d;
    }
    const ranked: RankedSite<T>[] = [];
    const limitChord = bound + SLACK_M;
    for (let i = 0; i < n; i++) {
      if (!(chord[i]! <= limitChord)) continue;
      ranked.push({ site: this.sites[i]!, distanceM: measured.get(i) ?? this.geodesic(i, lat, lng) });
    }
    return ranked.sort(compareRanked).slice(0, limit);
  }

  private geodesic(i: number, lat: number, lng: number): number {
    const s = this.sites[i]!;
    return geodesicDistanceM([lng, lat], [s.lng, s.lat]);
  }
}

/** Nearest first; ties by site id, then area id. */
export function compareRanked<T>(a: RankedSite<T>, b: RankedSite<T>): number {
  return (
    a.distanceM - b.distanceM ||
    (a.site.id < b.site.id ? -1 : a.site.id > b.site.id ? 1 : 0) ||
    (a.site.area < b.site.area ? -1 : a.site.area > b.site.area ? 1 : 0)
  );
}
