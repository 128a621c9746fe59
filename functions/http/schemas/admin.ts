// Schemas of the planners' admin API: drafts, versions, pointer changes, validation.
import { Type } from '@sinclair/typebox';
import { SERVICE_CODES } from '../../core/model.js';
import { AreaInfo, LatLng, OrukIds, VersionCounts } from './common.js';
import { Nullable, StringEnum } from './typebox.js';

export const DraftPart = Type.Object(
  {
    bytes: Type.Integer({ description: 'Size of the stored JSON text.' }),
    sha256: Type.String({ description: 'SHA-256 of the stored JSON text: equal hashes, equal content.' }),
    updatedAt: Type.String({ format: 'date-time' }),
    updatedBy: Type.String(),
    features: Type.Optional(Type.Integer()),
    hubs: Type.Optional(Type.Integer()),
    spokes: Type.Optional(Type.Integer()),
  },
  { $id: 'DraftPart' },
);
export const Draft = Type.Object(
  {
    area: Type.String(),
    draftId: Type.String(),
    revision: Type.Integer({ minimum: 1 }),
    baseVersion: Nullable(Type.Integer(), { description: 'The active version when the draft was created.' }),
    areaInfo: AreaInfo,
    createdAt: Type.String({ format: 'date-time' }),
    createdBy: Type.String(),
    updatedAt: Type.String({ format: 'date-time' }),
    updatedBy: Type.String(),
    layers: Type.Object({}, { additionalProperties: DraftPart }),
    sites: Nullable(DraftPart),
    publishedAs: Nullable(Type.Integer(), {
      description: 'Set once published: a published draft no longer changes and is not published again.',
    }),
    publishing: Type.Optional(
      Nullable(
        Type.Object({
          revision: Type.Integer({ minimum: 1 }),
          by: Type.String(),
          since: Type.String({ format: 'date-time' }),
          until: Type.String({ format: 'date-time' }),
        }),
        {
          description:
            'Set while a publish of this draft is in flight: edits are refused (409) until it ends, or until `until` should the publisher have died.',
        },
      ),
    ),
  },
  {
    description: 'A mutable boundary set. Its ETag is "<area>.draft.r<revision>" (If-Match on edits).',
    $id: 'Draft',
  },
);
export const Version = Type.Object(
  {
    area: Type.String(),
    version: Type.Integer({ minimum: 1 }),
    publishedAt: Type.String({ format: 'date-time' }),
    publishedBy: Type.String(),
    message: Type.String(),
    basedOn: Nullable(Type.Integer(), { description: 'The version active when this one was published.' }),
    counts: VersionCounts,
    hubChanges: Type.Integer({ description: "Postcodes whose hub differs from basedOn's answer." }),
    directoryStamp: Nullable(Type.String()),
    draft: Nullable(
      Type.Object({
        id: Type.String(),
        revision: Type.Integer(),
      }),
    ),
    active: Type.Optional(Type.Boolean()),
  },
  { description: 'One published, immutable version: who, when, why, and what it holds.', $id: 'Version' },
);
export const PointerChange = Type.Object(
  {
    id: Type.String(),
    seq: Type.Integer({ minimum: 1 }),
    area: Type.String(),
    kind: StringEnum(['publish', 'rollback']),
    from: Nullable(Type.Integer()),
    to: Type.Integer(),
    at: Type.String({ format: 'date-time' }),
    by: Type.String(),
    message: Type.String(),
  },
  { $id: 'PointerChange' },
);
export const EventSummary = Type.Object(
  {
    id: Type.String(),
    type: StringEnum(['boundary-set.published', 'boundary-set.rolled-back']),
    changedPostcodeCount: Type.Integer(),
    changedPostcodesTruncated: Type.Boolean(),
  },
  { $id: 'EventSummary' },
);
export const Validation = Type.Object(
  {
    type: Type.Literal('FeatureCollection'),
    features: Type.Array(
      Type.Object({
        type: Type.Literal('Feature'),
        geometry: Nullable(Type.Object({})),
        properties: Type.Object({
          kind: Type.String(),
          severity: StringEnum(['error', 'warning', 'info']),
          message: Type.String(),
          layer: Type.Optional(Type.String()),
          feature: Type.Optional(Type.String()),
          otherFeature: Type.Optional(Type.String()),
          areaM2: Type.Optional(Type.Number()),
        }),
      }),
    ),
    area: Type.String(),
    draftRevision: Type.Integer(),
    publishable: Type.Boolean(),
    errors: Type.Integer(),
    warnings: Type.Integer(),
    coverage: Nullable(
      Type.Object({
        outlineAreaM2: Type.Number(),
        coveredAreaM2: Type.Number(),
        uncoveredAreaM2: Type.Number(),
        coveredShare: Type.Number({ minimum: 0, maximum: 1 }),
        outsideOutlineAreaM2: Type.Number(),
        overlapAreaM2: Type.Number(),
      }),
    ),
    postcodes: Type.Object({
      assigned: Type.Integer(),
      inGaps: Type.Integer(),
      directoryStamp: Nullable(Type.String()),
    }),
  },
  {
    description:
      'Every problem as a GeoJSON Feature (an overlap as its polygon, others as a Point, unlocated ones with a null geometry) with properties kind, severity (error blocks publishing; warning; info) and message; the summary rides along as foreign members.',
    $id: 'Validation',
  },
);

/** A hub or spoke as a planner uploads it (the sites of an area.json): service codes, not labels. */
export const SiteUpload = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 200, examples: ['hub-cinderford'] }),
    kind: StringEnum(['hub', 'spoke'] as const),
    name: Type.String({ minLength: 1, maxLength: 500 }),
    hubId: Type.Optional(
      Type.String({ description: 'Spokes only: the hub it belongs to (within 50 km of it).' }),
    ),
    address: Type.String({ minLength: 1, maxLength: 500 }),
    postcode: Type.String({ description: 'A UK postcode (normalised on upload).' }),
    location: LatLng,
    operator: Type.String({ minLength: 1, maxLength: 500 }),
    services: Type.Array(StringEnum(SERVICE_CODES)),
    ages: Type.Object({
      min: Type.Integer({ minimum: 0, maximum: 25 }),
      max: Type.Integer({ minimum: 0, maximum: 25 }),
      sendMaxAge: Type.Optional(Type.Integer({ minimum: 0, maximum: 25 })),
    }),
    contact: Type.Object(
      {
        phone: Type.Optional(Type.String()),
        email: Type.Optional(Type.String()),
        website: Type.Optional(Type.String()),
      },
      { additionalProperties: false },
    ),
    openingHours: Type.String({ minLength: 1, description: 'OpenStreetMap opening_hours syntax.' }),
    oruk: Type.Optional(OrukIds),
    ofstedUrn: Type.Optional(Type.String({ pattern: '^(?:[A-Z]{2})?\\d{5,8}$', examples: ['EY123456'] })),
  },
  { $id: 'SiteUpload' },
);

export const DirectoryUpload = Type.Object(
  {
    upload: Type.String({ description: 'The upload id, for the ingest.' }),
    method: Type.Literal('PUT'),
    url: Type.String({ format: 'uri', description: 'Presigned S3 URL: PUT the file here.' }),
    expiresAt: Type.String({ format: 'date-time' }),
    maxBytes: Type.Integer({
      description: 'Larger files are refused at ingest (CATCHMENTS_UPLOAD_MAX_BYTES).',
    }),
    ingest: Type.String({ description: 'Where to POST once the file is uploaded.' }),
  },
  { additionalProperties: false },
);

export const DirectoryIngest = Type.Object(
  {
    upload: Type.String(),
    state: StringEnum(['storing', 'routing', 'done'], {
      description: 'storing: pieces still to store; routing: stored, routing still to rebuild; done: served.',
    }),
    postcodes: Type.Integer(),
    stamp: Type.String({ description: "The directory's content stamp." }),
    storedBytes: Type.Integer(),
    totalBytes: Type.Integer(),
    resumedBytes: Type.Integer({ description: 'Bytes an earlier call had stored already.' }),
    routing: Nullable(
      Type.Object({ action: Type.String(), areasRead: Type.Integer() }, { additionalProperties: false }),
    ),
  },
  { additionalProperties: false },
);
