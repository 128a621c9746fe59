// The event bus other apps subscribe to: one event per publish or rollback, saying which postcodes
// changed hub, HV patch or CoC team (schema in docs/events.md). Events are archived so an app that
// missed some can ask for a replay; optional rules forward every event to other accounts' buses;
// and webhooks deliver every event, signed, to HTTPS endpoints outside AWS.
//
// Webhooks: EventBridge API destinations can add a credential header but cannot sign the body, so
// one small Lambda (functions/handlers/webhook-delivery.ts, the same signing code the local app
// uses) is the target of one rule per endpoint. Each endpoint has its own generated secret in
// Secrets Manager (share it with the receiver out of band). A delivery that fails is retried by
// Lambda's asynchronous invocation (twice, with backoff), then lands in a dead-letter queue with
// the event, to be redriven; the queue's alarm is with the other alarms (monitoring.ts).
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ESBUILD_TARGET, ESM_BANNER, EXTERNAL_MODULES, MAIN_FIELDS } from '../bundle-options.js';

export interface WebhookEndpoint {
  /** Short name (lower-case slug): rule, secret and log names, never the URL. */
  readonly name: string;
  /** https:// only. */
  readonly url: string;
}

export interface WebhookDeliveryProps {
  readonly endpoints: readonly WebhookEndpoint[];
  /** Absolute path of functions/handlers/webhook-delivery.ts. */
  readonly entry: string;
  /** Folder holding package-lock.json and node_modules. */
  readonly projectRoot: string;
  readonly logRetentionDays: number;
  readonly logLevel: string;
}

export interface CatchmentEventsProps {
  readonly busName: string;
  /** The `source` every boundary-set event carries (the archive and forwarding rules match it). */
  readonly source: string;
  /** Event bus ARNs (usually other accounts') that receive every event. */
  readonly forwardTo: readonly string[];
  /** @default 365 days */
  readonly archiveRetention?: Duration;
  /** HTTPS endpoints outside AWS that receive every event, signed. @default none */
  readonly webhooks?: WebhookDeliveryProps;
}

export class CatchmentEvents extends Construct {
  readonly bus: events.EventBus;
  readonly forwardingRule: events.Rule | undefined;
  /** The delivery function, when there are webhooks. */
  readonly deliveryFunction: NodejsFunction | undefined;
  /** Deliveries that failed every attempt, with their event. */
  readonly deadLetters: sqs.Queue | undefined;
  /** The signing secret of each webhook endpoint, by name. */
  readonly webhookSecrets: ReadonlyMap<string, secretsmanager.Secret>;

  constructor(scope: Construct, id: string, props: CatchmentEventsProps) {
    super(scope, id);
    this.bus = new events.EventBus(this, 'Bus', {
      eventBusName: props.busName,
      description: 'family-hub-catchments boundary-set events (publish, rollback)',
    });
    this.bus.archive('Archive', {
      description: 'Every boundary-set event, for replay to apps that missed some',
      eventPattern: { source: [props.source] },
      retention: props.archiveRetention ?? Duration.days(365),
    });
    if (props.forwardTo.length > 0) {
      this.forwardingRule = new events.Rule(this, 'Forward', {
        eventBus: this.bus,
        description: 'Forwards boundary-set events to subscribed apps in other accounts',
        eventPattern: { source: [props.source] },
        targets: props.forwardTo.map(
          (arn, i) => new targets.EventBus(events.EventBus.fromEventBusArn(this, `Target${i}`, arn)),
        ),
      });
    }
    const secrets = new Map<string, secretsmanager.Secret>();
    this.webhookSecrets = secrets;
    const hooks = props.webhooks;
    if (!hooks || hooks.endpoints.length === 0) return;

    for (const endpoint of hooks.endpoints) {
      if (!endpoint.url.startsWith('https://')) {
        throw new Error(`Webhook "${endpoint.name}" must be an https:// URL, not ${endpoint.url}.`);
      }
      const secret = new secretsmanager.Secret(this, `Secret-${endpoint.name}`, {
        description: `HMAC-SHA256 signing secret of the ${endpoint.name} webhook (share with its receiver)`,
        generateSecretString: { passwordLength: 48, excludePunctuation: true },
        removalPolicy: RemovalPolicy.RETAIN,
      });
      Validations.of(secret).acknowledge({
        id: 'AwsSolutions-SMG4',
        reason:
          'A webhook signing secret is shared with a receiver outside AWS, so rotation is coordinated with it by hand (receivers accept two signatures meanwhile; docs/events.md).',
      });
      secrets.set(endpoint.name, secret);
    }

    this.deadLetters = new sqs.Queue(this, 'DeadLetters', {
      retentionPeriod: Duration.days(14),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    Validations.of(this.deadLetters).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself the dead-letter queue of webhook deliveries.',
    });

    const logGroup = new logs.LogGroup(this, 'DeliveryLogs', {
      retention: hooks.logRetentionDays as logs.RetentionDays,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const role = new iam.Role(this, 'DeliveryRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Webhook delivery: its logs, the endpoint secrets and the dead-letter queue',
    });
    logGroup.grantWrite(role);
    for (const secret of secrets.values()) secret.grantRead(role);

    this.deliveryFunction = new NodejsFunction(this, 'Delivery', {
      entry: hooks.entry,
      handler: 'handler',
      projectRoot: hooks.projectRoot,
      depsLockFilePath: `${hooks.projectRoot}/package-lock.json`,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 256,
      // Per invocation: the sender's 3 tries of at most 5 s each plus backoff, with room.
      timeout: Duration.seconds(25),
      description: 'family-hub-catchments webhook delivery (signed POSTs outside AWS)',
      role,
      logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      environment: {
        LOG_LEVEL: hooks.logLevel,
        CATCHMENTS_WEBHOOKS: hooks.endpoints.map((e) => `${e.name}=${e.url}`).join(','),
        CATCHMENTS_WEBHOOK_SECRET_ARNS: [...secrets].map(([name, s]) => `${name}=${s.secretArn}`).join(','),
      },
      bundling: {
        format: OutputFormat.ESM,
        target: ESBUILD_TARGET,
        minify: true,
        sourceMap: false,
        mainFields: [...MAIN_FIELDS],
        banner: ESM_BANNER,
        externalModules: [...EXTERNAL_MODULES],
        forceDockerBundling: false,
      },
    });
    Validations.of(this.deliveryFunction).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Node.js 22, like every function of the service (lib/constructs/service-function.ts): a newer runtime is a deliberate, tested change.',
    });
    this.deliveryFunction.configureAsyncInvoke({
      retryAttempts: 2,
      maxEventAge: Duration.hours(6),
      onFailure: new SqsDestination(this.deadLetters),
    });

    for (const endpoint of hooks.endpoints) {
      new events.Rule(this, `Webhook-${endpoint.name}`, {
        eventBus: this.bus,
        description: `Delivers boundary-set events to the ${endpoint.name} webhook, signed`,
        eventPattern: { source: [props.source] },
        targets: [
          new targets.LambdaFunction(this.deliveryFunction, {
            event: events.RuleTargetInput.fromObject({
              endpoint: endpoint.name,
              event: events.EventField.fromPath('$.detail'),
            }),
            retryAttempts: 8,
            maxEventAge: Duration.hours(24),
            deadLetterQueue: this.deadLetters,
          }),
        ],
      });
    }
  }
}
