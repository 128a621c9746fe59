// Routes the rows of a national postcode file to the districts being built, by point-in-polygon
// against the LSOAs (the project's PolygonIndex), so each district gets exactly the postcodes that lie
// in it, whatever the file's own district column says (its codes are today's, the LSOAs' are 2011's).
//
// - Only LSOAs near the districts being built are indexed (their bounding box grown by
//   OUTSIDE_REACH_M): a reduced build does not pay for the whole country, and a point is still tested
//   against every LSOA that could hold it, so it never lands in a district it is not in.
// - A point in no LSOA but within OUTSIDE_REACH_M of one (a pier, a spit the generalised coastline
//   clips off: 96 English postcodes of 1.49 M) goes to the district of the nearest LSOA, so it is
//   still answered (as `outside`, with its nearest hub). Only rows the file marks as English
//   (`admin_district_code` E…) are routed this way; without that column such points are dropped.
// - A site may only be placed on a `clean` postcode: strictly inside one LSOA, on no boundary.
import type { AreaGeometry } from '../model.js';
import { PolygonIndex } from '../spatial/polygon-index.js';
import type { PlanLsoa, PlanPostcode } from './district-plan.js';

/** How far outside every LSOA a postcode may lie and still be given to the nearest LSOA's district. */
export const OUTSIDE_REACH_M = 2_000;

export interface RoutingLsoa extends PlanLsoa {
  /** The LSOA's district code (2011 LAD). */
  readonly district: string;
}

export interface PostcodeRow {
  /** Canonical postcode. */
  readonly postcode: string;
  readonly lat: number;
  readonly lng: number;
  /** The file's own district code, when it has one (used only to tell English rows apart). */
  readonly district: string | null;
}

export interface RoutingCounts {
  /** Rows given to a district being built. */
  readonly routed: number;
  /** Of those, rows in no LSOA given to the nearest one's district. */
  readonly nearest: number;
  /** Rows in no LSOA and too far from any (or not English). */
  readonly unplaced: number;
  /** Rows in an LSOA of a district not being built. */
  readonly otherDistricts: number;
}

const M_PER_DEG_LAT = 110_574;
const M_PER_DEG_LNG_EQUATOR = 111_320;

export class PostcodeRouter {
  private readonly index: PolygonIndex;
  /** Index position → LSOA (only the LSOAs near the districts built). */
  private readonly indexed: readonly RoutingLsoa[];
  private readonly boxes: Float64Array;
  /** District code → its LSOAs' positions in `indexed` → position within the district. */
  private readonly localIndex: Int32Array;
  private readonly out = new Map<string, RoutedPostcodes>();
  private readonly lsoasOf = new Map<string, PlanLsoa[]>();
  private readonly bounds: [number, number, number, number];
  private counts = { routed: 0, nearest: 0, unplaced: 0, otherDistricts: 0 };

  /**
   * `lsoas`: every LSOA of the country (any order). `districts`: the codes to build; each district's
   * LSOAs are numbered as `districtLsoas` returns them (sorted by code).
   */
  constructor(
    lsoas: readonly RoutingLsoa[],
    private readonly districts: ReadonlySet<string>,
  ) {
    const wanted = lsoas.filter((l) => districts.has(l.district));
    const box = boundsOf(wanted.map((l) => l.geometry));
    const padLat = OUTSIDE_REACH_M / M_PER_DEG_LAT;
    const padLng =
      OUTSIDE_REACH_M /
      (M_PER_DEG_LNG_EQUATOR * Math.cos((Math.max(Math.abs(box[1]), Math.abs(box[3])) * Math.PI) / 180));
    this.bounds = [box[0] - padLng, box[1] - padLat, box[2] + padLng, box[3] + padLat];
    const boxes: number[] = [];
    const indexed: RoutingLsoa[] = [];
    for (const l of lsoas) {
      const b = boundsOf([l.geometry]);
      if (b[2] < this.bounds[0] || b[0] > this.bounds[2] || b[3] < this.bounds[1] || b[1] > this.bounds[3])
        continue;
      indexed.push(l);
      boxes.push(...b);
    }
    // The lowest-index tie rule must not depend on the file's order: sort by code.
    const order = indexed.map((_, i) => i).sort((a, b) => (indexed[a]!.code < indexed[b]!.code ? -1 : 1));
    this.indexed = order.map((i) => indexed[i]!);
    this.boxes = Float64Array.from(order.flatMap((i) => boxes.slice(4 * i, 4 * i + 4)));
    this.index = PolygonIndex.build(this.indexed.map((l) => l.geometry));
    this.localIndex = new Int32Array(this.indexed.length).fill(-1);
    for (const code of districts) {
      this.out.set(code, new RoutedPostcodes());
      this.lsoasOf.set(code, []);
    }
    this.indexed.forEach((l, i) => {
      const list = this.lsoasOf.get(l.district);
      if (!list) return;
      this.localIndex[i] = list.length;
      list.push({ code: l.code, name: l.name, geometry: l.geometry });
    });
  }

  /** The district's LSOAs, sorted by code: `PlanPostcode.lsoa` indexes this list. */
  districtLsoas(code: string): readonly PlanLsoa[] {
    return this.lsoasOf.get(code) ?? [];
  }

  add(row: PostcodeRow): void {
    const { lat, lng } = row;
    if (lng < this.bounds[0] || lng > this.bounds[2] || lat < this.bounds[1] || lat > this.bounds[3]) {
      this.counts.unplaced++;
      return;
    }
    const m = this.index.match(lng, lat);
    if (m.index >= 0) {
      const lsoa = this.indexed[m.index]!;
      if (!this.districts.has(lsoa.district)) {
        this.counts.otherDistricts++;
        return;
      }
      this.out
        .get(lsoa.district)!
        .push(row.postcode, lat, lng, this.localIndex[m.index]!, !m.onBoundary && m.candidates.length === 1);
      this.counts.routed++;
      return;
    }
    const nearest = row.district?.startsWith('E') ? this.nearestLsoa(lng, lat) : -1;
    if (nearest < 0) {
      this.counts.unplaced++;
      return;
    }
    const lsoa = this.indexed[nearest]!;
    if (!this.districts.has(lsoa.district)) {
      this.counts.otherDistricts++;
      return;
    }
    this.out.get(lsoa.district)!.push(row.postcode, lat, lng, -1, false);
    this.counts.routed++;
    this.counts.nearest++;
  }

  /** The postcodes routed to `code` so far, in the order added. */
  postcodes(code: string): PlanPostcode[] {
    return this.out.get(code)?.records() ?? [];
  }

  /** The postcodes routed to `code`, kept compact: hold these rather than the router once routing is done. */
  routed(code: string): RoutedPostcodes {
    return this.out.get(code) ?? new RoutedPostcodes();
  }

  get routingCounts(): RoutingCounts {
    return { ...this.counts };
  }

  /** The indexed LSOA with an edge nearest the point, within OUTSIDE_REACH_M, or -1. */
  private nearestLsoa(lng: number, lat: number): number {
    const kx = M_PER_DEG_LNG_EQUATOR * Math.cos((lat * Math.PI) / 180);
    const ky = M_PER_DEG_LAT;
    const padLng = OUTSIDE_REACH_M / kx;
    const padLat = OUTSIDE_REACH_M / ky;
    let best = -1;
    let bestD = OUTSIDE_REACH_M * OUTSIDE_REACH_M;
    for (let i = 0; i < this.indexed.length; i++) {
      const b = 4 * i;
      if (
        lng < this.boxes[b]! - padLng ||
        lng > this.boxes[b + 2]! + padLng ||
        lat < this.boxes[b + 1]! - padLat ||
        lat > this.boxes[b + 3]! + padLat
      ) {
        continue;
      }
      const d = distance2ToGeometry(this.indexed[i]!.geometry, lng, lat, kx, ky);
      if (d < bestD) {
        best = i;
        bestD = d;
      }
    }
    return best;
  }
}

/**
 * A district's postcodes as columns: England's 1.49 M postcodes as objects cost ~110 MB more than
 * this, and a district's records are only needed while it is being built.
 */
export class RoutedPostcodes {
  private readonly postcode: string[] = [];
  private readonly lat: number[] = [];
  private readonly lng: number[] = [];
  private readonly lsoa: number[] = [];
  private readonly clean: boolean[] = [];

  get size(): number {
    return this.postcode.length;
  }

  push(postcode: string, lat: number, lng: number, lsoa: number, clean: boolean): void {
    this.postcode.push(postcode);
    this.lat.push(lat);
    this.lng.push(lng);
    this.lsoa.push(lsoa);
    this.clean.push(clean);
  }

  records(): PlanPostcode[] {
    return this.postcode.map((postcode, i) => ({
      postcode,
      lat: this.lat[i]!,
      lng: this.lng[i]!,
      lsoa: this.lsoa[i]!,
      clean: this.clean[i]!,
    }));
  }
}

function boundsOf(geometries: readonly AreaGeometry[]): [number, number, number, number] {
  let [minX, minY, maxX, maxY] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const g of geometries) {
    for (const rings of g.type === 'Polygon' ? [g.coordinates] : g.coordinates) {
      for (const [x, y] of rings[0]! as [number, number][]) {
        if (x < minX) minX = x;
        if (x > maxX) maxX = x;
        if (y < minY) minY = y;
        if (y > maxY) maxY = y;
      }
    }
  }
  return [minX, minY, maxX, maxY];
}

/** Squared distance (m², local plane scaled by kx, ky) from a point to the nearest edge of any ring. */
function distance2ToGeometry(g: AreaGeometry, lng: number, lat: number, kx: number, ky: number): number {
  let best = Number.POSITIVE_INFINITY;
  for (const rings of g.type === 'Polygon' ? [g.coordinates] : g.coordinates) {
    for (const ring of rings) {
      for (let i = 0; i + 1 < ring.length; i++) {
        const ax = (ring[i]![0]! - lng) * kx;
        const ay = (ring[i]![1]! - lat) * ky;
        const bx = (ring[i + 1]![0]! - lng) * kx;
        const by = (ring[i + 1]![1]! - lat) * ky;
        const dx = bx - ax;
        const dy = by - ay;
        const len2 = dx * dx + dy * dy;
        const t = len2 > 0 ? Math.max(0, Math.min(1, -(ax * dx + ay * dy) / len2)) : 0;
        const px = ax + t * dx;
        const py = ay + t * dy;
        const d = px * px + py * py;
        if (d < best) best = d;
      }
    }
  }
  return best;
}
