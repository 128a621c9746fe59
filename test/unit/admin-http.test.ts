// The admin API's request rules: the bearer token, If-Match on the active version, who is acting,
// and the configuration that turns it on.
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../functions/config.js';
import {
  InvalidRequestError,
  PreconditionRequiredError,
  UnauthorizedError,
} from '../../functions/core/errors.js';
import { actor, bearerGuard, expectedActive } from '../../functions/handlers/admin-api.js';

const event = (headers: Record<string, string>, requestContext: object = {}) =>
  ({ headers, requestContext }) as unknown as APIGatewayProxyEvent;

describe('expectedActive (If-Match on publish and rollback)', () => {
  it.each([
    ['3', 3],
    ['"3"', 3],
    ['v12', 12],
    ['"gloucestershire.v4.abc123"', 4],
    ['W/"gloucestershire.v5.abc"', 5],
  ])('reads If-Match: %s as version %d', (value, version) => {
    expect(expectedActive(event({ 'If-Match': value }), 'gloucestershire')).toBe(version);
  });

  it('reads If-None-Match: * as "no version yet", and wants one of the two (428)', () => {
    expect(expectedActive(event({ 'if-none-match': '*' }), 'gloucestershire')).toBeNull();
    expect(() => expectedActive(event({}), 'gloucestershire')).toThrow(PreconditionRequiredError);
    expect(() => expectedActive(event({ 'If-Match': '*' }), 'gloucestershire')).toThrow(
      PreconditionRequiredError,
    );
  });

  it('refuses a tag of another area or no version (400)', () => {
    expect(() => expectedActive(event({ 'If-Match': '"testshire.v4.abc"' }), 'gloucestershire')).toThrow(
      InvalidRequestError,
    );
    expect(() => expectedActive(event({ 'If-Match': 'latest' }), 'gloucestershire')).toThrow(
      InvalidRequestError,
    );
  });
});

describe('bearerGuard', () => {
  const guard = bearerGuard('s3cret-token-for-tests');
  it('accepts exactly the token, whatever the scheme case', () => {
    expect(() => guard(event({ Authorization: 'Bearer s3cret-token-for-tests' }))).not.toThrow();
    expect(() => guard(event({ authorization: 'bearer s3cret-token-for-tests' }))).not.toThrow();
  });
  it.each([
    [''],
    ['Bearer'],
    ['Bearer s3cret'],
    ['Bearer s3cret-token-for-tests2'],
    ['Basic s3cret-token-for-tests'],
    ['Bearer S3CRET-TOKEN-FOR-TESTS'],
  ])('refuses %j with 401', (value) => {
    expect(() => guard(event(value ? { Authorization: value } : {}))).toThrow(UnauthorizedError);
  });
});

describe('actor', () => {
  it('records the authenticated principal on AWS, and the caller-given name locally', () => {
    expect(actor(event({ 'X-Author': 'Ann Planner' }))).toBe('Ann Planner');
    expect(actor(event({}))).toBe('admin');
    expect(actor(event({ 'X-Author': 'Ann\u0000\n' }))).toBe('Ann');
    expect(actor(event({ 'X-Author': 'Ann' }, { identity: { userArn: 'arn:aws:iam::1:user/ann' } }))).toBe(
      'arn:aws:iam::1:user/ann (Ann)',
    );
  });
});

describe('admin configuration', () => {
  it('defaults, limits and refuses weak tokens', () => {
    const config = loadConfig({});
    expect(config.admin).toEqual({
      token: undefined,
      auth: 'token',
      maxBodyBytes: 5_242_880,
      corsOrigins: [],
      maxUploadBytes: 209_715_200,
      ingestBudgetMs: 15_000,
    });
    expect(config.refreshSeconds).toBe(30);
    expect(config.store).toEqual({ tableName: undefined, dir: '.local-store' });
    expect(() => loadConfig({ CATCHMENTS_ADMIN_TOKEN: 'short' })).toThrow(ConfigError);
    expect(() => loadConfig({ CATCHMENTS_ADMIN_MAX_BODY_BYTES: '20000000' })).toThrow(/6291456/);
    expect(() => loadConfig({ CATCHMENTS_REFRESH_SECONDS: '7200' })).toThrow(ConfigError);
    expect(() => loadConfig({ CATCHMENTS_ADMIN_AUTH: 'none' })).toThrow(ConfigError);
    expect(loadConfig({ CATCHMENTS_ADMIN_AUTH: 'IAM', CATCHMENTS_TABLE_NAME: 't' })).toMatchObject({
      admin: { auth: 'iam' },
      store: { tableName: 't' },
    });
  });
});
