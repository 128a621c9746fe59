// Loads what the national sample is built from: the LSOA layer, the districts chosen, and every
// postcode of the national file routed to its district (one pass over the CSV). Each district then
// becomes an area on demand (`inputFor` + core/national-sample/district-area.ts), so only the
// postcodes of the chosen districts are kept in memory.
import type { DistrictInput, PlanPostcode } from '../../core/national-sample/district-plan.js';
import {
  PostcodeRouter,
  type RoutingCounts,
  type RoutingLsoa,
} from '../../core/national-sample/postcode-routing.js';
import {
  DEFAULT_LSOA_PROPERTIES,
  type LsoaProperties,
  NationalSourceError,
  type PostcodeReadCounts,
  readLsoaLayer,
  readPostcodeRows,
} from './sources.js';

export interface NationalSources {
  /** The LSOA layer (`england-lsoa.geojson.gz`). */
  readonly lsoaFile: string;
  /** The postcode file (`gb-postcodes.csv.gz`). */
  readonly postcodeFile: string;
  readonly lsoaProperties?: LsoaProperties;
}

/** Which districts to build: all, the first n by code, or the codes given. */
export type DistrictSelection =
  | { readonly kind: 'all' }
  | { readonly kind: 'first'; readonly count: number }
  | { readonly kind: 'codes'; readonly codes: readonly string[] };

export interface NationalSample {
  /** The districts chosen, by code. */
  readonly districts: readonly string[];
  /** Every district of the LSOA layer. */
  readonly allDistricts: number;
  readonly lsoas: number;
  readonly postcodeFile: PostcodeReadCounts;
  readonly routing: RoutingCounts;
  /** The district's LSOAs, sorted by code. */
  lsoasOf(code: string): DistrictInput['lsoas'];
  /** The district's LSOAs and postcodes (sorted by postcode, a postcode listed twice kept once). */
  inputFor(code: string): DistrictInput;
}

export interface LoadProgress {
  /** Bytes of the postcode file read so far (compressed bytes when it is gzipped). */
  onPostcodeBytes?(bytesRead: number): void;
}

export async function loadNationalSample(
  sources: NationalSources,
  selection: DistrictSelection,
  progress: LoadProgress = {},
): Promise<NationalSample> {
  const lsoas = await readLsoaLayer(sources.lsoaFile, sources.lsoaProperties ?? DEFAULT_LSOA_PROPERTIES);
  const allDistricts = [...new Set(lsoas.map((l) => l.district))].sort();
  const districts = chooseDistricts(allDistricts, selection);
  const { lsoasOf, routed, routing, postcodeFile } = await route(sources, lsoas, districts, progress);
  return {
    districts,
    allDistricts: allDistricts.length,
    lsoas: lsoas.length,
    postcodeFile,
    routing,
    lsoasOf: (code) => lsoasOf.get(code) ?? [],
    inputFor: (code) => ({
      code,
      lsoas: lsoasOf.get(code) ?? [],
      postcodes: onePerPostcode(routed.get(code)?.records() ?? []),
    }),
  };
}

/**
 * One pass over the postcode file. Its own function so that no closure of the caller's keeps the
 * router — and its index of every LSOA near the districts, ~135 MB for England — alive afterwards.
 */
async function route(
  sources: NationalSources,
  lsoas: readonly RoutingLsoa[],
  districts: readonly string[],
  progress: LoadProgress,
) {
  const router = new PostcodeRouter(lsoas, new Set(districts));
  const postcodeFile = await readPostcodeRows(
    sources.postcodeFile,
    (row) => router.add(row),
    progress.onPostcodeBytes,
  );
  return {
    lsoasOf: new Map(districts.map((code) => [code, router.districtLsoas(code)])),
    routed: new Map(districts.map((code) => [code, router.routed(code)])),
    routing: router.routingCounts,
    postcodeFile,
  };
}

/** The districts chosen, sorted by code; unknown codes are refused with examples of known ones. */
export function chooseDistricts(all: readonly string[], selection: DistrictSelection): string[] {
  if (selection.kind === 'all') return [...all];
  if (selection.kind === 'first') {
    if (!Number.isInteger(selection.count) || selection.count < 1) {
      throw new NationalSourceError(
        `--districts ${selection.count}: give a whole number of districts from 1 to ${all.length}.`,
      );
    }
    return all.slice(0, selection.count);
  }
  const known = new Set(all);
  const wanted = [...new Set(selection.codes.map((c) => c.trim().toUpperCase()).filter(Boolean))];
  const unknown = wanted.filter((c) => !known.has(c));
  if (unknown.length > 0 || wanted.length === 0) {
    throw new NationalSourceError(
      `--districts: ${unknown.length > 0 ? `${unknown.slice(0, 5).join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not a district of the LSOA layer` : 'no district codes given'}. ` +
        `Give district codes such as ${all.slice(0, 3).join(', ')} (comma-separated), or a count.`,
    );
  }
  return wanted.sort();
}

function onePerPostcode(postcodes: readonly PlanPostcode[]): PlanPostcode[] {
  const sorted = [...postcodes].sort((a, b) =>
    a.postcode < b.postcode ? -1 : a.postcode > b.postcode ? 1 : 0,
  );
  return sorted.filter((p, i) => i === 0 || sorted[i - 1]!.postcode !== p.postcode);
}
