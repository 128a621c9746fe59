// Template assertions: what the issue requires of the deployed infrastructure, checked on the
// synthesised CloudFormation (bundling stubbed; synth.test.ts bundles for real).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, type Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { EVENT_SOURCE } from '../../functions/application/ports/event-publisher.js';
import { ROUTES } from '../../functions/http/routes.js';
import { defineCatchmentsApp, handlerEntries } from '../../lib/app.js';
import { routePathRegex } from '../../lib/constructs/api-firewall.js';
import { GROUP_THROTTLES, routeThrottle } from '../../lib/constructs/route-table-api.js';
import {
  ADMIN_MAX_BODY_BYTES,
  FUNCTION_PROFILES,
  PUBLIC_MAX_BODY_BYTES,
} from '../../lib/function-profiles.js';
import { FUNCTION_ENV } from '../../lib/service-stack.js';
import { stageConfigFromContext } from '../../lib/stage-config.js';
import {
  type BuiltApp,
  buildApp,
  cdkJsonContext,
  EVERYTHING_ON,
  PLANNER_FIXTURE_ROUTES,
  PROJECT_ROOT,
  resourcesOf,
  routesWithPlannerFixtures,
} from './fixture.js';

const basic = buildApp();
const full = buildApp({ context: EVERYTHING_ON, routes: routesWithPlannerFixtures(), standInHandlers: true });
const plannerRoutes = routesWithPlannerFixtures();

const WRITE_ACTIONS =
  /^dynamodb:(PutItem|UpdateItem|DeleteItem|BatchWriteItem|PartiQL(Insert|Update|Delete)|\*)$|^events:PutEvents$/;

function roleId(built: BuiltApp, group: 'public' | 'admin' | 'analysis'): string {
  const fn = built.stacks.service.functions.get(group)!;
  return built.stacks.service.getLogicalId(fn.role.node.defaultChild as Parameters<Stack['getLogicalId']>[0]);
}

/** Every action granted to a role by the stack's policies. */
function actionsOf(built: BuiltApp, role: string): string[] {
  const policies = resourcesOf(built.service, 'AWS::IAM::Policy');
  const actions: string[] = [];
  for (const policy of Object.values(policies)) {
    const roles = (policy.Properties.Roles ?? []) as { Ref?: string }[];
    if (!roles.some((r) => r.Ref === role)) continue;
    const statements = (policy.Properties.PolicyDocument as { Statement: { Action: string | string[] }[] })
      .Statement;
    for (const s of statements) actions.push(...(Array.isArray(s.Action) ? s.Action : [s.Action]));
  }
  return actions;
}

/** The OPTIONS method on the resource of an operation's route, if the resource answers preflight. */
function preflightOf(built: BuiltApp, operationId: string): Record<string, unknown> | undefined {
  const resource = JSON.stringify(methodFor(built, operationId).ResourceId);
  return Object.values(resourcesOf(built.service, 'AWS::ApiGateway::Method')).find(
    (m) => m.Properties.HttpMethod === 'OPTIONS' && JSON.stringify(m.Properties.ResourceId) === resource,
  )?.Properties;
}

function methodFor(built: BuiltApp, operationId: string): Record<string, unknown> {
  const methods = resourcesOf(built.service, 'AWS::ApiGateway::Method');
  const found = Object.values(methods).filter((m) => m.Properties.OperationName === operationId);
  expect(found, `one method for ${operationId}`).toHaveLength(1);
  return found[0]!.Properties;
}

describe('data stack (stateful)', () => {
  it('keeps the table: on-demand, PITR, encrypted, deletion-protected and retained', () => {
    basic.data.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
        DeletionProtectionEnabled: true,
      }),
    });
    basic.data.resourceCountIs('AWS::Location::PlaceIndex', 0);
    basic.data.resourceCountIs('AWS::KMS::Key', 0);
  });

  it('uses a rotated, retained KMS key when tableEncryption=customer-managed', () => {
    full.data.hasResource('AWS::KMS::Key', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({ EnableKeyRotation: true }),
    });
    full.data.hasResourceProperties('AWS::DynamoDB::Table', {
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: Match.anyValue() },
    });
  });

  it('creates the place index only when asked, for Great Britain single-use searches', () => {
    full.data.hasResourceProperties('AWS::Location::PlaceIndex', {
      IndexName: 'catchments-prod',
      DataSource: 'Esri',
      PricingPlan: 'RequestBasedUsage',
      DataSourceConfiguration: { IntendedUse: 'SingleUse' },
    });
  });

  it('holds no stateless resources: the API can be replaced without touching data', () => {
    for (const type of ['AWS::Lambda::Function', 'AWS::ApiGateway::RestApi', 'AWS::Events::EventBus']) {
      full.data.resourceCountIs(type, 0);
    }
  });
});

describe('functions', () => {
  it('runs every function on Node.js 22, arm64, JSON logs to a group with the configured retention', () => {
    for (const [built, retention] of [
      [basic, 30],
      [full, 30],
    ] as const) {
      const functions = resourcesOf(built.service, 'AWS::Lambda::Function');
      expect(Object.keys(functions).length).toBe(
        new Set(built === basic ? ROUTES.map((r) => r.group) : plannerRoutes.map((r) => r.group)).size,
      );
      const groups = resourcesOf(built.service, 'AWS::Logs::LogGroup');
      for (const fn of Object.values(functions)) {
        const p = fn.Properties;
        expect(p.Runtime).toBe('nodejs22.x');
        expect(p.Architectures).toEqual(['arm64']);
        expect(p.Handler).toBe('index.handler');
        const logging = p.LoggingConfig as { LogFormat: string; LogGroup: { Ref: string } };
        expect(logging.LogFormat).toBe('JSON');
        expect(groups[logging.LogGroup.Ref]?.Properties.RetentionInDays).toBe(retention);
        expect(p.Timeout as number).toBeLessThan(29);
      }
    }
    const short = buildApp({ context: { logRetentionDays: 14 } });
    short.service.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 14 });
  });

  it('sizes each group from its profile and binds its environment', () => {
    for (const group of ['public', 'admin', 'analysis'] as const) {
      const profile = FUNCTION_PROFILES[group];
      const env: Record<string, unknown> = {
        [FUNCTION_ENV.tableName]: Match.anyValue(),
        [FUNCTION_ENV.logLevel]: 'info',
        [FUNCTION_ENV.refreshSeconds]: '30',
        [FUNCTION_ENV.maxBodyBytes]: String(PUBLIC_MAX_BODY_BYTES),
        [FUNCTION_ENV.corsOrigins]: 'https://www.gloucestershire.gov.uk,https://maps.example.org',
        [FUNCTION_ENV.areas]: 'gloucestershire',
      };
      if (profile.publishesEvents) env[FUNCTION_ENV.eventBusName] = Match.anyValue();
      if (profile.usesPlaceIndex) env[FUNCTION_ENV.placeIndexName] = 'catchments-prod';
      if (plannerRoutes.some((r) => r.group === group && r.auth === 'admin')) {
        env[FUNCTION_ENV.adminAuth] = 'iam';
        env[FUNCTION_ENV.adminMaxBodyBytes] = String(ADMIN_MAX_BODY_BYTES);
        env[FUNCTION_ENV.adminCorsOrigins] = 'https://gis.gloucestershire.gov.uk';
      }
      full.service.hasResourceProperties('AWS::Lambda::Function', {
        MemorySize: profile.memoryMb,
        Timeout: profile.timeoutSeconds,
        Environment: { Variables: env },
        TracingConfig: { Mode: 'Active' },
      });
    }
    // The public function serves no admin route, so it is never told the authorizer guards it.
    const publicFn = Object.values(resourcesOf(full.service, 'AWS::Lambda::Function')).find(
      (f) =>
        (f.Properties.Environment as { Variables: Record<string, unknown> }).Variables[
          FUNCTION_ENV.placeIndexName
        ],
    );
    expect(publicFn).toBeDefined();
    const publicEnv = (publicFn!.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(publicEnv[FUNCTION_ENV.adminAuth]).toBeUndefined();
  });

  it('sets reserved concurrency only where configured', () => {
    full.service.hasResourceProperties('AWS::Lambda::Function', {
      MemorySize: FUNCTION_PROFILES.public.memoryMb,
      ReservedConcurrentExecutions: 120,
    });
    for (const fn of Object.values(resourcesOf(basic.service, 'AWS::Lambda::Function'))) {
      expect(fn.Properties.ReservedConcurrentExecutions).toBeUndefined();
    }
  });

  it('gives lookup and analysis functions read-only access; only admin writes and publishes', () => {
    for (const built of [basic, full]) {
      const lookup = actionsOf(built, roleId(built, 'public'));
      expect(lookup).toContain('dynamodb:GetItem');
      expect(lookup).toContain('dynamodb:Query');
      expect(lookup.filter((a) => WRITE_ACTIONS.test(a))).toEqual([]);
    }
    const analysis = actionsOf(full, roleId(full, 'analysis'));
    expect(analysis).toContain('dynamodb:GetItem');
    expect(analysis.filter((a) => WRITE_ACTIONS.test(a))).toEqual([]);
    expect(analysis).not.toContain('geo:SearchPlaceIndexForText');
    const admin = actionsOf(full, roleId(full, 'admin'));
    expect(admin).toEqual(
      expect.arrayContaining(['dynamodb:PutItem', 'dynamodb:BatchWriteItem', 'events:PutEvents']),
    );
    expect(actionsOf(full, roleId(full, 'public'))).toContain('geo:SearchPlaceIndexForText');
    expect(actionsOf(basic, roleId(basic, 'public'))).not.toContain('geo:SearchPlaceIndexForText');
  });

  it('attaches no AWS managed policies to function roles (only the gateway logging role has one)', () => {
    const roles = resourcesOf(full.service, 'AWS::IAM::Role');
    const withManaged = Object.entries(roles).filter(([, r]) => r.Properties.ManagedPolicyArns);
    expect(withManaged.map(([id]) => id)).toEqual([expect.stringMatching(/CloudWatchRole/)]);
  });

  it('scopes the place index grant to that one index', () => {
    const policies = resourcesOf(full.service, 'AWS::IAM::Policy');
    const statements = Object.values(policies).flatMap(
      (p) =>
        (p.Properties.PolicyDocument as { Statement: { Action: unknown; Resource: unknown }[] }).Statement,
    );
    const geo = statements.filter((s) => s.Action === 'geo:SearchPlaceIndexForText');
    expect(geo).toHaveLength(1);
    expect(JSON.stringify(geo[0]!.Resource)).toContain('PlaceIndex');
    expect(JSON.stringify(geo[0]!.Resource)).not.toContain('*');
  });
});

describe('API', () => {
  it('has one method per route in the table, named by operationId', () => {
    for (const route of ROUTES) {
      const method = methodFor(basic, route.operationId);
      expect(method.HttpMethod).toBe(route.method);
      expect((method.Integration as { Type: string }).Type).toBe('AWS_PROXY');
    }
  });

  it('puts the IAM authorizer on every admin route and on none of the public ones', () => {
    expect(plannerRoutes.some((r) => r.auth === 'admin')).toBe(true);
    for (const built of [basic, full]) {
      const routes = built === basic ? ROUTES : plannerRoutes;
      for (const route of routes) {
        const method = methodFor(built, route.operationId);
        expect(method.AuthorizationType, route.operationId).toBe(route.auth === 'admin' ? 'AWS_IAM' : 'NONE');
      }
    }
    // No other kind of authorizer sneaks in, and preflight stays open.
    full.service.resourceCountIs('AWS::ApiGateway::Authorizer', 0);
    for (const m of Object.values(resourcesOf(full.service, 'AWS::ApiGateway::Method'))) {
      if (m.Properties.HttpMethod === 'OPTIONS') expect(m.Properties.AuthorizationType).toBe('NONE');
    }
  });

  it('routes each group to its own function', () => {
    const functionIds = Object.fromEntries(
      (['public', 'admin', 'analysis'] as const).map((g) => [
        g,
        full.stacks.service.getLogicalId(
          full.stacks.service.functions.get(g)!.function.node.defaultChild as Parameters<
            Stack['getLogicalId']
          >[0],
        ),
      ]),
    );
    for (const route of plannerRoutes) {
      const uri = JSON.stringify((methodFor(full, route.operationId).Integration as { Uri: unknown }).Uri);
      expect(uri, route.operationId).toContain(functionIds[route.group]);
    }
  });

  it('throttles the stage and every route; bulk lookups and planner routes lower', () => {
    const stage = { rateLimit: 50, burstLimit: 100 };
    const settings = (built: BuiltApp) =>
      Object.values(resourcesOf(built.service, 'AWS::ApiGateway::Stage'))[0]!.Properties.MethodSettings as {
        ResourcePath: string;
        HttpMethod: string;
        ThrottlingRateLimit: number;
        ThrottlingBurstLimit: number;
      }[];
    const all = settings(full);
    expect(all.find((s) => s.ResourcePath === '/*' && s.HttpMethod === '*')).toMatchObject({
      ThrottlingRateLimit: 50,
      ThrottlingBurstLimit: 100,
    });
    for (const route of plannerRoutes) {
      const path = route.path.replaceAll('/', '~1');
      const setting = all.find((s) => s.ResourcePath === `/${path}` && s.HttpMethod === route.method);
      const expected = routeThrottle(route, stage);
      expect(setting, route.operationId).toMatchObject({
        ThrottlingRateLimit: expected.rateLimit,
        ThrottlingBurstLimit: expected.burstLimit,
      });
      if (route.group !== 'public') expect(expected).toEqual(GROUP_THROTTLES[route.group]);
    }
    expect(routeThrottle(ROUTES.find((r) => r.operationId === 'bulkLookup')!, stage)).toEqual({
      rateLimit: 10,
      burstLimit: 20,
    });
    const tight = buildApp({ context: { rateLimit: 3, burstLimit: 6 } });
    expect(settings(tight).find((s) => s.ResourcePath === '/*')).toMatchObject({
      ThrottlingRateLimit: 3,
      ThrottlingBurstLimit: 6,
    });
  });

  it('has an apps usage plan with throttle and daily quota, one API key per app, and keys on bulk lookups', () => {
    full.service.hasResourceProperties('AWS::ApiGateway::UsagePlan', {
      Throttle: { RateLimit: 20, BurstLimit: 40 },
      Quota: { Limit: 100_000, Period: 'DAY' },
      ApiStages: [Match.objectLike({ ApiId: Match.anyValue(), Stage: Match.anyValue() })],
    });
    full.service.resourceCountIs('AWS::ApiGateway::ApiKey', 2);
    full.service.resourceCountIs('AWS::ApiGateway::UsagePlanKey', 2);
    full.service.hasResourceProperties('AWS::ApiGateway::ApiKey', { Name: 'prod-hv-system', Enabled: true });
    basic.service.resourceCountIs('AWS::ApiGateway::UsagePlan', 1);
    basic.service.resourceCountIs('AWS::ApiGateway::ApiKey', 0);
    for (const route of ROUTES) {
      expect(methodFor(basic, route.operationId).ApiKeyRequired, route.operationId).toBe(
        route.operationId === 'bulkLookup',
      );
    }
  });

  it('answers Lambda throttles and gateway throttles as 429 problem+json with Retry-After', () => {
    for (const type of ['INTEGRATION_FAILURE', 'THROTTLED', 'QUOTA_EXCEEDED']) {
      basic.service.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
        ResponseType: type,
        StatusCode: '429',
        ResponseParameters: Match.objectLike({
          'gatewayresponse.header.Retry-After': "'1'",
          'gatewayresponse.header.Content-Type': "'application/problem+json'",
        }),
        ResponseTemplates: { 'application/json': Match.stringLikeRegexp('"status":429') },
      });
    }
    const responses = resourcesOf(basic.service, 'AWS::ApiGateway::GatewayResponse');
    for (const r of Object.values(responses)) {
      const body = (r.Properties.ResponseTemplates as Record<string, string>)['application/json']!;
      // Valid JSON once API Gateway substitutes its variables, and always carrying the request id.
      const substituted = body
        .replace('$context.error.messageString', '"message"')
        .replace('$context.requestId', 'r');
      expect(JSON.parse(substituted)).toMatchObject({
        type: expect.stringMatching(/^\/problems\//),
        requestId: 'r',
      });
    }
  });

  it('validates path parameters on every route with a path parameter', () => {
    basic.service.hasResourceProperties('AWS::ApiGateway::RequestValidator', {
      ValidateRequestParameters: true,
      ValidateRequestBody: true,
    });
    expect(methodFor(basic, 'getHub').RequestParameters).toEqual({
      'method.request.path.area': true,
      'method.request.path.hubId': true,
    });
  });

  it('writes JSON access logs without concrete paths (postcodes), and error-only execution logs', () => {
    const stage = Object.values(resourcesOf(basic.service, 'AWS::ApiGateway::Stage'))[0]!.Properties;
    const format = JSON.parse((stage.AccessLogSetting as { Format: string }).Format) as Record<
      string,
      string
    >;
    expect(format.requestId).toBe('$context.requestId');
    expect(format.resourcePath).toBe('$context.resourcePath');
    expect(Object.values(format)).not.toContain('$context.path');
    const star = (stage.MethodSettings as Record<string, unknown>[]).find((s) => s.ResourcePath === '/*')!;
    expect(star).toMatchObject({ LoggingLevel: 'ERROR', DataTraceEnabled: false });
  });

  it('answers CORS preflight for the configured origins', () => {
    const options = Object.values(resourcesOf(full.service, 'AWS::ApiGateway::Method')).filter(
      (m) => m.Properties.HttpMethod === 'OPTIONS',
    );
    expect(options.length).toBeGreaterThan(plannerRoutes.length / 2);
    const publicText = JSON.stringify(preflightOf(full, 'lookupPostcode')!.Integration);
    expect(publicText).toContain('https://www.gloucestershire.gov.uk');
    expect(publicText).toContain('https://maps.example.org');
    expect(JSON.stringify(preflightOf(basic, 'lookupPostcode')!.Integration)).toContain(`"'*'"`);
  });

  it('answers admin preflight only for the admin origins, and not at all when none are named', () => {
    // As the local server does (CATCHMENTS_ADMIN_CORS_ORIGINS): a public `*` never opens the admin routes.
    const adminRoutes = plannerRoutes.filter((r) => r.auth === 'admin');
    expect(adminRoutes.length).toBeGreaterThan(5);
    for (const route of ROUTES.filter((r) => r.auth === 'admin')) {
      expect(preflightOf(basic, route.operationId), route.operationId).toBeUndefined();
    }
    for (const route of adminRoutes) {
      const text = JSON.stringify(preflightOf(full, route.operationId)?.Integration);
      expect(text, route.operationId).toContain('https://gis.gloucestershire.gov.uk');
      expect(text, route.operationId).not.toContain('www.gloucestershire.gov.uk');
      expect(text, route.operationId).not.toContain(`"'*'"`);
    }
    for (const route of plannerRoutes.filter((r) => r.auth !== 'admin')) {
      const text = JSON.stringify(preflightOf(full, route.operationId)?.Integration);
      expect(text, route.operationId).toContain('https://www.gloucestershire.gov.uk');
      expect(text, route.operationId).not.toContain('gis.gloucestershire.gov.uk');
    }
  });
});

describe('WAF', () => {
  it('is off by default', () => {
    basic.service.resourceCountIs('AWS::WAFv2::WebACL', 0);
  });

  it('when on: rate rule (429), managed rule groups, a body limit that spares planner routes, on the stage', () => {
    full.service.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'REGIONAL',
      Rules: Match.arrayWith([
        Match.objectLike({
          Name: 'RatePerIp',
          Statement: { RateBasedStatement: { Limit: 1500, AggregateKeyType: 'IP' } },
          Action: { Block: { CustomResponse: Match.objectLike({ ResponseCode: 429 }) } },
        }),
        Match.objectLike({
          Name: 'PublicBodySize',
          Statement: {
            AndStatement: {
              Statements: Match.arrayWith([
                Match.objectLike({
                  SizeConstraintStatement: Match.objectLike({ Size: PUBLIC_MAX_BODY_BYTES }),
                }),
              ]),
            },
          },
        }),
        Match.objectLike({ Name: 'AWSManagedRulesAmazonIpReputationList' }),
        Match.objectLike({
          Name: 'AWSManagedRulesCommonRuleSet',
          Statement: {
            ManagedRuleGroupStatement: Match.objectLike({
              RuleActionOverrides: [{ Name: 'SizeRestrictions_BODY', ActionToUse: { Count: {} } }],
            }),
          },
        }),
        Match.objectLike({ Name: 'AWSManagedRulesKnownBadInputsRuleSet' }),
      ]),
    });
    const sets = resourcesOf(full.service, 'AWS::WAFv2::RegexPatternSet');
    const regexes = Object.values(sets).flatMap((s) => s.Properties.RegularExpressionList as string[]);
    for (const route of plannerRoutes) {
      const regex = routePathRegex(route.path, 'prod');
      if (route.group === 'public') expect(regexes).not.toContain(regex);
      else expect(regexes).toContain(regex);
    }
    expect(regexes.length).toBeGreaterThan(10); // more than one pattern set's worth, all kept
    full.service.hasResourceProperties('AWS::WAFv2::WebACLAssociation', {
      ResourceArn: Match.anyValue(),
      WebACLArn: Match.anyValue(),
    });
  });

  it('matches route paths with or without the stage segment, one segment per parameter', () => {
    const re = new RegExp(routePathRegex('/v1/admin/areas/{area}/publish', 'prod'));
    expect(re.test('/prod/v1/admin/areas/gloucestershire/publish')).toBe(true);
    expect(re.test('/v1/admin/areas/gloucestershire/publish/')).toBe(true);
    expect(re.test('/v1/admin/areas/a/b/publish')).toBe(false);
    expect(re.test('/v1/lookups')).toBe(false);
    expect(new RegExp(routePathRegex('/openapi.json', 'dev')).test('/dev/openapiXjson')).toBe(false);
  });
});

describe('events, alarms and dashboard', () => {
  it('has the bus with an archive of every boundary-set event, and forwarding when configured', () => {
    basic.service.hasResourceProperties('AWS::Events::EventBus', { Name: 'catchments-dev' });
    basic.service.hasResourceProperties('AWS::Events::Archive', {
      EventPattern: { source: [EVENT_SOURCE] },
      RetentionDays: 365,
    });
    basic.service.resourceCountIs('AWS::Events::Rule', 0);
    full.service.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: [EVENT_SOURCE] },
      Targets: [Match.objectLike({ Arn: 'arn:aws:events:eu-west-2:210987654321:event-bus/early-help' })],
    });
  });

  it('alarms on 5xx rate, p99 latency, throttles, crashes and DynamoDB errors, notifying the topic', () => {
    const alarms = Object.values(resourcesOf(full.service, 'AWS::CloudWatch::Alarm'));
    const text = alarms.map((a) => JSON.stringify(a.Properties));
    const has = (pattern: RegExp) => text.some((t) => pattern.test(t));
    expect(has(/5XXError/)).toBe(true);
    expect(
      has(
        /"ExtendedStatistic":"p99".*"MetricName":"Latency"|"MetricName":"Latency".*"ExtendedStatistic":"p99"/,
      ),
    ).toBe(true);
    expect(text.filter((t) => t.includes('"MetricName":"Throttles"'))).toHaveLength(3);
    expect(text.filter((t) => t.includes('"MetricName":"Errors"'))).toHaveLength(3);
    expect(has(/SystemErrors/)).toBe(true);
    expect(has(/ThrottledRequests/)).toBe(true);
    expect(has(/FailedInvocations/)).toBe(true);
    for (const alarm of alarms) {
      expect((alarm.Properties.AlarmActions as unknown[]).length).toBe(1);
      expect(alarm.Properties.TreatMissingData).toBe('notBreaching');
    }
    full.service.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.org',
    });
    basic.service.resourceCountIs('AWS::SNS::Subscription', 0);
    basic.service.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    expect(Object.keys(resourcesOf(basic.service, 'AWS::CloudWatch::Alarm')).length).toBeGreaterThanOrEqual(
      7,
    );
  });
});

describe('drift guards', () => {
  it('sets only environment variables that functions/config.ts reads', () => {
    const source = readFileSync(join(PROJECT_ROOT, 'functions', 'config.ts'), 'utf8');
    const set = new Set<string>();
    for (const fn of Object.values(resourcesOf(full.service, 'AWS::Lambda::Function'))) {
      for (const name of Object.keys((fn.Properties.Environment as { Variables: object }).Variables))
        set.add(name);
    }
    expect(set.size).toBeGreaterThan(5);
    for (const name of set)
      expect(source, `${name} in functions/config.ts`).toMatch(new RegExp(`\\b${name}\\b`));
  });

  it('fails the synth, naming the routes, when a group has no handler file', () => {
    // A table whose only 'analysis' route has no handler file (the real analysis routes are left out).
    const withoutAnalysis = ROUTES.filter((r) => r.group !== 'analysis');
    const routes = [
      ...withoutAnalysis,
      {
        ...PLANNER_FIXTURE_ROUTES[0]!,
        path: '/v1/admin/areas/{area}/orphan',
        group: 'analysis' as const,
        operationId: 'orphan',
      },
    ];
    expect(() => handlerEntries(routes, PROJECT_ROOT, (path) => !path.endsWith('analysis-api.ts'))).toThrow(
      /orphan.*analysis-api\.ts/,
    );
    const app = new App({ context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [] } });
    const config = stageConfigFromContext((key) => app.node.tryGetContext(key));
    expect(() =>
      defineCatchmentsApp(app, {
        config,
        routes,
        handlers: handlerEntries(withoutAnalysis, PROJECT_ROOT),
        projectRoot: PROJECT_ROOT,
      }),
    ).toThrow(/orphan.*group "analysis"/);
  });
});
