// The OpenAPI 3.1 document, generated: paths from the route table (routes.ts), every parameter,
// body and answer from the operations' TypeBox schemas (operations/*.ts) — the same schemas the
// handlers are typed and checked with — and the security and gateway answers of the deployment
// (lib/constructs/route-table-api.ts). Schemas with an `$id` become components. docs/openapi.json
// is the committed copy; a test fails when it drifts, and one validates it as OpenAPI 3.1.
import { type TObject, type TSchema, Type } from '@sinclair/typebox';
import { OPERATIONS } from './operations/index.js';
import type { OperationSpec, ResponseSpec } from './operations/operation.js';
import { type ApiRoute, ROUTES } from './routes.js';
import { Problem } from './schemas/common.js';
import { BoundarySetEvent } from './schemas/events.js';

type Json = Record<string, unknown>;

/** Turns TypeBox schemas into plain JSON Schema, named ones (`$id`) into component references. */
class SchemaWriter {
  readonly components = new Map<string, Json>();

  write(schema: TSchema): Json {
    return this.visit(JSON.parse(JSON.stringify(schema)) as Json);
  }

  private visit(value: Json): Json {
    const id = value.$id;
    if (typeof id === 'string') {
      if (!this.components.has(id)) {
        this.components.set(id, {}); // reserve first: a schema may refer to itself
        const { $id: _, ...rest } = value;
        this.components.set(id, this.visit(rest));
      }
      return { $ref: `#/components/schemas/${id}` };
    }
    const out: Json = {};
    for (const [key, child] of Object.entries(value)) out[key] = this.child(child);
    return out;
  }

  private child(value: unknown): unknown {
    if (Array.isArray(value)) return value.map((v) => this.child(v));
    if (value && typeof value === 'object') return this.visit(value as Json);
    return value;
  }
}

const GATEWAY = {
  tooMany:
    'Too many requests (API Gateway): the stage, route, API-key or WAF rate limit, the key’s daily quota, or the function at capacity. Wait for `Retry-After` seconds.',
  apiKey: 'No valid `x-api-key` (API Gateway, type /problems/api-key-required), or blocked by the firewall.',
  iam: 'The SigV4-signed caller’s IAM policy does not allow this route (API Gateway, /problems/forbidden), or blocked by the firewall.',
  waf: 'Blocked by the firewall (API Gateway with WAF on, /problems/request-blocked).',
};

function parameters(
  writer: SchemaWriter,
  where: 'path' | 'query' | 'header',
  object: TObject | undefined,
): Json[] {
  if (!object) return [];
  const required = new Set(object.required ?? []);
  return Object.entries(object.properties).map(([name, schema]) => {
    const written = writer.write(schema);
    const { description, examples, ...rest } = written as Json & {
      description?: string;
      examples?: unknown[];
    };
    return {
      name,
      in: where,
      required: where === 'path' || required.has(name),
      ...(description ? { description } : {}),
      schema: rest,
      ...(examples?.length ? { example: examples[0] } : {}),
    };
  });
}

function response(writer: SchemaWriter, spec: ResponseSpec): Json {
  const headers: Json = {};
  if (spec.etag) headers.ETag = { $ref: '#/components/headers/ETag' };
  for (const [name, h] of Object.entries(spec.headers ?? {})) {
    headers[name] = { description: h.description, schema: writer.write(h.schema) };
  }
  return {
    description: spec.description,
    ...(Object.keys(headers).length > 0 ? { headers } : {}),
    ...(spec.content
      ? {
          content: Object.fromEntries(
            Object.entries(spec.content).map(([type, schema]) => [type, { schema: writer.write(schema) }]),
          ),
        }
      : {}),
  };
}

/** What API Gateway answers on its own for this route (docs/deploy.md §6). */
function gatewayResponses(route: ApiRoute): Record<string, ResponseSpec> {
  const problem = (description: string, retryAfter = false): ResponseSpec => ({
    description,
    content: { 'application/problem+json': Problem },
    ...(retryAfter
      ? {
          headers: {
            'Retry-After': { description: 'Seconds to wait.', schema: Type.Integer() },
          },
        }
      : {}),
  });
  return {
    '403': problem(route.apiKey ? GATEWAY.apiKey : route.auth === 'admin' ? GATEWAY.iam : GATEWAY.waf),
    '429': problem(GATEWAY.tooMany, true),
  };
}

function security(route: ApiRoute): Json[] {
  if (route.auth === 'admin') return [{ sigv4: [] }, { adminToken: [] }];
  if (route.apiKey) return [{ apiKey: [] }];
  return [];
}

function operationObject(writer: SchemaWriter, route: ApiRoute, spec: OperationSpec): Json {
  const params = [
    ...parameters(writer, 'path', spec.path),
    ...parameters(writer, 'query', spec.query),
    ...parameters(writer, 'header', spec.headers),
  ];
  const responses: Json = {};
  const all: Record<string, ResponseSpec> = {
    ...Object.fromEntries(Object.entries(spec.responses).map(([s, r]) => [s, r])),
    ...(spec.responses[405]
      ? {}
      : {
          '405': {
            description: 'Method not allowed on this path.',
            content: { 'application/problem+json': Problem },
          },
        }),
    ...gatewayResponses(route),
    '500': {
      description: 'Unexpected failure; the body carries a requestId and no internals.',
      content: { 'application/problem+json': Problem },
    },
  };
  for (const status of Object.keys(all).sort()) responses[status] = response(writer, all[status]!);
  return {
    operationId: route.operationId,
    summary: route.summary,
    ...(spec.description ? { description: spec.description } : {}),
    tags: spec.tags,
    security: security(route),
    ...(params.length > 0 ? { parameters: params } : {}),
    ...(spec.body
      ? {
          requestBody: {
            required: spec.body.required,
            content: Object.fromEntries(
              Object.entries(spec.body.content).map(([type, schema]) => [
                type,
                { schema: writer.write(schema) },
              ]),
            ),
          },
        }
      : {}),
    responses,
  };
}

export function buildOpenApiDocument(): Json {
  const writer = new SchemaWriter();
  const paths: Record<string, Json> = {};
  for (const route of ROUTES) {
    const spec = (OPERATIONS as Readonly<Record<string, OperationSpec>>)[route.operationId];
    if (!spec) throw new Error(`OpenAPI: no operation spec for ${route.operationId}`);
    paths[route.path] ??= {};
    paths[route.path]![route.method.toLowerCase()] = operationObject(writer, route, spec);
  }
  const event = writer.write(BoundarySetEvent);
  return {
    openapi: '3.1.0',
    info: {
      title: 'family-hub-catchments',
      version: '1.0.0',
      description:
        'Which family hub serves this family? Postcode and coordinate lookups to family hubs, their spokes, ' +
        'health-visiting patches and Continuity of Carer midwifery teams, from versioned boundary sets, now or at ' +
        'any past instant. Errors are RFC 9457 application/problem+json. Coordinates are WGS84; distances are ' +
        'geodesic metres. On AWS, public lookups are open (rate-limited), bulk lookups need an API key and admin ' +
        'routes an AWS SigV4 signature; locally (npm start) admin routes take a bearer token and bulk needs no key.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: '/', description: 'This deployment' }],
    tags: [
      {
        name: 'lookups',
        description: 'Postcode and point lookups, now or at a past instant (public, read-only).',
      },
      { name: 'areas', description: 'Areas, hubs, spokes, versions and change lists (public, read-only).' },
      { name: 'service', description: 'Health and this document.' },
      { name: 'admin', description: 'Planners: drafts, validation, publish, rollback, history.' },
      {
        name: 'analysis',
        description: 'Redraw impact and boundary alignment (admin), and the public alignment summary.',
      },
    ],
    paths,
    webhooks: {
      boundarySetEvent: {
        post: {
          summary: 'A publish or rollback: the postcodes whose hub, HV patch or CoC team changed',
          description:
            'POSTed to each subscribed HTTPS endpoint after every publish and rollback (docs/events.md). Verify ' +
            '`Catchments-Signature` (HMAC-SHA256 of "<t>.<raw body>" with the endpoint secret) before trusting it; ' +
            'answer 2xx quickly. Non-2xx, 429 and timeouts are retried with backoff.',
          parameters: [
            {
              name: 'Catchments-Signature',
              in: 'header',
              required: true,
              description: 't=<unix seconds>,v1=<hex HMAC-SHA256>',
              schema: { type: 'string' },
            },
            { name: 'Catchments-Event-Id', in: 'header', required: true, schema: { type: 'string' } },
            { name: 'Catchments-Event-Type', in: 'header', required: true, schema: { type: 'string' } },
          ],
          requestBody: { required: true, content: { 'application/json': { schema: event } } },
          responses: { '2XX': { description: 'Received.' } },
        },
      },
    },
    components: {
      schemas: Object.fromEntries([...writer.components].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
      headers: {
        ETag: {
          description: 'Changes when the boundary-set version or the postcode directory changes.',
          schema: { type: 'string' },
        },
      },
      securitySchemes: {
        apiKey: {
          type: 'apiKey',
          in: 'header',
          name: 'x-api-key',
          description:
            'On AWS: one API key per app in the apps usage plan, with its rate, burst and daily quota (docs/deploy.md §5). Not required locally.',
        },
        sigv4: {
          type: 'apiKey',
          in: 'header',
          name: 'Authorization',
          description:
            'On AWS: AWS Signature Version 4 for service `execute-api` (API Gateway IAM authorizer); the caller’s IAM policy must allow execute-api:Invoke on the route. Unsigned requests are answered 404.',
          'x-amazon-apigateway-authtype': 'awsSigv4',
        },
        adminToken: {
          type: 'http',
          scheme: 'bearer',
          description: 'Locally (npm start) only: the CATCHMENTS_ADMIN_TOKEN.',
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
