// Schemas of the public lookup and area answers.
import { Type } from '@sinclair/typebox';
import { LatLng, Problem, Site, SiteWithDistance, UnitRef, VersionCounts } from './common.js';
import { ChangeCounts, ChangedPostcode } from './events.js';
import { Nullable, StringEnum } from './typebox.js';

export const PointInTime = Type.Object(
  {
    at: Nullable(
      Type.String({
        format: 'date-time',
        description: 'The instant asked for (`?at=`), or null for `?version=`.',
      }),
    ),
    version: Type.Integer({ minimum: 1, description: 'The version that answered.' }),
    activeVersion: Nullable(Type.Integer({ minimum: 1, description: 'The version active now.' })),
    historical: Type.Boolean({ description: 'True when the answering version is not the one active now.' }),
  },
  {
    $id: 'PointInTime',
    description:
      'Present when `at` or `version` was asked for: which version answered, and whether it is history.',
  },
);

export const LookupAnswer = Type.Object(
  {
    postcode: Type.Optional(Type.String({ description: 'Normalised postcode (postcode lookups only).' })),
    asOf: Type.Optional(PointInTime),
    status: Type.Optional(
      StringEnum(['live', 'terminated'], { description: 'Directory status (postcode lookups only).' }),
    ),
    terminated: Type.Optional(
      Type.String({ description: 'YYYY-MM the postcode was terminated, when known.' }),
    ),
    locationSource: Type.Optional(
      Type.Literal('geocoder', {
        description:
          'Present when the postcode is not in the directory and was located by address search (Amazon Location, where configured).',
      }),
    ),
    area: Type.String(),
    version: Nullable(Type.Integer(), { description: 'Version of the boundary set that answered.' }),
    location: LatLng,
    match: StringEnum(['inside', 'boundary', 'gap', 'outside']),
    hub: Nullable(SiteWithDistance),
    spokes: Type.Array(SiteWithDistance, { description: "The hub's spokes, nearest first (at most 3)." }),
    hvPatch: Nullable(UnitRef),
    cocTeam: Nullable(UnitRef),
    nearestHub: Nullable(SiteWithDistance),
    boundary: Type.Optional(
      Type.Object({
        hubIds: Type.Array(Type.String()),
        rule: Type.String(),
      }),
    ),
  },
  {
    description:
      'Where a postcode or point falls. `match`: inside (one catchment), boundary (on a shared boundary or in more than one catchment: lowest hub id wins, listed in `boundary`), gap (inside the area but in no catchment: no hub, nearestHub offered), outside (outside every area: nearestHub offered).',
    $id: 'LookupAnswer',
  },
);
export const BulkRequest = Type.Object(
  {
    postcodes: Type.Optional(Type.Array(Type.String())),
    locations: Type.Optional(Type.Array(LatLng)),
  },
  {
    description: 'At most 100 items in all (configurable). Results come back in request order.',
    additionalProperties: false,
    $id: 'BulkRequest',
  },
);
/**
 * What the server checks of a bulk body before answering item by item: the envelope. Each item is
 * then checked on its own (a non-string postcode or a malformed location gets its own problem).
 */
export const BulkEnvelope = Type.Object(
  {
    postcodes: Type.Optional(Type.Array(Type.Unknown())),
    locations: Type.Optional(Type.Array(Type.Unknown())),
  },
  { additionalProperties: false },
);

export const BulkItem = Type.Union(
  [
    Type.Object(
      {
        answer: LookupAnswer,
      },
      { additionalProperties: false },
    ),
    Type.Object(
      {
        error: Problem,
      },
      { additionalProperties: false },
    ),
  ],
  { $id: 'BulkItem' },
);
export const BulkResponse = Type.Object(
  {
    postcodes: Type.Array(BulkItem, { description: 'Item i answers request postcodes[i].' }),
    locations: Type.Array(BulkItem, { description: 'Item i answers request locations[i].' }),
  },
  { $id: 'BulkResponse' },
);
export const AreaSummary = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    description: Type.Optional(Type.String()),
    illustrative: Type.Boolean({
      description: 'True for sample data that is not a council’s real boundaries.',
    }),
    version: Nullable(Type.Integer()),
    counts: Type.Object({
      hubs: Type.Integer(),
      spokes: Type.Integer(),
      hvPatches: Type.Integer(),
      cocTeams: Type.Integer(),
    }),
    attribution: Type.Array(Type.String()),
  },
  { $id: 'AreaSummary' },
);
export const HubWithSpokes = Type.Intersect(
  [
    Site,
    Type.Object({
      spokes: Type.Array(Site),
    }),
  ],
  { $id: 'HubWithSpokes' },
);

export const ActivePeriod = Type.Object(
  {
    from: Type.String({ format: 'date-time', description: 'Became active (inclusive).' }),
    until: Nullable(
      Type.String({
        format: 'date-time',
        description: 'Stopped being active (exclusive); null while active.',
      }),
    ),
    kind: StringEnum(['publish', 'rollback'] as const, { description: 'How it became active.' }),
  },
  { $id: 'ActivePeriod' },
);

export const PublicVersion = Type.Object(
  {
    version: Type.Integer({ minimum: 1 }),
    publishedAt: Type.String({ format: 'date-time' }),
    publishedBy: Type.Literal('planner', {
      description: 'A role, never a person: the public history names no one.',
    }),
    basedOn: Nullable(Type.Integer({ minimum: 1 })),
    counts: VersionCounts,
    hubChanges: Type.Integer({ minimum: 0, description: 'Postcodes whose hub differs from basedOn.' }),
    active: Type.Boolean(),
    periods: Type.Array(ActivePeriod, {
      description: 'When it was active, oldest first (empty if overtaken at once).',
    }),
  },
  { $id: 'PublicVersion' },
);

export const AreaVersions = Type.Object(
  {
    area: Type.String(),
    active: Nullable(Type.Integer({ minimum: 1 })),
    versions: Type.Array(PublicVersion, { description: 'Newest first.' }),
  },
  { $id: 'AreaVersions' },
);

export const ChangeList = Type.Object(
  {
    area: Type.String(),
    fromVersion: Type.Integer({ minimum: 1 }),
    toVersion: Type.Integer({ minimum: 1 }),
    changedPostcodeCount: Type.Integer({ minimum: 0, description: 'In the whole list, not this page.' }),
    changedCounts: ChangeCounts,
    postcodes: Type.Array(ChangedPostcode, { description: 'This page, sorted by postcode.' }),
    next: Nullable(Type.String({ description: 'The next page, or null on the last one.' })),
    csv: Type.String({ description: 'The whole list as CSV.' }),
  },
  { $id: 'ChangeList' },
);

export const NearbySite = Type.Object(
  {
    area: Type.String(),
    version: Nullable(Type.Integer()),
    distanceM: Type.Integer({ minimum: 0, description: 'Geodesic metres from the point (WGS84), rounded.' }),
    site: Site,
    catchment: Type.Object(
      {
        hubId: Type.String({
          description: 'The hub whose catchment the site serves (a spoke serves its hub’s).',
        }),
        hubName: Type.String(),
        href: Type.String({ description: 'The hub with its catchment polygon.' }),
        contains: Type.Boolean({ description: 'True when the point itself lies in that catchment.' }),
      },
      { description: 'The catchment the site serves.' },
    ),
  },
  { $id: 'NearbySite' },
);

export const NearestSites = Type.Object(
  {
    from: Type.Object({ lat: Type.Number(), lng: Type.Number(), postcode: Type.Optional(Type.String()) }),
    kind: Nullable(StringEnum(['hub', 'spoke'] as const)),
    sites: Type.Array(NearbySite, { description: 'Nearest first; ties by site id, then area.' }),
  },
  { $id: 'NearestSites' },
);

const OrukLocation = Type.Object({
  id: Type.String(),
  name: Type.String(),
  latitude: Type.Number(),
  longitude: Type.Number(),
  physical_addresses: Type.Array(
    Type.Object({ address_1: Type.String(), postal_code: Type.String(), country: Type.Literal('GB') }),
  ),
});

export const OrukService = Type.Object(
  {
    id: Type.String({ description: 'The site’s ORUK service id, or "<area>:<site id>" when it has none.' }),
    name: Type.String(),
    description: Type.String(),
    status: Type.Literal('active'),
    email: Type.Optional(Type.String()),
    url: Type.Optional(Type.String()),
    organization: Type.Object({ name: Type.String() }),
    contacts: Type.Array(Type.Object({ phones: Type.Array(Type.Object({ number: Type.String() })) })),
    service_at_locations: Type.Array(Type.Object({ id: Type.String(), location: OrukLocation }), {
      description: 'The site as a service at its location.',
    }),
    eligibilitys: Type.Array(Type.Object({ minimum_age: Type.Integer(), maximum_age: Type.Integer() })),
    schedules: Type.Array(Type.Object({ description: Type.String({ description: 'OSM opening_hours.' }) })),
    attributes: Type.Array(
      Type.Object({
        taxonomy_term: Type.Object({ id: Type.String(), name: Type.String(), vocabulary: Type.String() }),
      }),
    ),
  },
  { $id: 'OrukService', description: 'A site as an Open Referral UK v3 service with its location.' },
);

export const OrukServicesPage = Type.Object(
  {
    total_items: Type.Integer({ minimum: 0 }),
    total_pages: Type.Integer({ minimum: 1 }),
    page_number: Type.Integer({ minimum: 1 }),
    size: Type.Integer({ minimum: 0 }),
    first_page: Type.Boolean(),
    last_page: Type.Boolean(),
    empty: Type.Boolean(),
    contents: Type.Array(OrukService),
  },
  { $id: 'OrukServicesPage', description: 'An ORUK v3 `/services` page: the area’s hubs and spokes.' },
);
