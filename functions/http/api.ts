// The middleware stack every API Lambda shares: middleware first, the route's operation last
// (middy's model, run by ./middleware.ts).
//
//   log -> CORS -> problem+json errors -> JSON/ETag responses -> route matching -> operation
//
// Operations receive parsed parameters and return plain data (`ApiResult`); the status code comes
// from the route table and errors are typed exceptions rendered in one place (problem.ts).
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { cors } from './cors.js';
import type { Logger } from './logger.js';
import { type HandlerRequest, type Middleware, withMiddleware } from './middleware.js';
import { PROBLEM_CONTENT_TYPE, renderProblem } from './problem.js';
import { header } from './request.js';
import type { Router } from './router.js';
import type { ApiRoute } from './routes.js';

export interface ApiResult {
  readonly body: unknown;
  /** Strong validator for the answer (derived from the boundary-set version); enables 304s. */
  readonly etag?: string;
  /** Already-serialised body (a cache hit): skips JSON.stringify. */
  readonly json?: string;
  /** A body that is not JSON (e.g. a CSV export), sent as is with `contentType`. */
  readonly text?: string;
  /** Content type of `text` (or of `json`/`body` when not plain JSON). */
  readonly contentType?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Overrides the route's success status (e.g. 303 to a presigned download). */
  readonly status?: number;
}

export interface OperationInput {
  readonly event: APIGatewayProxyEvent;
  readonly params: Readonly<Record<string, string>>;
  readonly route: ApiRoute;
  readonly requestId: string;
}

export type Operation<C> = (input: OperationInput, context: C) => ApiResult | Promise<ApiResult>;

export interface ApiHandlerOptions<C> {
  readonly router: Router;
  readonly operations: Readonly<Record<string, Operation<C>>>;
  /** The service context (catalog, stores...), resolved per request so a refreshed version is seen. */
  readonly context: () => C | Promise<C>;
  readonly logger: Logger;
  /** Seconds shared caches may keep version-stamped answers. */
  readonly cacheSeconds: number;
  readonly corsOrigins: readonly string[];
  /**
   * Runs before routing on every request (CORS preflights excepted): throws to refuse it, e.g.
   * UnauthorizedError for the admin API, so unauthenticated callers learn nothing about routes.
   */
  readonly guard?: (event: APIGatewayProxyEvent) => void | Promise<void>;
}

export type ApiHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

interface Internal {
  startedAt?: number;
}

type ApiRequest = HandlerRequest<APIGatewayProxyEvent, APIGatewayProxyResult, Context, Internal>;
type ApiMiddleware = Middleware<APIGatewayProxyEvent, APIGatewayProxyResult, Context, Internal>;

function requestIdOf(request: ApiRequest): string {
  return request.event.requestContext?.requestId ?? request.context?.awsRequestId ?? 'local';
}

/**
 * One log line per request with method, route, status and duration; errors ≥ 500 with the cause.
 * The route TEMPLATE is logged, never the concrete path: paths carry postcodes, which are personal
 * data in a family-services context.
 */
function accessLog(logger: Logger, router: Router): ApiMiddleware {
  // Levels are fixed at start: with info off, a request costs the log nothing.
  const info = logger.enabled('info');
  return {
    before: (request) => {
      if (info) request.internal.startedAt = performance.now();
    },
    after: (request) => {
      if (info) logger.info('request', fieldsOf(request, router));
    },
    onError: (request) => {
      if ((request.response?.statusCode ?? 500) >= 500) {
        const error = request.error as Error | undefined;
        logger.error('request failed', {
          ...fieldsOf(request, router),
          error: error?.stack ?? String(error),
        });
      } else if (info) logger.info('request', fieldsOf(request, router));
    },
  };
}

function fieldsOf(request: ApiRequest, router: Router): Record<string, unknown> {
  const started = request.internal.startedAt ?? performance.now();
  return {
    requestId: requestIdOf(request),
    method: request.event.httpMethod,
    route: router.templateOf(request.event.path) ?? '(no route)',
    status: request.response?.statusCode,
    ms: Math.round((performance.now() - started) * 100) / 100,
  };
}

/** Renders any error as problem+json; unknown errors become an opaque 500. */
function problemResponses(): ApiMiddleware {
  return {
    onError: (request) => {
      const rendered = renderProblem(request.error, requestIdOf(request));
      request.response = {
        statusCode: rendered.status,
        headers: { 'Content-Type': PROBLEM_CONTENT_TYPE, 'Cache-Control': 'no-store', ...rendered.headers },
        body: JSON.stringify({ ...rendered.problem, instance: request.event.path }),
      };
    },
  };
}

export function createApiHandler<C>(options: ApiHandlerOptions<C>): ApiHandler {
  const { router, operations, logger, cacheSeconds } = options;
  for (const route of router.routes) {
    if (!operations[route.operationId]) throw new Error(`No operation implements ${route.operationId}`);
  }
  const corsHeaders = cors({
    origins: options.corsOrigins,
    methods: 'GET,POST,PUT,DELETE,OPTIONS',
    requestHeaders: 'Content-Type,Authorization,If-Match,If-None-Match',
    exposeHeaders: 'ETag,Location',
    maxAgeSeconds: 600,
  });
  // Preflight OPTIONS is answered by the CORS middleware, before routing (no route declares OPTIONS).
  return withMiddleware<APIGatewayProxyEvent, APIGatewayProxyResult, Context, Internal>(
    [accessLog(logger, router), corsHeaders as ApiMiddleware, problemResponses()],
    async (event) => {
      if (options.guard) await options.guard(event);
      // A 404/405 from matching is a typed error like any other, rendered by problemResponses.
      const { route, params } = router.match(event.httpMethod, event.path);
      const result = await operations[route.operationId]!(
        { event, params, route, requestId: event.requestContext?.requestId ?? 'local' },
        await options.context(),
      );
      return shapeResponse(route, result, event, cacheSeconds);
    },
  );
}

/** Turns an operation's result into the HTTP answer: JSON body, validators, caching, 304. */
function shapeResponse(
  route: ApiRoute,
  result: ApiResult,
  event: APIGatewayProxyEvent,
  cacheSeconds: number,
): APIGatewayProxyResult {
  const headers: Record<string, string> = {
    'Content-Type': result.contentType ?? 'application/json; charset=utf-8',
    'Cache-Control': route.cache === 'version' ? `public, max-age=${cacheSeconds}` : 'no-store',
    ...result.headers,
  };
  if (result.etag) {
    headers.ETag = result.etag;
    const ifNoneMatch = header(event, 'if-none-match');
    if (ifNoneMatch && etagMatches(ifNoneMatch, result.etag)) {
      return { statusCode: 304, headers, body: '' };
    }
  }
  const body = result.text ?? result.json ?? (route.successStatus === 204 ? '' : JSON.stringify(result.body));
  return {
    statusCode: result.status ?? route.successStatus,
    headers,
    body: event.httpMethod === 'HEAD' ? '' : body,
  };
}

function etagMatches(ifNoneMatch: string, etag: string): boolean {
  if (ifNoneMatch.trim() === '*') return true;
  const bare = etag.replace(/^W\//, '');
  return ifNoneMatch.split(',').some((t) => t.trim().replace(/^W\//, '') === bare);
}
