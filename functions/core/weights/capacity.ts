// Capacity per unit (hub, HV patch, CoC team) and caseload against it. A planner gives capacities as
// a CSV `unit_id,capacity` (plus an optional `layer` column when ids repeat across layers), kept
// apart from the boundaries: capacity follows staffing, which changes on its own timetable, and a
// redraw is judged against the same capacities before and after. Read by functions/adapters/csv.ts;
// the rows are checked here. Semantics: docs/impact.md ("Weights and capacity").
//
// Caseload is measured as the weights (e.g. births) when a weights file is given, otherwise as live
// postcodes, and capacity is in the same measure. A unit's load is caseload ÷ capacity:
// `over` above 1 (more than 100%), `under` below the lower share (default 0.8), else `within`.

import { InvalidRequestError, truncate } from '../errors.js';
import { compareIds } from '../lookup/area-lookup.js';

export const DEFAULT_UNDER_SHARE = 0.8;

export interface CapacityEntry {
  /** The layer the row names (`hv-patches`…), or null when the file has no layer column. */
  readonly layer: string | null;
  readonly unit: string;
  readonly capacity: number;
  /** 1 = the first row after the header. */
  readonly row: number;
}

export interface CapacityTable {
  readonly entries: readonly CapacityEntry[];
}

export type LoadFlag = 'over' | 'under' | 'within';

export interface Load {
  readonly caseload: number;
  /** caseload ÷ capacity. */
  readonly share: number;
  readonly flag: LoadFlag;
}

/** A unit with a capacity, and its load in one state. */
export interface UnitLoad {
  readonly id: string;
  readonly name: string;
  readonly capacity: number;
  readonly load: Load;
}

export interface LayerLoads {
  /** What caseload and capacity count: the weights' column (e.g. `births`) or `live postcodes`. */
  readonly measure: string;
  readonly underShare: number;
  /** Units with a capacity, by id. */
  readonly units: readonly UnitLoad[];
  /** Units of the layer with no capacity given (not flagged). */
  readonly withoutCapacity: readonly string[];
  readonly over: number;
  readonly under: number;
}

const POSITIVE = /^\+?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const UNIT_COLUMNS = ['unitid', 'unit', 'id'];

/** Checks a capacity file's rows; throws InvalidRequestError naming the row for anything wrong. */
export function readCapacityTable(
  header: readonly string[],
  rows: Iterable<readonly string[]>,
): CapacityTable {
  const simple = header.map((h) =>
    h
      .trim()
      .toLowerCase()
      .replace(/[^a-z0-9]/g, ''),
  );
  const unitAt = UNIT_COLUMNS.map((c) => simple.indexOf(c)).find((i) => i >= 0) ?? -1;
  const capacityAt = simple.indexOf('capacity');
  const layerAt = simple.indexOf('layer');
  if (unitAt < 0 || capacityAt < 0) {
    throw new InvalidRequestError(
      `A capacity file has the columns unit_id and capacity (and optionally layer); this one has ${header
        .slice(0, 12)
        .map((h) => truncate(h.trim(), 30))
        .join(', ')}.`,
    );
  }
  const entries: CapacityEntry[] = [];
  const seen = new Map<string, number>();
  let n = 0;
  for (const fields of rows) {
    n++;
    const unit = (fields[unitAt] ?? '').trim();
    const layer = layerAt >= 0 ? (fields[layerAt] ?? '').trim() || null : null;
    const raw = (fields[capacityAt] ?? '').trim();
    if (unit === '') throw new InvalidRequestError(`Capacity row ${n}: unit_id is empty.`, { row: n });
    const capacity = Number(raw);
    if (!POSITIVE.test(raw) || !Number.isFinite(capacity) || capacity <= 0) {
      throw new InvalidRequestError(
        `Capacity row ${n} (${truncate(unit, 40)}): capacity is ${raw === '' ? 'empty' : `"${truncate(raw, 20)}"`}; give a number above 0 (in the caseload's measure: births a year, or live postcodes).`,
        { row: n },
      );
    }
    const key = `${layer ?? ''}\u0000${unit}`;
    const first = seen.get(key);
    if (first !== undefined) {
      throw new InvalidRequestError(
        `Capacity rows ${first} and ${n} are both ${layer ? `${layer} ` : ''}${truncate(unit, 40)}: give each unit one capacity.`,
        { row: n },
      );
    }
    seen.set(key, n);
    entries.push({ layer, unit, capacity, row: n });
  }
  return { entries };
}

export interface CapacitySplit {
  /** Capacity per unit id, per layer. */
  readonly byLayer: ReadonlyMap<string, ReadonlyMap<string, number>>;
  /** Rows naming no unit of any layer given (or an unknown layer): reported, not used. */
  readonly unknown: readonly CapacityEntry[];
}

/** Other names a capacity file may give a layer (hub capacities are per catchment). */
const LAYER_ALIASES: Readonly<Record<string, string>> = {
  hubs: 'catchments',
  hub: 'catchments',
  catchment: 'catchments',
  'hv-patch': 'hv-patches',
  'coc-team': 'coc-teams',
};

/**
 * Gives each row to its layer: the layer it names, or — without a layer column — the one layer
 * that has a unit with that id. Throws when an id without a layer is a unit of two layers.
 */
export function splitCapacity(
  table: CapacityTable,
  layers: readonly { readonly layer: string; readonly ids: ReadonlySet<string> }[],
): CapacitySplit {
  const byLayer = new Map<string, Map<string, number>>(layers.map((l) => [l.layer, new Map()]));
  const unknown: CapacityEntry[] = [];
  for (const entry of table.entries) {
    let layer: string | undefined;
    if (entry.layer !== null) {
      const named = LAYER_ALIASES[entry.layer.toLowerCase()] ?? entry.layer.toLowerCase();
      layer = layers.find((l) => l.layer === named && l.ids.has(entry.unit))?.layer;
    } else {
      const owners = layers.filter((l) => l.ids.has(entry.unit));
      if (owners.length > 1) {
        throw new InvalidRequestError(
          `Capacity row ${entry.row}: ${truncate(entry.unit, 40)} is a unit of ${owners.map((o) => o.layer).join(' and ')}; add a layer column saying which.`,
          { row: entry.row },
        );
      }
      layer = owners[0]?.layer;
    }
    if (layer === undefined) unknown.push(entry);
    else byLayer.get(layer)!.set(entry.unit, entry.capacity);
  }
  return { byLayer, unknown };
}

export function loadOf(caseload: number, capacity: number, underShare: number): Load {
  const share = caseload / capacity;
  return { caseload, share, flag: share > 1 ? 'over' : share < underShare ? 'under' : 'within' };
}

/** Loads of a layer's units in one state: `caseload` per unit id (absent = 0). */
export function layerLoads(
  units: readonly { readonly id: string; readonly name: string }[],
  caseload: ReadonlyMap<string, number>,
  capacity: ReadonlyMap<string, number>,
  options: { readonly measure: string; readonly underShare: number },
): LayerLoads {
  const loads: UnitLoad[] = [];
  const withoutCapacity: string[] = [];
  for (const unit of [...units].sort((a, b) => compareIds(a.id, b.id))) {
    const c = capacity.get(unit.id);
    if (c === undefined) withoutCapacity.push(unit.id);
    else
      loads.push({
        id: unit.id,
        name: unit.name,
        capacity: c,
        load: loadOf(caseload.get(unit.id) ?? 0, c, options.underShare),
      });
  }
  return {
    measure: options.measure,
    underShare: options.underShare,
    units: loads,
    withoutCapacity,
    over: loads.filter((l) => l.load.flag === 'over').length,
    under: loads.filter((l) => l.load.flag === 'under').length,
  };
}

/** Caseload against capacity for the two layers of an alignment (one state: no before and after). */
export interface AlignmentCapacity {
  readonly a: LayerLoads;
  readonly b: LayerLoads;
  /** Rows naming no unit of either layer. */
  readonly unknown: readonly CapacityEntry[];
}

export interface UnitWithWeight {
  readonly id: string;
  readonly name: string;
  /** The unit's caseload: Σ point weights in it (postcodes, or the weights given). */
  readonly weight: number;
}

/** Caseload against capacity for several layers in one state, each unit's caseload its `weight`. */
export function loadsByLayer(
  layers: readonly { readonly layer: string; readonly units: readonly UnitWithWeight[] }[],
  table: CapacityTable,
  options: { readonly measure: string; readonly underShare: number },
): { readonly layers: ReadonlyMap<string, LayerLoads>; readonly unknown: readonly CapacityEntry[] } {
  const split = splitCapacity(
    table,
    layers.map((l) => ({ layer: l.layer, ids: new Set(l.units.map((u) => u.id)) })),
  );
  const out = new Map<string, LayerLoads>();
  for (const l of layers) {
    const caseload = new Map(l.units.map((u) => [u.id, u.weight]));
    out.set(l.layer, layerLoads(l.units, caseload, split.byLayer.get(l.layer)!, options));
  }
  return { layers: out, unknown: split.unknown };
}

export function alignmentCapacity(
  layers: {
    readonly a: { readonly layer: string; readonly units: readonly UnitWithWeight[] };
    readonly b: { readonly layer: string; readonly units: readonly UnitWithWeight[] };
  },
  table: CapacityTable,
  options: { readonly measure: string; readonly underShare: number },
): AlignmentCapacity {
  const { layers: loads, unknown } = loadsByLayer([layers.a, layers.b], table, options);
  return { a: loads.get(layers.a.layer)!, b: loads.get(layers.b.layer)!, unknown };
}
