// The web build as `npm start` runs it (compiled into dist/build-web.js by scripts/build.js): the
// pages of web/src with the branding the service is configured with ($CATCHMENTS_BRANDING).
import { loadConfig } from '../functions/config.js';
import { buildWeb, type WebBuildResult } from './build-web.js';

export async function buildConfiguredWeb(): Promise<WebBuildResult> {
  return buildWeb({ log: console.log, branding: loadConfig().brandingFile });
}

/** The branding file the build would use. */
export function configuredBrandingFile(): string {
  return loadConfig().brandingFile;
}
