// The stateless stack: Lambdas (one per route group), the REST API generated from the route
// table, the event bus, the optional WAF, alarms and the dashboard. It holds no data, so it can be
// replaced or torn down without touching the table (which lives in the data stack).
import { CfnOutput, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
// The events port's own constant: the bus rules and archive match exactly what the publisher sends.
import { EVENT_SOURCE } from '../functions/application/ports/event-publisher.js';
import type { ApiRoute, RouteGroup } from '../functions/http/routes.js';
import { ApiFirewall } from './constructs/api-firewall.js';
import { CatchmentEvents } from './constructs/catchment-events.js';
import { Monitoring } from './constructs/monitoring.js';
import { DEFAULT_KEY_REQUIRED_OPERATIONS, RouteTableApi } from './constructs/route-table-api.js';
import { ServiceFunction } from './constructs/service-function.js';
import type { PlaceIndexRef } from './data-stack.js';
import { ADMIN_MAX_BODY_BYTES, FUNCTION_PROFILES, PUBLIC_MAX_BODY_BYTES } from './function-profiles.js';
import type { StageConfig } from './stage-config.js';

/**
 * Environment variables the functions read (functions/config.ts reads each one once at cold
 * start; test/infra checks the names stay in step).
 */
export const FUNCTION_ENV = {
  logLevel: 'LOG_LEVEL',
  tableName: 'CATCHMENTS_TABLE_NAME',
  eventBusName: 'CATCHMENTS_EVENT_BUS_NAME',
  placeIndexName: 'CATCHMENTS_PLACE_INDEX_NAME',
  refreshSeconds: 'CATCHMENTS_REFRESH_SECONDS',
  adminAuth: 'CATCHMENTS_ADMIN_AUTH',
  corsOrigins: 'CATCHMENTS_CORS_ORIGINS',
  adminCorsOrigins: 'CATCHMENTS_ADMIN_CORS_ORIGINS',
  maxBodyBytes: 'CATCHMENTS_MAX_BODY_BYTES',
  adminMaxBodyBytes: 'CATCHMENTS_ADMIN_MAX_BODY_BYTES',
  areas: 'CATCHMENTS_AREAS',
  blobBucket: 'CATCHMENTS_BLOB_BUCKET',
} as const;

export interface ServiceStackProps extends StackProps {
  readonly config: StageConfig;
  /** The route table (functions/http/routes.ts `ROUTES`). */
  readonly routes: readonly ApiRoute[];
  /** Absolute path of the handler file serving each route group in `routes`. */
  readonly handlers: Readonly<Partial<Record<RouteGroup, string>>>;
  /** Folder holding package-lock.json (bundling runs from there). */
  readonly projectRoot: string;
  readonly table: dynamodb.ITable;
  /** Name of the blob bucket (data stack, `blobBucketName`); without it blobs are table chunks. */
  readonly blobBucketName?: string;
  /** The table's KMS key when it is customer-managed (grants then include key use). */
  readonly tableEncrypted?: boolean;
  readonly placeIndex?: PlaceIndexRef;
  /** @default DEFAULT_KEY_REQUIRED_OPERATIONS (bulk lookups), those present in `routes` */
  readonly keyRequiredOperations?: readonly string[];
}

export class CatchmentsServiceStack extends Stack {
  readonly functions: ReadonlyMap<RouteGroup, ServiceFunction>;
  readonly api: RouteTableApi;
  readonly events: CatchmentEvents;
  readonly monitoring: Monitoring;
  readonly firewall: ApiFirewall | undefined;

  constructor(scope: Construct, id: string, props: ServiceStackProps) {
    super(scope, id, props);
    const { config, routes } = props;
    const groups = [...new Set(routes.map((r) => r.group))];

    this.events = new CatchmentEvents(this, 'Events', {
      busName: `catchments-${config.stage}`,
      source: EVENT_SOURCE,
      forwardTo: config.eventTargets,
      webhooks: {
        endpoints: config.webhooks,
        entry: `${props.projectRoot}/functions/handlers/webhook-delivery.ts`,
        projectRoot: props.projectRoot,
        logRetentionDays: config.logRetentionDays,
        logLevel: config.logLevel,
      },
    });

    const functions = new Map<RouteGroup, ServiceFunction>();
    for (const group of groups) {
      const entry = props.handlers[group];
      if (!entry) {
        const ops = routes.filter((r) => r.group === group).map((r) => r.operationId);
        throw new Error(
          `Routes ${ops.join(', ')} belong to group "${group}", but no handler file was given for it ` +
            `(expected functions/handlers/${group}-api.ts).`,
        );
      }
      functions.set(group, this.serviceFunction(group, entry, props));
    }
    this.functions = functions;

    this.api = new RouteTableApi(this, 'Api', {
      routes,
      functions: Object.fromEntries([...functions].map(([g, f]) => [g, f.function])),
      stageName: config.stage,
      stageThrottle: { rateLimit: config.rateLimit, burstLimit: config.burstLimit },
      corsOrigins: config.corsOrigins,
      adminCorsOrigins: config.adminCorsOrigins,
      keyRequiredOperations: (props.keyRequiredOperations ?? DEFAULT_KEY_REQUIRED_OPERATIONS).filter((op) =>
        routes.some((r) => r.operationId === op),
      ),
      apiKeyApps: config.apiKeyApps,
      appsPlan: {
        rateLimit: config.appsRateLimit,
        burstLimit: config.appsBurstLimit,
        quotaPerDay: config.appsQuotaPerDay,
      },
      logRetentionDays: config.logRetentionDays,
      tracing: config.tracing,
      detailedMetrics: config.detailedMetrics,
      cloudWatchRole: config.apiGatewayCloudWatchRole,
    });

    if (config.waf) {
      this.firewall = new ApiFirewall(this, 'Firewall', {
        stageArn: this.api.api.deploymentStage.stageArn,
        stageName: config.stage,
        routes,
        rateLimitPer5Minutes: config.wafRateLimit,
        publicMaxBodyBytes: PUBLIC_MAX_BODY_BYTES,
        metricPrefix: `catchments-${config.stage}`,
      });
    } else {
      Validations.of(this.api.api.deploymentStage).acknowledge({
        id: 'AwsSolutions-APIG3',
        reason:
          'WAF is opt-in (context waf=true) because a web ACL has a fixed monthly cost; without it the stage throttle, per-route throttles and per-function body limits protect the API.',
      });
    }

    this.monitoring = new Monitoring(this, 'Monitoring', {
      dashboardName: `catchments-${config.stage}`,
      api: this.api.api,
      functions: [...functions.values()],
      table: props.table,
      alarmEmail: config.alarmEmail,
      forwardingRule: this.events.forwardingRule,
      ...(this.events.deadLetters ? { deadLetterQueue: this.events.deadLetters } : {}),
    });

    new CfnOutput(this, 'ApiUrl', {
      value: this.api.api.url,
      description: 'Base URL of the API (stage included)',
    });
    new CfnOutput(this, 'EventBusName', { value: this.events.bus.eventBusName });
    if (props.blobBucketName) {
      new CfnOutput(this, 'BlobBucketName', {
        value: props.blobBucketName,
        description: 'catchments load-postcodes --table <table> --bucket <this>',
      });
    }
    new CfnOutput(this, 'AppsUsagePlanId', {
      value: this.api.appsPlan.usagePlanId,
      description: 'Add API keys for other apps to this usage plan',
    });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.monitoring.topic.topicArn });
    new CfnOutput(this, 'AdminInvokeArn', {
      value: this.api.api.arnForExecuteApi('*', '/*', config.stage),
      description:
        'Resource for execute-api:Invoke in the IAM policy of planners and CI (narrow it per route if needed)',
    });
  }

  private serviceFunction(group: RouteGroup, entry: string, props: ServiceStackProps): ServiceFunction {
    const { config, routes } = props;
    const profile = FUNCTION_PROFILES[group];
    const environment: Record<string, string> = {
      [FUNCTION_ENV.logLevel]: config.logLevel,
      [FUNCTION_ENV.tableName]: props.table.tableName,
      [FUNCTION_ENV.refreshSeconds]: String(config.refreshSeconds),
      [FUNCTION_ENV.corsOrigins]: config.corsOrigins.join(','),
      [FUNCTION_ENV.maxBodyBytes]: String(PUBLIC_MAX_BODY_BYTES),
    };
    if (config.areas.length > 0) environment[FUNCTION_ENV.areas] = config.areas.join(',');
    if (props.blobBucketName) environment[FUNCTION_ENV.blobBucket] = props.blobBucketName;
    // On AWS the IAM authorizer has already checked the caller before the function runs.
    if (routes.some((r) => r.group === group && r.auth === 'admin')) {
      environment[FUNCTION_ENV.adminAuth] = 'iam';
      environment[FUNCTION_ENV.adminMaxBodyBytes] = String(ADMIN_MAX_BODY_BYTES);
      if (config.adminCorsOrigins.length > 0) {
        environment[FUNCTION_ENV.adminCorsOrigins] = config.adminCorsOrigins.join(',');
      }
    }
    if (profile.publishesEvents) environment[FUNCTION_ENV.eventBusName] = this.events.bus.eventBusName;
    if (profile.usesPlaceIndex && props.placeIndex) {
      environment[FUNCTION_ENV.placeIndexName] = props.placeIndex.name;
    }

    const id = group.charAt(0).toUpperCase() + group.slice(1);
    const fn = new ServiceFunction(this, `${id}Function`, {
      group,
      entry,
      projectRoot: props.projectRoot,
      memoryMb: profile.memoryMb,
      timeoutSeconds: profile.timeoutSeconds,
      environment,
      logRetentionDays: config.logRetentionDays,
      tracing: config.tracing,
      reservedConcurrency: config.reservedConcurrency[group],
      description: `family-hub-catchments ${group} API (${config.stage})`,
    });

    // Grants bound to the environment above: a function can use exactly what it is told about.
    if (profile.tableAccess === 'read-write') props.table.grantReadWriteData(fn.role);
    else props.table.grantReadData(fn.role);
    if (props.blobBucketName) {
      // Objects only (the keys are blobs/<area>/<id>/<part>): readers read, writers also put and delete.
      const blobs = s3.Bucket.fromBucketName(fn, 'Blobs', props.blobBucketName);
      if (profile.tableAccess === 'read-write') blobs.grantReadWrite(fn.role, 'blobs/*');
      else blobs.grantRead(fn.role, 'blobs/*');
      if (profile.tableAccess === 'read-write') blobs.grantDelete(fn.role, 'blobs/*');
      const actions =
        profile.tableAccess === 'read-write'
          ? ['s3:GetObject*', 's3:GetBucket*', 's3:List*', 's3:DeleteObject*', 's3:Abort*']
          : ['s3:GetObject*', 's3:GetBucket*', 's3:List*'];
      for (const action of actions) {
        Validations.of(fn.role).acknowledge({
          id: `AwsSolutions-IAM5[Action::${action}]`,
          reason:
            "CDK's S3 grant on the service's own blob bucket: the object actions its reads, writes and sweeps need.",
        });
      }
      Validations.of(fn.role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::arn:${Stack.of(fn).partition}:s3:::catchments-${config.stage}-blobs-<AWS::AccountId>-<AWS::Region>/blobs/*]`,
        reason:
          'Blob objects are created at run time under random ids, so the grant covers the blobs/ prefix of this one bucket.',
      });
      if (group === 'admin') {
        // The national directory upload: the admin function presigns PUTs to uploads/, then reads
        // and removes what was uploaded (functions/adapters/store/s3-directory-uploads.ts).
        blobs.grantReadWrite(fn.role, 'uploads/*');
        blobs.grantDelete(fn.role, 'uploads/*');
        Validations.of(fn.role).acknowledge({
          id: `AwsSolutions-IAM5[Resource::arn:${Stack.of(fn).partition}:s3:::catchments-${config.stage}-blobs-<AWS::AccountId>-<AWS::Region>/uploads/*]`,
          reason:
            'Directory uploads are written by presigned URL under random ids, so the grant covers the uploads/ prefix of this one bucket.',
        });
      }
    }
    if (profile.publishesEvents) this.events.bus.grantPutEventsTo(fn.role);
    if (profile.usesPlaceIndex && props.placeIndex) {
      fn.role.addToPolicy(
        new iam.PolicyStatement({
          actions: ['geo:SearchPlaceIndexForText'],
          resources: [props.placeIndex.arn],
        }),
      );
    }
    if (props.tableEncrypted && profile.tableAccess === 'read-write') {
      for (const action of ['kms:ReEncrypt*', 'kms:GenerateDataKey*']) {
        Validations.of(fn.role).acknowledge({
          id: `AwsSolutions-IAM5[Action::${action}]`,
          reason:
            "CDK's DynamoDB write grant on a customer-managed key: DynamoDB needs these KMS actions on that one key (the resource is the key's ARN, not a wildcard).",
        });
      }
    }
    return fn;
  }
}
