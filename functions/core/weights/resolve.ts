// Puts a weights file (weights-table.ts) on the area's postcodes: each weight lands on live,
// located postcodes of the directory, the only places a family can be counted (a terminated
// postcode has nobody; one without a grid reference cannot be placed in any unit).
//
// - Keyed by postcode: the row's weight goes to that postcode.
// - Keyed by census code (OA or LSOA), "spread by postcode count": the row's weight is divided
//   equally among the live located postcodes carrying that code. Codes come from the directory's
//   census column (ONSPD/NSPL; functions/core/census.ts) or from a census layer's polygons (each
//   postcode in the polygon it falls in, the lookup's point-in-polygon rule).
// - Whatever cannot be placed is reported, never dropped: per row, its weight and why (`malformed`
//   key, `unknown` postcode or code — not in this area's directory, or no live located postcode
//   has it —, `terminated` postcode, postcode with `no-location`). So
//   matched.weight = total − unmatched.weight, and the weights on postcodes add up to matched.weight
//   (up to floating-point rounding of the spread), which every caseload total then splits.
import { CENSUS_COLUMNS, type CensusColumn, isCensusCode } from '../census.js';
import { InvalidRequestError } from '../errors.js';
import type { Layer, PostcodeRecord } from '../model.js';
import { PolygonIndex } from '../spatial/polygon-index.js';
import { censusColumnOfKey, keyKind, type WeightKey, type WeightsTable } from './weights-table.js';

export const UNMATCHED_REASONS = ['malformed', 'unknown', 'terminated', 'no-location'] as const;
export type UnmatchedReason = (typeof UNMATCHED_REASONS)[number];

/** Unmatched rows listed in a report by default (the totals always cover them all). */
export const DEFAULT_UNMATCHED_LISTED = 100;

export interface UnmatchedRow {
  /** The postcode or code (as given, when malformed). */
  readonly code: string;
  readonly row: number;
  readonly weight: number;
  readonly reason: UnmatchedReason;
}

export interface WeightsReport {
  readonly key: WeightKey;
  /** The weight column, e.g. `births`, and the key column. */
  readonly column: string;
  readonly keyColumn: string;
  /** Census keys: where postcodes' codes came from (`lsoa11`, or `layer:<file>`); null for postcodes. */
  readonly censusSource: string | null;
  readonly rows: number;
  /** Σ of every row's weight. */
  readonly total: number;
  readonly matched: {
    readonly rows: number;
    readonly weight: number;
    /** Live located postcodes the matched rows landed on. */
    readonly postcodes: number;
  };
  readonly unmatched: {
    readonly rows: number;
    readonly weight: number;
    readonly byReason: Readonly<Record<UnmatchedReason, { readonly rows: number; readonly weight: number }>>;
    /** Heaviest first (ties by row), at most `maxListed`. */
    readonly listed: readonly UnmatchedRow[];
    readonly listedTruncated: boolean;
  };
}

export interface ResolvedWeights {
  readonly report: WeightsReport;
  /** Weight per live located postcode; postcodes absent carry 0. */
  readonly byPostcode: ReadonlyMap<string, number>;
}

/** Where a postcode's census code comes from. */
export interface CensusSource {
  /** Named in the report, e.g. `lsoa11` or `layer:lsoa.geojson`. */
  readonly name: string;
  codeOf(record: PostcodeRecord): string | undefined;
}

export interface ResolveOptions {
  /** For census keys: the directory's census columns (default: those the records carry). */
  readonly censusColumns?: readonly CensusColumn[];
  /** For census keys: codes from elsewhere (a census layer) instead of the directory's column. */
  readonly census?: CensusSource;
  /** Unmatched rows listed (default 100). */
  readonly maxListed?: number;
}

export function resolveWeights(
  table: WeightsTable,
  postcodes: Iterable<PostcodeRecord>,
  options: ResolveOptions = {},
): ResolvedWeights {
  const records = Array.isArray(postcodes) ? (postcodes as readonly PostcodeRecord[]) : [...postcodes];
  const unmatched: UnmatchedRow[] = table.malformed.map((r) => ({ ...r, reason: 'malformed' }));
  const byPostcode = new Map<string, number>();
  let censusSource: string | null = null;
  const wanted = new Map(table.rows.map((r) => [r.code, r]));
  if (keyKind(table.key) === 'postcode') {
    for (const record of records) {
      const row = wanted.get(record.postcode);
      if (!row) continue;
      wanted.delete(record.postcode);
      if (record.status !== 'live') unmatched.push({ ...row, reason: 'terminated' });
      else if (!record.location) unmatched.push({ ...row, reason: 'no-location' });
      else byPostcode.set(record.postcode, row.weight);
    }
  } else {
    const source =
      options.census ?? directoryCensusSource(table.key, options.censusColumns ?? columnsOf(records));
    censusSource = source.name;
    const members = new Map<string, string[]>();
    for (const record of records) {
      if (record.status !== 'live' || !record.location) continue;
      const code = source.codeOf(record);
      if (code === undefined || !wanted.has(code)) continue;
      const list = members.get(code);
      if (list) list.push(record.postcode);
      else members.set(code, [record.postcode]);
    }
    for (const [code, list] of members) {
      const share = wanted.get(code)!.weight / list.length;
      for (const postcode of list) byPostcode.set(postcode, share);
      wanted.delete(code);
    }
  }
  for (const row of wanted.values()) unmatched.push({ ...row, reason: 'unknown' });

  const byReason = Object.fromEntries(UNMATCHED_REASONS.map((r) => [r, { rows: 0, weight: 0 }])) as Record<
    UnmatchedReason,
    { rows: number; weight: number }
  >;
  let unmatchedWeight = 0;
  for (const u of unmatched) {
    byReason[u.reason].rows++;
    byReason[u.reason].weight += u.weight;
    unmatchedWeight += u.weight;
  }
  const maxListed = Math.max(0, options.maxListed ?? DEFAULT_UNMATCHED_LISTED);
  unmatched.sort((a, b) => b.weight - a.weight || a.row - b.row);
  const rows = table.rows.length + table.malformed.length;
  return {
    byPostcode,
    report: {
      key: table.key,
      column: table.column,
      keyColumn: table.keyColumn,
      censusSource,
      rows,
      total: table.total,
      matched: {
        rows: rows - unmatched.length,
        weight: table.total - unmatchedWeight,
        postcodes: byPostcode.size,
      },
      unmatched: {
        rows: unmatched.length,
        weight: unmatchedWeight,
        byReason,
        listed: unmatched.slice(0, maxListed),
        listedTruncated: unmatched.length > maxListed,
      },
    },
  };
}

/** The directory column a census key reads; throws InvalidRequestError when there is none (or two). */
export function directoryCensusSource(key: WeightKey, columns: readonly CensusColumn[]): CensusSource {
  const kind = keyKind(key);
  const exact = censusColumnOfKey(key);
  const candidates = exact ? columns.filter((c) => c === exact) : columns.filter((c) => keyKind(c) === kind);
  if (candidates.length === 1) {
    const column = candidates[0]!;
    return { name: column, codeOf: (record) => record.census?.[column] };
  }
  const label = kind.toUpperCase();
  if (candidates.length === 0) {
    throw new InvalidRequestError(
      `The weights are keyed by ${exact ?? label} code, but the postcode directory has no ${exact ?? `${label} (${kind}11 or ${kind}21)`} column` +
        `${columns.length > 0 ? ` (it has ${columns.join(', ')})` : ' (Code-Point Open carries none)'}. ` +
        "Load a directory imported from ONSPD or NSPL (which carry OA and LSOA codes), give the census layer's polygons, or key the weights by postcode.",
    );
  }
  throw new InvalidRequestError(
    `The weights are keyed by ${label} code, and the postcode directory has both ${candidates.join(' and ')}: name the census, e.g. ${candidates[0]} instead of ${kind}.`,
  );
}

/** Census codes from a layer of census areas (ids = codes): each postcode in the polygon it falls in. */
export function layerCensusSource(
  layer: Layer,
  name: string,
  records: Iterable<PostcodeRecord>,
): CensusSource {
  const ids = layer.features.map((f) => f.properties.id.trim().toUpperCase());
  const bad = ids.find((id) => !isCensusCode(id));
  if (bad !== undefined) {
    throw new InvalidRequestError(
      `The census layer ${name} has feature id "${bad}", not a census code such as E01022380: name the property holding the OA or LSOA codes.`,
    );
  }
  const index = PolygonIndex.build(layer.features.map((f) => f.geometry));
  const codes = new Map<string, string>();
  for (const record of records) {
    if (record.status !== 'live' || !record.location) continue;
    const at = index.locate(record.location.lng, record.location.lat);
    if (at >= 0) codes.set(record.postcode, ids[at]!);
  }
  return { name: `layer:${name}`, codeOf: (record) => codes.get(record.postcode) };
}

function columnsOf(records: readonly PostcodeRecord[]): CensusColumn[] {
  const used = new Set<string>();
  for (const r of records) if (r.census) for (const c of Object.keys(r.census)) used.add(c);
  return CENSUS_COLUMNS.filter((c) => used.has(c));
}
