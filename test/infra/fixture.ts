// Builds the CDK app the way bin/cdk.ts does (cdk.json's context, the route table, the handler
// files), with context overrides per test. Bundling is stubbed (`aws:cdk:bundling-stacks: []`)
// unless asked for: template tests need the resources, not the bundles (synth.test.ts bundles
// for real through `npx cdk synth`).
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { Branding } from '../../functions/config.js';
import type { ApiRoute, RouteGroup } from '../../functions/http/routes.js';
import { ROUTES } from '../../functions/http/routes.js';
import { type CatchmentsStacks, defineCatchmentsApp, handlerEntries } from '../../lib/app.js';
import { type StageConfig, stageConfigFromContext } from '../../lib/stage-config.js';
import { webSettingsFromContext } from '../../lib/web-stack.js';
import { buildWeb } from '../../scripts/build-web.js';

export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(join(PROJECT_ROOT, 'cdk.json'), 'utf8')) as {
    context: Record<string, unknown>;
  };
  return cdkJson.context;
}

/**
 * Admin and analysis routes as the planners' API may hold them, for tests that must exercise
 * every group whatever the real table holds today. Their handlers point at an existing file
 * (bundling is stubbed, so only its existence matters).
 */
export const PLANNER_FIXTURE_ROUTES: readonly ApiRoute[] = [
  {
    method: 'PUT',
    path: '/v1/admin/areas/{area}/draft/layers/{layer}',
    operationId: 'fixturePutLayer',
    summary: 'fixture',
    group: 'admin',
    auth: 'admin',
    successStatus: 200,
    cache: 'no-store',
  },
  {
    method: 'POST',
    path: '/v1/admin/areas/{area}/publish',
    operationId: 'fixturePublish',
    summary: 'fixture',
    group: 'admin',
    auth: 'admin',
    successStatus: 201,
    cache: 'no-store',
  },
  {
    method: 'POST',
    path: '/v1/admin/areas/{area}/impact',
    operationId: 'fixtureImpact',
    summary: 'fixture',
    group: 'analysis',
    auth: 'admin',
    successStatus: 200,
    cache: 'no-store',
  },
  {
    method: 'GET',
    path: '/v1/areas/{area}/alignment',
    operationId: 'fixtureAlignment',
    summary: 'fixture',
    group: 'analysis',
    auth: 'none',
    successStatus: 200,
    cache: 'version',
  },
];

/** The real route table plus the planner fixtures (skipping any operation the table already has). */
export function routesWithPlannerFixtures(): ApiRoute[] {
  const known = new Set(ROUTES.map((r) => `${r.method} ${r.path}`));
  return [...ROUTES, ...PLANNER_FIXTURE_ROUTES.filter((r) => !known.has(`${r.method} ${r.path}`))];
}

/** Handler files for fixture groups: the real one where it exists, else the public handler file. */
function fixtureHandlers(routes: readonly ApiRoute[]): Partial<Record<RouteGroup, string>> {
  const standIn = join(PROJECT_ROOT, 'functions', 'handlers', 'public-api.ts');
  const handlers: Partial<Record<RouteGroup, string>> = {};
  for (const group of new Set(routes.map((r) => r.group))) {
    try {
      Object.assign(
        handlers,
        handlerEntries(
          routes.filter((r) => r.group === group),
          PROJECT_ROOT,
        ),
      );
    } catch {
      handlers[group] = standIn;
    }
  }
  return handlers;
}

export interface BuiltApp {
  readonly app: App;
  readonly stacks: CatchmentsStacks;
  readonly config: StageConfig;
  readonly data: Template;
  readonly service: Template;
  readonly web: Template;
}

/** The site the web stack deploys: built once per test file, into a folder of its own. */
const site = await buildWeb({ outDir: mkdtempSync(join(tmpdir(), 'catchments-infra-web-')) });

export interface BuildOptions {
  /** Context keys over cdk.json's. */
  readonly context?: Record<string, unknown>;
  /** @default the real route table, with handlerEntries (missing handler files fail) */
  readonly routes?: readonly ApiRoute[];
  /** Use stand-in handler files for groups whose file does not exist (fixture routes). */
  readonly standInHandlers?: boolean;
  readonly nag?: boolean;
  /** The branding the web stack gets (@default the default branding the site was built with). */
  readonly branding?: Branding;
}

export function buildApp(options: BuildOptions = {}): BuiltApp {
  const app = new App({
    context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [], ...options.context },
  });
  const config = stageConfigFromContext((key) => app.node.tryGetContext(key));
  const routes = options.routes ?? ROUTES;
  const stacks = defineCatchmentsApp(app, {
    config,
    routes,
    handlers: options.standInHandlers ? fixtureHandlers(routes) : handlerEntries(routes, PROJECT_ROOT),
    projectRoot: PROJECT_ROOT,
    env: { account: '123456789012', region: 'eu-west-2' },
    nag: options.nag ?? false,
    web: {
      siteDir: site.outDir,
      branding: options.branding ?? site.branding,
      settings: webSettingsFromContext((key) => app.node.tryGetContext(key)),
    },
  });
  return {
    app,
    stacks,
    config,
    data: Template.fromStack(stacks.data),
    service: Template.fromStack(stacks.service),
    web: Template.fromStack(stacks.web!),
  };
}

/** Every context switch on at once: the widest template (WAF, place index, CMK, tracing, keys...). */
export const EVERYTHING_ON: Record<string, unknown> = {
  stage: 'prod',
  placeIndex: true,
  waf: true,
  tableEncryption: 'customer-managed',
  tracing: true,
  alarmEmail: 'ops@example.org',
  corsOrigins: 'https://www.gloucestershire.gov.uk,https://maps.example.org',
  adminCorsOrigins: 'https://gis.gloucestershire.gov.uk',
  reservedConcurrency: 'public=120,admin=5,analysis=3',
  apiKeyApps: 'hv-system,midwifery',
  eventTargets: 'arn:aws:events:eu-west-2:210987654321:event-bus/early-help',
  detailedMetrics: true,
};

/** Resources of one type as the template holds them (those the tests query all have properties). */
export type Resources = Record<
  string,
  { Type: string; Properties: Record<string, unknown> } & Record<string, unknown>
>;

export function resourcesOf(template: Template, type: string): Resources {
  return template.findResources(type) as Resources;
}

export function logicalId(stack: Stack, construct: { node: { defaultChild?: unknown } }): string {
  return stack.getLogicalId(construct.node.defaultChild as Parameters<Stack['getLogicalId']>[0]);
}
