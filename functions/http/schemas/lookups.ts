// Schemas of the public lookup and area answers.
import { Type } from '@sinclair/typebox';
import { LatLng, Problem, Site, SiteWithDistance, UnitRef } from './common.js';
import { Nullable, StringEnum } from './typebox.js';

export const LookupAnswer = Type.Object(
  {
    postcode: Type.Optional(Type.String({ description: 'Normalised postcode (postcode lookups only).' })),
    status: Type.Optional(
      StringEnum(['live', 'terminated'], { description: 'Directory status (postcode lookups only).' }),
    ),
    terminated: Type.Optional(
      Type.String({ description: 'YYYY-MM the postcode was terminated, when known.' }),
    ),
    locationSource: Type.Optional(
      Type.Literal('geocoder', {
        description:
          'Present when the postcode is not in the directory and was located by address search (Amazon Location, where configured).',
      }),
    ),
    area: Type.String(),
    version: Nullable(Type.Integer(), { description: 'Version of the boundary set that answered.' }),
    location: LatLng,
    match: StringEnum(['inside', 'boundary', 'gap', 'outside']),
    hub: Nullable(SiteWithDistance),
    spokes: Type.Array(SiteWithDistance, { description: "The hub's spokes, nearest first (at most 3)." }),
    hvPatch: Nullable(UnitRef),
    cocTeam: Nullable(UnitRef),
    nearestHub: Nullable(SiteWithDistance),
    boundary: Type.Optional(
      Type.Object({
        hubIds: Type.Array(Type.String()),
        rule: Type.String(),
      }),
    ),
  },
  {
    description:
      'Where a postcode or point falls. `match`: inside (one catchment), boundary (on a shared boundary or in more than one catchment: lowest hub id wins, listed in `boundary`), gap (inside the area but in no catchment: no hub, nearestHub offered), outside (outside every area: nearestHub offered).',
    $id: 'LookupAnswer',
  },
);
export const BulkRequest = Type.Object(
  {
    postcodes: Type.Optional(Type.Array(Type.String())),
    locations: Type.Optional(Type.Array(LatLng)),
  },
  {
    description: 'At most 100 items in all (configurable). Results come back in request order.',
    additionalProperties: false,
    $id: 'BulkRequest',
  },
);
export const BulkItem = Type.Union(
  [
    Type.Object(
      {
        answer: LookupAnswer,
      },
      { additionalProperties: false },
    ),
    Type.Object(
      {
        error: Problem,
      },
      { additionalProperties: false },
    ),
  ],
  { $id: 'BulkItem' },
);
export const BulkResponse = Type.Object(
  {
    postcodes: Type.Array(BulkItem, { description: 'Item i answers request postcodes[i].' }),
    locations: Type.Array(BulkItem, { description: 'Item i answers request locations[i].' }),
  },
  { $id: 'BulkResponse' },
);
export const AreaSummary = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    description: Type.Optional(Type.String()),
    illustrative: Type.Boolean({
      description: 'True for sample data that is not a council’s real boundaries.',
    }),
    version: Nullable(Type.Integer()),
    counts: Type.Object({
      hubs: Type.Integer(),
      spokes: Type.Integer(),
      hvPatches: Type.Integer(),
      cocTeams: Type.Integer(),
    }),
    attribution: Type.Array(Type.String()),
  },
  { $id: 'AreaSummary' },
);
export const HubWithSpokes = Type.Intersect(
  [
    Site,
    Type.Object({
      spokes: Type.Array(Site),
    }),
  ],
  { $id: 'HubWithSpokes' },
);
