// Answers lookups from the national routing and areas loaded on first use, with exactly the answers
// a catalog of every served area at its active version would give (docs/semantics.md "Which area
// answers"): the routing only says where to look.
//
// Postcodes: the routing's first claim names the area; that area's digest at its active version
// holds the answer (one binary search). A postcode no area claims (outside every area, or new or
// moved since the areas were published) is resolved as a point.
//
// Points: areas whose outline holds the point (the routing's index), first by id; else areas whose
// catchments reach past their outline and hold it; else `outside`, answered by the area of the
// nearest hub in the country. Only the answering area's locator (its stored polygon indexes and
// sites, no GeoJSON) is loaded.
//
// While an area's pointer is ahead of the routing (published since the routing was built, or a
// routing build crashed), the routing is not trusted for that area: the area is "stale", and
// - its routing claims, outline, spill box and hubs are ignored;
// - its current digest (preloaded with the snapshot) and geometry stand in for them;
// - a postcode whose point lies in the stale area's old or new bounding box is resolved as a point.
// So the answer is always the one the active versions give; the routing catching up only makes it
// cheaper again.
import { AreaNotFoundError, PostcodeNotFoundError, PostcodeWithoutLocationError } from '../../core/errors.js';
import type { PointResolution, PostcodeResolution } from '../../core/lookup/answer.js';
import type { AreaLocator, AreaLookup, AreaSites } from '../../core/lookup/area-lookup.js';
import type { LatLng, PostcodeRecord } from '../../core/model.js';
import type { AreaDigest, BBox } from '../../core/routing/area-digest.js';
import {
  compareNearest,
  inBBox,
  type NationalRouting,
  type NearestHub,
  nearestOf,
} from '../../core/routing/national-routing.js';
import type { AreaSummary } from '../ports/boundary-store.js';

/** One area at one version, ready for postcode answers (no polygons loaded). */
export interface AreaAnswers {
  readonly sites: AreaSites;
  readonly digest: AreaDigest;
}

/** Loads areas on demand (through the bounded cache). */
export interface AreaSource {
  answers(area: string, version: number): Promise<AreaAnswers>;
  /** The answers if loaded already, to answer without a promise (optional). */
  loadedAnswers?(area: string, version: number): AreaAnswers | undefined;
  /** Polygon indexes and sites: what a point answer needs. */
  locator(area: string, version: number): Promise<AreaLocator>;
  /** The same with the boundary set as GeoJSON (layers, hub catchments). */
  geometry(area: string, version: number): Promise<AreaLookup>;
}

export interface ServedArea {
  readonly id: string;
  readonly version: number;
  readonly summary: AreaSummary | null;
}

/** What one refresh decided: served areas, the routing, and the stale areas' digests. */
export class ServingSnapshot {
  readonly versions: ReadonlyMap<string, number>;
  /** Per routing area: 1 when it must not answer (stale, or not served here). */
  private readonly distrusted: Uint8Array;
  private readonly staleBoxes: readonly BBox[];

  constructor(
    readonly routing: NationalRouting,
    readonly areas: readonly ServedArea[],
    /** Served areas whose active version the routing does not reflect, with their current digests. */
    readonly stale: ReadonlyMap<string, AreaDigest>,
  ) {
    this.versions = new Map(areas.map((a) => [a.id, a.version]));
    this.distrusted = new Uint8Array(routing.areas.length);
    const boxes: BBox[] = [];
    routing.areas.forEach((a, i) => {
      const version = this.versions.get(a.id);
      if (version === a.version) return;
      this.distrusted[i] = 1;
      if (version !== undefined) boxes.push(unionBox(a.outlineBBox, a.catchmentBBox));
    });
    for (const digest of stale.values()) boxes.push(unionBox(digest.outlineBBox, digest.catchmentBBox));
    this.staleBoxes = boxes;
  }

  trusts(routingArea: number): boolean {
    return this.distrusted[routingArea] === 0;
  }

  /** Could a stale area answer for this point (it is in a stale area's old or new bounding box)? */
  nearStale(lng: number, lat: number): boolean {
    for (const box of this.staleBoxes) if (inBBox(box, lng, lat)) return true;
    return false;
  }
}

export class NationalResolver {
  constructor(
    readonly snapshot: ServingSnapshot,
    private readonly source: AreaSource,
  ) {}

  get routing(): NationalRouting {
    return this.snapshot.routing;
  }

  /** A postcode's resolution: without a promise when its area's answers are loaded (the hot path). */
  resolvePostcode(raw: string): PostcodeResolution | Promise<PostcodeResolution> {
    const { routing } = this.snapshot;
    const { row, postcode } = routing.find(raw);
    if (row < 0) throw new PostcodeNotFoundError(postcode);
    const record = routing.record(row);
    const location = record.location;
    if (!location) throw new PostcodeWithoutLocationError(record.postcode);
    if (this.snapshot.stale.size === 0 || !this.snapshot.nearStale(location.lng, location.lat)) {
      const winner = this.firstTrustedClaim(row);
      if (winner >= 0) {
        const area = routing.areas[winner]!.id;
        const version = this.snapshot.versions.get(area)!;
        const key = routing.key(row);
        const loaded = this.source.loadedAnswers?.(area, version);
        if (!loaded) {
          return this.source
            .answers(area, version)
            .then(
              (answers) =>
                fromDigest(answers, key, record, location) ?? this.resolveAsPoint(record, location),
            );
        }
        const hit = fromDigest(loaded, key, record, location);
        if (hit) return hit;
      }
    }
    return this.resolveAsPoint(record, location);
  }

  private async resolveAsPoint(record: PostcodeRecord, location: LatLng): Promise<PostcodeResolution> {
    return { record, ...(await this.resolvePoint(location)) };
  }

  async resolvePoint(location: LatLng): Promise<PointResolution> {
    const { lng, lat } = location;
    const area = (await this.coveringArea(lng, lat)) ?? (await this.spillArea(lng, lat));
    if (area) return { lookup: area, assignment: area.assign(lng, lat), location };
    const nearest = this.nearestHub(lng, lat);
    if (!nearest) throw new AreaNotFoundError('(any)', []);
    const lookup = await this.locator(nearest.area);
    return { lookup, assignment: lookup.assign(lng, lat), location };
  }

  /** The first area by id whose outline holds the point. */
  private async coveringArea(lng: number, lat: number): Promise<AreaLocator | null> {
    const { routing, stale } = this.snapshot;
    let best: string | null = null;
    for (const a of routing.outlinesAt(lng, lat)) {
      if (this.snapshot.trusts(a)) {
        best = routing.areas[a]!.id;
        break;
      }
    }
    for (const [id, digest] of stale) {
      if (best !== null && best < id) continue;
      if (!inBBox(digest.outlineBBox, lng, lat)) continue;
      if ((await this.locator(id)).covers(lng, lat)) best = id;
    }
    return best === null ? null : this.locator(best);
  }

  /** In no outline: the first area by id whose catchments reach past its outline and hold the point. */
  private async spillArea(lng: number, lat: number): Promise<AreaLocator | null> {
    const { routing, stale } = this.snapshot;
    const candidates = routing
      .spillsAt(lng, lat)
      .filter((a) => this.snapshot.trusts(a))
      .map((a) => routing.areas[a]!.id);
    for (const [id, digest] of stale) {
      if (digest.spills && inBBox(digest.catchmentBBox, lng, lat)) candidates.push(id);
    }
    candidates.sort();
    for (const id of candidates) {
      const lookup = await this.locator(id);
      if (lookup.inAnyCatchment(lng, lat)) return lookup;
    }
    return null;
  }

  /** The nearest hub of every served area (stale areas' current hubs in place of the routing's). */
  private nearestHub(lng: number, lat: number): NearestHub | null {
    let best = this.snapshot.routing.nearestHub(lng, lat, (a) => this.snapshot.trusts(a));
    for (const [id, digest] of this.snapshot.stale) {
      const hubs = digest.hubs;
      const candidate = nearestOf(
        hubs.length,
        () => true,
        (h) => hubs[h]!.lng,
        (h) => hubs[h]!.lat,
        (h) => ({ area: id, hubId: hubs[h]!.id }),
        lng,
        lat,
      );
      if (candidate && (!best || compareNearest(candidate, best) < 0)) best = candidate;
    }
    return best;
  }

  private firstTrustedClaim(row: number): number {
    const routing = this.snapshot.routing;
    const first = routing.firstClaim(row);
    if (first < 0 || this.snapshot.trusts(first)) return first;
    for (const claim of routing.claims(row)) if (this.snapshot.trusts(claim.area)) return claim.area;
    return -1;
  }

  /** "Area X at version N" with its polygons, through the same bounded cache (any version, not only the active one). */
  areaAt(area: string, version: number): Promise<AreaLookup> {
    return this.source.geometry(area, version);
  }

  private locator(area: string): Promise<AreaLocator> {
    return this.source.locator(area, this.snapshot.versions.get(area)!);
  }
}

/** The digest's answer for a postcode key (a claim is routed only where its point equals the directory's). */
function fromDigest(
  answers: AreaAnswers,
  key: number,
  record: PostcodeRecord,
  location: LatLng,
): PostcodeResolution | null {
  const at = answers.digest.find(key);
  return at < 0
    ? null
    : { record, location, lookup: answers.sites, assignment: answers.digest.assignment(at) };
}

function unionBox(a: BBox, b: BBox): BBox {
  return [Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[2], b[2]), Math.max(a[3], b[3])];
}
