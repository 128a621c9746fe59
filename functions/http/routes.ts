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
  /** On AWS the route needs an API key (`x-api-key`): how other apps integrate (docs/deploy.md). */
  readonly apiKey?: true;
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
  {
    ...publicRoute(
      'POST',
      '/v1/lookups',
      'bulkLookup',
      'Up to 100 postcode and/or point lookups in one request',
      'no-store',
    ),
    apiKey: true,
  },
  publicRoute('GET', '/v1/areas', 'listAreas', 'Areas served, with their active versions'),
  publicRoute('GET', '/v1/areas/{area}', 'getArea', 'One area: outline, counts and version'),
  publicRoute('GET', '/v1/areas/{area}/hubs', 'listHubs', "An area's hubs with their spokes and services"),
  publicRoute(
    'GET',
    '/v1/areas/{area}/sites',
    'getAreaSites',
    "An area's hubs and spokes as a GeoJSON FeatureCollection of points (for maps)",
  ),
  publicRoute(
    'GET',
    '/v1/areas/{area}/layers/{layer}',
    'getAreaLayer',
    "One polygon layer of an area's active version as GeoJSON (for maps)",
  ),
  publicRoute(
    'GET',
    '/v1/areas/{area}/hubs/{hubId}',
    'getHub',
    'One hub with its spokes, services and catchment',
  ),
  publicRoute(
    'GET',
    '/v1/areas/{area}/versions/{version}/assignments.csv',
    'exportAssignments',
    "Every postcode's hub, HV patch and CoC team in one published version (CSV)",
  ),
  publicRoute(
    'GET',
    '/v1/areas/{area}/versions',
    'listAreaVersions',
    "An area's published versions and the periods each was active (no author identities)",
    'no-store',
  ),
  publicRoute(
    'GET',
    '/v1/areas/{area}/changes',
    'listChanges',
    'Postcodes whose hub, HV patch or CoC team differs between two versions, paged',
  ),
  publicRoute(
    'GET',
    '/v1/areas/{area}/changes.csv',
    'exportChanges',
    'Every postcode whose hub, HV patch or CoC team differs between two versions (CSV)',
  ),
  publicRoute(
    'GET',
    '/v1/sites/nearest',
    'nearestSites',
    'Hubs and spokes nearest a WGS84 point across every area, with the catchment each serves',
  ),
  publicRoute(
    'GET',
    '/v1/postcodes/{postcode}/nearest-sites',
    'nearestSitesToPostcode',
    'Hubs and spokes nearest a postcode across every area, with the catchment each serves',
  ),
  publicRoute(
    'GET',
    '/v1/areas/{area}/oruk/services',
    'listOrukServices',
    "An area's hubs and spokes as an Open Referral UK (v3) services feed",
  ),
];

const adminRoute = (
  method: HttpMethod,
  path: string,
  operationId: string,
  summary: string,
  successStatus: ApiRoute['successStatus'] = 200,
): ApiRoute => ({
  method,
  path: `/v1/admin/areas/{area}${path}`,
  operationId,
  summary,
  group: 'admin',
  auth: 'admin',
  successStatus,
  cache: 'no-store',
});

/** An admin route of the whole deployment rather than one area (the national directory). */
const nationalAdminRoute = (
  method: HttpMethod,
  path: string,
  operationId: string,
  summary: string,
  successStatus: ApiRoute['successStatus'] = 200,
): ApiRoute => ({ ...adminRoute(method, '', operationId, summary, successStatus), path });

/** Planners' API: drafts, validation, publish, rollback, history. Bearer token locally; IAM on AWS. */
export const ADMIN_ROUTES: readonly ApiRoute[] = [
  adminRoute('POST', '/draft', 'createDraft', 'Start a draft: a copy of the active version, or empty', 201),
  adminRoute('GET', '/draft', 'getDraft', "The draft's revision, layers and sites (summaries)"),
  adminRoute('DELETE', '/draft', 'deleteDraft', 'Throw the draft away', 204),
  adminRoute('GET', '/draft/layers/{layer}', 'getDraftLayer', 'One layer of the draft as GeoJSON'),
  adminRoute(
    'PUT',
    '/draft/layers/{layer}',
    'putDraftLayer',
    'Replace one layer of the draft (checked first)',
  ),
  adminRoute(
    'DELETE',
    '/draft/layers/{layer}',
    'deleteDraftLayer',
    'Remove an optional layer from the draft',
  ),
  adminRoute(
    'PUT',
    '/draft/sites',
    'putDraftSites',
    'Replace the hubs and spokes of the draft (checked first)',
  ),
  adminRoute('GET', '/draft/validation', 'validateDraft', 'Every problem publishing would meet, as GeoJSON'),
  adminRoute(
    'POST',
    '/draft/publish',
    'publishDraft',
    'Publish the draft as the next version and make it active',
    201,
  ),
  adminRoute('POST', '/rollback', 'rollback', 'Make an earlier (or later) published version active again'),
  adminRoute('GET', '/versions', 'listVersions', 'Every version (who, when, why, counts) and pointer change'),
  adminRoute('GET', '/versions/{version}', 'getVersion', "One version's history entry"),
  adminRoute('PUT', '/directory', 'putDirectory', "Replace the area's postcode directory (CSV)"),
  nationalAdminRoute(
    'POST',
    '/v1/admin/directory/uploads',
    'createDirectoryUpload',
    'A presigned URL to upload the national postcode directory to (AWS)',
    201,
  ),
  nationalAdminRoute(
    'POST',
    '/v1/admin/directory/uploads/{upload}/ingest',
    'ingestDirectoryUpload',
    'Load an uploaded national directory into the store (repeat until done)',
  ),
];

const analysisRoute = (
  path: string,
  operationId: string,
  summary: string,
  auth: ApiRoute['auth'] = 'admin',
  method: ApiRoute['method'] = 'GET',
): ApiRoute => ({
  method,
  path,
  operationId,
  summary,
  group: 'analysis',
  auth,
  successStatus: 200,
  cache: auth === 'none' ? 'version' : 'no-store',
});

/**
 * Redraw impact and alignment (functions/handlers/analysis-api.ts): heavy, read-only, their own
 * Lambda. The admin ones follow the one-draft-per-area model (`…/draft/…`); the public summary
 * serves the active version's scores only, cached per version. Semantics: docs/impact.md.
 */
export const ANALYSIS_ROUTES: readonly ApiRoute[] = [
  analysisRoute(
    '/v1/admin/areas/{area}/draft/impact',
    'getDraftImpact',
    'What publishing the draft would change: validation, postcodes moving hub/patch/team, caseloads, alignment before and after',
  ),
  analysisRoute(
    '/v1/admin/areas/{area}/draft/alignment',
    'getDraftAlignment',
    "Alignment of two of the draft's layers (default HV patches vs CoC teams): scores, fragments, fixes",
  ),
  analysisRoute(
    '/v1/admin/areas/{area}/draft/alignment/three-way',
    'getDraftThreeWay',
    "The draft's hub catchments ↔ HV patches ↔ CoC teams, and the places where the three disagree",
  ),
  // The same with a planner's weights and capacities in a JSON body (docs/impact.md).
  analysisRoute(
    '/v1/admin/areas/{area}/draft/impact',
    'postDraftImpact',
    "The draft's impact with the planner's weights (births, children, cases per postcode or OA/LSOA) and capacities",
    'admin',
    'POST',
  ),
  analysisRoute(
    '/v1/admin/areas/{area}/draft/alignment',
    'postDraftAlignment',
    "Alignment of two of the draft's layers weighted by the planner's weights, with caseload against capacity",
    'admin',
    'POST',
  ),
  analysisRoute(
    '/v1/admin/areas/{area}/versions/{version}/impact',
    'getVersionImpact',
    'What a published version changed against another (default: the version it was published over)',
  ),
  analysisRoute(
    '/v1/admin/areas/{area}/versions/{version}/alignment',
    'getVersionAlignment',
    "Alignment of two of a published version's layers",
  ),
  analysisRoute(
    '/v1/admin/areas/{area}/versions/{version}/impact',
    'postVersionImpact',
    "A published version's impact with the planner's weights and capacities",
    'admin',
    'POST',
  ),
  analysisRoute(
    '/v1/admin/areas/{area}/versions/{version}/alignment',
    'postVersionAlignment',
    "Alignment of two of a published version's layers with the planner's weights and capacities",
    'admin',
    'POST',
  ),
  analysisRoute(
    '/v1/admin/areas/{area}/versions/{version}/alignment/three-way',
    'getVersionThreeWay',
    "A published version's three-way alignment report",
  ),
  analysisRoute(
    '/v1/areas/{area}/alignment',
    'getAlignmentSummary',
    "Alignment scores of an area's active version: HV patches, CoC teams and hub catchments",
    'none',
  ),
];

export const ROUTES: readonly ApiRoute[] = [...PUBLIC_ROUTES, ...ADMIN_ROUTES, ...ANALYSIS_ROUTES];

/**
 * Request media types API Gateway hands to the functions base64-encoded (the REST API's
 * binaryMediaTypes; the local server does the same): zipped Shapefile layer uploads.
 */
export const BINARY_MEDIA_TYPES: readonly string[] = ['application/zip'];
