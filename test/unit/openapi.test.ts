// The OpenAPI document is generated from the route table and the operations' schemas; the
// committed copy must match it, and it must be a valid OpenAPI 3.1 document.
import { readFileSync } from 'node:fs';
import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from '../../functions/http/openapi.js';
import { OPERATIONS } from '../../functions/http/operations/index.js';
import { ROUTES } from '../../functions/http/routes.js';
import { clientTypes } from '../../scripts/lib/client-types.js';

describe('OpenAPI document', () => {
  const document = buildOpenApiDocument() as {
    paths: Record<string, Record<string, { security: unknown[]; responses: Record<string, unknown> }>>;
  };

  it('has one operation spec per route, and no spec without a route', () => {
    expect(Object.keys(OPERATIONS).sort()).toEqual(ROUTES.map((r) => r.operationId).sort());
  });

  it('is current in docs/openapi.json', () => {
    const committed = readFileSync(new URL('../../docs/openapi.json', import.meta.url), 'utf8');
    expect(JSON.parse(committed), 'docs/openapi.json is stale: run npm run openapi').toEqual(document);
  });

  it('is current in the typed client (clients/typescript/src/schema.d.ts)', async () => {
    const committed = readFileSync(
      new URL('../../clients/typescript/src/schema.d.ts', import.meta.url),
      'utf8',
    );
    expect(
      committed === (await clientTypes(document)),
      'the client types are stale: run npm run openapi',
    ).toBe(true);
  });

  it('validates as OpenAPI 3.1', async () => {
    const validator = new Validator();
    const result = await validator.validate(JSON.parse(JSON.stringify(document)));
    expect(result.errors ?? [], JSON.stringify(result.errors)?.slice(0, 2000)).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('describes the deployed security: API key for bulk, SigV4 (or the local token) for admin, open lookups', () => {
    for (const route of ROUTES) {
      const op = document.paths[route.path]![route.method.toLowerCase()]!;
      const expected =
        route.auth === 'admin' ? [{ sigv4: [] }, { adminToken: [] }] : route.apiKey ? [{ apiKey: [] }] : [];
      expect(op.security, route.operationId).toEqual(expected);
      // API Gateway's own answers: 403 (key, IAM or firewall) and 429 (limits) on every route.
      expect(Object.keys(op.responses), route.operationId).toEqual(expect.arrayContaining(['403', '429']));
    }
    expect(document.paths['/v1/lookups']!.post!.security).toEqual([{ apiKey: [] }]);
  });
});
