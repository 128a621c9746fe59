// "What is near me?": hubs are open to every family, so the sites nearest a point or a postcode
// across every area served, by geodesic distance (functions/application/nearest-sites.ts: the
// national hub list first, areas loaded only near the point), each with the catchment it serves
// and whether the point lies in it.
import { type NearSite, nearestSites as rankNearest } from '../../application/nearest-sites.js';
import type { LookupResolver } from '../../application/serving/lookup-resolver.js';
import { siteAnswer } from '../../core/lookup/answer.js';
import type { AreaLookup } from '../../core/lookup/area-lookup.js';
import type { LatLng } from '../../core/model.js';
import type { Operation } from '../../http/api.js';
import { pathOf, queryOf } from '../../http/validation.js';
import type { PublicContext } from '../public-api.js';

type Op = Operation<PublicContext>;

const DEFAULT_LIMIT = 5;

async function nearest(
  catalog: LookupResolver,
  from: LatLng & { postcode?: string },
  kind: 'hub' | 'spoke' | undefined,
  limit: number | undefined,
) {
  const ranked: NearSite<AreaLookup>[] = await rankNearest(
    catalog.hubs(),
    {
      load: async (area) => catalog.area(area),
      networkOf: (lookup, hubId) => ({ hub: lookup.site(hubId), spokes: lookup.spokesOfHub(hubId) }),
    },
    from.lat,
    from.lng,
    limit ?? DEFAULT_LIMIT,
    kind,
  );
  // Which catchments contain the point: one assignment per area among the results.
  const containing = new Map<string, readonly string[]>();
  const hubsAt = (lookup: AreaLookup) => {
    let ids = containing.get(lookup.area.id);
    if (!ids) {
      const a = lookup.assign(from.lng, from.lat);
      ids = a.boundaryHubIds ?? (a.hubId ? [a.hubId] : []);
      containing.set(lookup.area.id, ids);
    }
    return ids;
  };
  return {
    from,
    kind: kind ?? null,
    sites: ranked.map(({ area: lookup, site, distanceM }) => {
      const hubId = site.kind === 'hub' ? site.id : (site.hubId ?? site.id);
      return {
        area: lookup.area.id,
        version: lookup.version,
        distanceM: Math.round(distanceM),
        site: siteAnswer(site),
        catchment: {
          hubId,
          hubName: lookup.site(hubId)?.name ?? hubId,
          href: `/v1/areas/${lookup.area.id}/hubs/${encodeURIComponent(hubId)}`,
          contains: hubsAt(lookup).includes(hubId),
        },
      };
    }),
  };
}

export const nearestSites: Op = async ({ event }, { catalog }) => {
  const { lat, lng, kind, limit } = queryOf('nearestSites', event);
  return { body: await nearest(catalog, { lat, lng }, kind, limit), etag: catalog.etag };
};

export const nearestSitesToPostcode: Op = async ({ params, event }, { catalog }) => {
  const { postcode } = pathOf('nearestSitesToPostcode', params);
  const { kind, limit } = queryOf('nearestSitesToPostcode', event);
  const resolution = await catalog.resolvePostcode(postcode);
  const from = { ...resolution.location, postcode: resolution.record.postcode };
  return { body: await nearest(catalog, from, kind, limit), etag: catalog.etag };
};
