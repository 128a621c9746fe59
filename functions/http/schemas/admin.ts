// Schemas of the planners' admin API: drafts, versions, pointer changes, validation.
import { Type } from '@sinclair/typebox';
import { AreaInfo, VersionCounts } from './common.js';
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
