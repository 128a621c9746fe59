// Per-layer change figures of a redraw: which postcodes change unit (hub, HV patch or CoC team), the
// from -> to matrix, and each unit's postcode count before and after with balance figures. Works on
// two parallel id columns (one entry per located postcode), so the same code serves every layer.
// Semantics (docs/impact.md): every located postcode counts in the moves and the matrix (as the
// version history and the events count them); unit counts and balance use live postcodes only, the
// caseload proxy (nobody lives at a terminated postcode). With a planner's weights (births, children,
// cases: functions/core/weights/), each unit's weight before and after is given beside its postcode
// count, with its own balance figures; postcode counts stay the default measure.
import { compareIds } from '../lookup/area-lookup.js';
import type { PostcodeStatus } from '../model.js';
import type { CapacityChanges } from './capacity-changes.js';

/** The located postcodes being compared, in parallel arrays (index i = one postcode). */
export interface PostcodeColumns {
  readonly postcode: readonly string[];
  readonly lat: Float64Array;
  readonly lng: Float64Array;
  readonly status: readonly PostcodeStatus[];
}

export interface UnitFlow {
  /** Unit before (null: none — a gap, outside, or the layer is absent). */
  readonly from: string | null;
  readonly to: string | null;
  /** Located postcodes making this move (live and terminated). */
  readonly postcodes: number;
  /** Of those, live postcodes. */
  readonly live: number;
  /** With weights: the weight making this move. */
  readonly weight?: number;
}

export interface MovedPostcode {
  readonly postcode: string;
  readonly lat: number;
  readonly lng: number;
  readonly status: PostcodeStatus;
  readonly from: string | null;
  readonly to: string | null;
}

export type UnitState = 'kept' | 'added' | 'removed';

export interface UnitCount {
  readonly id: string;
  readonly name: string;
  /** `added`: only in the new set; `removed`: only in the old one. */
  readonly state: UnitState;
  /** Live postcodes in the unit before and after (the caseload proxy). */
  readonly before: number;
  readonly after: number;
  readonly change: number;
  /** change / before; null when the unit had none before. */
  readonly changeShare: number | null;
  /** With weights: the weight in the unit before and after (same meaning as the counts). */
  readonly weight?: WeightChange;
}

export interface WeightChange {
  readonly before: number;
  readonly after: number;
  readonly change: number;
  readonly changeShare: number | null;
}

/** Balance of the weights over a layer's units (as `Balance`, for weights). */
export interface WeightBalance {
  readonly units: number;
  /** Weight in some unit of the layer. */
  readonly weight: number;
  readonly mean: number;
  readonly min: { readonly id: string; readonly weight: number } | null;
  readonly max: { readonly id: string; readonly weight: number } | null;
  readonly maxMinRatio: number | null;
  readonly cv: number | null;
}

export interface WeightedChanges {
  /** Weight in no unit of the layer, before and after. */
  readonly none: { readonly before: number; readonly after: number };
  readonly balance: { readonly before: WeightBalance; readonly after: WeightBalance };
}

export interface Balance {
  /** Units in the layer (those with no postcode included). */
  readonly units: number;
  /** Live postcodes in some unit of the layer. */
  readonly postcodes: number;
  readonly mean: number;
  readonly min: { readonly id: string; readonly postcodes: number } | null;
  readonly max: { readonly id: string; readonly postcodes: number } | null;
  /** max / min; null when the smallest unit has no postcode (or there are no units). */
  readonly maxMinRatio: number | null;
  /** Coefficient of variation: population standard deviation / mean; null when the mean is 0. */
  readonly cv: number | null;
}

export interface UnitChanges {
  /** Postcodes whose unit differs (live and terminated), and of those live. */
  readonly changed: number;
  readonly changedLive: number;
  /** from -> to flows, largest first (ties by ids). */
  readonly matrix: readonly UnitFlow[];
  /** The moved postcodes, largest flow first, then by postcode; at most `maxListed`. */
  readonly moved: readonly MovedPostcode[];
  /** True when `moved` lists fewer than `changed`. */
  readonly movedTruncated: boolean;
  /** Every unit of either set, largest absolute change first (ties by id). */
  readonly units: readonly UnitCount[];
  /** Live postcodes in no unit of the layer, before and after. */
  readonly none: { readonly before: number; readonly after: number };
  readonly balance: { readonly before: Balance; readonly after: Balance };
  /** The unit whose count changes most (absolute), or null when nothing changes. */
  readonly largestChange: UnitCount | null;
  /** With weights: where the weight sits before and after (per unit: `units[].weight`); else null. */
  readonly weighted: WeightedChanges | null;
  /** With capacities: caseload against capacity per unit, before and after; else null. */
  readonly capacity: CapacityChanges | null;
}

export interface LayerUnits {
  /** Unit ids of the layer (all of them, even those no postcode falls in). */
  readonly ids: readonly string[];
  readonly names: ReadonlyMap<string, string>;
}

/**
 * Compares two id columns over the same postcodes. `weight` (parallel to the columns: each live
 * postcode's weight, 0 for the rest) adds the weighted figures.
 */
export function unitChanges(
  columns: PostcodeColumns,
  before: readonly (string | null)[],
  after: readonly (string | null)[],
  units: { readonly before: LayerUnits; readonly after: LayerUnits },
  maxListed: number,
  weight?: Float64Array,
): UnitChanges {
  const n = columns.postcode.length;
  const flows = new Map<
    string,
    { from: string | null; to: string | null; postcodes: number; live: number; weight?: number }
  >();
  const movedIdx: number[] = [];
  const countBefore = new Map<string, number>();
  const countAfter = new Map<string, number>();
  const weightBefore = new Map<string, number>();
  const weightAfter = new Map<string, number>();
  let noneBefore = 0;
  let noneAfter = 0;
  let noneWeightBefore = 0;
  let noneWeightAfter = 0;
  let changedLive = 0;
  for (let i = 0; i < n; i++) {
    const live = columns.status[i] === 'live';
    const from = before[i] ?? null;
    const to = after[i] ?? null;
    const w = weight ? weight[i]! : 0;
    if (live) {
      if (from === null) noneBefore++;
      else countBefore.set(from, (countBefore.get(from) ?? 0) + 1);
      if (to === null) noneAfter++;
      else countAfter.set(to, (countAfter.get(to) ?? 0) + 1);
      if (weight) {
        if (from === null) noneWeightBefore += w;
        else weightBefore.set(from, (weightBefore.get(from) ?? 0) + w);
        if (to === null) noneWeightAfter += w;
        else weightAfter.set(to, (weightAfter.get(to) ?? 0) + w);
      }
    }
    if (from === to) continue;
    movedIdx.push(i);
    if (live) changedLive++;
    const key = flowKey(from, to);
    const flow = flows.get(key) ?? { from, to, postcodes: 0, live: 0, ...(weight ? { weight: 0 } : {}) };
    flow.postcodes++;
    if (live) flow.live++;
    if (weight) flow.weight! += w;
    flows.set(key, flow);
  }
  const matrix = [...flows.values()].sort(
    (a, b) =>
      b.postcodes - a.postcodes ||
      compareIds(a.from ?? '', b.from ?? '') ||
      compareIds(a.to ?? '', b.to ?? ''),
  );
  const rank = new Map(matrix.map((f, r) => [flowKey(f.from, f.to), r]));
  movedIdx.sort(
    (i, j) =>
      rank.get(flowKey(before[i] ?? null, after[i] ?? null))! -
        rank.get(flowKey(before[j] ?? null, after[j] ?? null))! ||
      compareIds(columns.postcode[i]!, columns.postcode[j]!),
  );
  const moved = movedIdx.slice(0, Math.max(0, maxListed)).map(
    (i): MovedPostcode => ({
      postcode: columns.postcode[i]!,
      lat: columns.lat[i]!,
      lng: columns.lng[i]!,
      status: columns.status[i]!,
      from: before[i] ?? null,
      to: after[i] ?? null,
    }),
  );

  const beforeIds = new Set(units.before.ids);
  const afterIds = new Set(units.after.ids);
  // A postcode can only be in a unit of its set, but guard against ids missing from `units`.
  for (const id of countBefore.keys()) beforeIds.add(id);
  for (const id of countAfter.keys()) afterIds.add(id);
  const all = [...new Set([...beforeIds, ...afterIds])].sort(compareIds);
  const unitList: UnitCount[] = all.map((id) => {
    const b = countBefore.get(id) ?? 0;
    const a = countAfter.get(id) ?? 0;
    const unit: UnitCount = {
      id,
      name: units.after.names.get(id) ?? units.before.names.get(id) ?? id,
      state: beforeIds.has(id) ? (afterIds.has(id) ? 'kept' : 'removed') : 'added',
      before: b,
      after: a,
      change: a - b,
      changeShare: b > 0 ? (a - b) / b : null,
    };
    if (!weight) return unit;
    const wb = weightBefore.get(id) ?? 0;
    const wa = weightAfter.get(id) ?? 0;
    return {
      ...unit,
      weight: { before: wb, after: wa, change: wa - wb, changeShare: wb > 0 ? (wa - wb) / wb : null },
    };
  });
  unitList.sort((p, q) => Math.abs(q.change) - Math.abs(p.change) || compareIds(p.id, q.id));
  const largest = unitList[0];
  return {
    changed: movedIdx.length,
    changedLive,
    matrix,
    moved,
    movedTruncated: moved.length < movedIdx.length,
    units: unitList,
    none: { before: noneBefore, after: noneAfter },
    balance: {
      before: balanceOf([...beforeIds], countBefore),
      after: balanceOf([...afterIds], countAfter),
    },
    largestChange: largest && largest.change !== 0 ? largest : null,
    weighted: weight
      ? {
          none: { before: noneWeightBefore, after: noneWeightAfter },
          balance: {
            before: weightBalanceOf([...beforeIds], weightBefore),
            after: weightBalanceOf([...afterIds], weightAfter),
          },
        }
      : null,
    capacity: null,
  };
}

interface Spread {
  readonly units: number;
  readonly total: number;
  readonly mean: number;
  readonly min: { readonly id: string; readonly value: number } | null;
  readonly max: { readonly id: string; readonly value: number } | null;
  readonly maxMinRatio: number | null;
  readonly cv: number | null;
}

/** How values spread over units (every unit counts, missing ones as 0; ties to the lowest id). */
function spreadOf(ids: readonly string[], values: ReadonlyMap<string, number>): Spread {
  const sorted = [...ids].sort(compareIds);
  if (sorted.length === 0) {
    return { units: 0, total: 0, mean: 0, min: null, max: null, maxMinRatio: null, cv: null };
  }
  let total = 0;
  let min = { id: sorted[0]!, value: values.get(sorted[0]!) ?? 0 };
  let max = min;
  for (const id of sorted) {
    const c = values.get(id) ?? 0;
    total += c;
    if (c < min.value) min = { id, value: c };
    if (c > max.value) max = { id, value: c };
  }
  const mean = total / sorted.length;
  let squares = 0;
  for (const id of sorted) squares += ((values.get(id) ?? 0) - mean) ** 2;
  const sd = Math.sqrt(squares / sorted.length);
  return {
    units: sorted.length,
    total,
    mean,
    min,
    max,
    maxMinRatio: min.value > 0 ? max.value / min.value : null,
    cv: mean > 0 ? sd / mean : null,
  };
}

/** Balance of postcode counts over a layer's units (every unit counts, empty ones as 0). */
export function balanceOf(ids: readonly string[], counts: ReadonlyMap<string, number>): Balance {
  const s = spreadOf(ids, counts);
  return {
    units: s.units,
    postcodes: s.total,
    mean: s.mean,
    min: s.min && { id: s.min.id, postcodes: s.min.value },
    max: s.max && { id: s.max.id, postcodes: s.max.value },
    maxMinRatio: s.maxMinRatio,
    cv: s.cv,
  };
}

/** Balance of the weights over a layer's units. */
export function weightBalanceOf(ids: readonly string[], weights: ReadonlyMap<string, number>): WeightBalance {
  const s = spreadOf(ids, weights);
  return {
    units: s.units,
    weight: s.total,
    mean: s.mean,
    min: s.min && { id: s.min.id, weight: s.min.value },
    max: s.max && { id: s.max.id, weight: s.max.value },
    maxMinRatio: s.maxMinRatio,
    cv: s.cv,
  };
}

function flowKey(from: string | null, to: string | null): string {
  return JSON.stringify([from, to]); // unambiguous: null stays apart from any id
}
