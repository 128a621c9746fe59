// An area's hubs and spokes as an Open Referral UK (v3) `/services` page, so a council's service
// directory (and the DfE "find support for your family" data) can join them: each site is one
// service at one location, with the ORUK ids planners uploaded, or "<area>:<site id>" without.

import { compareIds } from '../../core/lookup/area-lookup.js';
import { SERVICE_LABELS, type Site } from '../../core/model.js';
import type { Operation } from '../../http/api.js';
import { pathOf, queryOf } from '../../http/validation.js';
import type { PublicContext } from '../public-api.js';

type Op = Operation<PublicContext>;

/** One site as an ORUK v3 service with its service_at_location and location. */
export function orukService(area: string, site: Site) {
  const local = `${area}:${site.id}`;
  return {
    id: site.oruk?.serviceId ?? local,
    name: site.name,
    description: `${site.kind === 'hub' ? 'Family hub' : 'Family hub spoke'}: ${site.services.map((s) => SERVICE_LABELS[s]).join('; ')}.`,
    status: 'active' as const,
    ...(site.contact.email ? { email: site.contact.email } : {}),
    ...(site.contact.website ? { url: site.contact.website } : {}),
    organization: { name: site.operator },
    contacts: site.contact.phone ? [{ phones: [{ number: site.contact.phone }] }] : [],
    service_at_locations: [
      {
        id: site.oruk?.serviceAtLocationId ?? `${local}@location`,
        location: {
          id: site.oruk?.locationId ?? `${local}:location`,
          name: site.name,
          latitude: site.location.lat,
          longitude: site.location.lng,
          physical_addresses: [
            { address_1: site.address, postal_code: site.postcode, country: 'GB' as const },
          ],
        },
      },
    ],
    eligibilitys: [{ minimum_age: site.ages.min, maximum_age: site.ages.sendMaxAge ?? site.ages.max }],
    schedules: [{ description: site.openingHours }],
    attributes: site.services.map((code) => ({
      taxonomy_term: { id: code, name: SERVICE_LABELS[code], vocabulary: 'family-hub-services' },
    })),
  };
}

export const listOrukServices: Op = async ({ params, event }, { catalog }) => {
  const { area } = pathOf('listOrukServices', params);
  const { page = 1, per_page: size = 100 } = queryOf('listOrukServices', event);
  const lookup = await catalog.area(area);
  const sites = [...lookup.set.sites].sort((a, b) =>
    a.kind === b.kind ? compareIds(a.id, b.id) : a.kind === 'hub' ? -1 : 1,
  );
  const totalPages = Math.max(1, Math.ceil(sites.length / size));
  const contents = sites.slice((page - 1) * size, page * size).map((s) => orukService(lookup.area.id, s));
  return {
    body: {
      total_items: sites.length,
      total_pages: totalPages,
      page_number: page,
      size: contents.length,
      first_page: page === 1,
      last_page: page >= totalPages,
      empty: contents.length === 0,
      contents,
    },
    etag: catalog.etagFor(lookup),
  };
};
