// One area's boundary set, indexed for lookups: point -> hub catchment, HV patch, CoC team.
//
// Semantics (tested in test/unit/area-lookup.test.ts):
// - `inside`: the point is in exactly one hub catchment, away from its boundary.
// - `boundary`: the point lies on a catchment boundary (within the index tolerance) or in more than
//   one catchment (a sliver overlap). Deterministic tie rule: the catchment with the lowest hub id
//   (features are sorted by id before indexing and the index assigns the lowest index). All the
//   catchments it touches are listed in `boundaryHubIds` so callers can see the tie.
// - `gap`: in no catchment but inside the area outline (a hole in coverage). No hub is assigned;
//   `nearestHubId` and its geodesic distance are offered instead. Never a silent guess.
// - `outside`: in no catchment and outside the outline. Same nearest-hub offer.
import { geodesicDistanceM } from '../geo/geodesic.js';
import type { AreaInfo, BoundarySet, Layer, LayerFeature, Site } from '../model.js';
import { PolygonIndex, type PolygonIndexOptions } from '../spatial/polygon-index.js';

export type MatchKind = 'inside' | 'boundary' | 'gap' | 'outside';

/** Where a point falls in one area's boundary set: ids only, so it can be stored and shared. */
export interface Assignment {
  readonly match: MatchKind;
  readonly hubId: string | null;
  /** When `match` is `boundary`: every hub whose catchment the point touches, ascending. */
  readonly boundaryHubIds?: readonly string[];
  readonly hvPatchId: string | null;
  readonly cocTeamId: string | null;
  /** Spoke catchment, when the area has that optional layer. */
  readonly spokeId?: string | null;
  /** When `match` is `gap` or `outside`: the nearest hub site and its geodesic distance. */
  readonly nearestHubId?: string;
  readonly nearestHubDistanceM?: number;
}

export interface SiteDistance {
  readonly site: Site;
  readonly distanceM: number;
}

/** WGS84 semi-major axis (m) and first eccentricity squared, for the nearest-hub screen. */
const A = 6_378_137;
const E2 = 0.006_694_379_990_14;
/** Beyond this the planar screen is not trusted and every hub is measured. */
const SCREEN_MAX_M = 200_000;

/** How many spokes an answer lists, nearest first. */
export const DEFAULT_SPOKES_PER_ANSWER = 3;

/** A polygon layer with its index and its features' ids/names in index order. */
class IndexedLayer {
  private constructor(
    private readonly index: PolygonIndex,
    readonly features: readonly LayerFeature[],
  ) {}

  static build(layer: Layer | undefined, options: PolygonIndexOptions): IndexedLayer | null {
    if (!layer || layer.features.length === 0) return null;
    // Sorting by id makes the index's "lowest index wins" tie rule mean "lowest id wins".
    const features = [...layer.features].sort((a, b) => compareIds(a.properties.id, b.properties.id));
    return new IndexedLayer(
      PolygonIndex.build(
        features.map((f) => f.geometry),
        options,
      ),
      features,
    );
  }

  locateId(lng: number, lat: number): string | null {
    const i = this.index.locate(lng, lat);
    return i < 0 ? null : this.features[i]!.properties.id;
  }

  match(lng: number, lat: number): { id: string | null; onBoundary: boolean; candidateIds: string[] } {
    const m = this.index.match(lng, lat);
    return {
      id: m.index < 0 ? null : this.features[m.index]!.properties.id,
      onBoundary: m.onBoundary,
      candidateIds: m.candidates.map((i) => this.features[i]!.properties.id),
    };
  }

  contains(lng: number, lat: number): boolean {
    return this.index.locate(lng, lat) >= 0;
  }

  get indexBytes(): number {
    return this.index.stats().typedArrayBytes;
  }

  nameOf(id: string): string | undefined {
    return this.features.find((f) => f.properties.id === id)?.properties.name;
  }
}

export class AreaLookup {
  readonly area: AreaInfo;
  readonly version: number | null;
  /** Sites, spokes and unit names: all an answer needs besides the point's assignment. */
  readonly sites: AreaSites;
  readonly hubs: readonly Site[];
  private readonly outline: IndexedLayer | null;
  private readonly catchments: IndexedLayer;
  private readonly hvPatches: IndexedLayer | null;
  private readonly cocTeams: IndexedLayer | null;
  private readonly spokeCatchments: IndexedLayer | null;
  /** The boundary set this lookup was built from (immutable: shared, never copied). */
  readonly set: BoundarySet;

  private constructor(set: BoundarySet, options: PolygonIndexOptions) {
    this.set = set;
    this.area = set.area;
    this.version = set.version;
    this.outline = IndexedLayer.build(set.layers.outline, options);
    const catchments = IndexedLayer.build(set.layers.catchments, options);
    if (!catchments) throw new Error(`Area ${set.area.id} has no catchments layer features`);
    this.catchments = catchments;
    this.hvPatches = IndexedLayer.build(set.layers['hv-patches'], options);
    this.cocTeams = IndexedLayer.build(set.layers['coc-teams'], options);
    this.spokeCatchments = IndexedLayer.build(set.layers['spoke-catchments'], options);
    const names = new Map<string, string>();
    for (const layer of [this.hvPatches, this.cocTeams]) {
      for (const f of layer?.features ?? []) names.set(f.properties.id, f.properties.name);
    }
    this.sites = new AreaSites(set.area, set.version, set.sites, (id) => names.get(id));
    this.hubs = this.sites.hubs;
  }

  /** Builds every index once; the result is immutable and safe to share across requests. */
  /**
   * Indexes the set's layers. `options.use: 'one-pass'` for a lookup that answers one bulk pass (a
   * draft's postcodes) and is dropped; `options.checkpoint` may throw to abandon a build that runs out
   * of its caller's time (polygon-index.ts).
   */
  static build(set: BoundarySet, options: PolygonIndexOptions = {}): AreaLookup {
    return new AreaLookup(set, options);
  }

  /** True when the point is inside the area outline (or, lacking one, in any catchment). */
  covers(lng: number, lat: number): boolean {
    return (this.outline ?? this.catchments).contains(lng, lat);
  }

  /** Is the point in any hub catchment? (Catchments may reach past a coarse outline.) */
  inAnyCatchment(lng: number, lat: number): boolean {
    return this.catchments.contains(lng, lat);
  }

  assign(lng: number, lat: number): Assignment {
    const catchment = this.catchments.match(lng, lat);
    const hvPatchId = this.hvPatches?.locateId(lng, lat) ?? null;
    const cocTeamId = this.cocTeams?.locateId(lng, lat) ?? null;
    const spoke = this.spokeCatchments ? { spokeId: this.spokeCatchments.locateId(lng, lat) } : {};
    if (catchment.id !== null) {
      const boundary = catchment.onBoundary;
      return {
        match: boundary ? 'boundary' : 'inside',
        hubId: catchment.id,
        ...(boundary ? { boundaryHubIds: catchment.candidateIds } : {}),
        hvPatchId,
        cocTeamId,
        ...spoke,
      };
    }
    const nearest = this.sites.nearestHub(lng, lat);
    return {
      match: this.covers(lng, lat) ? 'gap' : 'outside',
      hubId: null,
      hvPatchId,
      cocTeamId,
      ...spoke,
      ...(nearest ? { nearestHubId: nearest.site.id, nearestHubDistanceM: nearest.distanceM } : {}),
    };
  }

  nearestHub(lng: number, lat: number): SiteDistance | null {
    return this.sites.nearestHub(lng, lat);
  }

  spokesOf(hubId: string, lng: number, lat: number, limit = DEFAULT_SPOKES_PER_ANSWER): SiteDistance[] {
    return this.sites.spokesOf(hubId, lng, lat, limit);
  }

  distanceTo(site: Site, lng: number, lat: number): number {
    return this.sites.distanceTo(site, lng, lat);
  }

  site(id: string): Site | undefined {
    return this.sites.site(id);
  }

  spokesOfHub(hubId: string): readonly Site[] {
    return this.sites.spokesOfHub(hubId);
  }

  /** The hub's catchment feature, if it has one. */
  catchmentOf(hubId: string): LayerFeature | undefined {
    return this.catchments.features.find((f) => f.properties.id === hubId);
  }

  /** Display name of an HV patch or CoC team id. */
  unitName(id: string): string | undefined {
    return this.sites.unitName(id);
  }

  /** Bytes held in the layers' indexes (typed arrays), for cache budgets. */
  indexBytes(): number {
    return [this.outline, this.catchments, this.hvPatches, this.cocTeams, this.spokeCatchments].reduce(
      (sum, layer) => sum + (layer?.indexBytes ?? 0),
      0,
    );
  }
}

/**
 * One area's sites at one version, and the names of its HV patches and CoC teams: everything an
 * answer needs besides where the point falls. Served on its own (without the polygon layers) when
 * postcode answers come precomputed.
 */
export class AreaSites {
  readonly hubs: readonly Site[];
  private readonly sitesById: ReadonlyMap<string, Site>;
  private readonly spokesByHub: ReadonlyMap<string, readonly Site[]>;

  constructor(
    readonly area: AreaInfo,
    readonly version: number | null,
    sites: readonly Site[],
    private readonly unitNames: (id: string) => string | undefined,
  ) {
    const sorted = [...sites].sort((a, b) => compareIds(a.id, b.id));
    this.hubs = sorted.filter((s) => s.kind === 'hub');
    this.sitesById = new Map(sorted.map((s) => [s.id, s]));
    const spokesByHub = new Map<string, Site[]>();
    for (const spoke of sorted) {
      if (spoke.kind !== 'spoke' || !spoke.hubId) continue;
      const list = spokesByHub.get(spoke.hubId) ?? [];
      list.push(spoke);
      spokesByHub.set(spoke.hubId, list);
    }
    this.spokesByHub = spokesByHub;
  }

  /**
   * The hub nearest the point (geodesic; ties to the lowest hub id). With many hubs a planar
   * screen first keeps only the hubs whose approximate distance (equirectangular at the pair's
   * mean latitude, WGS84 radii of curvature) is within 1% (+1 m) of the smallest; within 200 km
   * that approximation is within 0.02% of the geodesic, so the exhaustive answer always survives
   * the screen. Farther away every hub is measured. (2,001 hubs: ~7 s of 22k searches -> < 1 s.)
   */
  nearestHub(lng: number, lat: number): SiteDistance | null {
    const hubs = this.hubs;
    let candidates: readonly Site[] = hubs;
    if (hubs.length > 16 && Number.isFinite(lng) && Number.isFinite(lat)) {
      const approx = new Float64Array(hubs.length);
      let min = Number.POSITIVE_INFINITY;
      for (let i = 0; i < hubs.length; i++) {
        const { location } = hubs[i]!;
        // Meridional (m) and prime-vertical (n) radii of curvature at the pair's mean latitude.
        const phi = ((lat + location.lat) * Math.PI) / 360;
        const w = Math.sqrt(1 - E2 * Math.sin(phi) ** 2);
        const m = (A * (1 - E2)) / (w * w * w);
        const n = (A / w) * Math.cos(phi);
        let dLng = location.lng - lng;
        if (dLng > 180) dLng -= 360;
        else if (dLng < -180) dLng += 360;
        const dx = ((dLng * Math.PI) / 180) * n;
        const dy = (((location.lat - lat) * Math.PI) / 180) * m;
        approx[i] = Math.hypot(dx, dy);
        if (approx[i]! < min) min = approx[i]!;
      }
      if (min < SCREEN_MAX_M) {
        const limit = min * 1.01 + 1;
        candidates = hubs.filter((_, i) => approx[i]! <= limit);
      }
    }
    let best: SiteDistance | null = null;
    for (const hub of candidates) {
      const distanceM = this.distanceTo(hub, lng, lat);
      if (!best || distanceM < best.distanceM) best = { site: hub, distanceM };
    }
    return best;
  }

  /** The hub's spokes nearest the point first (ties by id), at most `limit`. */
  spokesOf(hubId: string, lng: number, lat: number, limit = DEFAULT_SPOKES_PER_ANSWER): SiteDistance[] {
    return (this.spokesByHub.get(hubId) ?? [])
      .map((site) => ({ site, distanceM: this.distanceTo(site, lng, lat) }))
      .sort((a, b) => a.distanceM - b.distanceM || compareIds(a.site.id, b.site.id))
      .slice(0, limit);
  }

  distanceTo(site: Site, lng: number, lat: number): number {
    return geodesicDistanceM([lng, lat], [site.location.lng, site.location.lat]);
  }

  site(id: string): Site | undefined {
    return this.sitesById.get(id);
  }

  spokesOfHub(hubId: string): readonly Site[] {
    return this.spokesByHub.get(hubId) ?? [];
  }

  /** Display name of an HV patch or CoC team id. */
  unitName(id: string): string | undefined {
    return this.unitNames(id);
  }
}

/** What an answer is shaped from: an area's sites and names at one version (AreaSites or AreaLookup). */
export type AnswerSource = Pick<
  AreaSites,
  'area' | 'version' | 'site' | 'distanceTo' | 'spokesOf' | 'unitName'
>;

/** Ids compare as plain code-unit strings: locale-independent, so every machine agrees. */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
