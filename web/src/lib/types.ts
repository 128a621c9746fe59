// The API's shapes as the pages read them. Lookup answers and alignment results are the server's
// own types (type-only imports: nothing of functions/ is bundled), so the pages cannot drift from them.

export type {
  AlignmentFix,
  AlignmentResult,
  ScoreSet,
  UnitFit,
} from '../../../functions/core/alignment/align.js';
export type {
  LookupAnswer,
  SiteAnswer,
  SiteWithDistance,
  UnitRef,
} from '../../../functions/core/lookup/answer.js';

import type { SiteAnswer } from '../../../functions/core/lookup/answer.js';

/**
 * The part of GET /v1/sites/nearest's answer the public page reads (schema: `NearestSites` in
 * functions/http/schemas/lookups.ts); each site is the server's own `SiteAnswer`.
 */
export interface NearestSites {
  readonly sites: readonly { readonly distanceM: number; readonly site: SiteAnswer }[];
}

/** The pages' runtime settings (/assets/config.json, written by the build from the branding). */
export interface WebConfigShape {
  readonly apiBase: string;
  /** A raster tile server the council may use ({z}/{x}/{y}); off by default. */
  readonly tiles: { readonly url: string; readonly attribution: string; readonly maxzoom?: number } | null;
  /** A single-file PMTiles basemap on this site (vector or raster), drawn under the layers. */
  readonly basemap: { readonly url: string; readonly attribution: string; readonly maxzoom: number } | null;
  /** Area ids the page speaks for ([]: every area the API serves). */
  readonly areas: readonly string[];
}
