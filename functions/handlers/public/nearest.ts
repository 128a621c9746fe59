// "What is near me?": hubs are open to every family, so the sites nearest a point or a postcode
// across every area served, by geodesic distance (core/spatial/nearest-sites.ts), each with the
// catchment it serves and whether the point lies in it.
import { siteAnswer } from '../../core/lookup/answer.js';
import type { AreaLookup } from '../../core/lookup/area-lookup.js';
import type { LookupCatalog } from '../../core/lookup/catalog.js';
import type { LatLng, Site } from '../../core/model.js';
import { NearestSites } from '../../core/spatial/nearest-sites.js';
import type { Operation } from '../../http/api.js';
import { pathOf, queryOf } from '../../http/validation.js';
import type { PublicContext } from '../public-api.js';

type Op = Operation<PublicContext>;

interface Entry {
  readonly lookup: AreaLookup;
  readonly site: Site;
}

/** Built once per catalog (a new version brings a new catalog, so the index follows it). */
const indexes = new WeakMap<LookupCatalog, NearestSites<Entry>>();

/** Every site of every area served, for nearest-site queries (built once per catalog). */
export function siteIndex(catalog: LookupCatalog): NearestSites<Entry> {
  let index = indexes.get(catalog);
  if (!index) {
    index = NearestSites.build(
      catalog.areas.flatMap((lookup) =>
        lookup.set.sites.map((site) => ({
          id: site.id,
          area: lookup.area.id,
          lat: site.location.lat,
          lng: site.location.lng,
          value: { lookup, site },
        })),
      ),
    );
    indexes.set(catalog, index);
  }
  return index;
}

const DEFAULT_LIMIT = 5;

function nearest(
  catalog: LookupCatalog,
  from: LatLng & { postcode?: string },
  kind: 'hub' | 'spoke' | undefined,
  limit: number | undefined,
  /** The point's hub in its own area, when already known (a postcode's precomputed answer). */
  known?: { readonly area: string; readonly hubIds: readonly string[] },
) {
  const ranked = siteIndex(catalog).nearest(
    from.lat,
    from.lng,
    limit ?? DEFAULT_LIMIT,
    kind ? (s) => s.value.site.kind === kind : undefined,
  );
  // Which catchments contain the point: one assignment per area among the results.
  const containing = new Map<string, readonly string[]>();
  if (known) containing.set(known.area, known.hubIds);
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
    sites: ranked.map(({ site: placed, distanceM }) => {
      const { lookup, site } = placed.value;
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

export const nearestSites: Op = ({ event }, { catalog }) => {
  const { lat, lng, kind, limit } = queryOf('nearestSites', event);
  return { body: nearest(catalog, { lat, lng }, kind, limit), etag: catalog.etag };
};

export const nearestSitesToPostcode: Op = ({ params, event }, { catalog }) => {
  const { postcode } = pathOf('nearestSitesToPostcode', params);
  const { kind, limit } = queryOf('nearestSitesToPostcode', event);
  const resolution = catalog.resolvePostcode(postcode);
  const a = resolution.assignment;
  const from = { ...resolution.location, postcode: resolution.record.postcode };
  const known = { area: resolution.lookup.area.id, hubIds: a.boundaryHubIds ?? (a.hubId ? [a.hubId] : []) };
  return { body: nearest(catalog, from, kind, limit, known), etag: catalog.etag };
};
