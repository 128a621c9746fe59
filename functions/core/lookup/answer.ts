// The public answer to "which family hub serves this place?", shaped from a resolution. One shape
// for postcode, coordinate and bulk lookups, so other apps parse one thing. Documented in the
// OpenAPI document (functions/http/openapi.ts) and docs/api.md.
import { roundMetres } from '../geo/geodesic.js';
import {
  type LatLng,
  type OrukIds,
  type PostcodeRecord,
  type PostcodeStatus,
  SERVICE_LABELS,
  type ServiceCode,
  type Site,
} from '../model.js';
import type { AnswerSource, Assignment, MatchKind } from './area-lookup.js';

export interface ServiceEntry {
  readonly code: ServiceCode;
  readonly label: string;
}

export interface SiteAnswer {
  readonly id: string;
  readonly kind: Site['kind'];
  readonly name: string;
  readonly address: string;
  readonly postcode: string;
  readonly location: LatLng;
  readonly operator: string;
  readonly services: readonly ServiceEntry[];
  readonly ages: Site['ages'];
  readonly contact: Site['contact'];
  readonly openingHours: string;
  readonly hubId?: string;
  readonly oruk?: OrukIds;
  readonly ofstedUrn?: string;
}

export interface SiteWithDistance extends SiteAnswer {
  readonly distanceM: number;
}

export interface UnitRef {
  readonly id: string;
  readonly name: string;
}

export interface LookupAnswer {
  /** Normalised postcode; absent for coordinate lookups. */
  readonly postcode?: string;
  /** Present when a past instant or a version was asked for: which version answered. */
  readonly asOf?: {
    readonly at: string | null;
    readonly version: number;
    readonly activeVersion: number | null;
    readonly historical: boolean;
  };
  /** Directory status; absent for coordinate lookups. */
  readonly status?: PostcodeStatus;
  readonly terminated?: string;
  /** `geocoder` when the postcode was not in the directory and was located by address search. */
  readonly locationSource?: 'geocoder';
  readonly area: string;
  readonly version: number | null;
  readonly location: LatLng;
  readonly match: MatchKind;
  readonly hub: SiteWithDistance | null;
  readonly spokes: readonly SiteWithDistance[];
  readonly hvPatch: UnitRef | null;
  readonly cocTeam: UnitRef | null;
  /** Offered only when no catchment contains the point (`gap` or `outside`). */
  readonly nearestHub: SiteWithDistance | null;
  /** Present only when `match` is `boundary`: every hub the point touches and the rule applied. */
  readonly boundary?: { readonly hubIds: readonly string[]; readonly rule: string };
}

export const BOUNDARY_RULE =
  'The point lies on (or within 1e-9 degrees of) a catchment boundary, or in more than one catchment; ' +
  'it is assigned to the catchment with the lowest hub id.';

export function siteAnswer(site: Site): SiteAnswer {
  return {
    id: site.id,
    kind: site.kind,
    name: site.name,
    address: site.address,
    postcode: site.postcode,
    location: site.location,
    operator: site.operator,
    services: site.services.map((code) => ({ code, label: SERVICE_LABELS[code] ?? code })),
    ages: site.ages,
    contact: site.contact,
    openingHours: site.openingHours,
    ...(site.hubId ? { hubId: site.hubId } : {}),
    ...(site.oruk ? { oruk: site.oruk } : {}),
    ...(site.ofstedUrn ? { ofstedUrn: site.ofstedUrn } : {}),
  };
}

function withDistance(site: Site, distanceM: number): SiteWithDistance {
  return { ...siteAnswer(site), distanceM: roundMetres(distanceM) };
}

/** Where a point falls and which area at which version answers it. */
export interface PointResolution {
  readonly lookup: AnswerSource;
  readonly assignment: Assignment;
  readonly location: LatLng;
}

export interface PostcodeResolution extends PointResolution {
  readonly record: PostcodeRecord;
}

export function pointAnswer(resolution: PointResolution): LookupAnswer {
  const { lookup, assignment: a, location } = resolution;
  const { lng, lat } = location;
  const hubSite = a.hubId ? lookup.site(a.hubId) : undefined;
  const hub = hubSite ? withDistance(hubSite, lookup.distanceTo(hubSite, lng, lat)) : null;
  const nearestSite = a.nearestHubId ? lookup.site(a.nearestHubId) : undefined;
  return {
    area: lookup.area.id,
    version: lookup.version,
    location,
    match: a.match,
    hub,
    spokes: a.hubId ? lookup.spokesOf(a.hubId, lng, lat).map((s) => withDistance(s.site, s.distanceM)) : [],
    hvPatch: unitRef(a.hvPatchId, (id) => lookup.unitName(id)),
    cocTeam: unitRef(a.cocTeamId, (id) => lookup.unitName(id)),
    nearestHub: nearestSite ? withDistance(nearestSite, a.nearestHubDistanceM ?? 0) : null,
    ...(a.match === 'boundary' ? { boundary: { hubIds: a.boundaryHubIds ?? [], rule: BOUNDARY_RULE } } : {}),
  };
}

export function postcodeAnswer(resolution: PostcodeResolution): LookupAnswer {
  const { record } = resolution;
  return {
    postcode: record.postcode,
    status: record.status,
    ...(record.terminated ? { terminated: record.terminated } : {}),
    ...pointAnswer(resolution),
  };
}

function unitRef(id: string | null, nameOf: (id: string) => string | undefined): UnitRef | null {
  return id === null ? null : { id, name: nameOf(id) ?? id };
}
