// Builds the national routing (national-routing.ts) from the postcode directory and every area's
// digest, or updates one: the areas that changed are replaced, the others carried over from the
// previous routing without reading them again. Pure; the application decides when (after every
// publish, rollback or directory change) and the store keeps the bytes.
import type { MultiPolygon } from 'geojson';
import { compareIds } from '../lookup/area-lookup.js';
import { PolygonIndex } from '../spatial/polygon-index.js';
import {
  type AreaDigest,
  type DigestHub,
  type FlatPolygons,
  multiPolygonOf,
  NO_CLAIM,
} from './area-digest.js';
import {
  CLAIM_TIER_BIT,
  type DirectoryColumns,
  MAX_ROUTING_AREAS,
  type NationalRouting,
  NO_CLAIM_U16,
  NO_MICRO,
  ROUTING_KIND,
  type RoutingArea,
  type RoutingMeta,
} from './national-routing.js';
import { encodeSections } from './sections.js';

/** One area as the builder takes it: from a digest, or carried over from a previous routing. */
interface AreaSource {
  readonly info: RoutingArea;
  readonly outline: FlatPolygons;
  readonly hubs: readonly DigestHub[];
  /** Carried over from the previous routing: its claims are copied from there. */
  readonly carried?: boolean;
  /** Reports each claim as (directory row, tier, or -1 for a claim whose point is stale). */
  readonly claims: (directory: DirectoryColumns, add: (row: number, tier: number) => void) => void;
}

/** An area's digest at the version being routed. */
export interface VersionDigest {
  readonly version: number;
  readonly digest: AreaDigest;
}

export interface RoutingBuildStats {
  readonly areas: number;
  readonly postcodes: number;
  readonly claimed: number;
  /** Claims dropped because the digest's point differs from the directory's (answered by point). */
  readonly stale: number;
}

/** A digest as a source: its claims matched to directory rows by key, kept only where the point agrees. */
export function digestSource(digest: AreaDigest, version: number): AreaSource {
  return {
    info: {
      id: digest.area,
      version,
      spills: digest.spills,
      catchmentBBox: digest.catchmentBBox,
      outlineBBox: digest.outlineBBox,
      directoryStamp: digest.directoryStamp,
    },
    outline: digest.outline,
    hubs: digest.hubs,
    claims(directory, add) {
      // Both sorted by key: one merge walk.
      const { keys } = directory;
      let r = 0;
      for (let i = 0; i < digest.size; i++) {
        const tier = digest.tier[i]!;
        if (tier === NO_CLAIM) continue;
        const key = digest.keys[i]!;
        while (r < keys.length && keys[r]! < key) r++;
        if (r === keys.length) break;
        if (keys[r] !== key) continue;
        add(r, directory.lat[r] === digest.lat[i] && directory.lng[r] === digest.lng[i] ? tier : -1);
      }
    },
  };
}

/** Builds a routing from scratch. */
export function buildRouting(
  directory: DirectoryColumns,
  directoryStamp: string,
  areas: readonly VersionDigest[],
): { bytes: Uint8Array; stats: RoutingBuildStats } {
  return assemble(
    directory,
    directoryStamp,
    areas.map((a) => digestSource(a.digest, a.version)),
    null,
  );
}

/**
 * The previous routing with some areas replaced (a digest) or removed (null), over the same
 * directory. Claims of the other areas are copied from the previous routing: no area is read again.
 */
export function updateRouting(
  previous: NationalRouting,
  changes: ReadonlyMap<string, VersionDigest | null>,
): { bytes: Uint8Array; stats: RoutingBuildStats } {
  const kept: AreaSource[] = [];
  const { polygons, areaPolygonStart } = previous.outlines;
  previous.areas.forEach((info, a) => {
    if (changes.has(info.id)) return;
    kept.push({
      info,
      outline: slicePolygons(polygons, areaPolygonStart[a]!, areaPolygonStart[a + 1]!),
      hubs: previous.hubsOf(a),
      carried: true,
      claims: () => {}, // copied in one pass over the previous claims (assemble)
    });
  });
  const added = [...changes.values()]
    .filter((d): d is VersionDigest => d !== null)
    .map((d) => digestSource(d.digest, d.version));
  return assemble(previous.directoryColumns(), previous.directoryStamp, [...kept, ...added], previous);
}

function assemble(
  directory: DirectoryColumns,
  directoryStamp: string,
  unsorted: readonly AreaSource[],
  previous: NationalRouting | null,
): { bytes: Uint8Array; stats: RoutingBuildStats } {
  const sources = [...unsorted].sort((a, b) => compareIds(a.info.id, b.info.id));
  if (sources.length > MAX_ROUTING_AREAS) throw new RangeError(`at most ${MAX_ROUTING_AREAS} areas`);
  const n = directory.keys.length;
  const indexOf = new Map(sources.map((s, i) => [s.info.id, i]));
  // Previous claims of carried areas, renumbered to the new area order.
  const carried = new Int32Array(previous?.areas.length ?? 0).fill(-1);
  previous?.areas.forEach((a, i) => {
    const now = indexOf.get(a.id);
    if (now !== undefined && sources[now]!.carried) carried[i] = now;
  });

  // Claims per row, as compressed rows: count, then fill, then order each row by (tier, area).
  let stale = 0;
  const count = new Int32Array(n + 1);
  const forEachClaim = (add: (row: number, claim: number) => void) => {
    if (previous) {
      const { claimStart, claims } = previous.claimColumns();
      for (let row = 0; row < n; row++) {
        for (let i = claimStart[row]!; i < claimStart[row + 1]!; i++) {
          const c = claims[i]!;
          const now = carried[c & MAX_ROUTING_AREAS]!;
          if (now >= 0) add(row, now | (c & CLAIM_TIER_BIT));
        }
      }
    }
    sources.forEach((source, a) => {
      if (source.carried) return;
      source.claims(directory, (row, tier) => {
        if (tier < 0) stale++;
        else add(row, a | (tier ? CLAIM_TIER_BIT : 0));
      });
    });
  };
  forEachClaim((row) => {
    count[row + 1] = count[row + 1]! + 1;
  });
  stale = 0;
  const claimStart = new Int32Array(n + 1);
  for (let row = 0; row < n; row++) claimStart[row + 1] = claimStart[row]! + count[row + 1]!;
  const claims = new Uint16Array(claimStart[n]!);
  const fill = claimStart.slice(0, n);
  forEachClaim((row, claim) => {
    claims[fill[row]!] = claim;
    fill[row] = fill[row]! + 1;
  });
  for (let row = 0; row < n; row++) {
    const from = claimStart[row]!;
    const to = claimStart[row + 1]!;
    if (to - from > 1) claims.subarray(from, to).sort(); // tier bit on top: (tier, area) order
  }

  // Outlines: flat polygons per area, and the point index over them (feature a = area a).
  const outlineParts = sources.map((s) => s.outline);
  const outlines = concatPolygons(outlineParts);
  const index = PolygonIndex.build(outlineParts.map((p): MultiPolygon => multiPolygonOf(p)));
  const snapshot = index.snapshot();

  const hubIds: string[] = [];
  const hubArea: number[] = [];
  const hubLng: number[] = [];
  const hubLat: number[] = [];
  sources.forEach((s, a) => {
    for (const hub of s.hubs) {
      hubIds.push(hub.id);
      hubArea.push(a);
      hubLng.push(hub.lng);
      hubLat.push(hub.lat);
    }
  });

  // Claims as stored: each row's best, plus the rare further ones apart.
  const firstClaims = new Uint16Array(n).fill(NO_CLAIM_U16);
  const extraRows: number[] = [];
  const extraStart = [0];
  const extraClaims: number[] = [];
  for (let row = 0; row < n; row++) {
    const from = claimStart[row]!;
    const to = claimStart[row + 1]!;
    if (to === from) continue;
    firstClaims[row] = claims[from]!;
    if (to - from > 1) {
      extraRows.push(row);
      for (let i = from + 1; i < to; i++) extraClaims.push(claims[i]!);
      extraStart.push(extraClaims.length);
    }
  }
  const coordinates = microCoordinates(directory);

  const meta: RoutingMeta = {
    directoryStamp,
    coordinates: coordinates ? 'micro' : 'f64',
    areas: sources.map((s) => s.info),
    months: directory.months,
    hubIds,
    index: {
      size: snapshot.size,
      boundaryToleranceDeg: snapshot.boundaryToleranceDeg,
      paddedBounds: snapshot.paddedBounds,
      stats: snapshot.stats,
    },
  };
  const bytes = encodeSections(ROUTING_KIND, meta, {
    keys: directory.keys,
    lat: coordinates?.lat ?? directory.lat,
    lng: coordinates?.lng ?? directory.lng,
    status: directory.status,
    firstClaims,
    extraRows: Int32Array.from(extraRows),
    extraStart: Int32Array.from(extraStart),
    extraClaims: Uint16Array.from(extraClaims),
    outlineXY: outlines.polygons.xy,
    outlineRingStart: outlines.polygons.ringStart,
    outlinePolygonRingStart: outlines.polygons.polygonRingStart,
    areaPolygonStart: outlines.areaPolygonStart,
    indexXY: snapshot.xy,
    indexNodes: snapshot.nodes,
    indexCells: snapshot.cells,
    indexLeaves: snapshot.leaves,
    hubArea: Uint16Array.from(hubArea),
    hubLng: Float64Array.from(hubLng),
    hubLat: Float64Array.from(hubLat),
  });
  let claimed = 0;
  for (let row = 0; row < n; row++) if (claimStart[row + 1]! > claimStart[row]!) claimed++;
  return { bytes, stats: { areas: sources.length, postcodes: n, claimed, stale } };
}

/** The coordinates as Int32 millionths of a degree, or null when one is not exactly representable. */
function microCoordinates(directory: DirectoryColumns): { lat: Int32Array; lng: Int32Array } | null {
  const n = directory.keys.length;
  const lat = new Int32Array(n);
  const lng = new Int32Array(n);
  for (let row = 0; row < n; row++) {
    const y = directory.lat[row]!;
    const x = directory.lng[row]!;
    if (Number.isNaN(y)) {
      lat[row] = NO_MICRO;
      lng[row] = NO_MICRO;
      continue;
    }
    const my = Math.round(y * 1e6);
    const mx = Math.round(x * 1e6);
    if (my / 1e6 !== y || mx / 1e6 !== x) return null;
    lat[row] = my;
    lng[row] = mx;
  }
  return { lat, lng };
}

function slicePolygons(flat: FlatPolygons, from: number, to: number): FlatPolygons {
  const firstRing = flat.polygonRingStart[from]!;
  const lastRing = flat.polygonRingStart[to]!;
  const firstVertex = flat.ringStart[firstRing]!;
  const lastVertex = flat.ringStart[lastRing]!;
  return {
    xy: flat.xy.slice(firstVertex * 2, lastVertex * 2),
    ringStart: flat.ringStart.slice(firstRing, lastRing + 1).map((v) => v - firstVertex),
    polygonRingStart: flat.polygonRingStart.slice(from, to + 1).map((r) => r - firstRing),
  };
}

function concatPolygons(parts: readonly FlatPolygons[]): {
  polygons: FlatPolygons;
  areaPolygonStart: Int32Array;
} {
  const vertices = parts.reduce((n, p) => n + p.xy.length / 2, 0);
  const rings = parts.reduce((n, p) => n + p.ringStart.length - 1, 0);
  const polygons = parts.reduce((n, p) => n + p.polygonRingStart.length - 1, 0);
  const xy = new Float64Array(vertices * 2);
  const ringStart = new Int32Array(rings + 1);
  const polygonRingStart = new Int32Array(polygons + 1);
  const areaPolygonStart = new Int32Array(parts.length + 1);
  let v = 0;
  let r = 0;
  let p = 0;
  parts.forEach((part, a) => {
    xy.set(part.xy, v * 2);
    for (let i = 1; i < part.ringStart.length; i++) ringStart[r + i] = part.ringStart[i]! + v;
    for (let i = 1; i < part.polygonRingStart.length; i++)
      polygonRingStart[p + i] = part.polygonRingStart[i]! + r;
    v += part.xy.length / 2;
    r += part.ringStart.length - 1;
    p += part.polygonRingStart.length - 1;
    areaPolygonStart[a + 1] = p;
  });
  return { polygons: { xy, ringStart, polygonRingStart }, areaPolygonStart };
}
