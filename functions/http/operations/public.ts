import { Type } from '@sinclair/typebox';
import { GeoJsonFeature, Service } from '../schemas/common.js';
import { AreaSummary, BulkRequest, BulkResponse, HubWithSpokes, LookupAnswer } from '../schemas/lookups.js';
import { Nullable, StringEnum } from '../schemas/typebox.js';
import { empty, ok, operation, problem } from './operation.js';

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
    responses: {
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
    }),
    responses: {
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
    body: { required: true, content: { 'application/json': BulkRequest } },
    responses: {
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
      304: empty('Not modified.'),
      400: problem('Not a version number.'),
      404: problem('Unknown area or version.'),
    },
  }),
};
