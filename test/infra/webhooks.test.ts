// Webhook delivery outside AWS in the template: one rule per endpoint targeting the signing
// delivery function with {endpoint, event}, a generated secret per endpoint readable by that
// function only, Lambda's async retries ending in an encrypted dead-letter queue.
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { stageConfigFromContext } from '../../lib/stage-config.js';
import { buildApp, EVERYTHING_ON, resourcesOf } from './fixture.js';

const WEBHOOKS = 'hv-system=https://hv.example.org/hooks/catchments,midwifery=https://mw.example.org/in';

describe('webhooks', () => {
  // With cdk-nag on: an unacknowledged AwsSolutions finding fails the build.
  const built = buildApp({ context: { ...EVERYTHING_ON, webhooks: WEBHOOKS }, nag: true });
  const { service } = built;

  it('finds nothing unacknowledged in cdk-nag AwsSolutions', () => {
    expect(() => built.app.synth()).not.toThrow();
    const result = built.stacks.nag!.validateScope(built.app);
    expect(
      result.violations.map((v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath)}`),
    ).toEqual([]);
  });

  it('adds one signing secret and one rule per endpoint, targeting the delivery function with the endpoint name', () => {
    expect(Object.keys(resourcesOf(service, 'AWS::SecretsManager::Secret'))).toHaveLength(2);
    const rules = Object.values(resourcesOf(service, 'AWS::Events::Rule')).filter((r) =>
      String(r.Properties.Description).includes('webhook'),
    );
    expect(rules).toHaveLength(2);
    for (const [rule, name] of rules.map((r, i) => [r, ['hv-system', 'midwifery'][i]] as const)) {
      const target = (rule.Properties.Targets as Record<string, unknown>[])[0]!;
      expect(target.InputTransformer).toMatchObject({
        InputPathsMap: { detail: '$.detail' },
        InputTemplate: `{"endpoint":"${name}","event":<detail>}`,
      });
      expect(target).toMatchObject({
        RetryPolicy: { MaximumRetryAttempts: 8 },
        DeadLetterConfig: expect.any(Object),
      });
    }
  });

  it('configures the delivery function with the endpoints and their secret ARNs, never a secret value', () => {
    service.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('webhook delivery'),
      Environment: {
        Variables: Match.objectLike({
          CATCHMENTS_WEBHOOKS:
            'hv-system=https://hv.example.org/hooks/catchments,midwifery=https://mw.example.org/in',
          CATCHMENTS_WEBHOOK_SECRET_ARNS: Match.anyValue(),
        }),
      },
    });
    service.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
    });
    service.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
  });

  it('alarms on the first message in the dead-letter queue, to the alarm topic', () => {
    const queues = Object.keys(resourcesOf(service, 'AWS::SQS::Queue'));
    expect(queues).toHaveLength(1);
    const alarms = Object.values(resourcesOf(service, 'AWS::CloudWatch::Alarm')).filter(
      (a) => a.Properties.MetricName === 'ApproximateNumberOfMessagesVisible',
    );
    expect(alarms).toHaveLength(1);
    const topics = Object.keys(resourcesOf(service, 'AWS::SNS::Topic'));
    expect(topics).toHaveLength(1);
    expect(alarms[0]!.Properties).toMatchObject({
      Namespace: 'AWS/SQS',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queues[0], 'QueueName'] } }],
      Statistic: 'Maximum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 1,
      AlarmActions: [{ Ref: topics[0] }],
    });
  });

  it('adds nothing without webhooks, and refuses endpoints that are not https', () => {
    const plain = buildApp({});
    expect(Object.keys(resourcesOf(plain.service, 'AWS::SecretsManager::Secret'))).toHaveLength(0);
    expect(Object.keys(resourcesOf(plain.service, 'AWS::SQS::Queue'))).toHaveLength(0);
    const alarms = Object.values(resourcesOf(plain.service, 'AWS::CloudWatch::Alarm'));
    expect(alarms.filter((a) => a.Properties.Namespace === 'AWS/SQS')).toHaveLength(0);
    expect(() =>
      stageConfigFromContext((k) => (k === 'webhooks' ? 'hv=http://hv.example.org/in' : undefined)),
    ).toThrow(/name=https/);
  });
});
