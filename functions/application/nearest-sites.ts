// The sites nearest a point across every served area, without loading every area: the national
// hub list (LookupResolver.hubs) is ranked first, and areas are loaded (through the bounded area
// cache) only for hubs that could still matter.
//
// Exact, by the triangle inequality: every spoke lies within MAX_SPOKE_REACH_M of its hub (checked
// when sites are uploaded, core/boundary-set/sites.ts), so a spoke of a hub at distance d from the
// point is at least d - reach away. Hubs are visited nearest first; once the next hub is farther
// than the k-th best distance found plus the reach (plus nothing, when only hubs are asked for),
// no site of it or of any hub after it can rank. Ranking and ties as in core/spatial/nearest-sites.ts.
import { MAX_SPOKE_REACH_M } from '../core/boundary-set/sites.js';
import { geodesicDistanceM } from '../core/geo/geodesic.js';
import type { Site, SiteKind } from '../core/model.js';
import { NearestSites, type PlacedSite } from '../core/spatial/nearest-sites.js';

export interface HubPlace {
  readonly area: string;
  readonly id: string;
  readonly lat: number;
  readonly lng: number;
}

/** An area's sites, as loaded for one of its hubs. */
export interface AreaSitesSource<A> {
  load(area: string): Promise<A>;
  /** The hub with this id and its spokes. */
  networkOf(area: A, hubId: string): { readonly hub: Site | undefined; readonly spokes: readonly Site[] };
}

export interface NearSite<A> {
  readonly areaId: string;
  readonly area: A;
  readonly site: Site;
  readonly distanceM: number;
}

const hubIndexes = new WeakMap<readonly HubPlace[], NearestSites<HubPlace>>();

function hubIndex(hubs: readonly HubPlace[]): NearestSites<HubPlace> {
  let index = hubIndexes.get(hubs);
  if (!index) {
    index = NearestSites.build(
      hubs.map((h) => ({ id: h.id, area: h.area, lat: h.lat, lng: h.lng, value: h })),
    );
    hubIndexes.set(hubs, index);
  }
  return index;
}

const byDistance = <A>(a: NearSite<A>, b: NearSite<A>) =>
  a.distanceM - b.distanceM ||
  (a.site.id < b.site.id ? -1 : a.site.id > b.site.id ? 1 : 0) ||
  (a.areaId < b.areaId ? -1 : a.areaId > b.areaId ? 1 : 0);

/** The `limit` sites nearest (lat, lng), of `kind` or both, nearest first. */
export async function nearestSites<A>(
  hubs: readonly HubPlace[],
  source: AreaSitesSource<A>,
  lat: number,
  lng: number,
  limit: number,
  kind?: SiteKind,
  reachM = MAX_SPOKE_REACH_M,
): Promise<NearSite<A>[]> {
  const index = hubIndex(hubs);
  const reach = kind === 'hub' ? 0 : reachM;
  const best: NearSite<A>[] = [];
  const areas = new Map<string, Promise<A>>();
  let asked = Math.max(limit, 8);
  let visited = 0;
  for (;;) {
    const ranked: PlacedSite<HubPlace>[] = index.nearest(lat, lng, asked).map((r) => r.site);
    for (; visited < ranked.length; visited++) {
      const hub = ranked[visited]!.value;
      const hubDistance = geodesicDistanceM([lng, lat], [hub.lng, hub.lat]);
      const kth = best.length >= limit ? best[limit - 1]!.distanceM : Number.POSITIVE_INFINITY;
      if (hubDistance - reach > kth) return best;
      let loading = areas.get(hub.area);
      if (!loading) {
        loading = source.load(hub.area);
        areas.set(hub.area, loading);
      }
      const area = await loading;
      const network = source.networkOf(area, hub.id);
      const candidates = [
        ...(kind !== 'spoke' && network.hub ? [network.hub] : []),
        ...(kind !== 'hub' ? network.spokes : []),
      ];
      for (const site of candidates) {
        const distanceM = geodesicDistanceM([lng, lat], [site.location.lng, site.location.lat]);
        best.push({ areaId: hub.area, area, site, distanceM });
      }
      best.sort(byDistance);
      if (best.length > limit) best.length = limit;
    }
    if (ranked.length < asked) return best; // every hub visited
    asked *= 4;
  }
}
