// Lambda entry point for redraw impact and alignment (route group `analysis`; the local server
// mounts it beside the admin and public APIs): the draft's or a version's impact, two-layer and
// three-way alignment, and the public alignment summary of the active version. Thin: parse the
// query (and, for the POST routes, the planner's weights and capacities: planning-request.ts), call
// the analysis service (which caches per immutable input), return data.
// Semantics and response schemas: docs/impact.md, docs/alignment.md.
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { openBoundaryStore } from '../adapters/store/open-store.js';
import { AnalysisService } from '../application/analysis-service.js';
import { loadConfig } from '../config.js';
import { DEFAULT_THRESHOLD } from '../core/alignment/align.js';
import { InvalidRequestError, UnauthorizedError } from '../core/errors.js';
import type { LayerName } from '../core/model.js';
import { type ApiHandler, createApiHandler, type Operation } from '../http/api.js';
import { createLogger, type Logger } from '../http/logger.js';
import { ALIGNMENT_QUERY, IMPACT_QUERY, MAX_LISTED, THREE_WAY_QUERY } from '../http/operations/analysis.js';
import { Router } from '../http/router.js';
import { ANALYSIS_ROUTES, type ApiRoute } from '../http/routes.js';
import { pathOf, queryMatching } from '../http/validation.js';
import { bearerGuard } from './admin-api.js';
import { planningRequest } from './planning-request.js';

export interface AnalysisContext {
  readonly analysis: AnalysisService;
  /** Body limit of the POST routes' weights and capacities (CATCHMENTS_ADMIN_MAX_BODY_BYTES). */
  readonly maxBodyBytes: number;
}

type Op = Operation<AnalysisContext>;

const getDraftImpact: Op = async ({ event, params }, { analysis }) => ({
  body: await analysis.draftImpact(params.area!, impactRequest(event)),
});

const getVersionImpact: Op = async ({ event, params }, { analysis }) => ({
  body: await analysis.versionImpact(params.area!, versionNumber(params), impactRequest(event)),
});

const postDraftImpact: Op = async ({ event, params }, { analysis, maxBodyBytes }) => ({
  body: await analysis.draftImpact(params.area!, {
    ...impactRequest(event),
    planning: await planningRequest(event, maxBodyBytes),
  }),
});

const postVersionImpact: Op = async ({ event, params }, { analysis, maxBodyBytes }) => ({
  body: await analysis.versionImpact(params.area!, versionNumber(params), {
    ...impactRequest(event),
    planning: await planningRequest(event, maxBodyBytes),
  }),
});

const postDraftAlignment: Op = async ({ event, params }, { analysis, maxBodyBytes }) => {
  const { a, b } = layerPair(event);
  const planning = await planningRequest(event, maxBodyBytes);
  return { body: await analysis.draftAlignment(params.area!, a, b, threshold(event), planning) };
};

const postVersionAlignment: Op = async ({ event, params }, { analysis, maxBodyBytes }) => {
  const { a, b } = layerPair(event);
  const version = versionNumber(params);
  const planning = await planningRequest(event, maxBodyBytes);
  return { body: await analysis.versionAlignment(params.area!, version, a, b, threshold(event), planning) };
};

const getDraftAlignment: Op = async ({ event, params }, { analysis }) => {
  const { a, b } = layerPair(event);
  return { body: await analysis.draftAlignment(params.area!, a, b, threshold(event)) };
};

const getVersionAlignment: Op = async ({ event, params }, { analysis }) => {
  const { a, b } = layerPair(event);
  return {
    body: await analysis.versionAlignment(params.area!, versionNumber(params), a, b, threshold(event)),
  };
};

const getDraftThreeWay: Op = async ({ event, params }, { analysis }) => ({
  body: await analysis.draftThreeWay(params.area!, threshold(event)),
});

const getVersionThreeWay: Op = async ({ event, params }, { analysis }) => ({
  body: await analysis.versionThreeWay(params.area!, versionNumber(params), threshold(event)),
});

const getAlignmentSummary: Op = async ({ params }, { analysis }) => {
  const summary = await analysis.activeSummary(params.area!);
  return {
    body: summary,
    // Changes with the active version or the directory the scores are weighted by.
    etag: `"${summary.area}.v${summary.version}.alignment.${summary.directoryStamp ?? 'area'}"`,
  };
};

export const analysisOperations: Readonly<Record<string, Op>> = {
  getDraftImpact,
  getVersionImpact,
  postDraftImpact,
  postVersionImpact,
  postDraftAlignment,
  postVersionAlignment,
  getDraftAlignment,
  getVersionAlignment,
  getDraftThreeWay,
  getVersionThreeWay,
  getAlignmentSummary,
};

// The query checks are the operations' schemas (operations/analysis.ts, shared by the draft and
// version routes); only what a schema cannot say is checked here (a and b differ).

function impactRequest(event: APIGatewayProxyEvent) {
  const {
    from,
    maxListed = MAX_LISTED.default,
    threshold = DEFAULT_THRESHOLD,
  } = queryMatching(IMPACT_QUERY, event);
  return { ...(from !== undefined ? { from } : {}), maxListed, threshold };
}

function threshold(event: APIGatewayProxyEvent): number {
  return queryMatching(THREE_WAY_QUERY, event).threshold ?? DEFAULT_THRESHOLD;
}

function layerPair(event: APIGatewayProxyEvent): { a: LayerName; b: LayerName } {
  const { a = 'hv-patches', b = 'coc-teams' } = queryMatching(ALIGNMENT_QUERY, event);
  if (a === b) throw new InvalidRequestError(`a and b are both "${a}": name two different layers.`);
  return { a, b };
}

/** The `{version}` path segment (the version routes share its schema). */
function versionNumber(params: Readonly<Record<string, string>>): number {
  return pathOf('getVersionImpact', params).version;
}

export interface AnalysisApiOptions {
  readonly context: () => AnalysisContext | Promise<AnalysisContext>;
  readonly logger: Logger;
  /** Origins allowed to read the public summary from a browser (CATCHMENTS_CORS_ORIGINS). */
  readonly corsOrigins: readonly string[];
  /** Origins allowed to call the admin analysis routes (CATCHMENTS_ADMIN_CORS_ORIGINS); never `*`. */
  readonly adminCorsOrigins: readonly string[];
  /** Seconds shared caches may keep the public summary. */
  readonly cacheSeconds: number;
  /**
   * `token`: admin routes need the bearer token (as the admin API); `iam`: API Gateway's authorizer
   * has checked the caller; `off`: no admin token configured, admin routes answer 401.
   */
  readonly auth:
    | { readonly mode: 'token'; readonly token: string }
    | { readonly mode: 'iam' }
    | { readonly mode: 'off' };
}

export function createAnalysisApiHandler(options: AnalysisApiOptions): ApiHandler {
  const publicRoutes = ANALYSIS_ROUTES.filter((r) => r.auth === 'none');
  const adminRoutes = ANALYSIS_ROUTES.filter((r) => r.auth === 'admin');
  const auth = options.auth;
  const checkToken = auth.mode === 'token' ? bearerGuard(auth.token) : undefined;
  // Before routing, like the admin API: a caller without the token learns nothing about admin routes.
  const guard =
    auth.mode === 'iam'
      ? undefined
      : (event: APIGatewayProxyEvent) => {
          if (checkToken) return checkToken(event);
          throw new UnauthorizedError(
            'The admin API is off here: start the service with CATCHMENTS_ADMIN_TOKEN set to use the analysis routes.',
          );
        };
  const common = {
    operations: analysisOperations,
    context: options.context,
    logger: options.logger,
    cacheSeconds: options.cacheSeconds,
  };
  // Two stacks, so each answers CORS for its own audience: anyone's pages may read the public
  // summary; only the configured origins may call the planners' routes.
  const publicApi = createApiHandler({
    ...common,
    router: new Router(publicRoutes),
    corsOrigins: options.corsOrigins,
  });
  const adminApi = createApiHandler({
    ...common,
    router: new Router(adminRoutes),
    corsOrigins: options.adminCorsOrigins,
    ...(guard ? { guard } : {}),
  });
  return withRoutes(publicRoutes, publicApi, adminApi);
}

/**
 * A handler answering `routes` with `handler` and every other request with `otherwise`: the local
 * server mounts handlers by path prefix, and analysis routes share prefixes with the admin and public
 * APIs (`/v1/admin/areas/{area}/draft/impact`, `/v1/areas/{area}/alignment`). On AWS API Gateway
 * routes each path to its Lambda directly.
 */
export function withRoutes(
  routes: readonly ApiRoute[],
  handler: ApiHandler,
  otherwise: ApiHandler,
): ApiHandler {
  const router = new Router(routes);
  return (event, context) => (router.templateOf(event.path) !== null ? handler : otherwise)(event, context);
}

// The Lambda entry point: configuration, the store and the service are built once per container,
// on the first invocation (so importing this module reads no environment).
let lambda: Promise<ApiHandler> | undefined;

export const handler: ApiHandler = async (event, context) => {
  lambda ??= buildLambda().catch((error: unknown) => {
    lambda = undefined;
    throw error;
  });
  return (await lambda)(event, context);
};

async function buildLambda(): Promise<ApiHandler> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const { store } = await openBoundaryStore(config);
  const analysis = new AnalysisService({
    store,
    sliverToleranceM2: config.sliverToleranceM2,
    refreshMs: config.refreshSeconds * 1000,
    areas: config.areas,
    validity: config.validity,
  });
  const context: AnalysisContext = { analysis, maxBodyBytes: config.admin.maxBodyBytes };
  if (config.admin.auth === 'token' && !config.admin.token) {
    logger.warn(
      'analysis API: no CATCHMENTS_ADMIN_TOKEN and not CATCHMENTS_ADMIN_AUTH=iam, so only the public summary is served',
    );
  }
  return createAnalysisApiHandler({
    context: () => context,
    logger,
    corsOrigins: config.corsOrigins,
    adminCorsOrigins: config.admin.corsOrigins,
    cacheSeconds: config.cacheSeconds,
    auth:
      config.admin.auth === 'iam'
        ? { mode: 'iam' }
        : config.admin.token
          ? { mode: 'token', token: config.admin.token }
          : { mode: 'off' },
  });
}
