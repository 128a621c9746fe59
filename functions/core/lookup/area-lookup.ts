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
import type { AreaInfo, BoundarySet, LayerFeature, LayerName, Site } from '../model.js';
import type { PolygonIndexOptions } from '../spatial/polygon-index.js';
import {
  buildIndexedLayers,
  decodeAreaIndex,
  encodeAreaIndex,
  type IndexedLayer,
  type IndexedLayers,
} from './area-index.js';
import { compareIds } from './ids.js';

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

/**
 * One area's polygon indexes and sites at one version: everything a point answer needs, without the
 * GeoJSON. Built from a boundary set, or read from the version's stored index (area-index.ts), which
 * answers identically with no parse and no build.
 */
export class AreaLocator {
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

  protected constructor(
    area: AreaInfo,
    version: number | null,
    sites: readonly Site[],
    layers: IndexedLayers,
  ) {
    this.area = area;
    this.version = version;
    this.outline = layers.outline ?? null;
    if (!layers.catchments) throw new Error(`Area ${area.id} has no catchments layer features`);
    this.catchments = layers.catchments;
    this.hvPatches = layers['hv-patches'] ?? null;
    this.cocTeams = layers['coc-teams'] ?? null;
    this.spokeCatchments = layers['spoke-catchments'] ?? null;
    const names = new Map<string, string>();
    for (const layer of [this.hvPatches, this.cocTeams]) {
      if (!layer) continue;
      for (let i = 0; i < layer.ids.length; i++) names.set(layer.ids[i]!, layer.names[i]!);
    }
    this.sites = new AreaSites(area, version, sites, (id) => names.get(id));
    this.hubs = this.sites.hubs;
  }

  /** Builds every index once; the result is immutable and safe to share across requests. */
  static build(set: BoundarySet): AreaLocator {
    return new AreaLocator(set.area, set.version, set.sites, buildIndexedLayers(set.layers));
  }

  /** From a version's stored index (`encodeIndex` of a locator built from the same set). */
  static fromIndex(
    area: AreaInfo,
    version: number | null,
    sites: readonly Site[],
    index: Uint8Array,
  ): AreaLocator {
    return new AreaLocator(area, version, sites, decodeAreaIndex(index));
  }

  /** The stored form of this locator's indexes (the version part `index`). */
  encodeIndex(): Uint8Array {
    return encodeAreaIndex(this.layers());
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

  /** Display name of an HV patch or CoC team id. */
  unitName(id: string): string | undefined {
    return this.sites.unitName(id);
  }

  /** Bytes held in the layers' indexes (typed arrays), for cache budgets. */
  indexBytes(): number {
    return Object.values(this.layers()).reduce((sum, layer) => sum + layer.indexBytes, 0);
  }

  protected layers(): IndexedLayers {
    const layers: Partial<Record<LayerName, IndexedLayer>> = { catchments: this.catchments };
    if (this.outline) layers.outline = this.outline;
    if (this.hvPatches) layers['hv-patches'] = this.hvPatches;
    if (this.cocTeams) layers['coc-teams'] = this.cocTeams;
    if (this.spokeCatchments) layers['spoke-catchments'] = this.spokeCatchments;
    return layers;
  }
}

/** An area's locator with the boundary set it answers from: layers, sites and hub catchments as GeoJSON. */
export class AreaLookup extends AreaLocator {
  /** The boundary set this lookup was built from (immutable: shared, never copied). */
  readonly set: BoundarySet;

  private constructor(set: BoundarySet, layers: IndexedLayers) {
    super(set.area, set.version, set.sites, layers);
    this.set = set;
  }

  /**
   * Builds every index once; the result is immutable and safe to share across requests.
   * `options.use: 'one-pass'` for a lookup that answers one bulk pass (a draft's postcodes) and is
   * dropped; `options.checkpoint` may throw to abandon a build that runs out of its caller's time
   * (polygon-index.ts).
   */
  static override build(set: BoundarySet, options: PolygonIndexOptions = {}): AreaLookup {
    return new AreaLookup(set, buildIndexedLayers(set.layers, options));
  }

  /** The set with the indexes stored for it at publish (the version part `index`): no index build. */
  static withIndex(set: BoundarySet, index: Uint8Array): AreaLookup {
    return new AreaLookup(set, decodeAreaIndex(index));
  }

  /** The hub's catchment feature, if it has one. */
  catchmentOf(hubId: string): LayerFeature | undefined {
    return this.set.layers.catchments.features.find((f) => f.properties.id === hubId);
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

export { compareIds } from './ids.js';
