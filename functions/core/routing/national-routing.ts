// The national routing: one compact structure, loaded at a container's cold start, that says for
// every directory postcode where it is and which areas answer for it, and for any point which areas'
// outlines hold it, without loading any area (DESIGN "Runtime"; docs/storage.md "National routing").
//
// - The postcode directory as sorted columns: postcode key, lat, lng, status/termination month.
// - Claims per postcode (compressed rows): the areas whose published answers cover it, ordered by
//   (tier, area id), tier 0 = in the area's outline, 1 = only in one of its catchments (area-digest.ts).
//   The first claim answers; the rest matter only while an area's pointer is ahead of the routing.
// - One point-in-polygon index over every area's outline (feature i = area i, areas sorted by id),
//   stored built (PolygonIndex snapshot): a point in no area costs one index read.
// - Every area's hubs (id, location): `outside` answers name the nearest hub of the whole country.
// - For each area: the version it was built from, whether its catchments reach past its outline, and
//   the bounding boxes of its outline and catchments.
//
// The routing is derived data, rebuilt after every publish, rollback or directory change
// (routing-builder.ts); `builtFrom` says which version of each area it reflects.
import { geodesicDistanceM } from '../geo/geodesic.js';
import type { LatLng, PostcodeRecord } from '../model.js';
import { assertPostcode } from '../postcode.js';
import { canonicalPostcodeKey, NO_KEY, postcodeFromKey, typedPostcodeKey } from '../postcode-key.js';
import { PolygonIndex, type PolygonIndexStats } from '../spatial/polygon-index.js';
import type { BBox, FlatPolygons } from './area-digest.js';
import { decodeSections } from './sections.js';

export const ROUTING_KIND = 'national-routing/1';

/** Claims are u16: area index in the low 15 bits, tier in the top bit. */
export const CLAIM_TIER_BIT = 0x8000;
export const MAX_ROUTING_AREAS = 0x7fff;
/** `firstClaims` of a row no area claims. */
export const NO_CLAIM_U16 = 0xffff;
/** Micro-degree coordinate of a postcode without a location. */
export const NO_MICRO = -0x80000000;
const MICRO = 1e6;

export interface RoutingArea {
  readonly id: string;
  readonly version: number;
  readonly spills: boolean;
  readonly catchmentBBox: BBox;
  readonly outlineBBox: BBox;
  /** The directory stamp the version's answers were computed with. */
  readonly directoryStamp: string | null;
}

export interface RoutingMeta {
  readonly directoryStamp: string;
  /**
   * `micro`: lat/lng are stored as Int32 millionths of a degree (every directory point has at most 6
   * decimals, as the directory format writes them, so this is exact); `f64`: as doubles.
   */
  readonly coordinates: 'micro' | 'f64';
  readonly areas: readonly RoutingArea[];
  readonly months: readonly string[];
  readonly hubIds: readonly string[];
  readonly index: {
    readonly size: number;
    readonly boundaryToleranceDeg: number;
    readonly paddedBounds: readonly [number, number, number, number];
    readonly stats: PolygonIndexStats;
  };
}

/** A nearest hub: its area (by id), its id and the geodesic distance. */
export interface NearestHub {
  readonly area: string;
  readonly hubId: string;
  readonly distanceM: number;
}

/** Compares two nearest-hub candidates: distance, then area id, then hub id (the tie rule). */
export function compareNearest(a: NearestHub, b: NearestHub): number {
  if (a.distanceM !== b.distanceM) return a.distanceM - b.distanceM;
  if (a.area !== b.area) return a.area < b.area ? -1 : 1;
  return a.hubId < b.hubId ? -1 : a.hubId > b.hubId ? 1 : 0;
}

const MEAN_RADIUS_M = 6_371_008.8;
/**
 * Spherical distances differ from WGS84 geodesics by well under 1% (the flattening is 1/298), so
 * every hub whose great-circle distance is within 2% (+1 m) of the smallest survives the screen and
 * the exact geodesic decides among them: the same answer as measuring every hub.
 */
const SCREEN_FACTOR = 1.02;

export class NationalRouting {
  readonly meta: RoutingMeta;
  readonly areas: readonly RoutingArea[];
  private readonly areaIndex: ReadonlyMap<string, number>;
  private readonly keys: Float64Array;
  /** Degrees: lat[row] / scale (scale 1e6 for micro-degrees, 1 for doubles); NO_MICRO or NaN: none. */
  private readonly lat: Float64Array | Int32Array;
  private readonly lng: Float64Array | Int32Array;
  private readonly scale: number;
  private readonly status: Uint16Array;
  /** The best claim of each row (NO_CLAIM_U16: none)... */
  private readonly firstClaims: Uint16Array;
  /** ...and, for the few rows with more than one claim, the others: rows ascending, compressed. */
  private readonly extraRows: Int32Array;
  private readonly extraStart: Int32Array;
  private readonly extraClaims: Uint16Array;
  private readonly outlineIndex: PolygonIndex;
  readonly outlines: {
    readonly polygons: FlatPolygons;
    /** Area a's polygons are areaPolygonStart[a] .. areaPolygonStart[a + 1] - 1. */
    readonly areaPolygonStart: Int32Array;
  };
  private readonly hubArea: Uint16Array;
  private readonly hubLng: Float64Array;
  private readonly hubLat: Float64Array;
  /** Hub indices by ascending latitude, for `nearestHub` (built on first use). */
  private hubsByLat: Int32Array | undefined;
  /** Bytes of the decoded file (memory held). */
  readonly byteLength: number;

  constructor(bytes: Uint8Array) {
    const d = decodeSections<RoutingMeta>(bytes, ROUTING_KIND);
    this.meta = d.meta;
    this.areas = d.meta.areas;
    this.areaIndex = new Map(this.areas.map((a, i) => [a.id, i]));
    this.keys = d.section('keys', 'f64');
    const micro = d.meta.coordinates === 'micro';
    this.lat = micro ? d.section('lat', 'i32') : d.section('lat', 'f64');
    this.lng = micro ? d.section('lng', 'i32') : d.section('lng', 'f64');
    this.scale = micro ? MICRO : 1;
    this.status = d.section('status', 'u16');
    this.firstClaims = d.section('firstClaims', 'u16');
    this.extraRows = d.section('extraRows', 'i32');
    this.extraStart = d.section('extraStart', 'i32');
    this.extraClaims = d.section('extraClaims', 'u16');
    this.outlines = {
      polygons: {
        xy: d.section('outlineXY', 'f64'),
        ringStart: d.section('outlineRingStart', 'i32'),
        polygonRingStart: d.section('outlinePolygonRingStart', 'i32'),
      },
      areaPolygonStart: d.section('areaPolygonStart', 'i32'),
    };
    this.outlineIndex = PolygonIndex.fromSnapshot({
      ...d.meta.index,
      xy: d.section('indexXY', 'f64'),
      nodes: d.section('indexNodes', 'f64'),
      cells: d.section('indexCells', 'i32'),
      leaves: d.section('indexLeaves', 'i32'),
    });
    this.hubArea = d.section('hubArea', 'u16');
    this.hubLng = d.section('hubLng', 'f64');
    this.hubLat = d.section('hubLat', 'f64');
    this.byteLength = bytes.byteLength;
  }

  get directoryStamp(): string {
    return this.meta.directoryStamp;
  }

  get postcodeCount(): number {
    return this.keys.length;
  }

  /** Index of an area id, or -1. */
  indexOf(area: string): number {
    return this.areaIndex.get(area) ?? -1;
  }

  /** The directory row of a postcode key, or -1 (binary search over sorted keys). */
  rowOfKey(key: number): number {
    const keys = this.keys;
    let lo = 0;
    let hi = keys.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const k = keys[mid]!;
      if (k < key) lo = mid + 1;
      else if (k > key) hi = mid - 1;
      else return mid;
    }
    return -1;
  }

  /**
   * The row of the postcode `raw` names, or -1 when it is well formed but not in the directory
   * (`postcode` is then its normalised form, for the 404; for a row, read it from `record`).
   * ASCII input in any case and spacing is read in one pass; anything else is normalised first, and
   * malformed input throws InvalidPostcodeError (as `assertPostcode`).
   */
  find(raw: string): { row: number; postcode: string } {
    const key = typedPostcodeKey(raw);
    const row = key === NO_KEY ? -1 : this.rowOfKey(key);
    if (row < 0) {
      const postcode = assertPostcode(raw);
      return { row: this.rowOfKey(canonicalPostcodeKey(postcode)), postcode };
    }
    return { row, postcode: postcodeFromKey(key) };
  }

  key(row: number): number {
    return this.keys[row]!;
  }

  /** The directory record of a row. */
  record(row: number): PostcodeRecord {
    const postcode = postcodeFromKey(this.keys[row]!);
    const location = this.location(row);
    const meta = this.status[row]!;
    if ((meta & 1) === 0) return { postcode, location, status: 'live' };
    const month = meta >>> 1;
    return month === 0
      ? { postcode, location, status: 'terminated' }
      : { postcode, location, status: 'terminated', terminated: this.meta.months[month]! };
  }

  location(row: number): LatLng | null {
    const lat = this.lat[row]!;
    if (lat === NO_MICRO || Number.isNaN(lat)) return null;
    return { lat: lat / this.scale, lng: this.lng[row]! / this.scale };
  }

  /** Every claim on a row (raw: area index | tier bit), best first. */
  private rawClaims(row: number): number[] {
    const first = this.firstClaims[row]!;
    if (first === NO_CLAIM_U16) return [];
    const out = [first];
    const e = searchInt32(this.extraRows, row);
    if (e >= 0)
      for (let i = this.extraStart[e]!; i < this.extraStart[e + 1]!; i++) out.push(this.extraClaims[i]!);
    return out;
  }

  /** The claims on a row: area indices with their tier, best first. */
  claims(row: number): { area: number; tier: number }[] {
    return this.rawClaims(row).map((c) => ({
      area: c & MAX_ROUTING_AREAS,
      tier: c & CLAIM_TIER_BIT ? 1 : 0,
    }));
  }

  /** The first claim's area index, or -1 when no area claims the row. */
  firstClaim(row: number): number {
    const first = this.firstClaims[row]!;
    return first === NO_CLAIM_U16 ? -1 : first & MAX_ROUTING_AREAS;
  }

  /** Every row's claims as compressed rows (for the builder's incremental updates). */
  claimColumns(): { readonly claimStart: Int32Array; readonly claims: Uint16Array } {
    const n = this.keys.length;
    const claimStart = new Int32Array(n + 1);
    const claims: number[] = [];
    for (let row = 0; row < n; row++) {
      for (const c of this.rawClaims(row)) claims.push(c);
      claimStart[row + 1] = claims.length;
    }
    return { claimStart, claims: Uint16Array.from(claims) };
  }

  /** The directory as sorted columns of doubles. */
  directoryColumns(): DirectoryColumns {
    const n = this.keys.length;
    const lat = new Float64Array(n);
    const lng = new Float64Array(n);
    for (let row = 0; row < n; row++) {
      const at = this.location(row);
      lat[row] = at ? at.lat : Number.NaN;
      lng[row] = at ? at.lng : Number.NaN;
    }
    return { keys: this.keys, lat, lng, status: this.status, months: this.meta.months };
  }

  /** Areas whose outline (closed) holds the point, ascending by area id. */
  outlinesAt(lng: number, lat: number): readonly number[] {
    return this.outlineIndex.match(lng, lat).candidates;
  }

  /** Areas whose catchments reach past their outline and whose catchments' bounding box holds the point. */
  spillsAt(lng: number, lat: number): number[] {
    const out: number[] = [];
    this.areas.forEach((a, i) => {
      if (a.spills && inBBox(a.catchmentBBox, lng, lat)) out.push(i);
    });
    return out;
  }

  /** Hubs of area `a`, in hub id order. */
  hubsOf(a: number): { id: string; lng: number; lat: number }[] {
    const out: { id: string; lng: number; lat: number }[] = [];
    for (let h = 0; h < this.hubArea.length; h++) {
      if (this.hubArea[h] === a)
        out.push({ id: this.meta.hubIds[h]!, lng: this.hubLng[h]!, lat: this.hubLat[h]! });
    }
    return out;
  }

  hubColumns(): { area: Uint16Array; lng: Float64Array; lat: Float64Array; ids: readonly string[] } {
    return { area: this.hubArea, lng: this.hubLng, lat: this.hubLat, ids: this.meta.hubIds };
  }

  /**
   * The nearest hub of every area the filter keeps (geodesic; ties: lowest area id, then hub id), or
   * null when there is none. The same answer as `nearestOf` over every hub, which measured ~0.45 ms a
   * point at sea under contention (the first cost of such answers): hubs are scanned outward from the
   * point's latitude and the scan stops where the latitude difference alone (a lower bound of the
   * great-circle distance) passes the screen, so a point usually measures a few dozen hubs, not all.
   */
  nearestHub(lng: number, lat: number, keepArea: (area: number) => boolean = () => true): NearestHub | null {
    if (!Number.isFinite(lng) || !Number.isFinite(lat)) return null;
    if (!this.hubsByLat) {
      this.hubsByLat = Int32Array.from(this.hubLat.keys()).sort((a, b) => this.hubLat[a]! - this.hubLat[b]!);
    }
    const order = this.hubsByLat;
    let down = lowerBound(order, this.hubLat, lat) - 1;
    let up = down + 1;
    const scanned: number[] = [];
    const approx: number[] = [];
    let min = Infinity;
    const phi1 = (lat * Math.PI) / 180;
    const beyond = (h: number) =>
      (Math.abs(this.hubLat[h]! - lat) * Math.PI * MEAN_RADIUS_M) / 180 > min * SCREEN_FACTOR + 2;
    for (;;) {
      const downOpen = down >= 0 && !beyond(order[down]!);
      const upOpen = up < order.length && !beyond(order[up]!);
      if (!downOpen && !upOpen) break;
      // The nearer side in latitude first, so the screen tightens as early as it can.
      const takeDown =
        downOpen && (!upOpen || lat - this.hubLat[order[down]!]! <= this.hubLat[order[up]!]! - lat);
      const h = takeDown ? order[down--]! : order[up++]!;
      if (!keepArea(this.hubArea[h]!)) continue;
      const d = greatCircleM(phi1, lng, this.hubLat[h]!, this.hubLng[h]!);
      scanned.push(h);
      approx.push(d);
      if (d < min) min = d;
    }
    const limit = min * SCREEN_FACTOR + 1;
    let best: NearestHub | null = null;
    scanned.forEach((h, i) => {
      if (!(approx[i]! <= limit)) return;
      const candidate = {
        area: this.areas[this.hubArea[h]!]!.id,
        hubId: this.meta.hubIds[h]!,
        distanceM: geodesicDistanceM([lng, lat], [this.hubLng[h]!, this.hubLat[h]!]),
      };
      if (!best || compareNearest(candidate, best) < 0) best = candidate;
    });
    return best;
  }
}

/** Great-circle (haversine, mean radius) metres from (lng, lat = phi1 in radians) to a site: the screen. */
function greatCircleM(phi1: number, lng: number, siteLat: number, siteLng: number): number {
  const phi2 = (siteLat * Math.PI) / 180;
  const dPhi = phi2 - phi1;
  const dLambda = ((siteLng - lng) * Math.PI) / 180;
  const h = Math.sin(dPhi / 2) ** 2 + Math.cos(phi1) * Math.cos(phi2) * Math.sin(dLambda / 2) ** 2;
  return 2 * MEAN_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** The first position in `order` (indices ascending by `values`) whose value is >= `value`. */
function lowerBound(order: Int32Array, values: Float64Array, value: number): number {
  let lo = 0;
  let hi = order.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[order[mid]!]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The nearest of `n` sites to (lng, lat): a great-circle screen, then exact geodesics (see SCREEN_FACTOR). */
export function nearestOf(
  n: number,
  keep: (i: number) => boolean,
  lngOf: (i: number) => number,
  latOf: (i: number) => number,
  name: (i: number) => { area: string; hubId: string },
  lng: number,
  lat: number,
): NearestHub | null {
  if (!Number.isFinite(lng) || !Number.isFinite(lat)) return null;
  const approx = new Float64Array(n);
  let min = Infinity;
  const phi1 = (lat * Math.PI) / 180;
  for (let i = 0; i < n; i++) {
    if (!keep(i)) {
      approx[i] = Infinity;
      continue;
    }
    approx[i] = greatCircleM(phi1, lng, latOf(i), lngOf(i));
    if (approx[i]! < min) min = approx[i]!;
  }
  if (min === Infinity) return null;
  const limit = min * SCREEN_FACTOR + 1;
  let best: NearestHub | null = null;
  for (let i = 0; i < n; i++) {
    if (!(approx[i]! <= limit)) continue;
    const candidate = { ...name(i), distanceM: geodesicDistanceM([lng, lat], [lngOf(i), latOf(i)]) };
    if (!best || compareNearest(candidate, best) < 0) best = candidate;
  }
  return best;
}

/** Index of `value` in an ascending Int32Array, or -1. */
function searchInt32(sorted: Int32Array, value: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = sorted[mid]!;
    if (v < value) lo = mid + 1;
    else if (v > value) hi = mid - 1;
    else return mid;
  }
  return -1;
}

export function inBBox(box: BBox, lng: number, lat: number): boolean {
  return lng >= box[0] && lng <= box[2] && lat >= box[1] && lat <= box[3];
}

/** A postcode directory as sorted columns (the routing's first part, and the national directory file). */
export interface DirectoryColumns {
  readonly keys: Float64Array;
  /** NaN when the postcode has no location. */
  readonly lat: Float64Array;
  readonly lng: Float64Array;
  /** Bit 0: terminated; bits 1..15: index into `months` (0 = no month). */
  readonly status: Uint16Array;
  readonly months: readonly string[];
}
