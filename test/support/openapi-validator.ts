// Validates real responses against the OpenAPI document the service serves, so the document
// cannot drift from what the code does. Uses JSON Schema 2020-12 (OpenAPI 3.1's dialect).
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { buildOpenApiDocument } from '../../functions/http/openapi.js';
import { Router } from '../../functions/http/router.js';
import { ROUTES } from '../../functions/http/routes.js';

const document = buildOpenApiDocument() as {
  paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
};
const ajv = new Ajv2020({ strict: false, allErrors: true });
// Formats such as date-time are checked, not ignored.
addFormats.default(ajv);
ajv.addSchema(document, 'openapi.json');
const router = new Router(ROUTES);
const cache = new Map<string, ValidateFunction>();

function pointer(...parts: string[]): string {
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
