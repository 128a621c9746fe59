// Validates real requests and responses against the OpenAPI document the service serves, so the
// document cannot drift from what the code does. Uses ajv (JSON Schema 2020-12, OpenAPI 3.1's
// dialect): a validator independent of the TypeBox compiler the service checks requests with.
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { buildOpenApiDocument } from '../../functions/http/openapi.js';
import { Router } from '../../functions/http/router.js';
import { ROUTES } from '../../functions/http/routes.js';

interface DocumentedParameter {
  readonly name: string;
  readonly in: 'path' | 'query' | 'header';
  readonly required: boolean;
  readonly schema: { readonly type?: string };
}

const document = buildOpenApiDocument() as {
  paths: Record<
    string,
    Record<
      string,
      {
        responses: Record<string, unknown>;
        parameters?: DocumentedParameter[];
        requestBody?: { required: boolean; content: Record<string, { schema: unknown }> };
      }
    >
  >;
};
const ajv = new Ajv2020({ strict: false, allErrors: true });
// Formats such as date-time are checked, not ignored.
addFormats.default(ajv);
ajv.addSchema(document, 'openapi.json');
const router = new Router(ROUTES);
const cache = new Map<string, ValidateFunction>();

function pointer(...parts: string[]): string {
  // JSON pointer segments: ~ and / escaped, each segment percent-encoded as a URI fragment needs.
  return parts.map((p) => p.replaceAll('~', '~0').replaceAll('/', '~1')).join('/');
}

export interface SeenResponse {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly contentType: string | null;
  readonly body: string;
}

/** Operation ids and statuses seen, to check the suite exercised every route. */
export const seen = new Set<string>();

/** Returns a list of problems; empty when the response matches the documented one. */
export function checkAgainstOpenApi(response: SeenResponse): string[] {
  let route: (typeof ROUTES)[number];
  try {
    route = router.match(
      response.method === 'HEAD' ? 'GET' : response.method,
      new URL(response.path, 'http://x').pathname,
    ).route;
  } catch {
    // Unknown paths and methods must answer with a documented problem shape.
    return response.contentType?.startsWith('application/problem+json')
      ? validate('#/components/schemas/Problem', JSON.parse(response.body))
      : [`${response.method} ${response.path}: ${response.status} without problem+json`];
  }
  seen.add(`${route.operationId} ${response.status}`);
  const operation = document.paths[route.path]?.[route.method.toLowerCase()];
  const documented = operation?.responses[String(response.status)] as
    | { content?: Record<string, { schema: unknown }> }
    | undefined;
  if (!documented) return [`${route.operationId}: status ${response.status} is not documented`];
  if (!documented.content)
    return response.body === '' ? [] : [`${route.operationId} ${response.status}: undocumented body`];
  const mediaType = response.contentType?.split(';')[0]?.trim() ?? '';
  if (!documented.content[mediaType]) {
    return [`${route.operationId} ${response.status}: content type ${mediaType} not documented`];
  }
  // Text bodies (CSV exports) are documented as strings: the media type is what can be checked.
  if (!mediaType.endsWith('json')) return [];
  return validate(
    `#/${pointer('paths', route.path, route.method.toLowerCase(), 'responses', String(response.status), 'content', mediaType, 'schema')}`,
    JSON.parse(response.body),
  );
}

function validate(ref: string, value: unknown): string[] {
  let fn = cache.get(ref);
  if (!fn) {
    fn = ajv.compile({ $ref: `openapi.json${ref}` });
    cache.set(ref, fn);
  }
  return fn(value) ? [] : (fn.errors ?? []).map((e) => `${ref}${e.instancePath} ${e.message}`);
}

export interface SentRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
}

/**
 * Problems of a request against the documented parameters and body (empty when it is as
 * documented). Query values are read as the service reads them: numbers for number parameters.
 */
export function checkRequestAgainstOpenApi(request: SentRequest): string[] {
  const url = new URL(request.path, 'http://x');
  let match: ReturnType<Router['match']>;
  try {
    match = router.match(request.method === 'HEAD' ? 'GET' : request.method, url.pathname);
  } catch {
    return [`${request.method} ${url.pathname}: no such route`];
  }
  const { route, params } = match;
  const operation = document.paths[route.path]![route.method.toLowerCase()]!;
  const problems: string[] = [];
  const base = pointer('paths', route.path, route.method.toLowerCase());
  (operation.parameters ?? []).forEach((parameter, i) => {
    const raw =
      parameter.in === 'path'
        ? params[parameter.name]
        : parameter.in === 'query'
          ? (url.searchParams.get(parameter.name) ?? undefined)
          : Object.entries(request.headers).find(
              ([k]) => k.toLowerCase() === parameter.name.toLowerCase(),
            )?.[1];
    if (raw === undefined) {
      if (parameter.required)
        problems.push(`${route.operationId}: required ${parameter.in} parameter "${parameter.name}" missing`);
      return;
    }
    if (parameter.in === 'query' && url.searchParams.getAll(parameter.name).length > 1) {
      problems.push(`${route.operationId}: "${parameter.name}" given more than once`);
    }
    const numeric = parameter.schema.type === 'number' || parameter.schema.type === 'integer';
    const value = numeric && raw.trim() !== '' && Number.isFinite(Number(raw)) ? Number(raw) : raw;
    problems.push(
      ...validate(`#/${base}/parameters/${i}/schema`, value).map(
        (p) => `${route.operationId} ${parameter.name}: ${p}`,
      ),
    );
  });
  const content = operation.requestBody?.content;
  if (content && request.body !== undefined && request.body !== '') {
    const type = (
      Object.entries(request.headers).find(([k]) => k.toLowerCase() === 'content-type')?.[1] ?? ''
    )
      .split(';')[0]!
      .trim();
    if (!content[type]) problems.push(`${route.operationId}: body media type ${type} not documented`);
    else if (type.endsWith('json')) {
      let body: unknown;
      try {
        body = JSON.parse(request.body);
      } catch {
        return [...problems, `${route.operationId}: body is not JSON`];
      }
      problems.push(
        ...validate(
          `#/${pointer('paths', route.path, route.method.toLowerCase(), 'requestBody', 'content', type, 'schema')}`,
          body,
        ),
      );
    }
  } else if (operation.requestBody?.required) {
    problems.push(`${route.operationId}: the documented body is missing`);
  }
  return problems;
}
