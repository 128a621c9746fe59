// Caseload against capacity for one layer of a redraw, before and after: each unit with a capacity,
// its load (caseload ÷ capacity) in the old and the new set, flagged over (> 100%) or under (below
// the lower share), and how many units are over or under in each. The caseload is the weights when
// a weights file is given, else live postcodes (functions/core/weights/capacity.ts).
import { compareIds } from '../lookup/area-lookup.js';
import { type Load, loadOf } from '../weights/capacity.js';
import type { UnitCount, UnitState } from './unit-changes.js';

export interface UnitCapacityChange {
  readonly id: string;
  readonly name: string;
  readonly state: UnitState;
  readonly capacity: number;
  /** null when the unit is not in that set (added or removed). */
  readonly before: Load | null;
  readonly after: Load | null;
}

export interface CapacityChanges {
  /** What caseload and capacity count: the weights' column (e.g. `births`) or `live postcodes`. */
  readonly measure: string;
  readonly underShare: number;
  /** Units with a capacity, by id. */
  readonly units: readonly UnitCapacityChange[];
  /** Units of either set with no capacity given (not flagged). */
  readonly withoutCapacity: readonly string[];
  readonly over: { readonly before: number; readonly after: number };
  readonly under: { readonly before: number; readonly after: number };
}

export function capacityChanges(
  units: readonly UnitCount[],
  capacity: ReadonlyMap<string, number>,
  options: { readonly measure: string; readonly underShare: number; readonly weighted: boolean },
): CapacityChanges {
  const rows: UnitCapacityChange[] = [];
  const withoutCapacity: string[] = [];
  for (const unit of [...units].sort((a, b) => compareIds(a.id, b.id))) {
    const c = capacity.get(unit.id);
    if (c === undefined) {
      withoutCapacity.push(unit.id);
      continue;
    }
    const before = options.weighted ? (unit.weight?.before ?? 0) : unit.before;
    const after = options.weighted ? (unit.weight?.after ?? 0) : unit.after;
    rows.push({
      id: unit.id,
      name: unit.name,
      state: unit.state,
      capacity: c,
      before: unit.state === 'added' ? null : loadOf(before, c, options.underShare),
      after: unit.state === 'removed' ? null : loadOf(after, c, options.underShare),
    });
  }
  const count = (side: 'before' | 'after', flag: Load['flag']) =>
    rows.filter((r) => r[side]?.flag === flag).length;
  return {
    measure: options.measure,
    underShare: options.underShare,
    units: rows,
    withoutCapacity,
    over: { before: count('before', 'over'), after: count('after', 'over') },
    under: { before: count('before', 'under'), after: count('after', 'under') },
  };
}
