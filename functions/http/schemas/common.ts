// Schemas shared by every part of the API: problems, places, sites, GeoJSON, version counts.
import { Type } from '@sinclair/typebox';
import { StringEnum } from './typebox.js';

export const GeometryProblem = Type.Object(
  {
    kind: Type.String(),
    message: Type.String(),
    feature: Type.Optional(Type.String()),
    location: Type.Optional(Type.Array(Type.Number(), { minItems: 2, maxItems: 2 })),
  },
  { $id: 'GeometryProblem' },
);
export const Problem = Type.Object(
  {
    type: Type.String({ examples: ['/problems/invalid-postcode'] }),
    title: Type.String(),
    status: Type.Integer({ minimum: 400, maximum: 599 }),
    detail: Type.String(),
    instance: Type.Optional(Type.String()),
    requestId: Type.Optional(Type.String()),
    received: Type.Optional(Type.Unknown()),
    postcode: Type.Optional(Type.String()),
    limit: Type.Optional(Type.Integer()),
    limitBytes: Type.Optional(Type.Integer()),
    path: Type.Optional(Type.String()),
    problems: Type.Optional(Type.Array(GeometryProblem)),
  },
  {
    description: 'RFC 9457 problem details. `type` is stable per kind of error; `detail` says what to do.',
    $id: 'Problem',
  },
);
export const LatLng = Type.Object(
  {
    lat: Type.Number({ minimum: -90, maximum: 90 }),
    lng: Type.Number({ minimum: -180, maximum: 180 }),
  },
  { additionalProperties: false, $id: 'LatLng' },
);
export const Service = Type.Object(
  {
    code: Type.String(),
    label: Type.String(),
  },
  { additionalProperties: false, $id: 'Service' },
);
export const OrukIds = Type.Object(
  {
    serviceId: Type.Optional(Type.String({ description: 'ORUK `service.id`.' })),
    locationId: Type.Optional(Type.String({ description: 'ORUK `location.id`.' })),
    serviceAtLocationId: Type.Optional(Type.String({ description: 'ORUK `service_at_location.id`.' })),
  },
  {
    $id: 'OrukIds',
    additionalProperties: false,
    description: "The site's ids in the council's Open Referral UK (ORUK) service directory feed.",
  },
);

export const Site = Type.Object(
  {
    id: Type.String({ description: 'Stable id, e.g. hub-cinderford.' }),
    kind: StringEnum(['hub', 'spoke']),
    name: Type.String(),
    hubId: Type.Optional(Type.String({ description: 'Spokes only: the hub the spoke belongs to.' })),
    address: Type.String(),
    postcode: Type.String(),
    location: LatLng,
    operator: Type.String(),
    services: Type.Array(Service),
    ages: Type.Object({
      min: Type.Integer(),
      max: Type.Integer(),
      sendMaxAge: Type.Optional(Type.Integer()),
    }),
    contact: Type.Object({
      phone: Type.Optional(Type.String()),
      email: Type.Optional(Type.String()),
      website: Type.Optional(Type.String()),
    }),
    openingHours: Type.String({ description: 'OpenStreetMap opening_hours syntax.' }),
    oruk: Type.Optional(OrukIds),
    ofstedUrn: Type.Optional(
      Type.String({
        pattern: '^(?:[A-Z]{2})?\\d{5,8}$',
        description: 'Ofsted unique reference number (children’s centre or early years registration).',
        examples: ['EY123456'],
      }),
    ),
  },
  { description: 'A family hub or spoke site.', $id: 'Site' },
);
export const SiteWithDistance = Type.Intersect(
  [
    Site,
    Type.Object({
      distanceM: Type.Integer({ minimum: 0 }),
    }),
  ],
  {
    description: 'A site with its geodesic distance in whole metres from the looked-up point.',
    $id: 'SiteWithDistance',
  },
);
export const UnitRef = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
  },
  { additionalProperties: false, $id: 'UnitRef' },
);
export const GeoJsonFeature = Type.Object(
  {
    type: Type.Literal('Feature'),
    geometry: Type.Object({}),
    properties: Type.Object({}),
  },
  { $id: 'GeoJsonFeature' },
);
export const FeatureCollection = Type.Object(
  {
    type: Type.Literal('FeatureCollection'),
    features: Type.Array(GeoJsonFeature),
  },
  { description: 'A GeoJSON FeatureCollection (RFC 7946), WGS84 [lng, lat].', $id: 'FeatureCollection' },
);
export const AreaInfo = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    description: Type.Optional(Type.String()),
    illustrative: Type.Boolean(),
    attribution: Type.Array(Type.String()),
  },
  { $id: 'AreaInfo' },
);
export const VersionCounts = Type.Object(
  {
    hubs: Type.Integer({ minimum: 0 }),
    spokes: Type.Integer({ minimum: 0 }),
    catchments: Type.Integer({ minimum: 0 }),
    hvPatches: Type.Integer({ minimum: 0 }),
    cocTeams: Type.Integer({ minimum: 0 }),
    spokeCatchments: Type.Integer({ minimum: 0 }),
    postcodes: Type.Integer({ minimum: 0 }),
    postcodesInGaps: Type.Integer({ minimum: 0 }),
  },
  { $id: 'VersionCounts' },
);
