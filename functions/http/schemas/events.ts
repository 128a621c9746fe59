// The boundary-set event (functions/application/ports/event-publisher.ts) as delivered to webhooks
// and EventBridge: documented under `webhooks` in the OpenAPI document; docs/events.md explains it.
import { Type } from '@sinclair/typebox';
import { VersionCounts } from './common.js';
import { Nullable, StringEnum } from './typebox.js';

const Ids = Type.Object(
  { hub: Nullable(Type.String()), hvPatch: Nullable(Type.String()), cocTeam: Nullable(Type.String()) },
  { $id: 'UnitIds', description: "A postcode's hub, HV patch and CoC team ids in one version (null: none)." },
);

export const ChangedLayer = StringEnum(['hub', 'hvPatch', 'cocTeam'] as const, { $id: 'ChangedLayer' });

export const ChangedPostcode = Type.Object(
  {
    postcode: Type.String(),
    changed: Type.Array(ChangedLayer, { minItems: 1, description: 'Which layers differ, in this order.' }),
    before: Ids,
    after: Ids,
  },
  { $id: 'ChangedPostcode', additionalProperties: false },
);

export const ChangeCounts = Type.Object(
  {
    hub: Type.Integer({ minimum: 0 }),
    hvPatch: Type.Integer({ minimum: 0 }),
    cocTeam: Type.Integer({ minimum: 0 }),
  },
  {
    $id: 'ChangeCounts',
    description: 'Postcodes changing each layer (one changing two layers counts in both).',
  },
);

export const HubMove = Type.Object(
  {
    fromHub: Nullable(Type.String()),
    toHub: Nullable(Type.String()),
    postcodes: Type.Integer({ minimum: 1 }),
  },
  { $id: 'HubMove' },
);

export const BoundarySetEvent = Type.Object(
  {
    schema: Type.Literal(2),
    type: StringEnum(['boundary-set.published', 'boundary-set.rolled-back'] as const),
    id: Type.String({ description: 'Unique per change: de-duplicate on it.' }),
    area: Type.String(),
    fromVersion: Nullable(Type.Integer({ minimum: 1 })),
    toVersion: Type.Integer({ minimum: 1 }),
    seq: Type.Integer({ minimum: 1, description: "The area's change number: a gap means a missed event." }),
    at: Type.String({ format: 'date-time' }),
    by: Type.String(),
    message: Type.String(),
    counts: VersionCounts,
    changedPostcodeCount: Type.Integer({ minimum: 0 }),
    changedCounts: ChangeCounts,
    changedPostcodes: Type.Array(ChangedPostcode),
    changedPostcodesTruncated: Type.Boolean(),
    changeList: Type.Object({
      next: Nullable(
        Type.String({ description: 'The next page of the public change list, when truncated.' }),
      ),
      csv: Nullable(Type.String({ description: 'Every change of the version pair as CSV.' })),
    }),
    hubMoves: Type.Array(HubMove),
    assignments: Type.Object({ from: Nullable(Type.String()), to: Type.String() }),
  },
  { $id: 'BoundarySetEvent' },
);
