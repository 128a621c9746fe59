// The CDK app: `npx cdk synth` / `npx cdk deploy --all` (cdk.json runs it with tsx). Settings come
// from CDK context (cdk.json, or `-c key=value`); lib/stage-config.ts documents each key.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
import { ROUTES } from '../functions/http/routes.js';
import { defineCatchmentsApp, handlerEntries } from '../lib/app.js';
import { StageConfigError, stageConfigFromContext } from '../lib/stage-config.js';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const app = new App();
try {
  const config = stageConfigFromContext((key) => app.node.tryGetContext(key));
  defineCatchmentsApp(app, {
    config,
    routes: ROUTES,
    handlers: handlerEntries(ROUTES, projectRoot),
    projectRoot,
    // Account and region of the credentials the CLI runs with (or --profile); unset = env-agnostic.
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  });
} catch (error) {
  if (error instanceof StageConfigError) {
    console.error(`Configuration error: ${error.message}`);
    process.exit(2);
  }
  throw error;
}
app.synth();
