// Lambda entry point for the public, read-only lookup API (and the local server's public routes).
// Thin: each operation parses its input, calls the core, and returns data; middy does the rest.
import { Type } from '@sinclair/typebox';
import { configuredGeocoder, locationOrThrow, type PostcodeGeocoder } from '../adapters/location-geocoder.js';
import { openBoundaryStore } from '../adapters/store/open-store.js';
import { ChangeLists } from '../application/change-lists.js';
import { PointInTime, timeTarget } from '../application/point-in-time.js';
import type { AreaListing } from '../application/serving/lookup-resolver.js';
import { catalogResolver, type LookupResolver } from '../application/serving/lookup-resolver.js';
import { type AssignmentExports, ServingProvider } from '../application/serving-provider.js';
import { loadConfig } from '../config.js';
import {
  AreaNotFoundError,
  HubNotFoundError,
  InvalidRequestError,
  NotFoundError,
  PostcodeNotFoundError,
  truncate,
} from '../core/errors.js';
import {
  type LookupAnswer,
  type PointResolution,
  type PostcodeResolution,
  pointAnswer,
  postcodeAnswer,
  siteAnswer,
} from '../core/lookup/answer.js';
import { type AreaLookup, compareIds } from '../core/lookup/area-lookup.js';
import type { LookupCatalog } from '../core/lookup/catalog.js';
import { LAYER_NAMES, type LayerName } from '../core/model.js';
import { assertPostcode } from '../core/postcode.js';
import { AnswerCache } from '../http/answer-cache.js';
import {
  type ApiHandler,
  type ApiResult,
  createApiHandler,
  type Operation,
  type OperationInput,
} from '../http/api.js';
import { createLogger, type Logger } from '../http/logger.js';
import { openApiJson } from '../http/openapi.js';
import { type Problem, problemBody } from '../http/problem.js';
import { Router } from '../http/router.js';
import { PUBLIC_ROUTES } from '../http/routes.js';
import { LatLng } from '../http/schemas/common.js';
import { assertMatches, bodyOf, pathOf, queryOf } from '../http/validation.js';
import { answersAsOf, exportChanges, listAreaVersions, listChanges } from './public/history.js';
import { nearestSites, nearestSitesToPostcode } from './public/nearest.js';
import { listOrukServices } from './public/oruk.js';

/** What the public operations read: what is being served now, and the request limits. */
export interface PublicContext {
  readonly catalog: LookupResolver;
  readonly limits: {
    readonly maxBulkItems: number;
    readonly maxBodyBytes: number;
    /** Largest change-list page (`CATCHMENTS_CHANGES_PAGE_ITEMS`). */
    readonly changesPageItems?: number;
  };
  /** Serialised postcode answers, keyed by ETag and postcode (an ETag names the area's version). */
  readonly postcodeAnswers: AnswerCache;
  /** Full answers of published versions (absent when serving plain files, which have no versions). */
  readonly exports?: AssignmentExports;
  /**
   * Fallback for well-formed postcodes missing from the directory (Amazon Location, when a place
   * index is configured). Used for single lookups only: bulk items stay 404 to bound the cost.
   */
  readonly geocoder?: PostcodeGeocoder;
  /** Which version was active when (`?at=`), and the public version history; absent for plain files. */
  readonly history?: PointInTime;
  /** Change lists between two published versions; absent when serving plain files. */
  readonly changes?: ChangeLists;
  /** The clock `?at=` is checked against (not in the future). */
  readonly now?: () => number;
}

type Op = Operation<PublicContext>;

const getHealth: Op = (_input, { catalog }) => ({
  body: {
    status: 'ok',
    areas: catalog.areaVersions.map((a) => ({ id: a.id, version: a.version })),
    postcodes: catalog.postcodeCount,
  },
});

const getOpenApi: Op = () => ({ body: null, json: openApiJson(), etag: `"openapi.${openApiJson().length}"` });

/** `?at=` / `?version=` when the request has a query string (the common case has none: no work). */
function requestedTime(
  op: 'lookupPostcode' | 'lookupLocation' | 'bulkLookup',
  event: OperationInput['event'],
  context: PublicContext,
) {
  if (!event.queryStringParameters) return null;
  return timeTarget(queryOf(op, event), (context.now ?? Date.now)());
}

const lookupPostcode: Op = async ({ params, event }, context) => {
  const { catalog, postcodeAnswers, geocoder } = context;
  const raw = params.postcode ?? '';
  const target = requestedTime('lookupPostcode', event, context);
  if (target) {
    const { answers, etags } = await answersAsOf(context, target, [await catalog.resolvePostcode(raw)]);
    return { body: answers[0], etag: etags[0] };
  }
  // The hot path: this spelling answered before from what is served now (one Map read, no lookup).
  const cached = postcodeAnswers.get(raw);
  if (cached) return { body: null, json: cached.json, etag: cached.etag };
  let resolution: PostcodeResolution;
  try {
    resolution = await catalog.resolvePostcode(raw);
  } catch (error) {
    if (!(geocoder && error instanceof PostcodeNotFoundError)) throw error;
    // Not in the directory (e.g. newer than its release): locate it by address search instead.
    // locationOrThrow turns "not found" into the same 404 and an outage into a 503, never a hang.
    const postcode = assertPostcode(raw);
    const location = locationOrThrow(await geocoder.geocode(postcode));
    const point = await catalog.resolvePoint(location);
    return {
      body: { postcode, status: 'live', locationSource: 'geocoder', ...pointAnswer(point) },
      etag: catalog.etagFor(point.lookup),
    };
  }
  // Other spellings of one postcode ("gl11ad") share its answer: kept under the canonical form too.
  const postcode = resolution.record.postcode;
  let answer = postcodeAnswers.get(postcode);
  if (answer === undefined) {
    answer = { json: JSON.stringify(postcodeAnswer(resolution)), etag: catalog.etagFor(resolution.lookup) };
    postcodeAnswers.set(postcode, answer);
  }
  if (raw !== postcode) postcodeAnswers.set(raw, answer);
  return { body: null, json: answer.json, etag: answer.etag };
};

const lookupLocation: Op = async ({ event }, context) => {
  const { catalog } = context;
  const { lat, lng } = queryOf('lookupLocation', event);
  const resolution = await catalog.resolvePoint({ lat, lng });
  const target = requestedTime('lookupLocation', event, context);
  if (target) {
    const { answers, etags } = await answersAsOf(context, target, [resolution]);
    return { body: answers[0], etag: etags[0] };
  }
  return { body: pointAnswer(resolution), etag: catalog.etagFor(resolution.lookup) };
};

/** One item of a bulk answer: the answer, or that item's own problem. Index i answers request item i. */
type BulkItem = { readonly answer: LookupAnswer } | { readonly error: Problem };

async function bulkItem<T>(
  run: () => Promise<T>,
): Promise<{ readonly value: T } | { readonly error: Problem }> {
  try {
    return { value: await run() };
  } catch (error) {
    return { error: problemBody(error) };
  }
}

const PostcodeItem = Type.String();

const bulkLookup: Op = async ({ event }, context) => {
  const { catalog, limits } = context;
  const target = requestedTime('bulkLookup', event, context);
  const body = bodyOf('bulkLookup', event, limits.maxBodyBytes);
  const postcodes = body.postcodes ?? [];
  const locations = body.locations ?? [];
  const total = postcodes.length + locations.length;
  if (total === 0) throw new InvalidRequestError('Give at least one item in "postcodes" or "locations".');
  if (total > limits.maxBulkItems) {
    throw new InvalidRequestError(
      `${total} items were sent; at most ${limits.maxBulkItems} are answered per request. Split the list into batches.`,
      { limit: limits.maxBulkItems },
    );
  }
  // Each item is checked and resolved on its own: a bad item gets its own problem.
  const resolved = await Promise.all<{ value: PointResolution | PostcodeResolution } | { error: Problem }>([
    ...postcodes.map((item) =>
      bulkItem(() => Promise.resolve(catalog.resolvePostcode(assertMatches(PostcodeItem, item, 'postcode')))),
    ),
    ...locations.map((item) =>
      bulkItem(() => Promise.resolve(catalog.resolvePoint(assertMatches(LatLng, item, 'location')))),
    ),
  ]);
  const found = resolved.flatMap((r) => ('value' in r ? [r.value] : []));
  const answers = target
    ? (await answersAsOf(context, target, found)).answers
    : found.map((r) => ('record' in r ? postcodeAnswer(r as PostcodeResolution) : pointAnswer(r)));
  let next = 0;
  const items: BulkItem[] = resolved.map((r) => ('value' in r ? { answer: answers[next++]! } : r));
  return { body: { postcodes: items.slice(0, postcodes.length), locations: items.slice(postcodes.length) } };
};

function areaSummary({ area, version, counts }: AreaListing) {
  return {
    id: area.id,
    name: area.name,
    ...(area.description ? { description: area.description } : {}),
    illustrative: area.illustrative,
    version,
    counts,
    attribution: area.attribution,
  };
}

const listAreas: Op = async (_input, { catalog }) => ({
  body: { areas: (await catalog.areaListings()).map(areaSummary) },
  etag: catalog.etag,
});

const getArea: Op = async ({ params }, { catalog }) => {
  const id = params.area ?? '';
  const listing = (await catalog.areaListings()).find((a) => a.area.id === id);
  if (!listing) throw areaNotFound(catalog, id);
  return { body: areaSummary(listing), etag: catalog.etagFor(listing) };
};

function areaNotFound(catalog: LookupResolver, id: string): AreaNotFoundError {
  return new AreaNotFoundError(
    id,
    catalog.areaVersions.map((a) => a.id),
  );
}

function hubWithSpokes(lookup: AreaLookup, hubId: string) {
  const hub = lookup.site(hubId);
  if (hub?.kind !== 'hub') throw new HubNotFoundError(lookup.area.id, hubId);
  return { ...siteAnswer(hub), spokes: lookup.spokesOfHub(hubId).map(siteAnswer) };
}

const listHubs: Op = async ({ params }, { catalog }) => {
  const lookup = await catalog.area(params.area ?? '');
  return {
    body: {
      area: lookup.area.id,
      version: lookup.version,
      hubs: lookup.hubs.map((h) => hubWithSpokes(lookup, h.id)),
    },
    etag: catalog.etagFor(lookup),
  };
};

/** Map data is the same for every request of a version: serialised once per AreaLookup. */
const mapJson = new WeakMap<AreaLookup, Map<string, string>>();

function cachedMapJson(lookup: AreaLookup, key: string, build: () => unknown): string {
  let entries = mapJson.get(lookup);
  if (!entries) {
    entries = new Map();
    mapJson.set(lookup, entries);
  }
  let json = entries.get(key);
  if (json === undefined) {
    json = JSON.stringify(build());
    entries.set(key, json);
  }
  return json;
}

const GEOJSON = 'application/geo+json';

/** Hubs then spokes (each by id) as GeoJSON points; `area` and `version` as foreign members (RFC 7946 §6.1). */
const getAreaSites: Op = async ({ params }, { catalog }) => {
  const lookup = await catalog.area(params.area ?? '');
  const json = cachedMapJson(lookup, 'sites', () => ({
    type: 'FeatureCollection',
    area: lookup.area.id,
    version: lookup.version,
    features: [...lookup.set.sites]
      .sort((a, b) => (a.kind === b.kind ? compareIds(a.id, b.id) : a.kind === 'hub' ? -1 : 1))
      .map((site) => {
        const { location, ...properties } = siteAnswer(site);
        return {
          type: 'Feature',
          id: site.id,
          geometry: { type: 'Point', coordinates: [location.lng, location.lat] },
          properties,
        };
      }),
  }));
  return { body: null, json, contentType: GEOJSON, etag: catalog.etagFor(lookup) };
};

/** The active version's polygon layer as stored, with `area`, `version` and `layer` as foreign members. */
const getAreaLayer: Op = async ({ params }, { catalog }) => {
  const lookup = await catalog.area(params.area ?? '');
  const name = params.layer ?? '';
  if (!(LAYER_NAMES as readonly string[]).includes(name)) {
    throw new NotFoundError(
      `No layer "${truncate(name, 40)}": a boundary set's layers are ${LAYER_NAMES.join(', ')}.`,
      {
        received: truncate(name, 40),
      },
    );
  }
  const layer = lookup.set.layers[name as LayerName];
  if (!layer) {
    throw new NotFoundError(
      `Area "${lookup.area.id}" has no ${name} layer in version ${lookup.version ?? 'draft'} (it is optional).`,
      { received: name },
    );
  }
  const json = cachedMapJson(lookup, `layer:${name}`, () => ({
    ...layer,
    area: lookup.area.id,
    version: lookup.version,
    layer: name,
  }));
  return { body: null, json, contentType: GEOJSON, etag: catalog.etagFor(lookup) };
};

const getHub: Op = async ({ params }, { catalog }) => {
  const lookup = await catalog.area(params.area ?? '');
  const hub = hubWithSpokes(lookup, params.hubId ?? '');
  const catchment = lookup.catchmentOf(hub.id);
  return {
    body: { area: lookup.area.id, version: lookup.version, ...hub, catchment: catchment ?? null },
    etag: catalog.etagFor(lookup),
  };
};

const exportAssignments: Op = async ({ params }, { catalog, exports }) => {
  const { area, version } = pathOf('exportAssignments', params);
  if (!catalog.areaVersions.some((a) => a.id === area)) throw areaNotFound(catalog, area);
  if (!exports)
    throw new NotFoundError(
      'This deployment serves plain files, which have no published versions to export.',
    );
  // On AWS the CSV goes straight from the bucket: a national area's export can pass Lambda's 6 MB.
  const url = await exports.assignmentsUrl(area, version);
  if (url) {
    const redirect: ApiResult = { body: null, text: '', status: 303, headers: { Location: url } };
    return redirect;
  }
  return {
    body: null,
    text: await exports.assignmentsCsv(area, version),
    contentType: 'text/csv; charset=utf-8',
    // A published version never changes, so neither does its export.
    etag: `"${area}.v${version}.assignments"`,
    headers: { 'Content-Disposition': `attachment; filename="${area}-v${version}-assignments.csv"` },
  };
};

export const publicOperations: Readonly<Record<string, Op>> = {
  getHealth,
  getOpenApi,
  lookupPostcode,
  lookupLocation,
  bulkLookup,
  listAreas,
  getArea,
  listHubs,
  getHub,
  getAreaSites,
  getAreaLayer,
  exportAssignments,
  listAreaVersions,
  listChanges,
  exportChanges,
  nearestSites,
  nearestSitesToPostcode,
  listOrukServices,
};

export interface PublicApiOptions {
  readonly context: () => PublicContext | Promise<PublicContext>;
  readonly logger: Logger;
  readonly cacheSeconds: number;
  readonly corsOrigins: readonly string[];
}

export function createPublicApiHandler(options: PublicApiOptions): ApiHandler {
  return createApiHandler({ router: new Router(PUBLIC_ROUTES), operations: publicOperations, ...options });
}

/** The context for what is served (a resolver, or a whole in-memory catalog): limits and a fresh answer cache. */
export function publicContext(
  served: LookupResolver | LookupCatalog,
  limits: PublicContext['limits'],
  maxCachedAnswers = DEFAULT_CACHED_ANSWERS,
): PublicContext {
  const catalog = 'areaVersions' in served ? served : catalogResolver(served);
  return { catalog, limits, postcodeAnswers: new AnswerCache(maxCachedAnswers) };
}

/** ~2 KB each: 50,000 answers is ~100 MB at most, enough for a county's whole directory. */
export const DEFAULT_CACHED_ANSWERS = 50_000;

// The Lambda entry point. Configuration, the store (DynamoDB when CATCHMENTS_TABLE_NAME is set,
// else the embedded store) and the catalog provider are built once per container, on the first
// invocation; the provider re-checks the active pointers at most every CATCHMENTS_REFRESH_SECONDS.
let lambda: Promise<ApiHandler> | undefined;

export const handler: ApiHandler = async (event, context) => {
  lambda ??= buildLambda().catch((error: unknown) => {
    lambda = undefined;
    throw error;
  });
  return (await lambda)(event, context);
};

async function buildLambda(): Promise<ApiHandler> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const { store } = await openBoundaryStore(config);
  const geocoder = await configuredGeocoder(config.geocoder, logger);
  const history = new PointInTime({ store, refreshMs: config.refreshSeconds * 1000 });
  const changes = new ChangeLists({ store });
  const limits = { ...config.limits, changesPageItems: config.changesPageItems };
  const provider = new ServingProvider({
    store,
    refreshMs: config.refreshSeconds * 1000,
    makeContext: (resolver, exports) => ({
      ...publicContext(resolver, limits),
      exports,
      geocoder,
      history,
      changes,
    }),
    areaCacheBytes: config.areaCacheMb * 2 ** 20,
    logger,
    areas: config.areas,
  });
  return createPublicApiHandler({
    context: () => provider.context(),
    logger,
    cacheSeconds: config.cacheSeconds,
    corsOrigins: config.corsOrigins,
  });
}

export type { ApiResult };
