// A planner's weights file: counts such as births, children aged 0-4 or open cases, one row per
// postcode or per census area (OA or LSOA), read from a headed CSV's rows (the CSV itself is read by
// functions/adapters/csv.ts). This module checks the rows; functions/core/weights/resolve.ts puts
// the weights on the area's postcodes. Semantics: docs/impact.md ("Weights and capacity").
//
// - The key column holds postcodes (any spacing or case: `gl11ad` is GL1 1AD) or census codes
//   (`e01022380` is E01022380). A key that is neither — a "Total" row, a note — is kept as
//   `malformed` and reported unmatched with its weight, never silently dropped.
// - The weight column holds plain non-negative decimals (`12`, `3.5`). Anything else stops the
//   file with the row named: a suppressed count (`*`, `c`, `<3`) or an empty cell has no value the
//   service could honestly guess, so the planner replaces it (0 or an estimate).
// - A key listed twice stops the file with both rows named (two years or two sources mixed).
// Rows are numbered from 1 for the first row after the header.
import { type CensusColumn, isCensusColumn, normaliseCensusCode } from '../census.js';
import { InvalidRequestError, truncate } from '../errors.js';
import { parsePostcode } from '../postcode.js';

/** What the weights file is keyed by: postcodes, or OA/LSOA codes (of a given census, or either). */
export const WEIGHT_KEYS = ['postcode', 'oa', 'lsoa', 'oa11', 'lsoa11', 'oa21', 'lsoa21'] as const;
export type WeightKey = (typeof WEIGHT_KEYS)[number];

export function isWeightKey(value: string): value is WeightKey {
  return (WEIGHT_KEYS as readonly string[]).includes(value);
}

export interface WeightsSpec {
  readonly key: WeightKey;
  /** The column holding the counts, e.g. `births`. */
  readonly column: string;
  /** The column holding the postcodes or codes; by default the one header named like the key. */
  readonly keyColumn?: string;
}

export interface WeightsRow {
  /** Canonical postcode or census code; for a malformed key, the key as given. */
  readonly code: string;
  readonly weight: number;
  /** 1 = the first row after the header. */
  readonly row: number;
}

export interface WeightsTable {
  readonly key: WeightKey;
  readonly column: string;
  readonly keyColumn: string;
  /** Rows whose key is a postcode (key `postcode`) or a census code (the others). */
  readonly rows: readonly WeightsRow[];
  /** Rows whose key is not: reported as unmatched. */
  readonly malformed: readonly WeightsRow[];
  /** Every row's weight. */
  readonly total: number;
}

/** Header names (lower case, letters and digits only) taken as the key column when none is named. */
const KEY_COLUMN_NAMES: Readonly<Record<'postcode' | 'oa' | 'lsoa', readonly string[]>> = {
  postcode: ['postcode', 'pcds', 'pcd', 'pcd2', 'pcd7', 'pcd8'],
  oa: ['oa', 'oa11', 'oa21', 'oacode', 'oacd', 'oa11cd', 'oa21cd'],
  lsoa: ['lsoa', 'lsoa11', 'lsoa21', 'lsoacode', 'lsoacd', 'lsoa11cd', 'lsoa21cd'],
};

/** `postcode`, `oa` or `lsoa`: the kind of key, whatever the census. */
export function keyKind(key: WeightKey): 'postcode' | 'oa' | 'lsoa' {
  return key === 'postcode' ? 'postcode' : key.startsWith('lsoa') ? 'lsoa' : 'oa';
}

/** The census column a key names exactly (`lsoa11`), or undefined (`postcode`, `oa`, `lsoa`). */
export function censusColumnOfKey(key: WeightKey): CensusColumn | undefined {
  return isCensusColumn(key) ? key : undefined;
}

const simple = (name: string) => name.toLowerCase().replace(/[^a-z0-9]/g, '');
const DECIMAL = /^\+?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Checks a weights file's rows. Throws InvalidRequestError (what is wrong, where, what to do) for a
 * missing column, a weight that is not a non-negative number, or a key listed twice.
 */
export function readWeightsTable(
  header: readonly string[],
  rows: Iterable<readonly string[]>,
  spec: WeightsSpec,
): WeightsTable {
  const columns = header.map((h) => h.trim());
  const weightAt = columnIndex(columns, spec.column, 'weight');
  const keyAt = spec.keyColumn
    ? columnIndex(columns, spec.keyColumn, 'key')
    : findKeyColumn(columns, spec.key);
  const kind = keyKind(spec.key);
  const good: WeightsRow[] = [];
  const malformed: WeightsRow[] = [];
  const seen = new Map<string, number>();
  let total = 0;
  let n = 0;
  for (const fields of rows) {
    n++;
    const rawKey = (fields[keyAt] ?? '').trim();
    const rawWeight = (fields[weightAt] ?? '').trim();
    if (!DECIMAL.test(rawWeight) || !Number.isFinite(Number(rawWeight))) {
      throw new InvalidRequestError(
        `Weights row ${n}${rawKey ? ` (${truncate(rawKey, 20)})` : ''}: ${columns[weightAt]} is ${rawWeight === '' ? 'empty' : `"${truncate(rawWeight, 20)}"`}, not a number ≥ 0. ` +
          'A suppressed or missing count has no value the service could guess: replace it (0, or an estimate) and send the file again.',
        { row: n, column: columns[weightAt] },
      );
    }
    const weight = Number(rawWeight);
    const code = kind === 'postcode' ? canonicalPostcode(rawKey) : normaliseCensusCode(rawKey);
    total += weight;
    if (code === undefined) {
      malformed.push({ code: truncate(rawKey, 40), weight, row: n });
      continue;
    }
    const first = seen.get(code);
    if (first !== undefined) {
      throw new InvalidRequestError(
        `Weights rows ${first} and ${n} are both ${code}: a weights file lists each ${kind === 'postcode' ? 'postcode' : 'code'} once. ` +
          'Add the rows up (or keep one) and send the file again.',
        { row: n, column: columns[keyAt] },
      );
    }
    seen.set(code, n);
    good.push({ code, weight, row: n });
  }
  if (n === 0) {
    throw new InvalidRequestError(
      'The weights file has a header but no rows: give one row per postcode or area with its count.',
    );
  }
  return {
    key: spec.key,
    column: columns[weightAt]!,
    keyColumn: columns[keyAt]!,
    rows: good,
    malformed,
    total,
  };
}

function canonicalPostcode(raw: string): string | undefined {
  const parsed = parsePostcode(raw);
  return parsed.ok ? parsed.postcode : undefined;
}

function columnIndex(columns: readonly string[], name: string, what: 'weight' | 'key'): number {
  let at = columns.indexOf(name.trim());
  if (at < 0) at = columns.findIndex((c) => c.toLowerCase() === name.trim().toLowerCase());
  if (at < 0) {
    throw new InvalidRequestError(
      `The weights file has no column "${truncate(name, 40)}" (its columns: ${listColumns(columns)}). ` +
        `Name the ${what === 'weight' ? 'column holding the counts' : 'column holding the postcodes or codes'} exactly as its header spells it.`,
    );
  }
  return at;
}

function findKeyColumn(columns: readonly string[], key: WeightKey): number {
  const kind = keyKind(key);
  const names = KEY_COLUMN_NAMES[kind];
  const hits = columns.flatMap((c, i) => (names.includes(simple(c)) ? [i] : []));
  if (hits.length === 1) return hits[0]!;
  const what = kind === 'postcode' ? 'postcodes' : `${kind.toUpperCase()} codes`;
  throw new InvalidRequestError(
    hits.length === 0
      ? `The weights file has no column of ${what} (looked for ${names.join(', ')}; its columns: ${listColumns(columns)}). Name it as the key column.`
      : `The weights file has ${hits.length} columns that could hold the ${what} (${hits.map((i) => columns[i]).join(', ')}): name the one to use as the key column.`,
  );
}

function listColumns(columns: readonly string[]): string {
  const shown = columns.slice(0, 12).map((c) => truncate(c, 30));
  return `${shown.join(', ')}${columns.length > 12 ? `, … (${columns.length})` : ''}`;
}
