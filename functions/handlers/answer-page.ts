// The answer page without JavaScript: the public page's form submits (GET) to /find?postcode=…
// (or /embed/find in the iframe mode), and this answers in HTML — the same lookup as the API (the
// public `lookupPostcode` and `listAreas` operations over the same catalog), the same words (the
// view and strings the page's script uses: web/src/lib/answer-view.ts, web/strings/), inside the
// built, branded page itself (web/dist/index.html or embed.html), so with or without JavaScript the
// page looks and reads the same. With JavaScript on, the page's script takes over on load and adds
// the map. Locally mounted by functions/local-app.ts; on AWS a Lambda behind CloudFront
// (lib/constructs/answer-page-function.ts), with the built pages copied into its bundle.
//
// Thin: read the postcode, call the operations, fill the page. Postcodes are personal data: they
// are never logged (the log line has the status and duration only).
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type {
  APIGatewayProxyEvent,
  APIGatewayProxyEventV2,
  APIGatewayProxyResult,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import { answerView, problemView } from '../../web/src/lib/answer-view.js';
import { translator } from '../../web/src/lib/strings.js';
import type { LookupAnswer } from '../../web/src/lib/types.js';
import { escapeHtml, toHtml } from '../../web/src/lib/vnode.js';
import { configuredGeocoder } from '../adapters/location-geocoder.js';
import { openBoundaryStore } from '../adapters/store/open-store.js';
import { ServingProvider } from '../application/serving-provider.js';
import { loadConfig } from '../config.js';
import type { ApiHandler, ApiResult, OperationInput } from '../http/api.js';
import { createLogger, type Logger } from '../http/logger.js';
import { problemBody } from '../http/problem.js';
import { PUBLIC_ROUTES } from '../http/routes.js';
import { pageContentSecurityPolicy } from '../http/static-files.js';
import { type PublicContext, publicContext, publicOperations } from './public-api.js';

/** The two page shells the answer goes into: the full page, and the iframe mode's. */
export type PageName = 'index.html' | 'embed.html';

export interface AnswerPageOptions {
  readonly context: () => PublicContext | Promise<PublicContext>;
  /** Folder holding the built index.html and embed.html (web/dist, or the Lambda bundle's pages/). */
  readonly pagesDir: string;
  readonly logger: Logger;
  /** max-age of answers (as the API's `CATCHMENTS_CACHE_SECONDS`). */
  readonly cacheSeconds: number;
  /** Origins allowed to frame the page (the branding's frameAncestors). */
  readonly frameAncestors: readonly string[];
}

interface AreaSummary {
  readonly id: string;
  readonly name: string;
  readonly attribution: readonly string[];
}

const ROUTE = PUBLIC_ROUTES.find((r) => r.operationId === 'lookupPostcode')!;
const AREAS_ROUTE = PUBLIC_ROUTES.find((r) => r.operationId === 'listAreas')!;

/** An operation's JSON answer (already serialised on a cache hit). */
function dataOf<T>(result: ApiResult): T {
  return (result.json !== undefined ? JSON.parse(result.json) : result.body) as T;
}

export function createAnswerPageHandler(options: AnswerPageOptions): ApiHandler {
  const shells = new ShellCache(options.pagesDir);
  const csp = pageContentSecurityPolicy({ frameAncestors: options.frameAncestors });
  return async (event) => {
    const started = performance.now();
    const requestId = event.requestContext?.requestId ?? 'local';
    const method = event.httpMethod.toUpperCase();
    const headers: Record<string, string> = {
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': csp,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'same-origin',
    };
    if (method !== 'GET' && method !== 'HEAD') {
      return { statusCode: 405, headers: { ...headers, Allow: 'GET, HEAD' }, body: '' };
    }
    const page: PageName = event.path.startsWith('/embed') ? 'embed.html' : 'index.html';
    const shell = await shells.get(page);
    const postcode = (event.queryStringParameters?.postcode ?? '').trim().slice(0, 64);
    let status: number;
    let html: string;
    try {
      const context = await options.context();
      const input = (op: typeof ROUTE, params: Record<string, string>): OperationInput => ({
        event,
        params,
        route: op,
        requestId,
      });
      const areas = dataOf<{ areas: AreaSummary[] }>(
        await publicOperations.listAreas!(input(AREAS_ROUTE, {}), context),
      ).areas;
      let answer: LookupAnswer | null = null;
      let problem: { code: string; status: number; detail: string } | null = null;
      if (postcode === '') problem = { code: 'invalid-postcode', status: 400, detail: '' };
      else {
        try {
          answer = dataOf<LookupAnswer>(
            await publicOperations.lookupPostcode!(input(ROUTE, { postcode }), context),
          );
        } catch (error) {
          const body = problemBody(error);
          problem = { code: body.type.split('/').pop() ?? '', status: body.status, detail: body.detail };
        }
      }
      status = problem?.status ?? 200;
      html = fill(shell, { postcode, answer, problem, areas });
    } catch (error) {
      // No catalog yet (nothing published) or the store is down: the page says so, in words.
      const body = problemBody(error);
      status = body.status;
      html = fill(shell, {
        postcode,
        answer: null,
        problem: {
          code: body.type.split('/').pop() ?? '',
          status: body.status,
          detail: body.status < 500 ? body.detail : '',
        },
        areas: [],
      });
      if (body.status >= 500)
        options.logger.error('answer page failure', { error: (error as Error)?.stack ?? String(error) });
    }
    headers['Cache-Control'] = status < 500 ? `public, max-age=${options.cacheSeconds}` : 'no-store';
    options.logger.info('answer page', { status, page, ms: Math.round(performance.now() - started) });
    return { statusCode: status, headers, body: method === 'HEAD' ? '' : html };
  };
}

interface Filled {
  readonly postcode: string;
  readonly answer: LookupAnswer | null;
  readonly problem: { readonly code: string; readonly status: number; readonly detail: string } | null;
  readonly areas: readonly AreaSummary[];
}

/** The built page with the answer (or the problem) written in where the script would put it. */
export function fill(shell: string, { postcode, answer, problem, areas }: Filled): string {
  const block = /<script type="application\/json" id="fh-strings">([\s\S]*?)<\/script>/.exec(shell);
  const t = translator(block ? (JSON.parse(block[1]!) as Record<string, string>) : {});
  const servedIds = (/<meta name="fh:areas" content="([^"]*)">/.exec(shell)?.[1] ?? '')
    .split(',')
    .filter(Boolean);
  const served = servedIds.length > 0 ? areas.filter((a) => servedIds.includes(a.id)) : areas;
  const title = t('page.title');
  let html = shell;
  const swap = (from: string, to: string) => {
    if (!html.includes(from))
      throw new Error(`The built page has no ${from}: rebuild it (npm run build:web).`);
    html = html.replace(from, () => to);
  };
  let pageTitle: string;
  if (answer) {
    const view = answerView(answer, {
      t,
      areaName: areas.find((a) => a.id === answer.area)?.name ?? answer.area,
      servedAreas: served.map((a) => a.name),
      nearby: !answer.hub && answer.nearestHub ? [answer.nearestHub] : [],
    });
    swap('<!--fh:result-->', toHtml(view.nodes));
    pageTitle = t('page.titleWith', { heading: view.heading, title });
  } else {
    const view = problemView(
      postcode,
      { code: problem?.code ?? '', status: problem?.status ?? 500, detail: problem?.detail || null },
      t,
    );
    if (view.kind === 'field') {
      const message = postcode === '' ? t('form.empty') : view.message;
      swap('class="field" id="postcode-field"', 'class="field field--error" id="postcode-field"');
      swap(
        'id="postcode-error" hidden><!--fh:error-->',
        `id="postcode-error"><span class="visually-hidden">${escapeHtml(t('problem.errorPrefix'))}</span>${escapeHtml(message)}`,
      );
      swap(
        'aria-describedby="postcode-hint">',
        'aria-describedby="postcode-hint postcode-error" aria-invalid="true">',
      );
      pageTitle = t('page.errorTitle', { title });
    } else {
      swap('<!--fh:result-->', toHtml(view.nodes));
      pageTitle = t('page.titleWith', { heading: view.heading, title });
    }
  }
  swap(`<title>${escapeHtml(title)}</title>`, `<title>${escapeHtml(pageTitle)}</title>`);
  swap('id="postcode" name="postcode"', `id="postcode" name="postcode" value="${escapeHtml(postcode)}"`);
  const attribution = [...new Set(areas.flatMap((a) => a.attribution))];
  if (html.includes('<ul id="attribution"></ul>'))
    swap(
      '<ul id="attribution"></ul>',
      `<ul id="attribution">${attribution.map((l) => `<li>${escapeHtml(l)}</li>`).join('')}</ul>`,
    );
  return html;
}

/** The page shells, re-read when the file changes (a local rebuild is served at once). */
class ShellCache {
  private readonly cache = new Map<PageName, { mtimeMs: number; text: string }>();
  constructor(private readonly dir: string) {}

  async get(page: PageName): Promise<string> {
    const path = join(this.dir, page);
    const info = await stat(path);
    const cached = this.cache.get(page);
    if (cached && cached.mtimeMs === info.mtimeMs) return cached.text;
    const text = await readFile(path, 'utf8');
    this.cache.set(page, { mtimeMs: info.mtimeMs, text });
    return text;
  }
}

// ------------------------------------------------------------------------------------------------
// The Lambda entry point, behind CloudFront through a function URL (payload 2.0). Configuration,
// the store and the catalog provider are built once per container, as for the public API.

let lambda: Promise<ApiHandler> | undefined;

export const handler = async (
  event: APIGatewayProxyEventV2,
  context: Context,
): Promise<APIGatewayProxyStructuredResultV2> => {
  lambda ??= buildLambda().catch((error: unknown) => {
    lambda = undefined;
    throw error;
  });
  const result: APIGatewayProxyResult = await (await lambda)(fromFunctionUrl(event), context);
  return {
    statusCode: result.statusCode,
    headers: result.headers as Record<string, string>,
    body: result.body,
  };
};

/** The few fields of a function URL event the handler reads, in the REST API's shape. */
export function fromFunctionUrl(event: APIGatewayProxyEventV2): APIGatewayProxyEvent {
  const query = new URLSearchParams(event.rawQueryString ?? '');
  return {
    httpMethod: event.requestContext.http.method,
    path: event.rawPath,
    queryStringParameters: query.has('postcode') ? { postcode: query.get('postcode') ?? '' } : null,
    headers: {},
    requestContext: { requestId: event.requestContext.requestId },
  } as unknown as APIGatewayProxyEvent;
}

async function buildLambda(): Promise<ApiHandler> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const { store } = await openBoundaryStore(config);
  const geocoder = await configuredGeocoder(config.geocoder, logger);
  const provider = new ServingProvider({
    store,
    refreshMs: config.refreshSeconds * 1000,
    makeContext: (resolver, exports) => ({ ...publicContext(resolver, config.limits), exports, geocoder }),
    areaCacheBytes: config.areaCacheMb * 2 ** 20,
    logger,
    areas: config.areas,
  });
  return createAnswerPageHandler({
    context: () => provider.context(),
    pagesDir: fileURLToPath(new URL('./pages/', import.meta.url)),
    logger,
    cacheSeconds: config.cacheSeconds,
    // CloudFront's response headers policy sets the pages' CSP (frame-ancestors from the branding)
    // over whatever this sends, as it does for the static pages.
    frameAncestors: [],
  });
}
