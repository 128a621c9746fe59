// Lambda entry point for the planners' admin API (and the local server's /v1/admin/ routes):
// drafts, validation, publish, rollback, history. Thin: parse, call the boundary-set service,
// return data; status codes come from the route table and errors are typed (problem.ts).
//
// Concurrency (docs/planner-guide.md#publishing): publish and rollback need `If-Match: <active
// version>` (the number, `v3`, or the area's public ETag) or, for an area's first version,
// `If-None-Match: *`. Without either: 428. A version other than the active one: 409 (someone
// published or rolled back since) — the same answer a publish that loses a race gets, so clients
// handle "the active version moved" one way. Draft edits take an optional If-Match on the draft's
// ETag (`"<area>.draft.r<revision>"`).
import { createHash, timingSafeEqual } from 'node:crypto';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { EventBridgePublisher } from '../adapters/eventbridge-publisher.js';
import { MemoryEventPublisher } from '../adapters/events/memory-event-publisher.js';
import { type DecodedLayer, decodeLayerBytes, LayerFileError } from '../adapters/layer-file.js';
import { isZip, ShapefileError } from '../adapters/shapefile.js';
import { openBoundaryStore } from '../adapters/store/open-store.js';
import { S3DirectoryUploads } from '../adapters/store/s3-directory-uploads.js';
import { BoundarySetService } from '../application/boundary-set-service.js';
import { NationalDirectoryService } from '../application/national-directory-service.js';
import type { DraftMeta } from '../application/ports/boundary-store.js';
import { loadConfig } from '../config.js';
import {
  InvalidRequestError,
  NotFoundError,
  PayloadTooLargeError,
  PreconditionRequiredError,
  truncate,
  UnauthorizedError,
} from '../core/errors.js';
import { type LayerCrs, parseLayerCrs } from '../core/layer-validation.js';
import { LAYER_NAMES, type LayerName } from '../core/model.js';
import { type ApiHandler, type ApiResult, createApiHandler, type Operation } from '../http/api.js';
import { createLogger, type Logger } from '../http/logger.js';
import { binaryBody, header, jsonBody, textBody } from '../http/request.js';
import { Router } from '../http/router.js';
import { ADMIN_ROUTES } from '../http/routes.js';
import { bodyOf, pathOf, queryOf } from '../http/validation.js';

export interface AdminContext {
  readonly service: BoundarySetService;
  /** Admin bodies carry whole layers: a larger limit than the public API's. */
  readonly maxBodyBytes: number;
  /** Called after a publish or rollback (the local app makes its public API re-check at once). */
  readonly onChange?: () => void;
  /** The national directory through presigned uploads (absent: those routes answer 404 with the CLI route). */
  readonly directory?: NationalDirectoryService;
}

type Op = Operation<AdminContext>;

const GEOJSON = 'application/geo+json';

const createDraft: Op = async ({ event, params }, { service, maxBodyBytes }) => {
  const area = params.area!;
  const body = event.body ? bodyOf('createDraft', event, maxBodyBytes) : {};
  const meta = await service.createDraft(
    area,
    {
      from: body.from ?? 'active',
      ...(body.area !== undefined ? { areaInfo: body.area } : {}),
      replace: body.replace === true,
    },
    actor(event),
  );
  return draftResult(meta, { Location: `/v1/admin/areas/${area}/draft` });
};

const getDraft: Op = async ({ params }, { service }) => draftResult(await service.draft(params.area!));

const deleteDraft: Op = async ({ params }, { service }) => {
  await service.deleteDraft(params.area!);
  return { body: null };
};

const getDraftLayer: Op = async ({ params }, { service }) => {
  const layer = await service.draftLayer(params.area!, layerName(params.layer));
  return { body: layer, contentType: GEOJSON };
};

const putDraftLayer: Op = async ({ event, params }, { service, maxBodyBytes }) => {
  const layer = layerName(params.layer);
  const { idProperty, nameProperty, crs: crsText } = queryOf('putDraftLayer', event);
  // The spellings of the two CRSs are many (EPSG:27700, BNG, urn:ogc:…): parsed by the layer checks.
  const crs = crsText === undefined ? undefined : parseLayerCrs(crsText);
  if (crsText !== undefined && !crs) {
    throw new InvalidRequestError(
      `Unknown crs "${truncate(crsText, 40)}": send EPSG:4326 (WGS84, the default) or EPSG:27700 (British National Grid).`,
    );
  }
  const upload = isZipBody(event)
    ? zippedLayer(event, maxBodyBytes, crs)
    : { json: jsonBody(event, maxBodyBytes), crs };
  const meta = await service.putDraftLayer(
    params.area!,
    layer,
    upload.json,
    {
      idProperty,
      ...(nameProperty ? { nameProperty } : {}),
      ...(upload.crs ? { crs: upload.crs } : {}),
      ...draftRevision(event, params.area!),
    },
    actor(event),
  );
  return draftResult(meta);
};

/** How far a zipped layer may unpack, against the body limit: Shapefiles zip 2-5x, bombs far more. */
const MAX_UNZIP_RATIO = 20;

function isZipBody(event: APIGatewayProxyEvent): boolean {
  return (header(event, 'content-type') ?? '').split(';')[0]!.trim().toLowerCase() === 'application/zip';
}

/**
 * A zipped Shapefile (Content-Type: application/zip), decoded by the same adapter as the CLI's
 * (functions/adapters/layer-file.ts); its .prj gives the CRS. The layer then gets the same checks as
 * a GeoJSON upload.
 */
function zippedLayer(
  event: APIGatewayProxyEvent,
  maxBodyBytes: number,
  crsGiven: LayerCrs | undefined,
): { json: unknown; crs: LayerCrs | undefined } {
  const bytes = binaryBody(event, maxBodyBytes, 'application/zip');
  let decoded: DecodedLayer;
  try {
    if (!isZip(bytes)) throw new LayerFileError('The body is not a zip archive.');
    decoded = decodeLayerBytes(bytes, { maxUnzippedBytes: MAX_UNZIP_RATIO * maxBodyBytes });
  } catch (error) {
    if (error instanceof ShapefileError && error.tooLarge) {
      throw new PayloadTooLargeError(error.message, { limitBytes: MAX_UNZIP_RATIO * maxBodyBytes });
    }
    if (error instanceof ShapefileError || error instanceof LayerFileError) {
      throw new InvalidRequestError(
        `${error.message} A zipped upload is a Shapefile: the layer's .shp, .shx, .dbf and .prj in one .zip.`,
      );
    }
    throw error;
  }
  if (decoded.crs && crsGiven && decoded.crs !== crsGiven) {
    throw new InvalidRequestError(
      `The Shapefile's .prj says ${decoded.crs} but ?crs= says ${crsGiven}: leave ?crs= out, the .prj is read.`,
    );
  }
  return { json: decoded.json, crs: decoded.crs ?? crsGiven };
}

const deleteDraftLayer: Op = async ({ event, params }, { service }) => {
  const meta = await service.deleteDraftLayer(
    params.area!,
    layerName(params.layer),
    draftRevision(event, params.area!).expectedRevision,
    actor(event),
  );
  return draftResult(meta);
};

const putDraftSites: Op = async ({ event, params }, { service, maxBodyBytes }) => {
  const upload = jsonBody(event, maxBodyBytes);
  const meta = await service.putDraftSites(
    params.area!,
    upload,
    draftRevision(event, params.area!).expectedRevision,
    actor(event),
  );
  return draftResult(meta);
};

const validateDraft: Op = async ({ params }, { service }) => {
  const view = await service.validateDraft(params.area!);
  // A GeoJSON FeatureCollection (draw it as is), with the summary as foreign members (RFC 7946 §6.1).
  return {
    body: {
      ...view.problems,
      area: view.area,
      draftRevision: view.draftRevision,
      publishable: view.publishable,
      errors: view.errors,
      warnings: view.warnings,
      coverage: view.coverage,
      postcodes: view.postcodes,
    },
    contentType: GEOJSON,
    etag: `"${view.area}.draft.r${view.draftRevision}"`,
  };
};

const publishDraft: Op = async ({ event, params }, { service, maxBodyBytes, onChange }) => {
  const area = params.area!;
  const expected = expectedActive(event, area);
  const body = bodyOf('publishDraft', event, maxBodyBytes);
  const { header: version, event: published } = await service.publish(area, {
    expectedActive: expected,
    message: body.message,
    by: actor(event),
    ...(body.draftRevision !== undefined ? { draftRevision: body.draftRevision } : {}),
  });
  onChange?.();
  return {
    body: {
      version: { ...version, active: true },
      event: {
        id: published.id,
        type: published.type,
        changedPostcodeCount: published.changedPostcodeCount,
        changedCounts: published.changedCounts,
        changedPostcodesTruncated: published.changedPostcodesTruncated,
      },
    },
    headers: { Location: `/v1/admin/areas/${area}/versions/${version.version}` },
  };
};

const rollback: Op = async ({ event, params }, { service, maxBodyBytes, onChange }) => {
  const area = params.area!;
  const expected = expectedActive(event, area);
  const body = bodyOf('rollback', event, maxBodyBytes);
  const {
    change,
    header: version,
    event: published,
  } = await service.rollback(area, {
    to: body.version,
    expectedActive: expected,
    message: body.message,
    by: actor(event),
  });
  onChange?.();
  return {
    body: {
      change,
      version: { ...version, active: true },
      event: {
        id: published.id,
        type: published.type,
        changedPostcodeCount: published.changedPostcodeCount,
        changedCounts: published.changedCounts,
        changedPostcodesTruncated: published.changedPostcodesTruncated,
      },
    },
  };
};

const listVersions: Op = async ({ params }, { service }) => ({ body: await service.history(params.area!) });

const getVersion: Op = async ({ params }, { service }) => {
  const { area, version: n } = pathOf('getVersion', params);
  const history = await service.history(area);
  const version = history.versions.find((v) => v.version === n);
  if (!version) throw new NotFoundError(`Area "${area}" has no version ${n}.`);
  return { body: version };
};

const putDirectory: Op = async ({ event, params }, { service, maxBodyBytes }) => {
  const csv = textBody(event, maxBodyBytes, 'text/csv');
  const result = await service.putDirectory(params.area!, csv, actor(event));
  return { body: { area: params.area, ...result } };
};

const createDirectoryUpload: Op = async (_input, { directory }) => ({
  body: await nationalDirectory(directory).createUpload(),
});

const ingestDirectoryUpload: Op = async ({ event, params }, { directory }) => {
  const { upload } = pathOf('ingestDirectoryUpload', params);
  const { format } = queryOf('ingestDirectoryUpload', event);
  const result = await nationalDirectory(directory).ingest(upload, format ?? 'points', actor(event));
  return { body: result, ...(result.state === 'done' ? {} : { status: 202 }) };
};

function nationalDirectory(service: NationalDirectoryService | undefined): NationalDirectoryService {
  if (!service) throw new NotFoundError('This server does not load the national directory through the API.');
  return service;
}

export const adminOperations: Readonly<Record<string, Op>> = {
  createDraft,
  getDraft,
  deleteDraft,
  getDraftLayer,
  putDraftLayer,
  deleteDraftLayer,
  putDraftSites,
  validateDraft,
  publishDraft,
  rollback,
  listVersions,
  getVersion,
  putDirectory,
  createDirectoryUpload,
  ingestDirectoryUpload,
};

function draftResult(meta: DraftMeta, headers: Record<string, string> = {}): ApiResult {
  return { body: meta, etag: `"${meta.area}.draft.r${meta.revision}"`, headers };
}

function layerName(raw: string | undefined): LayerName {
  if (!raw || !(LAYER_NAMES as readonly string[]).includes(raw)) {
    throw new NotFoundError(
      `No layer "${truncate(raw ?? '', 40)}": a boundary set's layers are ${LAYER_NAMES.join(', ')}.`,
    );
  }
  return raw as LayerName;
}

/** The active version the caller publishes over (If-Match), or null for an area's first (If-None-Match: *). */
export function expectedActive(event: APIGatewayProxyEvent, area: string): number | null {
  const ifMatch = header(event, 'if-match')?.trim();
  if (ifMatch === undefined || ifMatch === '') {
    if (header(event, 'if-none-match')?.trim() === '*') return null;
    throw new PreconditionRequiredError(
      'Say which active version you are changing: send If-Match with its number (e.g. If-Match: 3) or the ETag of ' +
        `GET /v1/areas/${area}; for the area's first version send If-None-Match: *. This stops two planners overwriting each other.`,
    );
  }
  if (ifMatch === '*') {
    throw new PreconditionRequiredError(
      'If-Match: * would change whatever is active; name the version you validated against (e.g. If-Match: 3).',
    );
  }
  const tag = ifMatch.replace(/^W\//, '').replace(/^"(.*)"$/, '$1');
  const match = /^(?:([a-z0-9-]+)\.)?v?(\d{1,9})(?:\.[A-Za-z0-9-]+)?$/.exec(tag);
  if (!match || (match[1] !== undefined && match[1] !== area)) {
    throw new InvalidRequestError(
      `If-Match "${truncate(ifMatch, 60)}" names no version of area "${area}": send the version number (If-Match: 3) or the area's ETag.`,
    );
  }
  return Number(match[2]);
}

/** The draft revision an edit is conditional on (If-Match: "<area>.draft.r<revision>"), if any. */
function draftRevision(event: APIGatewayProxyEvent, area: string): { expectedRevision?: number } {
  const ifMatch = header(event, 'if-match')?.trim();
  if (!ifMatch || ifMatch === '*') return {};
  const tag = ifMatch.replace(/^W\//, '').replace(/^"(.*)"$/, '$1');
  const match = /^(?:([a-z0-9-]+)\.draft\.)?r?(\d{1,9})$/.exec(tag);
  if (!match || (match[1] !== undefined && match[1] !== area)) {
    throw new InvalidRequestError(
      `If-Match "${truncate(ifMatch, 60)}" is not a draft ETag of area "${area}" (e.g. "${area}.draft.r4").`,
    );
  }
  return { expectedRevision: Number(match[2]) };
}

/**
 * Who is acting, for the history: the authenticated principal on AWS (IAM caller or authorizer
 * principal), else the X-Author header (locally one token is shared, so callers name themselves).
 */
export function actor(event: APIGatewayProxyEvent): string {
  const context = event.requestContext as
    | { identity?: { userArn?: string | null }; authorizer?: { principalId?: string } | null }
    | undefined;
  const principal = context?.authorizer?.principalId ?? context?.identity?.userArn ?? undefined;
  const named = header(event, 'x-author')
    ?.replace(/\p{Cc}/gu, '')
    .trim();
  const who = truncate(named || 'admin', 100);
  return principal ? `${truncate(principal, 200)}${named ? ` (${who})` : ''}` : who;
}

/**
 * Constant-time bearer token check of an Authorization header: compares SHA-256 digests, so length
 * and content leak nothing. Needs no body, so the local server runs it before reading one.
 */
export function bearerCheck(token: string): (authorization: string | undefined) => void {
  const expected = createHash('sha256').update(token, 'utf8').digest();
  return (authorization) => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    const given = createHash('sha256')
      .update(match?.[1] ?? '', 'utf8')
      .digest();
    if (!match || !timingSafeEqual(given, expected)) {
      throw new UnauthorizedError(
        match
          ? 'The admin token is not valid.'
          : 'The admin API needs a token: send "Authorization: Bearer <token>" (the value of CATCHMENTS_ADMIN_TOKEN).',
      );
    }
  };
}

/** The bearer check as a handler guard (the Lambda with a token, and behind the local server again). */
export function bearerGuard(token: string): (event: APIGatewayProxyEvent) => void {
  const check = bearerCheck(token);
  return (event) => check(header(event, 'authorization'));
}

export interface AdminApiOptions {
  readonly context: () => AdminContext | Promise<AdminContext>;
  readonly logger: Logger;
  /** Origins whose pages may call the admin API (CATCHMENTS_ADMIN_CORS_ORIGINS); never `*`. */
  readonly corsOrigins: readonly string[];
  /** `token`: require the bearer token here; `iam`: API Gateway's authorizer has already checked the caller. */
  readonly auth: { readonly mode: 'token'; readonly token: string } | { readonly mode: 'iam' };
}

export function createAdminApiHandler(options: AdminApiOptions): ApiHandler {
  return createApiHandler({
    router: new Router(ADMIN_ROUTES),
    operations: adminOperations,
    context: options.context,
    logger: options.logger,
    cacheSeconds: 0,
    corsOrigins: options.corsOrigins,
    ...(options.auth.mode === 'token' ? { guard: bearerGuard(options.auth.token) } : {}),
  });
}

// The Lambda entry point: configuration, the store and the service are built once per container,
// on the first invocation (so importing this module reads no environment).
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
  if (config.admin.auth === 'token' && !config.admin.token) {
    throw new Error(
      'CATCHMENTS_ADMIN_AUTH=token needs CATCHMENTS_ADMIN_TOKEN; on AWS set CATCHMENTS_ADMIN_AUTH=iam.',
    );
  }
  const { store, objects } = await openBoundaryStore(config);
  // On AWS the stack sets CATCHMENTS_EVENT_BUS_NAME (and grants events:PutEvents on that bus);
  // elsewhere events are only logged.
  const events = config.eventBusName
    ? new EventBridgePublisher({
        // Imported only when configured: the SDK client costs a start ~0.2 s otherwise.
        client: new (await import('@aws-sdk/client-eventbridge')).EventBridgeClient({}),
        eventBusName: config.eventBusName,
        logger,
      })
    : new MemoryEventPublisher(logger, 0);
  const service = new BoundarySetService({
    store,
    events,
    sliverToleranceM2: config.sliverToleranceM2,
    logger,
  });
  const directory = new NationalDirectoryService({
    store,
    uploads: objects ? new S3DirectoryUploads(objects) : null,
    routing: service.routing,
    maxUploadBytes: config.admin.maxUploadBytes,
    ingestBudgetMs: config.admin.ingestBudgetMs,
    logger,
  });
  const context: AdminContext = { service, maxBodyBytes: config.admin.maxBodyBytes, directory };
  return createAdminApiHandler({
    context: () => context,
    logger,
    corsOrigins: config.admin.corsOrigins,
    auth: config.admin.auth === 'iam' ? { mode: 'iam' } : { mode: 'token', token: config.admin.token! },
  });
}
