// The national directory's presigned uploads in the template: the admin function (and only it)
// may write, read and delete under uploads/ of the blob bucket, and the bucket expires uploads
// that were never ingested.
import type { Stack } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { type BuiltApp, buildApp, resourcesOf } from './fixture.js';

const built = buildApp();

function roleId(app: BuiltApp, group: 'public' | 'admin' | 'analysis'): string {
  const fn = app.stacks.service.functions.get(group)!;
  return app.stacks.service.getLogicalId(fn.role.node.defaultChild as Parameters<Stack['getLogicalId']>[0]);
}

/** Actions a role is granted on resources whose ARN ends with `suffix`. */
function actionsOn(app: BuiltApp, role: string, suffix: string): string[] {
  const actions: string[] = [];
  for (const policy of Object.values(resourcesOf(app.service, 'AWS::IAM::Policy'))) {
    const roles = (policy.Properties.Roles ?? []) as { Ref?: string }[];
    if (!roles.some((r) => r.Ref === role)) continue;
    const statements = (
      policy.Properties.PolicyDocument as { Statement: { Action: string | string[]; Resource: unknown }[] }
    ).Statement;
    for (const s of statements) {
      const resources = Array.isArray(s.Resource) ? s.Resource : [s.Resource];
      if (!resources.some((r) => JSON.stringify(r).includes(suffix))) continue;
      actions.push(...(Array.isArray(s.Action) ? s.Action : [s.Action]));
    }
  }
  return actions;
}

describe('national directory uploads', () => {
  it('lets the admin function put, get and delete uploads/ objects; no other function', () => {
    const admin = actionsOn(built, roleId(built, 'admin'), '/uploads/*');
    expect(admin).toEqual(expect.arrayContaining(['s3:PutObject', 's3:GetObject*', 's3:DeleteObject*']));
    expect(actionsOn(built, roleId(built, 'public'), '/uploads/*')).toEqual([]);
    expect(actionsOn(built, roleId(built, 'analysis'), '/uploads/*')).toEqual([]);
  });

  it('expires uploads the bucket still holds after two days', () => {
    const buckets = Object.values(resourcesOf(built.data, 'AWS::S3::Bucket'));
    const rules = buckets.flatMap(
      (b) => ((b.Properties.LifecycleConfiguration as { Rules?: unknown[] })?.Rules ?? []) as object[],
    );
    expect(rules).toContainEqual(
      expect.objectContaining({ Prefix: 'uploads/', ExpirationInDays: 2, Status: 'Enabled' }),
    );
  });
});
