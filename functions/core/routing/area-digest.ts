// An area digest: what serving and the national routing need from one version of an area, as typed
// arrays (sections.ts), written once at publish beside the version's JSON parts.
//
// - Its postcode answers: every row of the version's assignment table, keyed by postcode key, with
//   the Assignment encoded as indices into an id table. A container answers a postcode from it with
//   a binary search and no JSON parse (the JSON-lines table stays the source of exports and diffs).
// - Its claims: a row whose match is not `outside` is a postcode the area answers for. The claim's
//   tier says why: 0 when the area outline covers the point, 1 when only a catchment does (a
//   catchment reaching past the outline). The routing orders claims by (tier, area id): the rule
//   "the first area by id whose outline covers the point, else one whose catchments do".
// - Its outline polygons (for the routing's point index), its hubs (for national nearest-hub answers),
//   the HV patch and CoC team names (answers name them without the layers), and whether any
//   catchment reaches past the outline (`spills`, with the catchments' bounding box): only such areas
//   are checked for points in no outline. `spills` is decided on catchment vertices: a catchment
//   part outside the outline that holds no catchment vertex (an edge cutting across a notch of the
//   outline) is not detected; validation reports every such part to the planner when publishing.
import type { MultiPolygon, Polygon, Position } from 'geojson';
import type { Assignment, MatchKind } from '../lookup/area-lookup.js';
import type { AssignmentRow } from '../lookup/assignment-table.js';
import type { BoundarySet, Site } from '../model.js';
import { canonicalPostcodeKey } from '../postcode-key.js';
import { PolygonIndex } from '../spatial/polygon-index.js';
import { decodeSections, encodeSections } from './sections.js';

export const AREA_DIGEST_KIND = 'area-digest/1';

const MATCHES: readonly MatchKind[] = ['inside', 'boundary', 'gap', 'outside'];
/** `tier` of a row the area does not claim (its match is `outside`). */
export const NO_CLAIM = 255;
const NULL_ID = -1;
/** `spoke` of a row when the version has no spoke-catchments layer (the field is absent). */
const NO_SPOKE_LAYER = -2;

export type BBox = readonly [number, number, number, number];

interface DigestMeta {
  readonly area: string;
  readonly directoryStamp: string | null;
  /** Every id a row refers to; rows hold indices into it. */
  readonly ids: readonly string[];
  readonly unitNames: Readonly<Record<string, string>>;
  readonly spills: boolean;
  readonly catchmentBBox: BBox;
  readonly outlineBBox: BBox;
}

export interface DigestHub {
  readonly id: string;
  readonly lng: number;
  readonly lat: number;
}

/** Builds the digest of a published version from its set, its assignment rows and its index. */
export function encodeAreaDigest(
  set: BoundarySet,
  rows: readonly AssignmentRow[],
  directoryStamp: string | null,
): Uint8Array {
  const outlineIndex = PolygonIndex.build(set.layers.outline.features.map((f) => f.geometry));
  const covers = (lng: number, lat: number) => outlineIndex.locate(lng, lat) >= 0;
  const sorted = rows
    .map((row) => ({ row, key: canonicalPostcodeKey(row.postcode) }))
    .sort((a, b) => a.key - b.key);
  const ids: string[] = [];
  const idIndex = new Map<string, number>();
  const id = (value: string | null | undefined): number => {
    if (value === null || value === undefined) return NULL_ID;
    let i = idIndex.get(value);
    if (i === undefined) {
      i = ids.length;
      ids.push(value);
      idIndex.set(value, i);
    }
    return i;
  };
  const n = sorted.length;
  const keys = new Float64Array(n);
  const lat = new Float64Array(n);
  const lng = new Float64Array(n);
  const match = new Uint8Array(n);
  const tier = new Uint8Array(n);
  const hub = new Int32Array(n);
  const hv = new Int32Array(n);
  const coc = new Int32Array(n);
  const spoke = new Int32Array(n);
  const nearest = new Int32Array(n);
  const nearestM = new Float64Array(n);
  const boundaryStart = new Int32Array(n + 1);
  const boundary: number[] = [];
  for (let i = 0; i < n; i++) {
    const { row, key } = sorted[i]!;
    const a = row.assignment;
    keys[i] = key;
    lat[i] = row.lat;
    lng[i] = row.lng;
    match[i] = MATCHES.indexOf(a.match);
    tier[i] = a.match === 'outside' ? NO_CLAIM : a.match === 'gap' || covers(row.lng, row.lat) ? 0 : 1;
    hub[i] = id(a.hubId);
    hv[i] = id(a.hvPatchId);
    coc[i] = id(a.cocTeamId);
    spoke[i] = a.spokeId === undefined ? NO_SPOKE_LAYER : id(a.spokeId);
    nearest[i] = id(a.nearestHubId);
    nearestM[i] = a.nearestHubDistanceM ?? Number.NaN;
    for (const b of a.boundaryHubIds ?? []) boundary.push(id(b));
    boundaryStart[i + 1] = boundary.length;
  }
  const outline = flattenPolygons(set.layers.outline.features.map((f) => f.geometry));
  const hubs = set.sites
    .filter((s) => s.kind === 'hub')
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const unitNames: Record<string, string> = {};
  for (const layer of [set.layers['hv-patches'], set.layers['coc-teams']]) {
    for (const f of layer?.features ?? []) unitNames[f.properties.id] = f.properties.name;
  }
  const catchmentBBox = bboxOf(set.layers.catchments.features.map((f) => f.geometry));
  const meta: DigestMeta = {
    area: set.area.id,
    directoryStamp,
    ids,
    unitNames,
    spills: catchmentsSpill(set, covers),
    catchmentBBox,
    outlineBBox: bboxOf(set.layers.outline.features.map((f) => f.geometry)),
  };
  return encodeSections(AREA_DIGEST_KIND, meta, {
    keys,
    lat,
    lng,
    match,
    tier,
    hub,
    hv,
    coc,
    spoke,
    nearest,
    nearestM,
    boundaryStart,
    boundary: Int32Array.from(boundary),
    outlineXY: outline.xy,
    outlineRingStart: outline.ringStart,
    outlinePolygonRingStart: outline.polygonRingStart,
    hubId: Int32Array.from(hubs.map((h) => id(h.id))),
    hubLng: Float64Array.from(hubs.map((h) => h.location.lng)),
    hubLat: Float64Array.from(hubs.map((h) => h.location.lat)),
  });
}

/** True when some catchment vertex lies outside the outline (see the header on what this misses). */
function catchmentsSpill(set: BoundarySet, covers: (lng: number, lat: number) => boolean): boolean {
  for (const feature of set.layers.catchments.features) {
    const g = feature.geometry;
    const polygons = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
    for (const polygon of polygons) {
      for (const ring of polygon) for (const [x, y] of ring) if (!covers(x!, y!)) return true;
    }
  }
  return false;
}

export function bboxOf(geometries: readonly (Polygon | MultiPolygon)[]): BBox {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const g of geometries) {
    const polygons = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
    for (const polygon of polygons) {
      for (const [x, y] of polygon[0] ?? []) {
        if (x! < x0) x0 = x!;
        if (x! > x1) x1 = x!;
        if (y! < y0) y0 = y!;
        if (y! > y1) y1 = y!;
      }
    }
  }
  return [x0, y0, x1, y1];
}

/** Polygons as flat arrays: all vertices, where each ring starts, where each polygon's rings start. */
export interface FlatPolygons {
  readonly xy: Float64Array;
  /** Ring r's vertices are ringStart[r] .. ringStart[r + 1] - 1 (vertex indices). */
  readonly ringStart: Int32Array;
  /** Polygon p's rings are polygonRingStart[p] .. polygonRingStart[p + 1] - 1 (the first is its exterior). */
  readonly polygonRingStart: Int32Array;
}

export function flattenPolygons(geometries: readonly (Polygon | MultiPolygon)[]): FlatPolygons {
  const xy: number[] = [];
  const ringStart = [0];
  const polygonRingStart = [0];
  for (const g of geometries) {
    for (const polygon of g.type === 'Polygon' ? [g.coordinates] : g.coordinates) {
      for (const ring of polygon) {
        for (const [x, y] of ring) xy.push(x!, y!);
        ringStart.push(xy.length / 2);
      }
      polygonRingStart.push(ringStart.length - 1);
    }
  }
  return {
    xy: Float64Array.from(xy),
    ringStart: Int32Array.from(ringStart),
    polygonRingStart: Int32Array.from(polygonRingStart),
  };
}

/** The flat polygons back as one MultiPolygon (the union of the parts). */
export function multiPolygonOf(flat: FlatPolygons): MultiPolygon {
  const coordinates: Position[][][] = [];
  for (let p = 0; p + 1 < flat.polygonRingStart.length; p++) {
    const rings: Position[][] = [];
    for (let r = flat.polygonRingStart[p]!; r < flat.polygonRingStart[p + 1]!; r++) {
      const ring: Position[] = [];
      for (let v = flat.ringStart[r]!; v < flat.ringStart[r + 1]!; v++)
        ring.push([flat.xy[2 * v]!, flat.xy[2 * v + 1]!]);
      rings.push(ring);
    }
    coordinates.push(rings);
  }
  return { type: 'MultiPolygon', coordinates };
}

/** A decoded digest: typed arrays plus the small header; answers are built on demand. */
export class AreaDigest {
  readonly area: string;
  readonly directoryStamp: string | null;
  readonly spills: boolean;
  readonly catchmentBBox: BBox;
  readonly outlineBBox: BBox;
  readonly keys: Float64Array;
  readonly lat: Float64Array;
  readonly lng: Float64Array;
  readonly tier: Uint8Array;
  readonly outline: FlatPolygons;
  readonly hubs: readonly DigestHub[];
  /** Bytes held (for cache budgets). */
  readonly byteLength: number;
  private readonly ids: readonly string[];
  private readonly unitNames: Readonly<Record<string, string>>;
  private readonly match: Uint8Array;
  private readonly hub: Int32Array;
  private readonly hv: Int32Array;
  private readonly coc: Int32Array;
  private readonly spoke: Int32Array;
  private readonly nearest: Int32Array;
  private readonly nearestM: Float64Array;
  private readonly boundaryStart: Int32Array;
  private readonly boundary: Int32Array;

  constructor(bytes: Uint8Array) {
    const d = decodeSections<DigestMeta>(bytes, AREA_DIGEST_KIND);
    const m = d.meta;
    this.area = m.area;
    this.directoryStamp = m.directoryStamp;
    this.spills = m.spills;
    this.catchmentBBox = m.catchmentBBox;
    this.outlineBBox = m.outlineBBox;
    this.ids = m.ids;
    this.unitNames = m.unitNames;
    this.keys = d.section('keys', 'f64');
    this.lat = d.section('lat', 'f64');
    this.lng = d.section('lng', 'f64');
    this.match = d.section('match', 'u8');
    this.tier = d.section('tier', 'u8');
    this.hub = d.section('hub', 'i32');
    this.hv = d.section('hv', 'i32');
    this.coc = d.section('coc', 'i32');
    this.spoke = d.section('spoke', 'i32');
    this.nearest = d.section('nearest', 'i32');
    this.nearestM = d.section('nearestM', 'f64');
    this.boundaryStart = d.section('boundaryStart', 'i32');
    this.boundary = d.section('boundary', 'i32');
    this.outline = {
      xy: d.section('outlineXY', 'f64'),
      ringStart: d.section('outlineRingStart', 'i32'),
      polygonRingStart: d.section('outlinePolygonRingStart', 'i32'),
    };
    const hubId = d.section('hubId', 'i32');
    const hubLng = d.section('hubLng', 'f64');
    const hubLat = d.section('hubLat', 'f64');
    this.hubs = Array.from(hubId, (i, h) => ({ id: m.ids[i]!, lng: hubLng[h]!, lat: hubLat[h]! }));
    this.byteLength = bytes.byteLength;
  }

  get size(): number {
    return this.keys.length;
  }

  /** The row of a postcode key, or -1 (binary search: rows are sorted by key). */
  find(key: number): number {
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

  /** The row's Assignment, equal field for field to what `AreaLookup.assign` gave at publish. */
  assignment(row: number): Assignment {
    const match = MATCHES[this.match[row]!]!;
    const idAt = (i: number) => (i === NULL_ID ? null : this.ids[i]!);
    const spokeIndex = this.spoke[row]!;
    const spoke = spokeIndex === NO_SPOKE_LAYER ? {} : { spokeId: idAt(spokeIndex) };
    const hubId = idAt(this.hub[row]!);
    const hvPatchId = idAt(this.hv[row]!);
    const cocTeamId = idAt(this.coc[row]!);
    if (hubId !== null) {
      const boundaryHubIds: string[] = [];
      for (let i = this.boundaryStart[row]!; i < this.boundaryStart[row + 1]!; i++)
        boundaryHubIds.push(this.ids[this.boundary[i]!]!);
      return {
        match,
        hubId,
        ...(match === 'boundary' ? { boundaryHubIds } : {}),
        hvPatchId,
        cocTeamId,
        ...spoke,
      };
    }
    const nearestHubId = idAt(this.nearest[row]!);
    const distance = this.nearestM[row]!;
    const nearest =
      nearestHubId !== null && !Number.isNaN(distance) ? { nearestHubId, nearestHubDistanceM: distance } : {};
    return { match, hubId: null, hvPatchId, cocTeamId, ...spoke, ...nearest };
  }

  unitName(id: string): string | undefined {
    return Object.hasOwn(this.unitNames, id) ? this.unitNames[id] : undefined;
  }
}

/** Hubs of a site list as the digest keeps them (sorted by id). */
export function digestHubs(sites: readonly Site[]): DigestHub[] {
  return sites
    .filter((s) => s.kind === 'hub')
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((s) => ({ id: s.id, lng: s.location.lng, lat: s.location.lat }));
}
