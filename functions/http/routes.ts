// The one route table. The local server, the Lambda routers, the OpenAPI document and (later) the
// CDK API Gateway resources are all derived from it, so they cannot drift apart.

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** Which Lambda serves the route: lookups stay small and read-only; admin and analysis are apart. */
export type RouteGroup = 'public' | 'admin' | 'analysis';

export interface ApiRoute {
  readonly method: HttpMethod;
  /** OpenAPI-style template: `/v1/postcodes/{postcode}`. */
  readonly path: string;
  readonly operationId: string;
  readonly summary: string;
  readonly group: RouteGroup;
  /** `admin` routes need the admin bearer token locally and the authorizer on AWS. */
  readonly auth: 'none' | 'admin';
  /** Status of a successful answer (fixed per route: handlers never pick status codes). */
  readonly successStatus: 200 | 201 | 202 | 204;
  /** How long shared caches may keep the answer; answers also carry the version's ETag. */
  readonly cache: 'version' | 'no-store';
}

const publicRoute = (
  method: HttpMethod,
  path: string,
  operationId: string,
  summary: string,
  cache: ApiRoute['cache'] = 'version',
): ApiRoute => ({
  method,
  path,
  operationId,
  summary,
  group: 'public',
  auth: 'none',
  successStatus: 200,
  cache,
});

export const PUBLIC_ROUTES: readonly ApiRoute[] = [
  publicRoute('GET', '/health', 'getHealth', 'Liveness and the versions being served', 'no-store'),
  publicRoute('GET', '/openapi.json', 'getOpenApi', 'This API as an OpenAPI 3.1 document'),
  publicRoute(
    'GET',
    '/v1/postcodes/{postcode}',
    'lookupPostcode',
    'Family hub, HV patch and midwifery team for a postcode',
  ),
  publicRoute(
    'GET',
    '/v1/locations',
    'lookupLocation',
    'Family hub, HV patch and midwifery team for a WGS84 point',
  ),
  publicRoute(
    'POST',
    '/v1/lookups',
    'bulkLookup',
    'Up to 100 postcode and/or point lookups in one request',
    'no-store',
  ),
  publicRoute('GET', '/v1/areas', 'listAreas', 'Areas served, with their active versions'),
  publicRoute('GET', '/v1/areas/{area}', 'getArea', 'One area: outline, counts and version'),
  publicRoute('GET', '/v1/areas/{area}/hubs', 'listHubs', "An area's hubs with their spokes and services"),
  publicRoute(
    'GET',
    '/v1/areas/{area}/hubs/{hubId}',
    'getHub',
    'One hub with its spokes, services and catchment',
  ),
];

export const ROUTES: readonly ApiRoute[] = [...PUBLIC_ROUTES];
