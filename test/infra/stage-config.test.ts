import { describe, expect, it } from 'vitest';
import { CONTEXT_KEYS, StageConfigError, stageConfigFromContext } from '../../lib/stage-config.js';
import { cdkJsonContext } from './fixture.js';

const from = (context: Record<string, unknown>) => stageConfigFromContext((key) => context[key]);

describe('stage configuration from CDK context', () => {
  it('documents every key in cdk.json, and cdk.json holds the defaults', () => {
    const context = cdkJsonContext();
    for (const key of CONTEXT_KEYS) expect(Object.keys(context), key).toContain(key);
    const { areas, ...fromJson } = from(context);
    const { areas: noAreas, ...defaults } = from({});
    expect(fromJson).toEqual(defaults);
    expect(areas).toEqual(['gloucestershire']);
    expect(noAreas).toEqual([]);
  });

  it('reads the strings `-c key=value` gives as well as JSON values', () => {
    const config = from({
      stage: 'prod',
      waf: 'true',
      placeIndex: 'false',
      rateLimit: '200',
      burstLimit: '400',
      reservedConcurrency: 'public=500, admin=5',
      corsOrigins: 'https://a.example.org, https://b.example.org',
      apiKeyApps: 'hv-system,midwifery',
      logRetentionDays: '90',
    });
    expect(config).toMatchObject({
      stage: 'prod',
      waf: true,
      placeIndex: false,
      rateLimit: 200,
      burstLimit: 400,
      reservedConcurrency: { public: 500, admin: 5 },
      corsOrigins: ['https://a.example.org', 'https://b.example.org'],
      apiKeyApps: ['hv-system', 'midwifery'],
      logRetentionDays: 90,
    });
    expect(from({ reservedConcurrency: { public: 0, analysis: 2 } }).reservedConcurrency).toEqual({
      analysis: 2,
    });
  });

  it('refuses values it cannot deploy, naming the key, the value and what is accepted', () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ stage: 'Prod!' }, /"stage"="Prod!".*lower-case/],
      [{ waf: 'yes' }, /"waf"="yes".*true or false/],
      [{ rateLimit: '0' }, /"rateLimit"="0".*1 to 10000/],
      [{ logRetentionDays: 10 }, /"logRetentionDays"=10.*one of 1, 3, 5/],
      [{ corsOrigins: 'example.org' }, /"corsOrigins"="example.org"/],
      [{ corsOrigins: '*,https://a.org' }, /"\*" alone/],
      [{ adminCorsOrigins: '*' }, /"adminCorsOrigins"="\*"/],
      [{ adminCorsOrigins: 'https://gis.example.org/planner' }, /"adminCorsOrigins"/],
      [{ alarmEmail: 'not-an-email' }, /alarmEmail/],
      [{ tableEncryption: 'none' }, /aws-managed or customer-managed/],
      [{ reservedConcurrency: 'lookup=5' }, /groups public, admin, analysis/],
      [{ eventTargets: 'arn:aws:sns:eu-west-2:123456789012:topic' }, /event bus ARNs/],
      [{ areas: 'Gloucestershire' }, /area ids/],
    ];
    for (const [context, message] of cases) {
      expect(() => from(context), JSON.stringify(context)).toThrow(StageConfigError);
      expect(() => from(context)).toThrow(message);
    }
  });

  it('refuses a burst the lookup function could not absorb (Lambda would throttle, not API Gateway)', () => {
    expect(() => from({ burstLimit: 100, reservedConcurrency: 'public=50' })).toThrow(/below burstLimit=100/);
    expect(from({ burstLimit: 100, reservedConcurrency: 'public=100' }).reservedConcurrency.public).toBe(100);
  });
});
