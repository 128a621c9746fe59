// cdk-nag's AwsSolutions pack over the whole app, in the default configuration and with every
// option on: no unacknowledged finding (error or warning), every acknowledgement carries a
// written reason, and none is stale (each one silences a finding that really occurs).
import { Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { type BuiltApp, buildApp, EVERYTHING_ON, routesWithPlannerFixtures } from './fixture.js';

const configurations: Record<string, () => BuiltApp> = {
  'default (cdk.json)': () => buildApp({ nag: true }),
  'everything on, with planner routes': () =>
    buildApp({
      nag: true,
      context: EVERYTHING_ON,
      routes: routesWithPlannerFixtures(),
      standInHandlers: true,
    }),
};

interface Acknowledgement {
  readonly path: string;
  readonly id: string;
  readonly reason: string;
}

function acknowledgements(root: IConstruct): Acknowledgement[] {
  const found: Acknowledgement[] = [];
  for (const construct of root.node.findAll()) {
    for (const entry of construct.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) {
        const rule = id.replace(/^annotation::/i, '');
        if (rule.startsWith('AwsSolutions-')) found.push({ path: construct.node.path, id: rule, reason });
      }
    }
  }
  return found;
}

/** Every finding the pack raises with acknowledgements ignored: rule id and construct path. */
function rawFindings(app: IConstruct): { id: string; path: string }[] {
  const pack = new AwsSolutionsChecks();
  (pack as unknown as { isAcknowledged: () => boolean }).isAcknowledged = () => false;
  return pack
    .validateScope(app)
    .violations.flatMap((v) =>
      v.violatingResources.map((r) => ({ id: v.ruleName, path: r.constructPath ?? '' })),
    );
}

describe.each(Object.entries(configurations))('cdk-nag AwsSolutions: %s', (_name, build) => {
  const built = build();

  it('synthesises with the pack registered, and the pack finds nothing unacknowledged', () => {
    expect(() => built.app.synth()).not.toThrow();
    const result = built.stacks.nag!.validateScope(built.app);
    const summary = result.violations.map(
      (v) => `${v.severity} ${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`,
    );
    expect(summary).toEqual([]);
    expect(result.success).toBe(true);
  });

  it('gives every acknowledgement a written reason, and none is stale', () => {
    const acks = acknowledgements(built.app);
    expect(acks.length).toBeGreaterThan(0);
    const findings = rawFindings(built.app);
    for (const ack of acks) {
      expect(ack.reason.trim().length, `${ack.id} at ${ack.path}`).toBeGreaterThanOrEqual(40);
      // The finding is on the acknowledged construct or one of its children.
      const used = findings.some(
        (f) => f.id === ack.id && (f.path === ack.path || f.path.startsWith(`${ack.path}/`)),
      );
      expect(used, `${ack.id} at ${ack.path} silences no finding`).toBe(true);
    }
    // And the pack does find things without them: the check above is not vacuous.
    expect(findings.length).toBeGreaterThanOrEqual(acks.length);
  });
});
