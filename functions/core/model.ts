// The domain vocabulary shared by every part of the service. Plain data only: everything here
// can be JSON-serialised as is, which is what the stores and the HTTP layer rely on.

import type { Feature, FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import type { CensusCodes } from './census.js';

/** A WGS84 position as RFC 7946 orders it: longitude first. */
export type LngLat = readonly [lng: number, lat: number];

/** WGS84 latitude/longitude as the public API spells it (object form, no ordering trap). */
export interface LatLng {
  readonly lat: number;
  readonly lng: number;
}

/** The polygon layers a boundary set can hold. `outline` has one feature: the area itself. */
export const LAYER_NAMES = ['outline', 'catchments', 'hv-patches', 'coc-teams', 'spoke-catchments'] as const;
export type LayerName = (typeof LAYER_NAMES)[number];

/** Properties every layer feature carries once imported: a stable id and a display name. */
export interface LayerFeatureProperties {
  readonly id: string;
  readonly name: string;
  /** For `spoke-catchments` and (optionally) `hv-patches`: the hub the unit belongs to. */
  readonly hubId?: string;
  readonly [extra: string]: unknown;
}

export type AreaGeometry = Polygon | MultiPolygon;
export type LayerFeature = Feature<AreaGeometry, LayerFeatureProperties>;
export type Layer = FeatureCollection<AreaGeometry, LayerFeatureProperties>;

export type SiteKind = 'hub' | 'spoke';

/**
 * The family hub core offer, as service codes. Free text is avoided so that other apps can filter
 * on them; `SERVICE_LABELS` gives the words a person reads.
 */
export const SERVICE_CODES = [
  'midwifery',
  'health-visiting',
  'infant-feeding',
  'early-years',
  'parenting-support',
  'relationship-support',
  'perinatal-mental-health',
  'send',
  'youth',
  'employment-advice',
  'domestic-abuse-support',
  'debt-and-welfare-advice',
] as const;
export type ServiceCode = (typeof SERVICE_CODES)[number];

export const SERVICE_LABELS: Readonly<Record<ServiceCode, string>> = {
  midwifery: 'Midwifery and antenatal appointments',
  'health-visiting': 'Health visiting and child health clinics',
  'infant-feeding': 'Infant feeding support',
  'early-years': 'Early years (0-5) play and learning',
  'parenting-support': 'Parenting support',
  'relationship-support': 'Parental relationship support',
  'perinatal-mental-health': 'Perinatal mental health and parent-infant relationships',
  send: 'Special educational needs and disabilities (SEND) support',
  youth: 'Youth services',
  'employment-advice': 'Employment and skills advice',
  'domestic-abuse-support': 'Domestic abuse support',
  'debt-and-welfare-advice': 'Debt and welfare advice',
};

export interface Contact {
  readonly phone?: string;
  readonly email?: string;
  readonly website?: string;
}

/** A family hub or one of its spokes: a point site with what it offers. */
export interface Site {
  readonly id: string;
  readonly kind: SiteKind;
  readonly name: string;
  /** Spokes only: the hub this spoke belongs to. */
  readonly hubId?: string;
  readonly address: string;
  readonly postcode: string;
  readonly location: LatLng;
  readonly operator: string;
  readonly services: readonly ServiceCode[];
  /** Ages served, in years; `sendMaxAge` is the upper age for families with SEND (25 in England). */
  readonly ages: { readonly min: number; readonly max: number; readonly sendMaxAge?: number };
  readonly contact: Contact;
  /** Opening hours in OpenStreetMap `opening_hours` syntax, e.g. "Mo-Fr 09:00-17:00". */
  readonly openingHours: string;
  /** Open Referral UK ids, to join the site to a council's ORUK service directory feed. */
  readonly oruk?: OrukIds;
  /** Ofsted unique reference number (children's centre or early years registration), e.g. "EY123456". */
  readonly ofstedUrn?: string;
}

/** A site's ids in an Open Referral UK feed (each optional: councils publish some or all). */
export interface OrukIds {
  readonly serviceId?: string;
  readonly locationId?: string;
  readonly serviceAtLocationId?: string;
}

export const ORUK_ID_FIELDS = ['serviceId', 'locationId', 'serviceAtLocationId'] as const;

export interface AreaInfo {
  /** Stable slug, e.g. `gloucestershire`. */
  readonly id: string;
  readonly name: string;
  readonly description?: string;
  /** True for sample data that is not any council's real boundaries. */
  readonly illustrative: boolean;
  /** Licence attributions that must travel with the data. */
  readonly attribution: readonly string[];
}

/** All layers and sites of one area: a draft (version null) or a published version. */
export interface BoundarySet {
  readonly area: AreaInfo;
  /** Published version number (1, 2, 3...), or null for a draft. */
  readonly version: number | null;
  readonly layers: {
    readonly outline: Layer;
    readonly catchments: Layer;
    readonly 'hv-patches'?: Layer;
    readonly 'coc-teams'?: Layer;
    readonly 'spoke-catchments'?: Layer;
  };
  readonly sites: readonly Site[];
}

export type PostcodeStatus = 'live' | 'terminated';

/** One postcode of the directory. `location` is null for postcodes with no grid reference. */
export interface PostcodeRecord {
  readonly postcode: string;
  readonly location: LatLng | null;
  readonly status: PostcodeStatus;
  /** Year and month of termination (`YYYY-MM`), when the source gives it. */
  readonly terminated?: string;
  /** Census output area and LSOA codes, when the directory carries them (ONSPD, NSPL; functions/core/census.ts). */
  readonly census?: CensusCodes;
}
