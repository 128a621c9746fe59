// The OpenAPI 3.1 document, built from the route table plus per-operation details. A test checks
// every route is documented and every response the e2e suite sees validates against its schema;
// CI fails when docs/openapi.json (the committed copy) drifts from this.
import { ANALYSIS_OPERATION_DOCS, ANALYSIS_SCHEMAS } from './analysis-openapi.js';
import { ROUTES } from './routes.js';

type Schema = Record<string, unknown>;

const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: Schema) => ({ 'application/json': { schema } });
const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: ref('Problem') } },
});
const ok = (description: string, schema: Schema, etag = true) => ({
  description,
  ...(etag ? { headers: { ETag: { $ref: '#/components/headers/ETag' } } } : {}),
  content: json(schema),
});

const nullable = (schema: Schema): Schema => ({ oneOf: [schema, { type: 'null' }] });

const schemas: Record<string, Schema> = {
  Problem: {
    type: 'object',
    description: 'RFC 9457 problem details. `type` is stable per kind of error; `detail` says what to do.',
    required: ['type', 'title', 'status', 'detail'],
    properties: {
      type: { type: 'string', examples: ['/problems/invalid-postcode'] },
      title: { type: 'string' },
      status: { type: 'integer', minimum: 400, maximum: 599 },
      detail: { type: 'string' },
      instance: { type: 'string' },
      requestId: { type: 'string' },
      received: {},
      postcode: { type: 'string' },
      limit: { type: 'integer' },
      limitBytes: { type: 'integer' },
      path: { type: 'string' },
      problems: { type: 'array', items: ref('GeometryProblem') },
    },
  },
  GeometryProblem: {
    type: 'object',
    required: ['kind', 'message'],
    properties: {
      kind: { type: 'string' },
      message: { type: 'string' },
      feature: { type: 'string' },
      location: { type: 'array', items: { type: 'number' }, minItems: 2, maxItems: 2 },
    },
  },
  LatLng: {
    type: 'object',
    required: ['lat', 'lng'],
    properties: {
      lat: { type: 'number', minimum: -90, maximum: 90 },
      lng: { type: 'number', minimum: -180, maximum: 180 },
    },
    additionalProperties: false,
  },
  Service: {
    type: 'object',
    required: ['code', 'label'],
    properties: { code: { type: 'string' }, label: { type: 'string' } },
    additionalProperties: false,
  },
  Site: {
    type: 'object',
    description: 'A family hub or spoke site.',
    required: [
      'id',
      'kind',
      'name',
      'address',
      'postcode',
      'location',
      'operator',
      'services',
      'ages',
      'contact',
      'openingHours',
    ],
    properties: {
      id: { type: 'string', description: 'Stable id, e.g. hub-cinderford.' },
      kind: { enum: ['hub', 'spoke'] },
      name: { type: 'string' },
      hubId: { type: 'string', description: 'Spokes only: the hub the spoke belongs to.' },
      address: { type: 'string' },
      postcode: { type: 'string' },
      location: ref('LatLng'),
      operator: { type: 'string' },
      services: { type: 'array', items: ref('Service') },
      ages: {
        type: 'object',
        required: ['min', 'max'],
        properties: { min: { type: 'integer' }, max: { type: 'integer' }, sendMaxAge: { type: 'integer' } },
      },
      contact: {
        type: 'object',
        properties: { phone: { type: 'string' }, email: { type: 'string' }, website: { type: 'string' } },
      },
      openingHours: { type: 'string', description: 'OpenStreetMap opening_hours syntax.' },
    },
  },
  SiteWithDistance: {
    allOf: [
      ref('Site'),
      { type: 'object', required: ['distanceM'], properties: { distanceM: { type: 'integer', minimum: 0 } } },
    ],
    description: 'A site with its geodesic distance in whole metres from the looked-up point.',
  },
  UnitRef: {
    type: 'object',
    required: ['id', 'name'],
    properties: { id: { type: 'string' }, name: { type: 'string' } },
    additionalProperties: false,
  },
  LookupAnswer: {
    type: 'object',
    description:
      'Where a postcode or point falls. `match`: inside (one catchment), boundary (on a shared boundary or in ' +
      'more than one catchment: lowest hub id wins, listed in `boundary`), gap (inside the area but in no ' +
      'catchment: no hub, nearestHub offered), outside (outside every area: nearestHub offered).',
    required: ['area', 'version', 'location', 'match', 'hub', 'spokes', 'hvPatch', 'cocTeam', 'nearestHub'],
    properties: {
      postcode: { type: 'string', description: 'Normalised postcode (postcode lookups only).' },
      status: { enum: ['live', 'terminated'], description: 'Directory status (postcode lookups only).' },
      terminated: { type: 'string', description: 'YYYY-MM the postcode was terminated, when known.' },
      locationSource: {
        const: 'geocoder',
        description:
          'Present when the postcode is not in the directory and was located by address search (Amazon Location, where configured).',
      },
      area: { type: 'string' },
      version: { type: ['integer', 'null'], description: 'Version of the boundary set that answered.' },
      location: ref('LatLng'),
      match: { enum: ['inside', 'boundary', 'gap', 'outside'] },
      hub: nullable(ref('SiteWithDistance')),
      spokes: {
        type: 'array',
        items: ref('SiteWithDistance'),
        description: "The hub's spokes, nearest first (at most 3).",
      },
      hvPatch: nullable(ref('UnitRef')),
      cocTeam: nullable(ref('UnitRef')),
      nearestHub: nullable(ref('SiteWithDistance')),
      boundary: {
        type: 'object',
        required: ['hubIds', 'rule'],
        properties: { hubIds: { type: 'array', items: { type: 'string' } }, rule: { type: 'string' } },
      },
    },
  },
  BulkRequest: {
    type: 'object',
    description: 'At most 100 items in all (configurable). Results come back in request order.',
    properties: {
      postcodes: { type: 'array', items: { type: 'string' } },
      locations: { type: 'array', items: ref('LatLng') },
    },
    additionalProperties: false,
  },
  BulkItem: {
    oneOf: [
      {
        type: 'object',
        required: ['answer'],
        properties: { answer: ref('LookupAnswer') },
        additionalProperties: false,
      },
      {
        type: 'object',
        required: ['error'],
        properties: { error: ref('Problem') },
        additionalProperties: false,
      },
    ],
  },
  BulkResponse: {
    type: 'object',
    required: ['postcodes', 'locations'],
    properties: {
      postcodes: {
        type: 'array',
        items: ref('BulkItem'),
        description: 'Item i answers request postcodes[i].',
      },
      locations: {
        type: 'array',
        items: ref('BulkItem'),
        description: 'Item i answers request locations[i].',
      },
    },
  },
  AreaSummary: {
    type: 'object',
    required: ['id', 'name', 'illustrative', 'version', 'counts', 'attribution'],
    properties: {
      id: { type: 'string' },
      name: { type: 'string' },
      description: { type: 'string' },
      illustrative: {
        type: 'boolean',
        description: 'True for sample data that is not a council’s real boundaries.',
      },
      version: { type: ['integer', 'null'] },
      counts: {
        type: 'object',
        required: ['hubs', 'spokes', 'hvPatches', 'cocTeams'],
        properties: {
          hubs: { type: 'integer' },
          spokes: { type: 'integer' },
          hvPatches: { type: 'integer' },
          cocTeams: { type: 'integer' },
        },
      },
      attribution: { type: 'array', items: { type: 'string' } },
    },
  },
  HubWithSpokes: {
    allOf: [
      ref('Site'),
      { type: 'object', required: ['spokes'], properties: { spokes: { type: 'array', items: ref('Site') } } },
    ],
  },
  GeoJsonFeature: {
    type: 'object',
    required: ['type', 'geometry', 'properties'],
    properties: { type: { const: 'Feature' }, geometry: { type: 'object' }, properties: { type: 'object' } },
  },
  FeatureCollection: {
    type: 'object',
    description: 'A GeoJSON FeatureCollection (RFC 7946), WGS84 [lng, lat].',
    required: ['type', 'features'],
    properties: {
      type: { const: 'FeatureCollection' },
      features: { type: 'array', items: ref('GeoJsonFeature') },
    },
  },
  AreaInfo: {
    type: 'object',
    required: ['id', 'name', 'illustrative', 'attribution'],
    properties: {
      id: { type: 'string' },
      name: { type: 'string' },
      description: { type: 'string' },
      illustrative: { type: 'boolean' },
      attribution: { type: 'array', items: { type: 'string' } },
    },
  },
  DraftPart: {
    type: 'object',
    required: ['bytes', 'sha256', 'updatedAt', 'updatedBy'],
    properties: {
      bytes: { type: 'integer', description: 'Size of the stored JSON text.' },
      sha256: {
        type: 'string',
        description: 'SHA-256 of the stored JSON text: equal hashes, equal content.',
      },
      updatedAt: { type: 'string', format: 'date-time' },
      updatedBy: { type: 'string' },
      features: { type: 'integer' },
      hubs: { type: 'integer' },
      spokes: { type: 'integer' },
    },
  },
  Draft: {
    type: 'object',
    description: 'A mutable boundary set. Its ETag is "<area>.draft.r<revision>" (If-Match on edits).',
    required: [
      'area',
      'draftId',
      'revision',
      'baseVersion',
      'areaInfo',
      'createdAt',
      'createdBy',
      'updatedAt',
      'updatedBy',
      'layers',
      'sites',
      'publishedAs',
    ],
    properties: {
      area: { type: 'string' },
      draftId: { type: 'string' },
      revision: { type: 'integer', minimum: 1 },
      baseVersion: {
        type: ['integer', 'null'],
        description: 'The active version when the draft was created.',
      },
      areaInfo: ref('AreaInfo'),
      createdAt: { type: 'string', format: 'date-time' },
      createdBy: { type: 'string' },
      updatedAt: { type: 'string', format: 'date-time' },
      updatedBy: { type: 'string' },
      layers: { type: 'object', additionalProperties: ref('DraftPart') },
      sites: nullable(ref('DraftPart')),
      publishedAs: {
        type: ['integer', 'null'],
        description: 'Set once published: a published draft no longer changes and is not published again.',
      },
      publishing: {
        description:
          'Set while a publish of this draft is in flight: edits are refused (409) until it ends, or until `until` should the publisher have died.',
        oneOf: [
          { type: 'null' },
          {
            type: 'object',
            required: ['revision', 'by', 'since', 'until'],
            properties: {
              revision: { type: 'integer', minimum: 1 },
              by: { type: 'string' },
              since: { type: 'string', format: 'date-time' },
              until: { type: 'string', format: 'date-time' },
            },
          },
        ],
      },
    },
  },
  VersionCounts: {
    type: 'object',
    required: [
      'hubs',
      'spokes',
      'catchments',
      'hvPatches',
      'cocTeams',
      'spokeCatchments',
      'postcodes',
      'postcodesInGaps',
    ],
    properties: Object.fromEntries(
      [
        'hubs',
        'spokes',
        'catchments',
        'hvPatches',
        'cocTeams',
        'spokeCatchments',
        'postcodes',
        'postcodesInGaps',
      ].map((k) => [k, { type: 'integer', minimum: 0 }]),
    ),
  },
  Version: {
    type: 'object',
    description: 'One published, immutable version: who, when, why, and what it holds.',
    required: [
      'area',
      'version',
      'publishedAt',
      'publishedBy',
      'message',
      'basedOn',
      'counts',
      'hubChanges',
      'directoryStamp',
      'draft',
    ],
    properties: {
      area: { type: 'string' },
      version: { type: 'integer', minimum: 1 },
      publishedAt: { type: 'string', format: 'date-time' },
      publishedBy: { type: 'string' },
      message: { type: 'string' },
      basedOn: { type: ['integer', 'null'], description: 'The version active when this one was published.' },
      counts: ref('VersionCounts'),
      hubChanges: { type: 'integer', description: "Postcodes whose hub differs from basedOn's answer." },
      directoryStamp: { type: ['string', 'null'] },
      draft: nullable({
        type: 'object',
        required: ['id', 'revision'],
        properties: { id: { type: 'string' }, revision: { type: 'integer' } },
      }),
      active: { type: 'boolean' },
    },
  },
  PointerChange: {
    type: 'object',
    required: ['id', 'seq', 'area', 'kind', 'from', 'to', 'at', 'by', 'message'],
    properties: {
      id: { type: 'string' },
      seq: { type: 'integer', minimum: 1 },
      area: { type: 'string' },
      kind: { enum: ['publish', 'rollback'] },
      from: { type: ['integer', 'null'] },
      to: { type: 'integer' },
      at: { type: 'string', format: 'date-time' },
      by: { type: 'string' },
      message: { type: 'string' },
    },
  },
  EventSummary: {
    type: 'object',
    required: ['id', 'type', 'changedPostcodeCount', 'changedPostcodesTruncated'],
    properties: {
      id: { type: 'string' },
      type: { enum: ['boundary-set.published', 'boundary-set.rolled-back'] },
      changedPostcodeCount: { type: 'integer' },
      changedPostcodesTruncated: { type: 'boolean' },
    },
  },
  Validation: {
    type: 'object',
    description:
      'Every problem as a GeoJSON Feature (an overlap as its polygon, others as a Point, unlocated ones with a null ' +
      'geometry) with properties kind, severity (error blocks publishing; warning; info) and message; the summary ' +
      'rides along as foreign members.',
    required: [
      'type',
      'features',
      'area',
      'draftRevision',
      'publishable',
      'errors',
      'warnings',
      'coverage',
      'postcodes',
    ],
    properties: {
      type: { const: 'FeatureCollection' },
      features: {
        type: 'array',
        items: {
          type: 'object',
          required: ['type', 'geometry', 'properties'],
          properties: {
            type: { const: 'Feature' },
            geometry: { oneOf: [{ type: 'object' }, { type: 'null' }] },
            properties: {
              type: 'object',
              required: ['kind', 'severity', 'message'],
              properties: {
                kind: { type: 'string' },
                severity: { enum: ['error', 'warning', 'info'] },
                message: { type: 'string' },
                layer: { type: 'string' },
                feature: { type: 'string' },
                otherFeature: { type: 'string' },
                areaM2: { type: 'number' },
              },
            },
          },
        },
      },
      area: { type: 'string' },
      draftRevision: { type: 'integer' },
      publishable: { type: 'boolean' },
      errors: { type: 'integer' },
      warnings: { type: 'integer' },
      coverage: nullable({
        type: 'object',
        required: [
          'outlineAreaM2',
          'coveredAreaM2',
          'uncoveredAreaM2',
          'coveredShare',
          'outsideOutlineAreaM2',
          'overlapAreaM2',
        ],
        properties: {
          outlineAreaM2: { type: 'number' },
          coveredAreaM2: { type: 'number' },
          uncoveredAreaM2: { type: 'number' },
          coveredShare: { type: 'number', minimum: 0, maximum: 1 },
          outsideOutlineAreaM2: { type: 'number' },
          overlapAreaM2: { type: 'number' },
        },
      }),
      postcodes: {
        type: 'object',
        required: ['assigned', 'inGaps', 'directoryStamp'],
        properties: {
          assigned: { type: 'integer' },
          inGaps: { type: 'integer' },
          directoryStamp: { type: ['string', 'null'] },
        },
      },
    },
  },
};

interface OperationDoc {
  readonly description?: string;
  readonly parameters?: readonly Schema[];
  readonly requestBody?: Schema;
  readonly responses: Record<string, Schema>;
  readonly tags: readonly string[];
}

const areaParam = {
  name: 'area',
  in: 'path',
  required: true,
  schema: { type: 'string' },
  example: 'gloucestershire',
};
const common4xx = { '404': problem('Unknown area or resource.') };

const geojson = (schema: Schema) => ({ 'application/geo+json': { schema } });
const layerParam = {
  name: 'layer',
  in: 'path',
  required: true,
  schema: { enum: ['outline', 'catchments', 'hv-patches', 'coc-teams', 'spoke-catchments'] },
  example: 'catchments',
};
const versionParam = {
  name: 'version',
  in: 'path',
  required: true,
  schema: { type: 'integer', minimum: 1 },
  example: 2,
};
const authorHeader = {
  name: 'X-Author',
  in: 'header',
  required: false,
  schema: { type: 'string', maxLength: 100 },
  description:
    'Who is acting, for the history (locally one token is shared; on AWS the caller identity is recorded too).',
};
const draftIfMatch = {
  name: 'If-Match',
  in: 'header',
  required: false,
  schema: { type: 'string' },
  description:
    'The draft ETag ("<area>.draft.r<revision>"): apply the edit only at that revision (else 409).',
};
const activeIfMatch = {
  name: 'If-Match',
  in: 'header',
  required: false,
  schema: { type: 'string' },
  example: '3',
  description:
    'The active version you are changing: its number (3 or v3) or the ETag of GET /v1/areas/{area}. Required, unless ' +
    'If-None-Match: * says the area has no version yet. Missing: 428. Not the active version: 409.',
};
const ifNoneMatchStar = {
  name: 'If-None-Match',
  in: 'header',
  required: false,
  schema: { const: '*' },
  description: 'For the first version of an area: publish only if it has no active version.',
};
const admin4xx = {
  '401': problem('No admin token, or a wrong one (Authorization: Bearer <token>).'),
  '404': problem('Unknown area, draft, layer or version.'),
};
const draftOk = (description: string) => ok(description, ref('Draft'));

export const OPERATION_DOCS: Readonly<Record<string, OperationDoc>> = {
  getHealth: {
    tags: ['service'],
    responses: {
      '200': ok(
        'The service is up; the versions and postcode count it serves.',
        {
          type: 'object',
          required: ['status', 'areas', 'postcodes'],
          properties: {
            status: { const: 'ok' },
            areas: {
              type: 'array',
              items: {
                type: 'object',
                required: ['id', 'version'],
                properties: { id: { type: 'string' }, version: { type: ['integer', 'null'] } },
              },
            },
            postcodes: { type: 'integer' },
          },
        },
        false,
      ),
    },
  },
  getOpenApi: { tags: ['service'], responses: { '200': ok('This document.', { type: 'object' }) } },
  lookupPostcode: {
    tags: ['lookups'],
    description:
      'Malformed postcodes get 400 (invalid-postcode), well-formed but unknown ones 404 (postcode-not-found), ' +
      'directory postcodes without a grid reference 404 (postcode-without-location). Terminated postcodes are ' +
      'answered with `status: terminated`. Spaces, case, tabs and non-breaking spaces do not matter.',
    parameters: [
      { name: 'postcode', in: 'path', required: true, schema: { type: 'string' }, example: 'GL1 1AD' },
    ],
    responses: {
      '200': ok('The hub, spokes, HV patch and CoC team for the postcode.', ref('LookupAnswer')),
      '304': { description: 'Not modified (If-None-Match matched the version ETag).' },
      '400': problem('Malformed postcode.'),
      '404': problem('Unknown postcode, or a postcode with no location.'),
    },
  },
  lookupLocation: {
    tags: ['lookups'],
    parameters: [
      {
        name: 'lat',
        in: 'query',
        required: true,
        schema: { type: 'number', minimum: -90, maximum: 90 },
        example: 51.8642,
      },
      {
        name: 'lng',
        in: 'query',
        required: true,
        schema: { type: 'number', minimum: -180, maximum: 180 },
        example: -2.2382,
      },
    ],
    responses: {
      '200': ok('The hub, spokes, HV patch and CoC team for the point.', ref('LookupAnswer')),
      '304': { description: 'Not modified.' },
      '400': problem('Missing, non-numeric, non-finite or out-of-range coordinates.'),
    },
  },
  bulkLookup: {
    tags: ['lookups'],
    description: 'Each item is answered or carries its own problem; one bad item does not fail the request.',
    requestBody: { required: true, content: json(ref('BulkRequest')) },
    responses: {
      '200': ok('One item per request item, in request order.', ref('BulkResponse'), false),
      '400': problem('The body is not a JSON object of the documented shape, or has too many items.'),
      '413': problem('The body is larger than the limit (1 MiB by default).'),
      '415': problem('The body is not sent as application/json.'),
    },
  },
  listAreas: {
    tags: ['areas'],
    responses: {
      '200': ok('Every area served.', {
        type: 'object',
        required: ['areas'],
        properties: { areas: { type: 'array', items: ref('AreaSummary') } },
      }),
    },
  },
  getArea: {
    tags: ['areas'],
    parameters: [areaParam],
    responses: { '200': ok('The area.', ref('AreaSummary')), ...common4xx },
  },
  listHubs: {
    tags: ['areas'],
    parameters: [areaParam],
    responses: {
      '200': ok('The hubs of the area with their spokes and services.', {
        type: 'object',
        required: ['area', 'version', 'hubs'],
        properties: {
          area: { type: 'string' },
          version: { type: ['integer', 'null'] },
          hubs: { type: 'array', items: ref('HubWithSpokes') },
        },
      }),
      ...common4xx,
    },
  },
  getHub: {
    tags: ['areas'],
    parameters: [
      areaParam,
      {
        name: 'hubId',
        in: 'path',
        required: true,
        schema: { type: 'string' },
        example: 'hub-gloucester-city',
      },
    ],
    responses: {
      '200': ok('The hub, its spokes and its catchment polygon.', {
        allOf: [
          ref('HubWithSpokes'),
          {
            type: 'object',
            required: ['area', 'version', 'catchment'],
            properties: {
              area: { type: 'string' },
              version: { type: ['integer', 'null'] },
              catchment: nullable(ref('GeoJsonFeature')),
            },
          },
        ],
      }),
      ...common4xx,
    },
  },
  getAreaSites: {
    tags: ['areas'],
    description:
      'Every hub and spoke of the active version as GeoJSON points (hubs first, each by id), for maps. ' +
      'Properties are those of a Site without `location` (the geometry says where); `area` and `version` are ' +
      'foreign members of the collection.',
    parameters: [areaParam],
    responses: {
      '200': {
        description: 'The sites.',
        headers: { ETag: { $ref: '#/components/headers/ETag' } },
        content: {
          'application/geo+json': {
            schema: {
              type: 'object',
              required: ['type', 'area', 'version', 'features'],
              properties: {
                type: { const: 'FeatureCollection' },
                area: { type: 'string' },
                version: { type: ['integer', 'null'] },
                features: {
                  type: 'array',
                  items: {
                    type: 'object',
                    required: ['type', 'id', 'geometry', 'properties'],
                    properties: {
                      type: { const: 'Feature' },
                      id: { type: 'string' },
                      geometry: {
                        type: 'object',
                        required: ['type', 'coordinates'],
                        properties: {
                          type: { const: 'Point' },
                          coordinates: { type: 'array', items: { type: 'number' }, minItems: 2, maxItems: 2 },
                        },
                      },
                      properties: {
                        type: 'object',
                        required: ['id', 'kind', 'name', 'services', 'openingHours'],
                        properties: {
                          id: { type: 'string' },
                          kind: { enum: ['hub', 'spoke'] },
                          name: { type: 'string' },
                          hubId: { type: 'string' },
                          services: { type: 'array', items: ref('Service') },
                          openingHours: { type: 'string' },
                        },
                      },
                    },
                  },
                },
              },
            },
          },
        },
      },
      ...common4xx,
    },
  },
  getAreaLayer: {
    tags: ['areas'],
    description:
      "One polygon layer of the area's active version exactly as published (`outline`, `catchments`, " +
      '`hv-patches`, `coc-teams`, or the optional `spoke-catchments`), for maps. Each feature has `id` and ' +
      '`name` properties; `area`, `version` and `layer` are foreign members of the collection. An unknown layer ' +
      'name, or an optional layer the version does not have, is 404.',
    parameters: [
      areaParam,
      {
        name: 'layer',
        in: 'path',
        required: true,
        schema: { enum: ['outline', 'catchments', 'hv-patches', 'coc-teams', 'spoke-catchments'] },
        example: 'catchments',
      },
    ],
    responses: {
      '200': {
        description: 'The layer.',
        headers: { ETag: { $ref: '#/components/headers/ETag' } },
        content: {
          'application/geo+json': {
            schema: {
              type: 'object',
              required: ['type', 'area', 'version', 'layer', 'features'],
              properties: {
                type: { const: 'FeatureCollection' },
                area: { type: 'string' },
                version: { type: ['integer', 'null'] },
                layer: { type: 'string' },
                features: {
                  type: 'array',
                  items: {
                    type: 'object',
                    required: ['type', 'geometry', 'properties'],
                    properties: {
                      type: { const: 'Feature' },
                      geometry: {
                        type: 'object',
                        required: ['type', 'coordinates'],
                        properties: { type: { enum: ['Polygon', 'MultiPolygon'] } },
                      },
                      properties: {
                        type: 'object',
                        required: ['id', 'name'],
                        properties: { id: { type: 'string' }, name: { type: 'string' } },
                      },
                    },
                  },
                },
              },
            },
          },
        },
      },
      '304': { description: 'Not modified (If-None-Match matched the version ETag).' },
      ...common4xx,
    },
  },
  exportAssignments: {
    tags: ['areas'],
    description:
      'One row per located postcode of the area directory, as precomputed when the version was published: ' +
      'postcode, hub_id, hub_name, hv_patch_id, coc_team_id, match (inside, boundary, gap, outside). RFC 4180, CRLF. ' +
      'A published version never changes, so neither does its export.',
    parameters: [areaParam, versionParam],
    responses: {
      '200': {
        description: 'The CSV.',
        headers: { ETag: { $ref: '#/components/headers/ETag' } },
        content: { 'text/csv': { schema: { type: 'string' } } },
      },
      '304': { description: 'Not modified.' },
      '400': problem('Not a version number.'),
      '404': problem('Unknown area or version.'),
    },
  },
  createDraft: {
    tags: ['admin'],
    description:
      'Starts a draft: {"from": "active"} (the default) copies the active version; {"from": "empty", "area": {"name": ...}} ' +
      'starts from nothing (a new area needs "area"). An unpublished draft is replaced only with "replace": true.',
    parameters: [areaParam, authorHeader],
    requestBody: {
      required: false,
      content: json({
        type: 'object',
        properties: {
          from: { enum: ['active', 'empty'] },
          area: { type: 'object', description: 'name, description, illustrative, attribution' },
          replace: { type: 'boolean' },
        },
        additionalProperties: false,
      }),
    },
    responses: {
      '201': draftOk('The new draft.'),
      '400': problem('A body of the wrong shape, or a new area without "area".'),
      ...admin4xx,
      '409': problem('An unpublished draft exists (delete it or send "replace": true).'),
    },
  },
  getDraft: {
    tags: ['admin'],
    parameters: [areaParam],
    responses: {
      '200': draftOk('The draft (layer and site summaries; GET a layer for its features).'),
      ...admin4xx,
    },
  },
  deleteDraft: {
    tags: ['admin'],
    parameters: [areaParam],
    responses: { '204': { description: 'Deleted.' }, ...admin4xx },
  },
  getDraftLayer: {
    tags: ['admin'],
    parameters: [areaParam, layerParam],
    responses: {
      '200': { description: 'The layer.', content: geojson(ref('FeatureCollection')) },
      ...admin4xx,
    },
  },
  putDraftLayer: {
    tags: ['admin'],
    description:
      "Replaces one layer with a GeoJSON FeatureCollection or a zipped Shapefile (application/zip: the layer's .shp, " +
      '.shx, .dbf and .prj in one zip; a .prj in British National Grid is reprojected) after the layer checks ' +
      "(docs/layer-checks.md). Each feature's id comes from ?idProperty= (for catchments: the hub id); " +
      '?crs=EPSG:27700 reprojects a British National Grid GeoJSON. Any problem: 422 listing every located problem, ' +
      'and nothing is saved.',
    parameters: [
      areaParam,
      layerParam,
      { name: 'idProperty', in: 'query', required: true, schema: { type: 'string' }, example: 'hub_id' },
      { name: 'nameProperty', in: 'query', required: false, schema: { type: 'string' }, example: 'name' },
      { name: 'crs', in: 'query', required: false, schema: { type: 'string' }, example: 'EPSG:27700' },
      draftIfMatch,
      authorHeader,
    ],
    requestBody: {
      required: true,
      content: {
        ...json(ref('FeatureCollection')),
        ...geojson(ref('FeatureCollection')),
        'application/zip': { schema: { type: 'string', contentMediaType: 'application/zip' } },
      },
    },
    responses: {
      '200': draftOk('The draft, with the new layer.'),
      '400': problem(
        'No idProperty, an unknown crs, a body that is not JSON, or a zip that is not one Shapefile layer (no .shp or .dbf, several layers, a .prj in another CRS than WGS84 or British National Grid, or one that disagrees with ?crs=).',
      ),
      ...admin4xx,
      '409': problem('The draft is at another revision (If-Match), or it has been published.'),
      '413': problem(
        'The body is larger than the admin limit (5 MiB by default), or the zip unpacks to more than 20 times it.',
      ),
      '415': problem('The body is not sent as JSON or application/zip.'),
      '422': problem('The layer has problems; `problems` lists each with its kind, place and what to do.'),
    },
  },
  deleteDraftLayer: {
    tags: ['admin'],
    parameters: [areaParam, layerParam, draftIfMatch, authorHeader],
    responses: {
      '200': draftOk('The draft without the layer.'),
      ...admin4xx,
      '409': problem('The draft is at another revision (If-Match), or it has been published.'),
    },
  },
  putDraftSites: {
    tags: ['admin'],
    description:
      'Replaces the hubs and spokes: an array of sites, or {"sites": [...], "area"?: {...}} (the area.json of a ' +
      'boundary-set folder; "area" also updates the description).',
    parameters: [areaParam, draftIfMatch, authorHeader],
    requestBody: {
      required: true,
      content: json({
        oneOf: [
          { type: 'array', items: ref('Site') },
          {
            type: 'object',
            required: ['sites'],
            properties: { sites: { type: 'array', items: ref('Site') }, area: { type: 'object' } },
          },
        ],
      }),
    },
    responses: {
      '200': draftOk('The draft with the new sites.'),
      '400': problem('Sites with problems (`problems` lists each); nothing is saved.'),
      ...admin4xx,
      '409': problem('The draft is at another revision (If-Match), or it has been published.'),
      '413': problem('The body is larger than the admin limit.'),
      '415': problem('The body is not sent as JSON.'),
    },
  },
  validateDraft: {
    tags: ['admin'],
    description:
      'Runs every publish-time check: the layer checks, every hub has exactly one catchment (and every catchment a ' +
      'hub), no catchment overlaps beyond the sliver tolerance, coverage of the outline, and which directory ' +
      'postcodes would fall in a gap.',
    parameters: [areaParam],
    responses: {
      '200': { description: 'The problems and the summary.', content: geojson(ref('Validation')) },
      ...admin4xx,
    },
  },
  publishDraft: {
    tags: ['admin'],
    description:
      "Validates the draft, precomputes every directory postcode's answer, and makes it the next version, active, " +
      'with one conditional write: of concurrent publishes exactly one succeeds, the others get 409 and leave ' +
      'nothing behind. The public API serves it within CATCHMENTS_REFRESH_SECONDS (at once locally).',
    parameters: [areaParam, activeIfMatch, ifNoneMatchStar, authorHeader],
    requestBody: {
      required: true,
      content: json({
        type: 'object',
        required: ['message'],
        properties: {
          message: { type: 'string', description: 'Why: kept in the history.' },
          draftRevision: {
            type: 'integer',
            description: 'Publish only if the draft is still at this revision.',
          },
        },
        additionalProperties: false,
      }),
    },
    responses: {
      '201': ok(
        'The new version, now active.',
        {
          type: 'object',
          required: ['version', 'event'],
          properties: { version: ref('Version'), event: ref('EventSummary') },
        },
        false,
      ),
      '400': problem('No message, or a malformed If-Match.'),
      ...admin4xx,
      '409': problem(
        'The active version is not the one If-Match named (someone published or rolled back), or the draft was already published.',
      ),
      '422': problem('The draft has validation errors; `problems` lists them (see GET …/draft/validation).'),
      '428': problem('No If-Match (or If-None-Match: * for a first version).'),
    },
  },
  rollback: {
    tags: ['admin'],
    description: 'Makes another published version active (one conditional write, like a publish).',
    parameters: [areaParam, activeIfMatch, authorHeader],
    requestBody: {
      required: true,
      content: json({
        type: 'object',
        required: ['version', 'message'],
        properties: { version: { type: 'integer', minimum: 1 }, message: { type: 'string' } },
        additionalProperties: false,
      }),
    },
    responses: {
      '200': ok(
        'The pointer change and the version now active.',
        {
          type: 'object',
          required: ['change', 'version', 'event'],
          properties: { change: ref('PointerChange'), version: ref('Version'), event: ref('EventSummary') },
        },
        false,
      ),
      '400': problem('No message, no version, or the version is already active.'),
      ...admin4xx,
      '409': problem('The active version is not the one If-Match named.'),
      '428': problem('No If-Match.'),
    },
  },
  listVersions: {
    tags: ['admin'],
    parameters: [areaParam],
    responses: {
      '200': ok(
        'Every version, newest first, and every pointer change (publishes and rollbacks), newest first.',
        {
          type: 'object',
          required: ['area', 'active', 'latest', 'versions', 'changes'],
          properties: {
            area: { type: 'string' },
            active: { type: ['integer', 'null'] },
            latest: { type: 'integer' },
            versions: { type: 'array', items: ref('Version') },
            changes: { type: 'array', items: ref('PointerChange') },
          },
        },
        false,
      ),
      ...admin4xx,
    },
  },
  getVersion: {
    tags: ['admin'],
    parameters: [areaParam, versionParam],
    responses: {
      '200': ok('The version.', ref('Version'), false),
      '400': problem('Not a version number.'),
      ...admin4xx,
    },
  },
  putDirectory: {
    tags: ['admin'],
    description:
      'Replaces the area postcode directory: the text format written by `catchments import-postcodes` ' +
      '(postcode,lat,lng,status,terminated). Answers change at the next publish (postcodes new since the active ' +
      'version are assigned on load meanwhile).',
    parameters: [areaParam, authorHeader],
    requestBody: { required: true, content: { 'text/csv': { schema: { type: 'string' } } } },
    responses: {
      '200': ok(
        'The stored directory.',
        {
          type: 'object',
          required: ['area', 'stamp', 'postcodes'],
          properties: { area: { type: 'string' }, stamp: { type: 'string' }, postcodes: { type: 'integer' } },
        },
        false,
      ),
      '400': problem('A malformed directory.'),
      ...admin4xx,
      '413': problem('The body is larger than the admin limit.'),
      '415': problem('The body is not text/csv.'),
    },
  },
  // Redraw impact and alignment (functions/http/analysis-openapi.ts).
  ...ANALYSIS_OPERATION_DOCS,
};

export function buildOpenApiDocument(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of ROUTES) {
    const doc = OPERATION_DOCS[route.operationId];
    if (!doc) throw new Error(`OpenAPI: no documentation for ${route.operationId}`);
    paths[route.path] ??= {};
    paths[route.path]![route.method.toLowerCase()] = {
      operationId: route.operationId,
      summary: route.summary,
      ...(doc.description ? { description: doc.description } : {}),
      tags: doc.tags,
      ...(route.auth === 'admin' ? { security: [{ adminToken: [] }] } : { security: [] }),
      ...(doc.parameters ? { parameters: doc.parameters } : {}),
      ...(doc.requestBody ? { requestBody: doc.requestBody } : {}),
      responses: {
        ...doc.responses,
        '405': problem('Method not allowed on this path.'),
        '500': problem('Unexpected failure; the body carries a requestId and no internals.'),
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'family-hub-catchments',
      version: '1.0.0',
      description:
        'Which family hub serves this family? Postcode and coordinate lookups to family hubs, their spokes, ' +
        'health-visiting patches and Continuity of Carer midwifery teams, from versioned boundary sets. ' +
        'Errors are RFC 9457 application/problem+json. Coordinates are WGS84; distances are geodesic metres.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: '/', description: 'This deployment' }],
    tags: [
      { name: 'lookups', description: 'Postcode and point lookups (public, read-only).' },
      { name: 'areas', description: 'Areas, hubs and spokes (public, read-only).' },
      { name: 'service', description: 'Health and this document.' },
      {
        name: 'admin',
        description: 'Planners: drafts, validation, publish, rollback, history (admin token).',
      },
      {
        name: 'analysis',
        description: 'Redraw impact and boundary alignment (admin token), and the public alignment summary.',
      },
    ],
    paths,
    components: {
      schemas: { ...schemas, ...ANALYSIS_SCHEMAS },
      headers: {
        ETag: {
          description: 'Changes when the boundary-set version or the postcode directory changes.',
          schema: { type: 'string' },
        },
      },
      securitySchemes: {
        adminToken: {
          type: 'http',
          scheme: 'bearer',
          description: 'Admin token (CATCHMENTS_ADMIN_TOKEN locally).',
        },
      },
    },
  };
}

let cached: string | undefined;

/** The document as served (built once per container). */
export function openApiJson(): string {
  cached ??= JSON.stringify(buildOpenApiDocument());
  return cached;
}
