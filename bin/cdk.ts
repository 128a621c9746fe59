// The CDK app: `npx cdk synth` / `npx cdk deploy --all` (cdk.json runs it with tsx). Settings come
// from CDK context (cdk.json, or `-c key=value`); lib/stage-config.ts documents each key.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
import { ConfigError } from '../functions/config.js';
import { ROUTES } from '../functions/http/routes.js';
import { defineCatchmentsApp, handlerEntries } from '../lib/app.js';
import { StageConfigError, stageConfigFromContext } from '../lib/stage-config.js';
import { WebSettingsError, webSettingsFromContext } from '../lib/web-stack.js';
import { buildWeb, WEB_DIST } from '../scripts/build-web.js';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const app = new App();
try {
  const read = (key: string) => app.node.tryGetContext(key);
  const config = stageConfigFromContext(read);
  const settings = webSettingsFromContext(read);
  // The site deployed is the one built now, with the branding named in context (`-c branding=…`).
  const site = await buildWeb({ branding: settings.brandingFile });
  defineCatchmentsApp(app, {
    config,
    routes: ROUTES,
    handlers: handlerEntries(ROUTES, projectRoot),
    projectRoot,
    // Account and region of the credentials the CLI runs with (or --profile); unset = env-agnostic.
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
    web: { siteDir: WEB_DIST, branding: site.branding, settings },
  });
} catch (error) {
  if (
    error instanceof StageConfigError ||
    error instanceof WebSettingsError ||
    error instanceof ConfigError
  ) {
    console.error(`Configuration error: ${error.message}`);
    process.exit(2);
  }
  throw error;
}
app.synth();
