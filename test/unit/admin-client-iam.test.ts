// The CLI against a deployment behind API Gateway's IAM authorizer: requests signed with the
// caller's AWS credentials (SigV4) instead of a bearer token.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { adminRequest, adminTarget } from '../../functions/cli/admin-client.js';
import { type CommandInput, UsageError } from '../../functions/cli/framework.js';

function input(values: Record<string, string>, env: Record<string, string> = {}): CommandInput {
  return {
    values,
    positionals: [],
    io: { stdout: { write: () => true }, stderr: { write: () => true }, interactive: false, env },
  };
}

const API = 'https://a1b2c3.execute-api.eu-west-2.amazonaws.com/prod';

describe('admin target', () => {
  it('signs with AWS credentials for execute-api URLs, needing no token', () => {
    const target = adminTarget(input({ area: 'gloucestershire', url: API }));
    expect(target).toMatchObject({ auth: 'iam', region: 'eu-west-2', token: undefined, url: API });
  });

  it('keeps the bearer token for a local service, and still requires it', () => {
    expect(adminTarget(input({ area: 'a', token: 't'.repeat(20) })).auth).toBe('token');
    expect(() => adminTarget(input({ area: 'a' }))).toThrow(UsageError);
  });

  it('signs for a custom domain with --auth iam and the region from AWS_REGION', () => {
    const target = adminTarget(
      input({ area: 'a', url: 'https://api.example.org', auth: 'iam' }, { AWS_REGION: 'eu-west-2' }),
    );
    expect(target).toMatchObject({ auth: 'iam', region: 'eu-west-2' });
    expect(() => adminTarget(input({ area: 'a', url: 'https://api.example.org', auth: 'iam' }))).toThrow(
      /AWS_REGION/,
    );
    expect(() => adminTarget(input({ area: 'a', url: API, auth: 'basic' }))).toThrow(/token.*iam/);
  });
});

describe('signed admin requests', () => {
  let seen: { method?: string; url?: string; headers: IncomingHttpHeaders; body: string }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      seen.push({ method: req.method, url: req.url, headers: req.headers, body });
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"ok":true}');
    });
  });
  const saved = { ...process.env };
  let url = '';
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // The standard credential chain reads these first.
    process.env.AWS_ACCESS_KEY_ID = 'AKIDTESTEXAMPLE';
    process.env.AWS_SECRET_ACCESS_KEY = 'secret-for-tests';
    process.env.AWS_SESSION_TOKEN = 'session-for-tests';
  });
  afterEach(() => {
    seen = [];
  });
  afterAll(async () => {
    process.env = saved;
    await new Promise((resolve) => server.close(resolve));
  });

  it('sends a SigV4 Authorization (and the session token) instead of a bearer token', async () => {
    const target = {
      url,
      area: 'gloucestershire',
      token: undefined,
      auth: 'iam' as const,
      region: 'eu-west-2',
      author: 'planner',
    };
    const answer = await adminRequest(target, 'POST', '/draft', {
      body: '{"from":"empty"}',
      contentType: 'application/json',
    });
    expect(answer.json).toEqual({ ok: true });
    expect(seen).toHaveLength(1);
    const { headers, body, url: path } = seen[0]!;
    expect(path).toBe('/v1/admin/areas/gloucestershire/draft');
    expect(body).toBe('{"from":"empty"}');
    expect(headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDTESTEXAMPLE\/\d{8}\/eu-west-2\/execute-api\/aws4_request, SignedHeaders=.*x-amz-security-token.*, Signature=[0-9a-f]{64}$/,
    );
    expect(headers['x-amz-security-token']).toBe('session-for-tests');
    expect(headers['x-author']).toBe('planner');
  });

  it('sends the bearer token, unsigned, to a local service', async () => {
    const target = {
      url,
      area: 'a',
      token: 'local-token-123456',
      auth: 'token' as const,
      region: undefined,
      author: 'me',
    };
    await adminRequest(target, 'GET', '/draft');
    expect(seen[0]!.headers.authorization).toBe('Bearer local-token-123456');
    expect(seen[0]!.headers['x-amz-date']).toBeUndefined();
  });
});
