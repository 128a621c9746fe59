// Alarms that say when families or apps are not being answered, and one dashboard to look at.
// Every alarm notifies one SNS topic (subscribe an email with the `alarmEmail` context key).
import { Duration } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as events from 'aws-cdk-lib/aws-events';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { ServiceFunction } from './service-function.js';

export interface MonitoringProps {
  readonly dashboardName: string;
  readonly api: apigw.RestApi;
  readonly functions: readonly ServiceFunction[];
  readonly table: dynamodb.ITable;
  readonly alarmEmail?: string;
  readonly forwardingRule?: events.Rule;
  /** The webhook deliveries' dead-letter queue (catchment-events.ts), when webhooks are configured. */
  readonly deadLetterQueue?: sqs.IQueue;
  /** @default 1 (%) of requests answered 5xx */
  readonly serverErrorPercent?: number;
  /** @default 3000 ms, whole API (admin and analysis calls are slower than lookups) */
  readonly apiLatencyP99Ms?: number;
  /** @default 1000 ms, the lookup function's own time */
  readonly lookupDurationP99Ms?: number;
}

const PERIOD = Duration.minutes(5);

/** The operations the DynamoDB store adapter performs (no transactions: docs/storage.md). */
const TABLE_OPERATIONS = [
  dynamodb.Operation.GET_ITEM,
  dynamodb.Operation.QUERY,
  dynamodb.Operation.PUT_ITEM,
  dynamodb.Operation.DELETE_ITEM,
  dynamodb.Operation.BATCH_WRITE_ITEM,
];

export class Monitoring extends Construct {
  readonly topic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const { api, table } = props;
    this.topic = new sns.Topic(this, 'AlarmTopic', {
      displayName: 'family-hub-catchments alarms',
      enforceSSL: true,
    });
    if (props.alarmEmail) this.topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));

    const requests = api.metricCount({ period: PERIOD, statistic: 'Sum' });
    const serverErrors = api.metricServerError({ period: PERIOD, statistic: 'Sum' });
    // Below 20 requests in 5 minutes a single error is not a rate; Lambda errors alarm on their own.
    const serverErrorRate = new cloudwatch.MathExpression({
      expression: 'IF(requests >= 20, 100 * errors / requests, 0)',
      usingMetrics: { requests, errors: serverErrors },
      period: PERIOD,
      label: '5xx % of requests',
    });
    this.alarm('Api5xxRate', serverErrorRate, {
      threshold: props.serverErrorPercent ?? 1,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      description:
        'More than the threshold % of API requests answered 5xx (2 of the last 3 five-minute periods).',
    });
    const latencyP99 = api.metricLatency({ period: PERIOD, statistic: 'p99' });
    this.alarm('ApiLatencyP99', latencyP99, {
      threshold: props.apiLatencyP99Ms ?? 3000,
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
      description: 'API p99 latency (ms) above the threshold for 15 minutes.',
    });

    for (const fn of props.functions) {
      const name = fn.group.charAt(0).toUpperCase() + fn.group.slice(1);
      this.alarm(`${name}Throttles`, fn.function.metricThrottles({ period: PERIOD, statistic: 'Sum' }), {
        threshold: 1,
        evaluationPeriods: 1,
        description: `The ${fn.group} function was throttled (callers got 429s): raise its reserved concurrency or the account limit.`,
      });
      this.alarm(`${name}Errors`, fn.function.metricErrors({ period: PERIOD, statistic: 'Sum' }), {
        threshold: 1,
        evaluationPeriods: 1,
        description: `The ${fn.group} function crashed or timed out (handled errors are answered as problem+json and not counted).`,
      });
      if (fn.group === 'public') {
        this.alarm('LookupDurationP99', fn.function.metricDuration({ period: PERIOD, statistic: 'p99' }), {
          threshold: props.lookupDurationP99Ms ?? 1000,
          evaluationPeriods: 3,
          datapointsToAlarm: 3,
          description: 'Lookup function p99 duration (ms) above the threshold for 15 minutes.',
        });
      }
    }

    const tableSystemErrors = table.metricSystemErrorsForOperations({
      operations: TABLE_OPERATIONS,
      period: PERIOD,
    });
    this.alarm('TableSystemErrors', tableSystemErrors, {
      threshold: 1,
      evaluationPeriods: 1,
      description: 'DynamoDB returned 5xx (SystemErrors) to the service.',
    });
    const tableThrottles = table.metricThrottledRequestsForOperations({
      operations: TABLE_OPERATIONS,
      period: PERIOD,
    });
    this.alarm('TableThrottles', tableThrottles, {
      threshold: 1,
      evaluationPeriods: 1,
      description: 'DynamoDB throttled requests (on-demand tables can throttle on sudden peaks).',
    });
    if (props.forwardingRule) {
      this.alarm(
        'EventForwardingFailures',
        new cloudwatch.Metric({
          namespace: 'AWS/Events',
          metricName: 'FailedInvocations',
          dimensionsMap: { RuleName: props.forwardingRule.ruleName },
          period: PERIOD,
          statistic: 'Sum',
        }),
        {
          threshold: 1,
          evaluationPeriods: 1,
          description: 'Boundary-set events could not be forwarded to a subscribed account.',
        },
      );
    }
    if (props.deadLetterQueue) {
      // A message here is a change event a webhook receiver never got (after every retry): redrive it.
      this.alarm(
        'WebhookDeadLetters',
        props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
          period: PERIOD,
          statistic: 'Maximum',
        }),
        {
          threshold: 1,
          evaluationPeriods: 1,
          description:
            'A webhook delivery failed every retry and waits in the dead-letter queue (docs/events.md: redrive it once the receiver is back).',
        },
      );
    }

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: props.dashboardName,
      defaultInterval: Duration.hours(6),
    });
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'API requests and errors',
        left: [requests, api.metricClientError({ period: PERIOD, statistic: 'Sum' }), serverErrors],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'API latency (ms)',
        left: [
          api.metricLatency({ period: PERIOD, statistic: 'p50' }),
          latencyP99,
          api.metricIntegrationLatency({ period: PERIOD, statistic: 'p99' }),
        ],
        width: 8,
      }),
      new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 8 }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Invocations, errors, throttles',
        left: props.functions.flatMap((fn) => [
          fn.function.metricInvocations({ period: PERIOD, label: `${fn.group} invocations` }),
          fn.function.metricErrors({ period: PERIOD, label: `${fn.group} errors` }),
          fn.function.metricThrottles({ period: PERIOD, label: `${fn.group} throttles` }),
        ]),
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Function duration p99 (ms)',
        left: props.functions.map((fn) =>
          fn.function.metricDuration({ period: PERIOD, statistic: 'p99', label: fn.group }),
        ),
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Concurrent executions (max)',
        left: props.functions.map(
          (fn) =>
            new cloudwatch.Metric({
              namespace: 'AWS/Lambda',
              metricName: 'ConcurrentExecutions',
              dimensionsMap: { FunctionName: fn.function.functionName },
              statistic: 'Maximum',
              period: PERIOD,
              label: fn.group,
            }),
        ),
        width: 8,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'DynamoDB capacity consumed',
        left: [
          table.metricConsumedReadCapacityUnits({ period: PERIOD, statistic: 'Sum' }),
          table.metricConsumedWriteCapacityUnits({ period: PERIOD, statistic: 'Sum' }),
        ],
        width: 8,
      }),
      // Two graphs: both sums are built from per-operation metrics with the same ids.
      new cloudwatch.GraphWidget({ title: 'DynamoDB system errors', left: [tableSystemErrors], width: 8 }),
      new cloudwatch.GraphWidget({ title: 'DynamoDB throttled requests', left: [tableThrottles], width: 8 }),
    );
  }

  private alarm(
    id: string,
    metric: cloudwatch.IMetric,
    options: {
      threshold: number;
      evaluationPeriods: number;
      datapointsToAlarm?: number;
      description: string;
    },
  ): cloudwatch.Alarm {
    const alarm = new cloudwatch.Alarm(this, id, {
      metric,
      threshold: options.threshold,
      evaluationPeriods: options.evaluationPeriods,
      datapointsToAlarm: options.datapointsToAlarm,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: options.description,
    });
    alarm.addAlarmAction(new actions.SnsAction(this.topic));
    alarm.addOkAction(new actions.SnsAction(this.topic));
    this.alarms.push(alarm);
    return alarm;
  }
}
