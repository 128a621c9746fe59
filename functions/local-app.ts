// Composition root for local runs (npm start, e2e tests, the HTTP benchmark): the embedded store
// (seeded from data/ on first start), the same Lambda handlers as on AWS, served over node:http.
// The admin routes are mounted only when CATCHMENTS_ADMIN_TOKEN is set.
import type { AddressInfo } from 'node:net';
import { basename, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WorkerAnalysisRunner } from './adapters/analysis/worker-runner.js';
import { MemoryEventPublisher } from './adapters/events/memory-event-publisher.js';
import { FanOutPublisher, WebhookPublisher } from './adapters/events/webhook-publisher.js';
import { StoreInUseError } from './adapters/store/embedded-boundary-store.js';
import { openBoundaryStore } from './adapters/store/open-store.js';
import { S3DirectoryUploads } from './adapters/store/s3-directory-uploads.js';
import { seedStore } from './adapters/store/seed-store.js';
import { inlineRunner } from './application/analysis-jobs.js';
import { AnalysisService } from './application/analysis-service.js';
import { BoundarySetService } from './application/boundary-set-service.js';
import { ChangeLists } from './application/change-lists.js';
import { NationalDirectoryService } from './application/national-directory-service.js';
import { PointInTime } from './application/point-in-time.js';
import type { BoundaryStore } from './application/ports/boundary-store.js';
import type { LookupResolver } from './application/serving/lookup-resolver.js';
import { ServingProvider } from './application/serving-provider.js';
import { loadBranding, type ServiceConfig } from './config.js';
import { bearerCheck, createAdminApiHandler } from './handlers/admin-api.js';
import { createAnalysisApiHandler, withRoutes } from './handlers/analysis-api.js';
import { createAnswerPageHandler } from './handlers/answer-page.js';
import { createPublicApiHandler, type PublicContext, publicContext } from './handlers/public-api.js';
import { createLocalServer, type Mount } from './http/local-server.js';
import { createLogger, type Logger } from './http/logger.js';
import { ANALYSIS_ROUTES } from './http/routes.js';
import {
  builtPageOrigins,
  createStaticFileHandler,
  pageContentSecurityPolicy,
  withPages,
} from './http/static-files.js';

export interface LocalApp {
  readonly url: string;
  /** What is being served now (null until a boundary set is published). */
  readonly catalog: LookupResolver | null;
  readonly store: BoundaryStore;
  /** Where the store lives: a folder, `memory`, or `dynamodb:<table>`. */
  readonly storeDescription: string;
  readonly service: BoundarySetService;
  readonly provider: ServingProvider<PublicContext>;
  /** Events published since start (also logged). */
  readonly events: MemoryEventPublisher;
  /** True when the admin routes are mounted (CATCHMENTS_ADMIN_TOKEN set). */
  readonly admin: boolean;
  /** Areas seeded into an empty store at start. */
  readonly seeded: readonly string[];
  close(): Promise<void>;
}

/**
 * One line for the operator when the start fails for a reason they can fix (the store or the port
 * is taken), instead of a stack trace; undefined for anything else.
 */
export function startupProblem(error: unknown): string | undefined {
  if (error instanceof StoreInUseError) return error.message;
  const e = error as NodeJS.ErrnoException & { port?: number; address?: string };
  if (e?.code === 'EADDRINUSE') {
    return `Port ${e.port ?? ''} on ${e.address ?? 'this host'} is already in use. Stop what is using it, or set PORT to another port.`;
  }
  if (e?.code === 'EACCES' && e.syscall === 'listen') {
    return `Not allowed to listen on port ${e.port ?? ''}: choose a PORT above 1023.`;
  }
  return undefined;
}

/** The built web pages, served beside the API (see functions/http/static-files.ts). */
const WEB_ROOT = fileURLToPath(new URL('../web/dist', import.meta.url));

export async function startLocalApp(
  config: ServiceConfig,
  logger: Logger = createLogger(config.logLevel),
  /** The built pages to serve (tests build a branded site into a folder of its own). @default web/dist */
  webRoot: string = WEB_ROOT,
): Promise<LocalApp> {
  // Checked before anything starts: a branding file with a low-contrast colour stops the start.
  const branding = loadBranding(config.brandingFile);
  const opened = await openBoundaryStore(config);
  // Validation, impact and alignment run in worker threads (on AWS analysis has Lambdas of its own),
  // so a planner's work never stalls lookups and /health.
  const runner =
    config.analysis.workers > 0
      ? new WorkerAnalysisRunner({ ...config.analysis, threads: config.analysis.workers, logger })
      : inlineRunner;
  try {
    const { store } = opened;
    const events = new MemoryEventPublisher(logger);
    const { webhooks } = config;
    // Webhooks (CATCHMENTS_WEBHOOKS) get every event signed, as the delivery Lambda sends them on AWS.
    const publisher =
      webhooks.endpoints.length > 0 && webhooks.secret
        ? new FanOutPublisher([
            events,
            new WebhookPublisher({
              endpoints: webhooks.endpoints.map((e) => ({ ...e, secret: webhooks.secret! })),
              timeoutMs: webhooks.timeoutMs,
              logger,
            }),
          ])
        : events;
    const service = new BoundarySetService({
      store,
      events: publisher,
      sliverToleranceM2: config.sliverToleranceM2,
      logger,
      runner,
      validity: config.validity,
    });
    // The first start seeds before the server listens: nothing to keep responsive yet, so inline.
    // The validity budget guards the admin API against hostile uploads; the sample the project ships
    // is not one, and a busy machine must not fail `npm start` by running out of that budget.
    const seeded = opened.embedded
      ? await seedStore(
          new BoundarySetService({
            store,
            events: publisher,
            sliverToleranceM2: config.sliverToleranceM2,
            logger,
          }),
          opened.store,
          config.dataDir,
          logger,
        )
      : [];
    const history = new PointInTime({ store, refreshMs: config.refreshSeconds * 1000 });
    const changes = new ChangeLists({ store });
    const limits = { ...config.limits, changesPageItems: config.changesPageItems };
    const provider = new ServingProvider<PublicContext>({
      store,
      refreshMs: config.refreshSeconds * 1000,
      makeContext: (resolver, exports) => ({ ...publicContext(resolver, limits), exports, history, changes }),
      areaCacheBytes: config.areaCacheMb * 2 ** 20,
      logger,
      areas: config.areas,
    });
    await provider.check();
    if (!provider.resolver) logger.warn('no boundary set is published yet: lookups answer 503 until one is');
    const publicApi = createPublicApiHandler({
      context: () => provider.context(),
      logger,
      cacheSeconds: config.cacheSeconds,
      corsOrigins: config.corsOrigins,
    });
    // Redraw impact and alignment (their own Lambda on AWS): the admin routes are served beside the
    // admin API, the public alignment summary beside the public API.
    const analysis = new AnalysisService({
      store,
      sliverToleranceM2: config.sliverToleranceM2,
      refreshMs: config.refreshSeconds * 1000,
      areas: config.areas,
      runner,
      validity: config.validity,
    });
    const analysisApi = createAnalysisApiHandler({
      context: () => ({ analysis, maxBodyBytes: config.admin.maxBodyBytes }),
      logger,
      corsOrigins: config.corsOrigins,
      adminCorsOrigins: config.admin.corsOrigins,
      cacheSeconds: config.cacheSeconds,
      auth: config.admin.token ? { mode: 'token', token: config.admin.token } : { mode: 'off' },
    });
    const analysisRoutes = (auth: 'admin' | 'none') => ANALYSIS_ROUTES.filter((r) => r.auth === auth);
    const mounts: Mount[] = [];
    const token = config.admin.token;
    if (token) {
      const directory = new NationalDirectoryService({
        store,
        uploads: opened.objects ? new S3DirectoryUploads(opened.objects) : null,
        routing: service.routing,
        maxUploadBytes: config.admin.maxUploadBytes,
        ingestBudgetMs: config.admin.ingestBudgetMs,
        logger,
      });
      const adminApi = createAdminApiHandler({
        // A local publish is served at once: this process knows it happened.
        context: () => ({
          service,
          maxBodyBytes: config.admin.maxBodyBytes,
          directory,
          onChange: () => {
            provider.invalidate();
            history.invalidate();
            analysis.invalidate();
          },
        }),
        logger,
        corsOrigins: config.admin.corsOrigins,
        auth: { mode: 'token', token },
      });
      // The token is checked from the headers before any body is read (as API Gateway's
      // authorizer does on AWS): an unauthenticated caller cannot make the server buffer a layer.
      const checkToken = bearerCheck(token);
      mounts.push({
        prefix: '/v1/admin/',
        handler: withRoutes(analysisRoutes('admin'), analysisApi, adminApi),
        maxBodyBytes: config.admin.maxBodyBytes,
        authorize: (request) => checkToken(request.headers.authorization),
      });
    } else {
      logger.info(
        'admin API off: set CATCHMENTS_ADMIN_TOKEN (16+ characters) to draft, publish and roll back',
      );
    }
    // The web pages (web/dist, built by `npm run build:web`): `/`, its iframe mode `/embed`, the
    // widget script, `/planner`, their assets and MapLibre; the no-JavaScript answers at /find and
    // /embed/find; the branding's basemap file at /tiles/. docs/web.md lists the routes.
    const frameAncestors = branding.frameAncestors;
    const web = createStaticFileHandler({
      root: webRoot,
      pages: { '/': 'index.html', '/embed': 'embed.html', '/planner': 'planner.html' },
      missingHint: 'The web pages are not built: run `npm run build:web` (npm start does it first).',
      logger,
      contentSecurityPolicy: pageContentSecurityPolicy({
        frameAncestors,
        connectOrigins: builtPageOrigins(webRoot),
      }),
      crossOrigin: ['/widget.js'],
    });
    const answers = createAnswerPageHandler({
      context: () => provider.context(),
      pagesDir: webRoot,
      logger,
      cacheSeconds: config.cacheSeconds,
      frameAncestors,
    });
    mounts.push(
      { prefix: '/assets/', handler: web },
      { prefix: '/vendor/', handler: web },
      { prefix: '/planner', handler: web },
      { prefix: '/find', handler: answers },
      { prefix: '/embed/find', handler: answers },
      { prefix: '/embed', handler: web },
      { prefix: '/widget.js', handler: web },
    );
    const basemapFile = branding.basemap?.file;
    if (basemapFile && branding.basemap) {
      const tiles = createStaticFileHandler({ root: dirname(basemapFile), logger });
      const url = branding.basemap.url;
      const name = `/${basename(basemapFile)}`;
      // Only the one file, under the branding's URL.
      mounts.push({
        prefix: url,
        handler: (event, context) => tiles({ ...event, path: event.path === url ? name : '/' }, context),
      });
    }
    mounts.push({
      prefix: '/',
      handler: withPages(web, withRoutes(analysisRoutes('none'), analysisApi, publicApi), [
        '/',
        '/index.html',
      ]),
    });
    const server = createLocalServer({ mounts, maxBodyBytes: config.limits.maxBodyBytes, logger });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, config.host, () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    const host = config.host.includes(':') ? `[${config.host}]` : config.host;
    return {
      url: `http://${host}:${port}`,
      get catalog() {
        return provider.resolver;
      },
      store,
      storeDescription: opened.description,
      service,
      provider,
      events,
      admin: token !== undefined,
      seeded,
      close: async () => {
        await new Promise<void>((resolve, reject) => {
          server.closeAllConnections();
          server.close((error) => (error ? reject(error) : resolve()));
        });
        await runner.close();
        await opened.close();
      },
    };
  } catch (error) {
    await runner.close();
    await opened.close();
    throw error;
  }
}
