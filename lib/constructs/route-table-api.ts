// The REST API, generated from the route table in functions/http/routes.ts so the API cannot
// drift from the handlers: one resource and method per route, integrated with its group's
// Lambda; `auth: 'admin'` routes behind the IAM (SigV4) authorizer, public routes open and held
// by the stage throttle; per-route throttles; an apps usage plan with API keys; CORS; JSON access
// logs; and gateway responses that answer in problem+json, with Lambda throttles as 429.
import { RemovalPolicy, Size, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { type ApiRoute, BINARY_MEDIA_TYPES, ROUTES, type RouteGroup } from '../../functions/http/routes.js';

export interface Throttle {
  readonly rateLimit: number;
  readonly burstLimit: number;
}

export interface RouteTableApiProps {
  readonly routes: readonly ApiRoute[];
  /** The Lambda serving each group; every group the routes use must be present. */
  readonly functions: Readonly<Partial<Record<RouteGroup, lambda.IFunction>>>;
  readonly stageName: string;
  /** Shared by every caller; public routes are held by it. */
  readonly stageThrottle: Throttle;
  /** Origins whose pages may call the public routes (`*` for any). */
  readonly corsOrigins: readonly string[];
  /**
   * Origins whose pages may call the `auth: 'admin'` routes (CATCHMENTS_ADMIN_CORS_ORIGINS on the
   * functions); never `*`. Their resources answer preflight only for these, and not at all when
   * none are named. @default none
   */
  readonly adminCorsOrigins?: readonly string[];
  /** Operations that need an API key (`x-api-key`); they must exist in `routes`. */
  readonly keyRequiredOperations: readonly string[];
  /** One API key per app, all in the apps usage plan. */
  readonly apiKeyApps: readonly string[];
  readonly appsPlan: Throttle & { readonly quotaPerDay: number };
  readonly logRetentionDays: number;
  /** @default false */
  readonly tracing?: boolean;
  /** Per-method CloudWatch metrics (billed as custom metrics). @default false */
  readonly detailedMetrics?: boolean;
  /** Set the account-level API Gateway CloudWatch role (needed once per account and region). @default true */
  readonly cloudWatchRole?: boolean;
}

/**
 * Operations only apps with an API key may call (`apiKey` in the route table, which the OpenAPI
 * document also reads): bulk lookups are how other systems integrate.
 */
export const DEFAULT_KEY_REQUIRED_OPERATIONS: readonly string[] = ROUTES.filter((r) => r.apiKey).map(
  (r) => r.operationId,
);

/** Fixed ceilings for the planners' routes: a handful of people, and each call is heavy. */
export const GROUP_THROTTLES: Readonly<Record<Exclude<RouteGroup, 'public'>, Throttle>> = {
  admin: { rateLimit: 5, burstLimit: 10 },
  analysis: { rateLimit: 2, burstLimit: 4 },
};

/**
 * The throttle of one route. Public reads share the stage limit; a public route with a body (bulk)
 * does up to 100 lookups per call, so it gets a fifth; admin and analysis have fixed ceilings
 * (never above the stage limit).
 */
export function routeThrottle(route: ApiRoute, stage: Throttle): Throttle {
  if (route.group === 'public') {
    if (route.method === 'GET') return stage;
    return {
      rateLimit: Math.max(1, Math.floor(stage.rateLimit / 5)),
      burstLimit: Math.max(1, Math.floor(stage.burstLimit / 5)),
    };
  }
  const fixed = GROUP_THROTTLES[route.group];
  return {
    rateLimit: Math.min(fixed.rateLimit, stage.rateLimit),
    burstLimit: Math.min(fixed.burstLimit, stage.burstLimit),
  };
}

/** `/v1/postcodes/{postcode}` -> `['postcode']`. */
export function pathParameters(path: string): string[] {
  return [...path.matchAll(/\{([A-Za-z0-9_]+)\+?\}/g)].map((m) => m[1]!);
}

const PROBLEM_HEADERS = {
  'Content-Type': "'application/problem+json'",
  'Cache-Control': "'no-store'",
};

/** A problem+json gateway response body (RFC 9457) carrying API Gateway's request id. */
function problemTemplate(type: string, title: string, status: number | undefined, detail: string): string {
  const statusMember = status === undefined ? '' : `"status":${status},`;
  const detailMember = detail === '$context.error.messageString' ? detail : JSON.stringify(detail);
  return `{"type":"/problems/${type}","title":${JSON.stringify(title)},${statusMember}"detail":${detailMember},"requestId":"$context.requestId"}`;
}

export class RouteTableApi extends Construct {
  readonly api: apigw.RestApi;
  /** Each route's method, by operationId. */
  readonly methods: ReadonlyMap<string, apigw.Method>;
  readonly accessLogs: logs.LogGroup;
  readonly appsPlan: apigw.UsagePlan;
  readonly apiKeys: readonly apigw.IApiKey[];

  constructor(scope: Construct, id: string, props: RouteTableApiProps) {
    super(scope, id);
    const { routes } = props;
    for (const op of props.keyRequiredOperations) {
      if (!routes.some((r) => r.operationId === op)) {
        throw new Error(`keyRequiredOperations names "${op}", which is not in the route table.`);
      }
    }
    const missing = [...new Set(routes.map((r) => r.group))].filter((g) => !props.functions[g]);
    if (missing.length > 0) {
      throw new Error(
        `No Lambda for route group(s) ${missing.join(', ')}: every group in the route table needs one.`,
      );
    }

    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: props.logRetentionDays as logs.RetentionDays,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const methodOptions: Record<string, apigw.MethodDeploymentOptions> = {};
    for (const route of routes) {
      const t = routeThrottle(route, props.stageThrottle);
      methodOptions[`${route.path}/${route.method}`] = {
        throttlingRateLimit: t.rateLimit,
        throttlingBurstLimit: t.burstLimit,
      };
    }

    if (props.adminCorsOrigins?.includes('*')) {
      throw new Error(
        'adminCorsOrigins may not be "*": name the origins whose pages may call the admin API.',
      );
    }
    this.api = new apigw.RestApi(this, 'Api', {
      description: 'family-hub-catchments: postcode and location to family hub; planner tools',
      endpointTypes: [apigw.EndpointType.REGIONAL],
      apiKeySourceType: apigw.ApiKeySourceType.HEADER,
      minCompressionSize: Size.bytes(1024),
      // Zipped Shapefile uploads reach the admin function base64-encoded, byte for byte.
      binaryMediaTypes: [...BINARY_MEDIA_TYPES],
      cloudWatchRole: props.cloudWatchRole ?? true,
      // The role is account-wide: other APIs in the account log through it too.
      cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN,
      deployOptions: {
        stageName: props.stageName,
        throttlingRateLimit: props.stageThrottle.rateLimit,
        throttlingBurstLimit: props.stageThrottle.burstLimit,
        // Errors only, and never bodies: requests carry postcodes, which locate a family's home.
        loggingLevel: apigw.MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
        metricsEnabled: props.detailedMetrics ?? false,
        tracingEnabled: props.tracing ?? false,
        accessLogDestination: new apigw.LogGroupLogDestination(this.accessLogs),
        accessLogFormat: apigw.AccessLogFormat.custom(ACCESS_LOG_FORMAT),
        methodOptions,
      },
    });

    const validator = this.api.addRequestValidator('Validator', {
      validateRequestParameters: true,
      validateRequestBody: true,
    });

    const integrations = new Map<RouteGroup, apigw.LambdaIntegration>();
    const integrationFor = (group: RouteGroup) => {
      let integration = integrations.get(group);
      if (!integration) {
        // One invoke permission per function for this API, not one per method: a long route
        // table would otherwise outgrow Lambda's 20 KB resource policy.
        integration = new apigw.LambdaIntegration(props.functions[group]!, {
          proxy: true,
          scopePermissionToMethod: false,
        });
        integrations.set(group, integration);
      }
      return integration;
    };

    const methods = new Map<string, apigw.Method>();
    const resources = new Map<string, { resource: apigw.IResource; admin: boolean }>();
    for (const route of routes) {
      const resource = route.path === '/' ? this.api.root : this.api.root.resourceForPath(route.path);
      const seen = resources.get(route.path);
      if (seen && seen.admin !== (route.auth === 'admin')) {
        throw new Error(`${route.path} mixes admin and public routes: CORS is answered per resource.`);
      }
      resources.set(route.path, { resource, admin: route.auth === 'admin' });
      const requestParameters = Object.fromEntries(
        pathParameters(route.path).map((name) => [`method.request.path.${name}`, true]),
      );
      const method = resource.addMethod(route.method, integrationFor(route.group), {
        operationName: route.operationId,
        authorizationType:
          route.auth === 'admin' ? apigw.AuthorizationType.IAM : apigw.AuthorizationType.NONE,
        apiKeyRequired: props.keyRequiredOperations.includes(route.operationId),
        requestParameters,
        requestValidator: validator,
      });
      methods.set(route.operationId, method);
      if (route.auth !== 'admin') {
        Validations.of(method).acknowledge(
          {
            id: 'AwsSolutions-APIG4',
            reason:
              'Public lookup route: open by design (parents on council web pages), held by the stage throttle, per-route throttles and the optional WAF rate rule.',
          },
          {
            id: 'AwsSolutions-COG4',
            reason: 'Public lookup route: no end-user identity exists to authorise.',
          },
        );
      } else {
        Validations.of(method).acknowledge({
          id: 'AwsSolutions-COG4',
          reason:
            'Admin routes use the IAM (SigV4) authorizer rather than Cognito: planners and CI run the catchments CLI with AWS credentials, and access is granted by IAM policy on the execute-api ARNs (docs/deploy.md).',
        });
      }
    }
    this.methods = methods;
    this.addCorsPreflights(resources.values(), props.corsOrigins, props.adminCorsOrigins ?? []);

    this.appsPlan = this.api.addUsagePlan('AppsPlan', {
      name: `${props.stageName}-apps`,
      description: 'Other apps (health visiting, midwifery, early help, service directory): one API key each',
      throttle: { rateLimit: props.appsPlan.rateLimit, burstLimit: props.appsPlan.burstLimit },
      quota: { limit: props.appsPlan.quotaPerDay, period: apigw.Period.DAY },
      apiStages: [{ api: this.api, stage: this.api.deploymentStage }],
    });
    this.apiKeys = props.apiKeyApps.map((app) => {
      const key = this.api.addApiKey(`Key-${app}`, {
        apiKeyName: `${props.stageName}-${app}`,
        description: `API key for ${app}`,
      });
      this.appsPlan.addApiKey(key);
      return key;
    });

    this.addProblemResponses(props.corsOrigins);

    if (props.cloudWatchRole ?? true) {
      const role = this.api.node.tryFindChild('CloudWatchRole');
      if (role) {
        Validations.of(role).acknowledge({
          id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
          reason:
            "API Gateway's account-level logging role; AWS documents this managed policy for it, and it is needed for the access and error logs.",
        });
      }
    }
  }

  /**
   * Preflight (OPTIONS) per resource that has routes, for its audience: the public origins on
   * public resources, only the admin origins on admin ones (none named: no preflight, so no page
   * elsewhere can call them from a browser), as the local server answers.
   */
  private addCorsPreflights(
    resources: Iterable<{ resource: apigw.IResource; admin: boolean }>,
    publicOrigins: readonly string[],
    adminOrigins: readonly string[],
  ): void {
    const common = {
      allowMethods: ['GET', 'POST', 'PUT', 'DELETE', 'OPTIONS'],
      allowHeaders: [
        'Content-Type',
        'Authorization',
        'If-Match',
        'If-None-Match',
        'X-Api-Key',
        'X-Author',
        'X-Amz-Date',
        'X-Amz-Security-Token',
        'X-Amz-Content-Sha256',
      ],
      exposeHeaders: ['ETag', 'Location', 'Retry-After'],
    };
    const publicPreflight: apigw.CorsOptions = {
      ...common,
      allowOrigins: publicOrigins.includes('*') ? apigw.Cors.ALL_ORIGINS : [...publicOrigins],
    };
    const adminPreflight: apigw.CorsOptions = { ...common, allowOrigins: [...adminOrigins] };
    for (const { resource, admin } of resources) {
      if (!admin) resource.addCorsPreflight(publicPreflight);
      else if (adminOrigins.length > 0) resource.addCorsPreflight(adminPreflight);
    }
  }

  private addProblemResponses(corsOrigins: readonly string[]): void {
    // Browsers can only read an error from an allowed origin; with several origins a gateway
    // response cannot echo the right one, so it carries none (the status is still seen).
    const cors: Record<string, string> =
      corsOrigins.length === 1 ? { 'Access-Control-Allow-Origin': `'${corsOrigins[0]}'` } : {};
    const add = (
      id: string,
      type: apigw.ResponseType,
      statusCode: number | undefined,
      body: string,
      extraHeaders: Record<string, string> = {},
    ) =>
      this.api.addGatewayResponse(id, {
        type,
        statusCode: statusCode === undefined ? undefined : String(statusCode),
        responseHeaders: { ...PROBLEM_HEADERS, ...cors, ...extraHeaders },
        templates: { 'application/json': body },
      });
    const retry = { 'Retry-After': "'1'" };

    add(
      'Throttled',
      apigw.ResponseType.THROTTLED,
      429,
      problemTemplate(
        'too-many-requests',
        'Too many requests',
        429,
        'The API rate limit was reached. Wait for the Retry-After seconds and try again; apps with steady traffic should ask the operators for an API key.',
      ),
      retry,
    );
    add(
      'QuotaExceeded',
      apigw.ResponseType.QUOTA_EXCEEDED,
      429,
      problemTemplate(
        'quota-exceeded',
        'Quota exceeded',
        429,
        "This API key's daily quota is used up; it resets at 00:00 UTC. Ask the operators for a larger quota.",
      ),
      retry,
    );
    // Lambda refusing an invocation (its concurrency is exhausted) reaches API Gateway as an
    // integration failure: answer 429 so clients back off and retry, rather than a 500.
    add(
      'LambdaThrottled',
      apigw.ResponseType.INTEGRATION_FAILURE,
      429,
      problemTemplate(
        'too-many-requests',
        'Too many requests',
        429,
        'The service is at capacity. Wait for the Retry-After seconds and try again.',
      ),
      retry,
    );
    add(
      'Timeout',
      apigw.ResponseType.INTEGRATION_TIMEOUT,
      504,
      problemTemplate(
        'gateway-timeout',
        'Gateway timeout',
        504,
        'The service did not answer in time. Try again; if it keeps happening, report the requestId to the operators.',
      ),
    );
    add(
      'NoRoute',
      apigw.ResponseType.MISSING_AUTHENTICATION_TOKEN,
      404,
      problemTemplate(
        'not-found',
        'Not found',
        404,
        'No route matches this method and path: see /openapi.json. Admin routes answer this way to requests without an AWS SigV4 signature.',
      ),
    );
    add(
      'InvalidApiKey',
      apigw.ResponseType.INVALID_API_KEY,
      403,
      problemTemplate(
        'api-key-required',
        'API key required',
        403,
        'This route needs a valid API key in the x-api-key header. Ask the operators for one.',
      ),
    );
    add(
      'AccessDenied',
      apigw.ResponseType.ACCESS_DENIED,
      403,
      problemTemplate('forbidden', 'Forbidden', 403, 'Your AWS identity is not allowed to call this route.'),
    );
    add(
      'TooLarge',
      apigw.ResponseType.REQUEST_TOO_LARGE,
      413,
      problemTemplate(
        'payload-too-large',
        'Payload too large',
        413,
        'The request body is too large for this API.',
      ),
    );
    add(
      'WafBlocked',
      apigw.ResponseType.WAF_FILTERED,
      403,
      problemTemplate(
        'request-blocked',
        'Request blocked',
        403,
        'The firewall blocked this request (rate, size or a known-bad pattern). Report the requestId if you think it is wrong.',
      ),
    );
    add(
      'Default4xx',
      apigw.ResponseType.DEFAULT_4XX,
      undefined,
      problemTemplate('gateway-rejected', 'Request rejected', undefined, '$context.error.messageString'),
    );
    add(
      'Default5xx',
      apigw.ResponseType.DEFAULT_5XX,
      undefined,
      problemTemplate(
        'internal-error',
        'Internal error',
        undefined,
        'The service failed to answer. Try again; if it keeps failing, report the requestId to the operators.',
      ),
    );
  }
}

/**
 * One JSON line per request. The resource path (a template) is logged, never the concrete path or
 * query: those hold postcodes and coordinates, which locate a family's home.
 */
export const ACCESS_LOG_FORMAT = JSON.stringify({
  requestId: '$context.requestId',
  extendedRequestId: '$context.extendedRequestId',
  time: '$context.requestTimeEpoch',
  ip: '$context.identity.sourceIp',
  caller: '$context.identity.userArn',
  apiKeyId: '$context.identity.apiKeyId',
  method: '$context.httpMethod',
  resourcePath: '$context.resourcePath',
  status: '$context.status',
  bytes: '$context.responseLength',
  latencyMs: '$context.responseLatency',
  integrationStatus: '$context.integration.status',
  integrationLatencyMs: '$context.integration.latency',
  integrationError: '$context.integration.error',
  errorType: '$context.error.responseType',
  wafStatus: '$context.waf.status',
});
