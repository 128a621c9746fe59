import { Type } from '@sinclair/typebox';
import { GeoJsonFeature, Service } from '../schemas/common.js';
import {
  AreaSummary,
  AreaVersions,
  BulkEnvelope,
  BulkRequest,
  BulkResponse,
  ChangeList,
  HubWithSpokes,
  LookupAnswer,
  NearestSites,
  OrukServicesPage,
} from '../schemas/lookups.js';
import { Nullable, StringEnum } from '../schemas/typebox.js';
import { empty, ok, operation, problem } from './operation.js';

/** `?at=` / `?version=`: answer from the version active at an instant, or from a given version. */
const pointInTime = {
  at: Type.Optional(
    Type.String({
      format: 'date-time',
      description:
        'Answer from the version that was active at this instant (RFC 3339, with a time zone); not with `version`.',
      examples: ['2025-04-01T09:30:00Z'],
    }),
  ),
  version: Type.Optional(
    Type.Integer({
      minimum: 1,
      description: 'Answer from this published version; not with `at`.',
      examples: [1],
    }),
  ),
};
const pointInTimeProblems = {
  404: problem('No version of the area was active at `at` (before its first publish), or no such version.'),
};
const areaPath = Type.Object({ area: Type.String({ examples: ['gloucestershire'] }) });
const nearestQuery = {
  kind: Type.Optional(
    StringEnum(['hub', 'spoke'] as const, { description: 'Only hubs, or only spokes (default both).' }),
  ),
  limit: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: 50,
      default: 5,
      description: 'How many sites (default 5).',
      examples: [5],
    }),
  ),
};
const versionPair = {
  from: Type.Integer({ minimum: 1, description: 'The version before.', examples: [1] }),
  to: Type.Integer({ minimum: 1, description: 'The version after.', examples: [2] }),
};

export const PUBLIC_OPERATIONS = {
  getHealth: operation({
    tags: ['service'],
    responses: {
      200: ok('The service is up; the versions and postcode count it serves.', {
        'application/json': Type.Object({
          status: Type.Literal('ok'),
          areas: Type.Array(
            Type.Object({
              id: Type.String(),
              version: Nullable(Type.Integer()),
            }),
          ),
          postcodes: Type.Integer(),
        }),
      }),
    },
  }),
  getOpenApi: operation({
    tags: ['service'],
    responses: {
      200: ok('This document.', { 'application/json': Type.Object({}) }, { etag: true }),
    },
  }),
  lookupPostcode: operation({
    tags: ['lookups'],
    description:
      'Malformed postcodes get 400 (invalid-postcode), well-formed but unknown ones 404 (postcode-not-found), directory postcodes without a grid reference 404 (postcode-without-location). Terminated postcodes are answered with `status: terminated`. Spaces, case, tabs and non-breaking spaces do not matter.',
    path: Type.Object({
      postcode: Type.String({ examples: ['GL1 1AD'] }),
    }),
    query: Type.Object(pointInTime),
    responses: {
      ...pointInTimeProblems,
      200: ok(
        'The hub, spokes, HV patch and CoC team for the postcode.',
        { 'application/json': LookupAnswer },
        { etag: true },
      ),
      304: empty('Not modified (If-None-Match matched the version ETag).'),
      400: problem('Malformed postcode.'),
      404: problem('Unknown postcode, or a postcode with no location.'),
    },
  }),
  lookupLocation: operation({
    tags: ['lookups'],
    query: Type.Object({
      lat: Type.Number({ minimum: -90, maximum: 90, examples: [51.8642] }),
      lng: Type.Number({ minimum: -180, maximum: 180, examples: [-2.2382] }),
      ...pointInTime,
    }),
    responses: {
      ...pointInTimeProblems,
      200: ok(
        'The hub, spokes, HV patch and CoC team for the point.',
        { 'application/json': LookupAnswer },
        { etag: true },
      ),
      304: empty('Not modified.'),
      400: problem('Missing, non-numeric, non-finite or out-of-range coordinates.'),
    },
  }),
  bulkLookup: operation({
    tags: ['lookups'],
    description: 'Each item is answered or carries its own problem; one bad item does not fail the request.',
    query: Type.Object(pointInTime),
    body: { required: true, content: { 'application/json': BulkRequest }, validate: BulkEnvelope },
    responses: {
      ...pointInTimeProblems,
      200: ok('One item per request item, in request order.', { 'application/json': BulkResponse }),
      400: problem('The body is not a JSON object of the documented shape, or has too many items.'),
      413: problem('The body is larger than the limit (1 MiB by default).'),
      415: problem('The body is not sent as application/json.'),
    },
  }),
  listAreas: operation({
    tags: ['areas'],
    responses: {
      200: ok(
        'Every area served.',
        {
          'application/json': Type.Object({
            areas: Type.Array(AreaSummary),
          }),
        },
        { etag: true },
      ),
    },
  }),
  getArea: operation({
    tags: ['areas'],
    path: Type.Object({
      area: Type.String({ examples: ['gloucestershire'] }),
    }),
    responses: {
      200: ok('The area.', { 'application/json': AreaSummary }, { etag: true }),
      404: problem('Unknown area or resource.'),
    },
  }),
  listHubs: operation({
    tags: ['areas'],
    path: Type.Object({
      area: Type.String({ examples: ['gloucestershire'] }),
    }),
    responses: {
      200: ok(
        'The hubs of the area with their spokes and services.',
        {
          'application/json': Type.Object({
            area: Type.String(),
            version: Nullable(Type.Integer()),
            hubs: Type.Array(HubWithSpokes),
          }),
        },
        { etag: true },
      ),
      404: problem('Unknown area or resource.'),
    },
  }),
  getHub: operation({
    tags: ['areas'],
    path: Type.Object({
      area: Type.String({ examples: ['gloucestershire'] }),
      hubId: Type.String({ examples: ['hub-gloucester-city'] }),
    }),
    responses: {
      200: ok(
        'The hub, its spokes and its catchment polygon.',
        {
          'application/json': Type.Intersect([
            HubWithSpokes,
            Type.Object({
              area: Type.String(),
              version: Nullable(Type.Integer()),
              catchment: Nullable(GeoJsonFeature),
            }),
          ]),
        },
        { etag: true },
      ),
      404: problem('Unknown area or resource.'),
    },
  }),
  getAreaSites: operation({
    tags: ['areas'],
    description:
      'Every hub and spoke of the active version as GeoJSON points (hubs first, each by id), for maps. Properties are those of a Site without `location` (the geometry says where); `area` and `version` are foreign members of the collection.',
    path: Type.Object({
      area: Type.String({ examples: ['gloucestershire'] }),
    }),
    responses: {
      200: ok(
        'The sites.',
        {
          'application/geo+json': Type.Object({
            type: Type.Literal('FeatureCollection'),
            area: Type.String(),
            version: Nullable(Type.Integer()),
            features: Type.Array(
              Type.Object({
                type: Type.Literal('Feature'),
                id: Type.String(),
                geometry: Type.Object({
                  type: Type.Literal('Point'),
                  coordinates: Type.Array(Type.Number(), { minItems: 2, maxItems: 2 }),
                }),
                properties: Type.Object({
                  id: Type.String(),
                  kind: StringEnum(['hub', 'spoke']),
                  name: Type.String(),
                  hubId: Type.Optional(Type.String()),
                  services: Type.Array(Service),
                  openingHours: Type.String(),
                }),
              }),
            ),
          }),
        },
        { etag: true },
      ),
      404: problem('Unknown area or resource.'),
    },
  }),
  getAreaLayer: operation({
    tags: ['areas'],
    description:
      "One polygon layer of the area's active version exactly as published (`outline`, `catchments`, `hv-patches`, `coc-teams`, or the optional `spoke-catchments`), for maps. Each feature has `id` and `name` properties; `area`, `version` and `layer` are foreign members of the collection. An unknown layer name, or an optional layer the version does not have, is 404.",
    path: Type.Object({
      area: Type.String({ examples: ['gloucestershire'] }),
      layer: StringEnum(['outline', 'catchments', 'hv-patches', 'coc-teams', 'spoke-catchments'], {
        examples: ['catchments'],
      }),
    }),
    responses: {
      200: ok(
        'The layer.',
        {
          'application/geo+json': Type.Object({
            type: Type.Literal('FeatureCollection'),
            area: Type.String(),
            version: Nullable(Type.Integer()),
            layer: Type.String(),
            features: Type.Array(
              Type.Object({
                type: Type.Literal('Feature'),
                geometry: Type.Object({
                  type: StringEnum(['Polygon', 'MultiPolygon']),
                }),
                properties: Type.Object({
                  id: Type.String(),
                  name: Type.String(),
                }),
              }),
            ),
          }),
        },
        { etag: true },
      ),
      304: empty('Not modified (If-None-Match matched the version ETag).'),
      404: problem('Unknown area or resource.'),
    },
  }),
  exportAssignments: operation({
    tags: ['areas'],
    description:
      'One row per located postcode of the area directory, as precomputed when the version was published: postcode, hub_id, hub_name, hv_patch_id, coc_team_id, match (inside, boundary, gap, outside). RFC 4180, CRLF. A published version never changes, so neither does its export.',
    path: Type.Object({
      area: Type.String({ examples: ['gloucestershire'] }),
      version: Type.Integer({ minimum: 1, examples: [2] }),
    }),
    responses: {
      200: ok('The CSV.', { 'text/csv': Type.String() }, { etag: true }),
      303: {
        description:
          'On AWS, a redirect to the CSV in the blob bucket (a presigned URL valid for 15 minutes): exports are larger than a Lambda answer may be.',
        headers: {
          Location: { description: 'The presigned URL of the CSV.', schema: Type.String({ format: 'uri' }) },
        },
      },
      304: empty('Not modified.'),
      400: problem('Not a version number.'),
      404: problem('Unknown area or version.'),
    },
  }),
  listAreaVersions: operation({
    tags: ['areas'],
    description:
      'Every published version of the area, newest first, with the periods it was active (half-open: from ' +
      'inclusive, until exclusive). Use it with `?at=` on the lookups to see which version answered on a given day. ' +
      'Names no one: the publisher is given as a role.',
    path: areaPath,
    responses: {
      200: ok('The versions.', { 'application/json': AreaVersions }),
      404: problem('Unknown area.'),
    },
  }),
  listChanges: operation({
    tags: ['areas'],
    description:
      'Every postcode whose hub, HV patch or CoC team differs between two published versions, with its ids before and ' +
      'after, sorted by postcode and paged: follow `next` (the `after` cursor) until it is null. Events link here.',
    path: areaPath,
    query: Type.Object({
      ...versionPair,
      after: Type.Optional(
        Type.String({ description: 'Start after this postcode (the cursor `next` carries).' }),
      ),
      limit: Type.Optional(
        Type.Integer({
          minimum: 1,
          maximum: 5000,
          description: 'Page size (default and maximum: the deployment’s, 1000 and 5000).',
        }),
      ),
    }),
    responses: {
      200: ok('One page of the change list.', { 'application/json': ChangeList }, { etag: true }),
      304: empty('Not modified.'),
      400: problem('Missing or malformed versions, cursor or limit.'),
      404: problem('Unknown area or version.'),
    },
  }),
  exportChanges: operation({
    tags: ['areas'],
    description:
      'The whole change list of a version pair: postcode, changed (layers joined by |), hub_before, hub_after, ' +
      'hv_patch_before, hv_patch_after, coc_team_before, coc_team_after. RFC 4180, CRLF; never changes.',
    path: areaPath,
    query: Type.Object(versionPair),
    responses: {
      200: ok('The CSV.', { 'text/csv': Type.String() }, { etag: true }),
      304: empty('Not modified.'),
      400: problem('Missing or malformed versions.'),
      404: problem('Unknown area or version.'),
    },
  }),
  nearestSites: operation({
    tags: ['lookups'],
    description:
      'Hubs are open to every family, not only those in their catchment: the sites nearest a point by geodesic ' +
      'distance (WGS84), across every area served, each with the catchment it serves and whether the point lies in it.',
    query: Type.Object({
      lat: Type.Number({ minimum: -90, maximum: 90, examples: [51.8642] }),
      lng: Type.Number({ minimum: -180, maximum: 180, examples: [-2.2382] }),
      ...nearestQuery,
    }),
    responses: {
      200: ok('The nearest sites, nearest first.', { 'application/json': NearestSites }, { etag: true }),
      304: empty('Not modified.'),
      400: problem('Missing or out-of-range coordinates, an unknown kind, or a limit out of range.'),
    },
  }),
  nearestSitesToPostcode: operation({
    tags: ['lookups'],
    description: 'As /v1/sites/nearest, from the postcode’s point.',
    path: Type.Object({ postcode: Type.String({ examples: ['GL1 1AD'] }) }),
    query: Type.Object(nearestQuery),
    responses: {
      200: ok('The nearest sites, nearest first.', { 'application/json': NearestSites }, { etag: true }),
      304: empty('Not modified.'),
      400: problem('Malformed postcode, an unknown kind, or a limit out of range.'),
      404: problem('Unknown postcode, or a postcode with no location.'),
    },
  }),
  listOrukServices: operation({
    tags: ['areas'],
    description:
      'The area’s hubs and spokes as an Open Referral UK v3 `/services` page (one service per site, at its location), ' +
      'so a council’s directory can join them: ids are the ORUK ids planners uploaded, else "<area>:<site id>".',
    path: areaPath,
    query: Type.Object({
      page: Type.Optional(Type.Integer({ minimum: 1, default: 1, examples: [1] })),
      per_page: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100, examples: [100] })),
    }),
    responses: {
      200: ok('One page of services.', { 'application/json': OrukServicesPage }, { etag: true }),
      304: empty('Not modified.'),
      404: problem('Unknown area.'),
    },
  }),
};
