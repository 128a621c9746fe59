// CORS: the public API is called from council web pages on other origins. Preflight (OPTIONS) is
// answered here, before routing; every other answer carries only the headers a browser reads on an
// actual response (Allow-Origin, Expose-Headers), not the whole preflight set.
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { Middleware } from './middleware.js';
import { header } from './request.js';

export interface CorsOptions {
  /** Allowed origins; `*` allows any (no credentials are ever used). */
  readonly origins: readonly string[];
  readonly methods: string;
  readonly requestHeaders: string;
  readonly exposeHeaders: string;
  readonly maxAgeSeconds: number;
}

export function cors(options: CorsOptions): Middleware<APIGatewayProxyEvent, APIGatewayProxyResult, Context> {
  const anyOrigin = options.origins.includes('*');
  const allowed = new Set(options.origins);
  const originFor = (event: APIGatewayProxyEvent): string | undefined => {
    if (anyOrigin) return '*';
    const origin = header(event, 'origin');
    return origin !== undefined && allowed.has(origin) ? origin : undefined;
  };
  const decorate = (request: {
    event: APIGatewayProxyEvent;
    response: APIGatewayProxyResult | null | undefined;
  }) => {
    const response = request.response;
    if (!response) return;
    const origin = originFor(request.event);
    if (origin === undefined) return;
    response.headers ??= {};
    response.headers['Access-Control-Allow-Origin'] = origin;
    response.headers['Access-Control-Expose-Headers'] = options.exposeHeaders;
    // With a list of origins the answer depends on the Origin header: caches must know.
    if (!anyOrigin) response.headers.Vary = 'Origin';
  };
  return {
    before: (request) => {
      if (request.event.httpMethod !== 'OPTIONS') return undefined;
      const origin = originFor(request.event);
      return {
        statusCode: 204,
        headers: {
          ...(origin === undefined ? {} : { 'Access-Control-Allow-Origin': origin }),
          'Access-Control-Allow-Methods': options.methods,
          'Access-Control-Allow-Headers': options.requestHeaders,
          'Access-Control-Max-Age': String(options.maxAgeSeconds),
          ...(anyOrigin ? {} : { Vary: 'Origin' }),
        },
        body: '',
      };
    },
    after: decorate,
    onError: decorate,
  };
}
