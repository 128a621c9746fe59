// Assembles the deployment: the data stack, the service stack wired to it, and the cdk-nag
// AwsSolutions checks (any unacknowledged finding fails the synth). bin/cdk.ts and the infra tests
// both build the app through here, so the tests check what `cdk deploy` deploys.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type App, type Environment, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { Branding } from '../functions/config.js';
import type { ApiRoute, RouteGroup } from '../functions/http/routes.js';
import { blobBucketName, CatchmentsDataStack, type TableIndex } from './data-stack.js';
import { CatchmentsServiceStack } from './service-stack.js';
import type { StageConfig } from './stage-config.js';
import { CatchmentsWebStack, type WebSettings } from './web-stack.js';

export interface CatchmentsAppProps {
  readonly config: StageConfig;
  readonly routes: readonly ApiRoute[];
  /** Handler file per route group (see `handlerEntries`). */
  readonly handlers: Readonly<Partial<Record<RouteGroup, string>>>;
  readonly projectRoot: string;
  readonly env?: Environment;
  readonly tableIndexes?: readonly TableIndex[];
  /** Run cdk-nag's AwsSolutions pack at synth. @default true */
  readonly nag?: boolean;
  /** The web pages (a third stack): the built site, its branding and the web context settings. */
  readonly web?: { readonly siteDir: string; readonly branding: Branding; readonly settings: WebSettings };
}

export interface CatchmentsStacks {
  readonly data: CatchmentsDataStack;
  readonly service: CatchmentsServiceStack;
  readonly web: CatchmentsWebStack | undefined;
  readonly nag: AwsSolutionsChecks | undefined;
}

/**
 * The handler file of each route group the table uses: `functions/handlers/<group>-api.ts`.
 * A group whose file does not exist is an error naming the routes that need it, rather than an API
 * whose routes lead nowhere.
 */
export function handlerEntries(
  routes: readonly ApiRoute[],
  projectRoot: string,
  exists: (path: string) => boolean = existsSync,
): Partial<Record<RouteGroup, string>> {
  const entries: Partial<Record<RouteGroup, string>> = {};
  for (const group of new Set(routes.map((r) => r.group))) {
    const entry = join(projectRoot, 'functions', 'handlers', `${group}-api.ts`);
    if (!exists(entry)) {
      const ops = routes.filter((r) => r.group === group).map((r) => r.operationId);
      throw new Error(`Routes ${ops.join(', ')} (group "${group}") need ${entry}, which does not exist.`);
    }
    entries[group] = entry;
  }
  return entries;
}

export function defineCatchmentsApp(app: App, props: CatchmentsAppProps): CatchmentsStacks {
  const { config } = props;
  const prefix = `Catchments-${config.stage}`;
  const data = new CatchmentsDataStack(app, `${prefix}-Data`, {
    env: props.env,
    description: `family-hub-catchments ${config.stage}: table and place index (stateful, retained)`,
    stage: config.stage,
    tableEncryption: config.tableEncryption,
    placeIndex: config.placeIndex,
    placeIndexDataSource: config.placeIndexDataSource,
    indexes: props.tableIndexes,
  });
  const service = new CatchmentsServiceStack(app, `${prefix}-Service`, {
    env: props.env,
    description: `family-hub-catchments ${config.stage}: functions, API, events, alarms (stateless)`,
    config,
    routes: props.routes,
    handlers: props.handlers,
    projectRoot: props.projectRoot,
    table: data.table,
    blobBucketName: blobBucketName(config.stage),
    tableEncrypted: config.tableEncryption === 'customer-managed',
    placeIndex: data.placeIndex,
  });
  service.addStackDependency(data);
  let web: CatchmentsWebStack | undefined;
  if (props.web) {
    web = new CatchmentsWebStack(app, `${prefix}-Web`, {
      env: props.env,
      description: `family-hub-catchments ${config.stage}: web pages, no-JavaScript answers, CloudFront (stateless)`,
      config,
      settings: props.web.settings,
      branding: props.web.branding,
      siteDir: props.web.siteDir,
      projectRoot: props.projectRoot,
      api: service.api.api,
      table: data.table,
    });
    web.addStackDependency(service);
  }
  let nag: AwsSolutionsChecks | undefined;
  if (props.nag ?? true) {
    nag = new AwsSolutionsChecks(app);
    Validations.of(app).addPlugins(nag);
  }
  return { data, service, web, nag };
}
