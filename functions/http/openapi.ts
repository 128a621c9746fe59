// The OpenAPI 3.1 document, built from the route table plus per-operation details. A test checks
// every route is documented and every response the e2e suite sees validates against its schema;
// CI fails when docs/openapi.json (the committed copy) drifts from this.
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
    ],
    paths,
    components: {
      schemas,
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
