import { Type } from '@sinclair/typebox';
import { DIRECTORY_UPLOAD_FORMATS } from '../../application/ports/directory-uploads.js';
import { LAYER_NAMES } from '../../core/model.js';
import {
  DirectoryIngest,
  DirectoryUpload,
  Draft,
  EventSummary,
  PointerChange,
  SiteUpload,
  Validation,
  Version,
} from '../schemas/admin.js';
import { FeatureCollection } from '../schemas/common.js';
import { Nullable, StringEnum } from '../schemas/typebox.js';
import { empty, ok, operation, problem } from './operation.js';

/** Who is acting, recorded in the history: the same header on every admin edit. */
const Author = Type.Optional(
  Type.String({
    description:
      'Who is acting, for the history (locally one token is shared; on AWS the caller identity is recorded too).',
    maxLength: 100,
  }),
);

/** The draft's ETag on draft edits: the same precondition on every one. */
const DraftIfMatch = Type.Optional(
  Type.String({
    description:
      'The draft ETag ("<area>.draft.r<revision>"): apply the edit only at that revision (else 409).',
  }),
);

/** A publish's or rollback's reason (the service also refuses a blank or overlong one). */
const WHY = Type.String({
  description:
    'Why this change, kept in the version history, e.g. "Move Hempsted into the Gloucester City catchment".',
});

export const ADMIN_OPERATIONS = {
  createDraft: operation({
    tags: ['admin'],
    description:
      'Starts a draft: {"from": "active"} (the default) copies the active version; {"from": "empty", "area": {"name": ...}} starts from nothing (a new area needs "area"). An unpublished draft is replaced only with "replace": true.',
    path: Type.Object({
      area: Type.String({ examples: ['gloucestershire'] }),
    }),
    headers: Type.Object({
      'X-Author': Author,
    }),
    body: {
      required: false,
      content: {
        'application/json': Type.Object(
          {
            from: Type.Optional(
              StringEnum(['active', 'empty'], {
                description: '"active" copies the active version (the default); "empty" starts from nothing.',
              }),
            ),
            area: Type.Optional(
              Type.Object({}, { description: 'name, description, illustrative, attribution' }),
            ),
            replace: Type.Optional(
              Type.Boolean({ description: 'true replaces an unpublished draft (default false).' }),
            ),
          },
          { additionalProperties: false, examples: [{ from: 'active' }] },
        ),
      },
    },
    responses: {
      201: ok('The new draft.', { 'application/json': Draft }, { etag: true }),
      400: problem('A body of the wrong shape, or a new area without "area".'),
      401: problem('No admin token, or a wrong one (Authorization: Bearer <token>).'),
      404: problem('Unknown area, draft, layer or version.'),
      409: problem('An unpublished draft exists (delete it or send "replace": true).'),
    },
  }),
  getDraft: operation({
    tags: ['admin'],
    path: Type.Object({
      area: Type.String({ examples: ['gloucestershire'] }),
    }),
    responses: {
      200: ok(
        'The draft (layer and site summaries; GET a layer for its features).',
        { 'application/json': Draft },
        { etag: true },
      ),
      401: problem('No admin token, or a wrong one (Authorization: Bearer <token>).'),
      404: problem('Unknown area, draft, layer or version.'),
    },
  }),
  deleteDraft: operation({
    tags: ['admin'],
    path: Type.Object({
      area: Type.String({ examples: ['gloucestershire'] }),
    }),
    responses: {
      204: empty('Deleted.'),
      401: problem('No admin token, or a wrong one (Authorization: Bearer <token>).'),
      404: problem('Unknown area, draft, layer or version.'),
    },
  }),
  getDraftLayer: operation({
    tags: ['admin'],
    path: Type.Object({
      area: Type.String({ examples: ['gloucestershire'] }),
      layer: StringEnum(LAYER_NAMES, { examples: ['catchments'] }),
    }),
    responses: {
      200: ok('The layer.', { 'application/geo+json': FeatureCollection }),
      401: problem('No admin token, or a wrong one (Authorization: Bearer <token>).'),
      404: problem('Unknown area, draft, layer or version.'),
    },
  }),
  putDraftLayer: operation({
    tags: ['admin'],
    description:
      "Replaces one layer with a GeoJSON FeatureCollection or a zipped Shapefile (application/zip: the layer's .shp, .shx, .dbf and .prj in one zip; a .prj in British National Grid is reprojected) after the layer checks (docs/layer-checks.md). Each feature's id comes from ?idProperty= (for catchments: the hub id); ?crs=EPSG:27700 reprojects a British National Grid GeoJSON. Any problem: 422 listing every located problem, and nothing is saved.",
    path: Type.Object({
      area: Type.String({ examples: ['gloucestershire'] }),
      layer: StringEnum(LAYER_NAMES, { examples: ['catchments'] }),
    }),
    query: Type.Object({
      idProperty: Type.String({
        description:
          "The property holding each feature's id: for catchments, the column with the hub ids (e.g. ?idProperty=hub_id).",
        examples: ['hub_id'],
      }),
      nameProperty: Type.Optional(
        Type.String({ description: "The property holding each feature's display name.", examples: ['name'] }),
      ),
      crs: Type.Optional(
        Type.String({
          description:
            'EPSG:4326 (WGS84, the default) or EPSG:27700 (British National Grid, reprojected); a zipped Shapefile’s .prj says it already.',
          examples: ['EPSG:27700'],
        }),
      ),
    }),
    headers: Type.Object({
      'If-Match': DraftIfMatch,
      'X-Author': Author,
    }),
    body: {
      required: true,
      content: {
        'application/json': FeatureCollection,
        'application/geo+json': FeatureCollection,
        'application/zip': Type.String({ contentMediaType: 'application/zip' }),
      },
    },
    responses: {
      200: ok('The draft, with the new layer.', { 'application/json': Draft }, { etag: true }),
      400: problem(
        'No idProperty, an unknown crs, a body that is not JSON, or a zip that is not one Shapefile layer (no .shp or .dbf, several layers, a .prj in another CRS than WGS84 or British National Grid, or one that disagrees with ?crs=).',
      ),
      401: problem('No admin token, or a wrong one (Authorization: Bearer <token>).'),
      404: problem('Unknown area, draft, layer or version.'),
      409: problem('The draft is at another revision (If-Match), or it has been published.'),
      413: problem(
        'The body is larger than the admin limit (5 MiB by default), or the zip unpacks to more than 20 times it.',
      ),
      415: problem('The body is not sent as JSON or application/zip.'),
      422: problem('The layer has problems; `problems` lists each with its kind, place and what to do.'),
    },
  }),
  deleteDraftLayer: operation({
    tags: ['admin'],
    path: Type.Object({
      area: Type.String({ examples: ['gloucestershire'] }),
      layer: StringEnum(LAYER_NAMES, { examples: ['catchments'] }),
    }),
    headers: Type.Object({
      'If-Match': DraftIfMatch,
      'X-Author': Author,
    }),
    responses: {
      200: ok('The draft without the layer.', { 'application/json': Draft }, { etag: true }),
      401: problem('No admin token, or a wrong one (Authorization: Bearer <token>).'),
      404: problem('Unknown area, draft, layer or version.'),
      409: problem('The draft is at another revision (If-Match), or it has been published.'),
    },
  }),
  putDraftSites: operation({
    tags: ['admin'],
    description:
      'Replaces the hubs and spokes: an array of sites, or {"sites": [...], "area"?: {...}} (the area.json of a boundary-set folder; "area" also updates the description).',
    path: Type.Object({
      area: Type.String({ examples: ['gloucestershire'] }),
    }),
    headers: Type.Object({
      'If-Match': DraftIfMatch,
      'X-Author': Author,
    }),
    body: {
      required: true,
      content: {
        'application/json': Type.Union([
          Type.Array(SiteUpload),
          Type.Object({
            sites: Type.Array(SiteUpload),
            area: Type.Optional(Type.Object({})),
          }),
        ]),
      },
    },
    responses: {
      200: ok('The draft with the new sites.', { 'application/json': Draft }, { etag: true }),
      400: problem('Sites with problems (`problems` lists each); nothing is saved.'),
      401: problem('No admin token, or a wrong one (Authorization: Bearer <token>).'),
      404: problem('Unknown area, draft, layer or version.'),
      409: problem('The draft is at another revision (If-Match), or it has been published.'),
      413: problem('The body is larger than the admin limit.'),
      415: problem('The body is not sent as JSON.'),
    },
  }),
  validateDraft: operation({
    tags: ['admin'],
    description:
      'Runs every publish-time check: the layer checks, every hub has exactly one catchment (and every catchment a hub), no catchment overlaps beyond the sliver tolerance, coverage of the outline, and which directory postcodes would fall in a gap.',
    path: Type.Object({
      area: Type.String({ examples: ['gloucestershire'] }),
    }),
    responses: {
      200: ok('The problems and the summary.', { 'application/geo+json': Validation }),
      401: problem('No admin token, or a wrong one (Authorization: Bearer <token>).'),
      404: problem('Unknown area, draft, layer or version.'),
    },
  }),
  publishDraft: operation({
    tags: ['admin'],
    description:
      "Validates the draft, precomputes every directory postcode's answer, and makes it the next version, active, with one conditional write: of concurrent publishes exactly one succeeds, the others get 409 and leave nothing behind. The public API serves it within CATCHMENTS_REFRESH_SECONDS (at once locally).",
    path: Type.Object({
      area: Type.String({ examples: ['gloucestershire'] }),
    }),
    headers: Type.Object({
      'If-Match': Type.Optional(
        Type.String({
          description:
            'The active version you are changing: its number (3 or v3) or the ETag of GET /v1/areas/{area}. Required, unless If-None-Match: * says the area has no version yet. Missing: 428. Not the active version: 409.',
          examples: ['3'],
        }),
      ),
      'If-None-Match': Type.Optional(
        Type.Literal('*', {
          description: 'For the first version of an area: publish only if it has no active version.',
        }),
      ),
      'X-Author': Author,
    }),
    body: {
      required: true,
      content: {
        'application/json': Type.Object(
          {
            message: WHY,
            draftRevision: Type.Optional(
              Type.Integer({
                description:
                  'The revision GET …/draft reports (a whole number): publish only if the draft is still at it.',
              }),
            ),
          },
          {
            additionalProperties: false,
            examples: [{ message: 'Move Hempsted into the Gloucester City catchment' }],
          },
        ),
      },
    },
    responses: {
      201: ok('The new version, now active.', {
        'application/json': Type.Object({
          version: Version,
          event: EventSummary,
        }),
      }),
      400: problem('No message, or a malformed If-Match.'),
      401: problem('No admin token, or a wrong one (Authorization: Bearer <token>).'),
      404: problem('Unknown area, draft, layer or version.'),
      409: problem(
        'The active version is not the one If-Match named (someone published or rolled back), or the draft was already published.',
      ),
      422: problem('The draft has validation errors; `problems` lists them (see GET …/draft/validation).'),
      428: problem('No If-Match (or If-None-Match: * for a first version).'),
    },
  }),
  rollback: operation({
    tags: ['admin'],
    description: 'Makes another published version active (one conditional write, like a publish).',
    path: Type.Object({
      area: Type.String({ examples: ['gloucestershire'] }),
    }),
    headers: Type.Object({
      'If-Match': Type.Optional(
        Type.String({
          description:
            'The active version you are changing: its number (3 or v3) or the ETag of GET /v1/areas/{area}. Required, unless If-None-Match: * says the area has no version yet. Missing: 428. Not the active version: 409.',
          examples: ['3'],
        }),
      ),
      'X-Author': Author,
    }),
    body: {
      required: true,
      content: {
        'application/json': Type.Object(
          {
            version: Type.Integer({
              minimum: 1,
              description: 'The number of a published version to make active (see GET …/versions).',
            }),
            message: WHY,
          },
          { additionalProperties: false, examples: [{ version: 2, message: 'Back to v2 while we recheck' }] },
        ),
      },
    },
    responses: {
      200: ok('The pointer change and the version now active.', {
        'application/json': Type.Object({
          change: PointerChange,
          version: Version,
          event: EventSummary,
        }),
      }),
      400: problem('No message, no version, or the version is already active.'),
      401: problem('No admin token, or a wrong one (Authorization: Bearer <token>).'),
      404: problem('Unknown area, draft, layer or version.'),
      409: problem('The active version is not the one If-Match named.'),
      428: problem('No If-Match.'),
    },
  }),
  listVersions: operation({
    tags: ['admin'],
    path: Type.Object({
      area: Type.String({ examples: ['gloucestershire'] }),
    }),
    responses: {
      200: ok(
        'Every version, newest first, and every pointer change (publishes and rollbacks), newest first.',
        {
          'application/json': Type.Object({
            area: Type.String(),
            active: Nullable(Type.Integer()),
            latest: Type.Integer(),
            versions: Type.Array(Version),
            changes: Type.Array(PointerChange),
          }),
        },
      ),
      401: problem('No admin token, or a wrong one (Authorization: Bearer <token>).'),
      404: problem('Unknown area, draft, layer or version.'),
    },
  }),
  getVersion: operation({
    tags: ['admin'],
    path: Type.Object({
      area: Type.String({ examples: ['gloucestershire'] }),
      version: Type.Integer({ minimum: 1, examples: [2] }),
    }),
    responses: {
      200: ok('The version.', { 'application/json': Version }),
      400: problem('Not a version number.'),
      401: problem('No admin token, or a wrong one (Authorization: Bearer <token>).'),
      404: problem('Unknown area, draft, layer or version.'),
    },
  }),
  putDirectory: operation({
    tags: ['admin'],
    description:
      'Replaces the area postcode directory: the text format written by `catchments import-postcodes` (postcode,lat,lng,status,terminated). Answers change at the next publish (postcodes new since the active version are assigned on load meanwhile).',
    path: Type.Object({
      area: Type.String({ examples: ['gloucestershire'] }),
    }),
    headers: Type.Object({
      'X-Author': Author,
    }),
    body: { required: true, content: { 'text/csv': Type.String() } },
    responses: {
      200: ok('The stored directory.', {
        'application/json': Type.Object({
          area: Type.String(),
          stamp: Type.String(),
          postcodes: Type.Integer(),
        }),
      }),
      400: problem('A malformed directory.'),
      401: problem('No admin token, or a wrong one (Authorization: Bearer <token>).'),
      404: problem('Unknown area, draft, layer or version.'),
      413: problem('The body is larger than the admin limit.'),
      415: problem('The body is not text/csv.'),
    },
  }),
  createDirectoryUpload: operation({
    tags: ['admin'],
    description:
      'Step 1 of loading the national postcode directory through the API (a file far over the request body limit: England is 60 MB of CSV, 16.5 MB gzipped). Answers a presigned S3 URL: PUT the file (plain or gzipped CSV, no other headers needed) straight to it, then POST the `ingest` path. Only on AWS, where blobs live in the bucket (CATCHMENTS_BLOB_BUCKET); with the embedded store use `catchments load-postcodes`.',
    responses: {
      201: ok('Where to upload the file, until when, and where to ask for the ingest.', {
        'application/json': DirectoryUpload,
      }),
      401: problem('No admin token, or a wrong one (Authorization: Bearer <token>).'),
      404: problem(
        'This deployment has no blob bucket (the embedded store): use `catchments load-postcodes`.',
      ),
    },
  }),
  ingestDirectoryUpload: operation({
    tags: ['admin'],
    description:
      'Step 2: reads the uploaded file and makes it the national postcode directory, then rebuilds the national routing over it. Each call works for at most CATCHMENTS_INGEST_BUDGET_MS (default 15 s) and keeps what it stored: 202 says how far it got (`state` storing or routing), so call again until 200 (`state` done). Idempotent: nothing is served half-loaded, and the previous directory is served until the switch. One call at a time: a call while another holds the directory gets 409.',
    path: Type.Object({
      upload: Type.String({ description: 'The id POST /v1/admin/directory/uploads returned.' }),
    }),
    query: Type.Object({
      format: Type.Optional(
        StringEnum([...DIRECTORY_UPLOAD_FORMATS], {
          description:
            'points (default: a headed CSV with postcode, lat, lng, e.g. gb-postcodes.csv.gz), directory (what catchments import-postcodes writes), or the products codepoint, onspd, nspl.',
        }),
      ),
    }),
    headers: Type.Object({
      'X-Author': Author,
    }),
    responses: {
      200: ok('The directory is loaded and served (the routing is rebuilt over it).', {
        'application/json': DirectoryIngest,
      }),
      202: ok('Progress so far: call again to go on.', { 'application/json': DirectoryIngest }),
      400: problem(
        'An unknown format, a file not of the format, or an upload over CATCHMENTS_UPLOAD_MAX_BYTES.',
      ),
      401: problem('No admin token, or a wrong one (Authorization: Bearer <token>).'),
      404: problem(
        'No such upload (nothing PUT to the URL yet, or removed once ingested), or no blob bucket in this deployment.',
      ),
      409: problem(
        "Another ingest call holds the directory (this upload's or another's; `ingesting` names it and until when): nothing was changed, call again once it answers.",
      ),
    },
  }),
};
