// Composition root for local runs (npm start, e2e tests, the HTTP benchmark): the embedded file
// store, the same Lambda handlers as on AWS, served over node:http.
import type { AddressInfo } from 'node:net';
import { loadFileCatalog } from './adapters/file-catalog.js';
import type { ServiceConfig } from './config.js';
import type { LookupCatalog } from './core/lookup/catalog.js';
import { createPublicApiHandler, publicContext } from './handlers/public-api.js';
import { createLocalServer } from './http/local-server.js';
import { createLogger, type Logger } from './http/logger.js';

export interface LocalApp {
  readonly url: string;
  readonly catalog: LookupCatalog;
  close(): Promise<void>;
}

export async function startLocalApp(
  config: ServiceConfig,
  logger: Logger = createLogger(config.logLevel),
): Promise<LocalApp> {
  const catalog = await loadFileCatalog(config.dataDir);
  const context = publicContext(catalog, config.limits);
  const publicApi = createPublicApiHandler({
    context: () => context,
    logger,
    cacheSeconds: config.cacheSeconds,
    corsOrigins: config.corsOrigins,
  });
  const server = createLocalServer({
    mounts: [{ prefix: '/', handler: publicApi }],
    maxBodyBytes: config.limits.maxBodyBytes,
    logger,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  return {
    url: `http://${host}:${port}`,
    catalog,
    close: () =>
      new Promise((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
