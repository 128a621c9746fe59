// The redraw impact of a new boundary set (a draft) against an old one (the active version, or any
// two versions): validation of the new set first — what publishing would refuse, and the coverage of
// each layer — then which postcodes change hub, HV patch and CoC team, each unit's caseload proxy
// before and after with balance figures, and the alignment scores before and after.
//
// Every postcode is assigned as the lookup API will answer it: `AreaLookup.assign` on each set (the
// same index and tie rules), or, for a published set, its precomputed assignment table where the
// postcode has not moved since. So the postcodes listed as moving are exactly those whose lookup
// answer changes when the draft is published. With a planner's weights (births per postcode or per
// LSOA…, functions/core/weights/) every caseload is also given as weight, alignment is weighted by
// it, and with capacities each unit's caseload is set against its capacity before and after.
// Semantics and the JSON schema: docs/impact.md.
import { DEFAULT_THRESHOLD } from '../alignment/align.js';
import type { WeightedPoint } from '../alignment/points.js';
import type { PairName } from '../alignment/three-way.js';
import type { DraftProblem } from '../boundary-set/problems.js';
import {
  type CoverageReport,
  type DraftValidation,
  postcodeGapProblems,
  validateDraftSet,
} from '../boundary-set/validate.js';
import { DomainError, InvalidGeometryError } from '../errors.js';
import { AreaLookup, type Assignment } from '../lookup/area-lookup.js';
import type { AssignmentRow } from '../lookup/assignment-table.js';
import type { BoundarySet, LayerName, PostcodeRecord, PostcodeStatus } from '../model.js';
import { type AnalysisBudget, AnalysisBudgetExceededError } from '../overlay/budget.js';
import {
  type CapacityEntry,
  type CapacityTable,
  DEFAULT_UNDER_SHARE,
  splitCapacity,
} from '../weights/capacity.js';
import type { ResolvedWeights, WeightsReport } from '../weights/resolve.js';
import { type AlignmentSummary, summariseAlignment } from './alignment-summary.js';
import { capacityChanges } from './capacity-changes.js';
import {
  type LayerUnits,
  type MovedPostcode,
  type PostcodeColumns,
  type UnitChanges,
  unitChanges,
} from './unit-changes.js';

export const IMPACT_SCHEMA_VERSION = 1;
/** Moved postcodes listed per layer by default (the counts always cover them all). */
export const DEFAULT_MAX_LISTED = 1000;
/** Matches the service's default (CATCHMENTS_SLIVER_TOLERANCE_M2). */
export const DEFAULT_SLIVER_TOLERANCE_M2 = 100;

export interface RedrawImpactOptions {
  /** Catchment overlaps up to this many m² are slivers (a warning), as at publish. Default 100. */
  readonly sliverToleranceM2?: number;
  /** The old set's precomputed answers (its assignment table), reused where the postcode has not moved. */
  readonly fromAssignments?: ReadonlyMap<string, AssignmentRow>;
  /** The same for the new set, when it is a published version. */
  readonly toAssignments?: ReadonlyMap<string, AssignmentRow>;
  /** Moved postcodes listed per layer (default 1000). */
  readonly maxListed?: number;
  /** Nested threshold of the alignment scores (default 0.95). */
  readonly threshold?: number;
  /** Compute alignment scores before and after (default true). */
  readonly alignment?: boolean;
  /**
   * Alignment summaries already computed (e.g. cached per published version) with the same threshold
   * and the same live postcodes as points: used instead of computing them again.
   */
  readonly alignmentBefore?: AlignmentSummary;
  readonly alignmentAfter?: AlignmentSummary;
  /** How the report names the two sets (default `v<n>`, or `draft`). */
  readonly labels?: { readonly from?: string; readonly to?: string };
  /**
   * The budget of the publish checks run on `to` (as the draft checks have it): a draft past it ends
   * in a 422 (AnalysisBudgetExceededError) instead of a long run.
   */
  readonly budget?: AnalysisBudget;
  /** `to`'s publish checks, when the caller has them already (cached per draft revision). */
  readonly validation?: DraftValidation;
  /**
   * A planner's weights put on `postcodes` (resolveWeights): caseloads are given as weight too, and
   * alignment is weighted by them (`alignmentBefore`/`After` must then be weighted the same way).
   */
  readonly weights?: ResolvedWeights;
  /** Capacity per unit (hubs by catchment id, HV patches, CoC teams), in the caseload's measure. */
  readonly capacity?: CapacityTable;
  /** Below this share of its capacity a unit is flagged under (default 0.8); above 1 it is over. */
  readonly underShare?: number;
}

/** The capacity file as the report used it. */
export interface CapacityInput {
  /** The caseload measure capacities are compared with: the weights' column, or `live postcodes`. */
  readonly measure: string;
  readonly underShare: number;
  readonly rows: number;
  /** Rows naming no hub, patch or team of either set: not used, listed here. */
  readonly unknown: readonly CapacityEntry[];
}

export interface ImpactSide {
  /** Version number; null for a draft or a folder. */
  readonly version: number | null;
  readonly label: string;
}

export interface ImpactValidation {
  /** What publishing decides: false when any problem is an error. */
  readonly publishable: boolean;
  readonly errors: number;
  readonly warnings: number;
  /**
   * Publish-time problems (functions/core/boundary-set/validate.ts: layer checks, sites, validity,
   * overlaps, gaps and parts outside the outline of every polygon layer) and the postcodes the new
   * set leaves in a gap, each located by a point (shapes are left to GET …/draft/validation).
   */
  readonly problems: readonly Omit<DraftProblem, 'geometry'>[];
  /** How much of the outline the catchments cover. */
  readonly coverage: CoverageReport | null;
}

export interface HubMovedPostcode {
  readonly postcode: string;
  readonly lat: number;
  readonly lng: number;
  readonly status: PostcodeStatus;
  readonly fromHub: string | null;
  readonly toHub: string | null;
  /** How the new set answers it: inside, boundary (a tie, lowest hub id), gap or outside. */
  readonly match: Assignment['match'];
}

export interface HubChanges extends Omit<UnitChanges, 'moved'> {
  readonly moved: readonly HubMovedPostcode[];
}

export interface PairChange {
  readonly name: PairName;
  readonly a: LayerName;
  readonly b: LayerName;
  /** Coterminosity before and after (null when a set lacks one of the two layers). */
  readonly before: number | null;
  readonly after: number | null;
  readonly change: number | null;
}

export interface ImpactAlignment {
  readonly before: AlignmentSummary;
  readonly after: AlignmentSummary;
  readonly pairs: readonly PairChange[];
  readonly agreement: {
    readonly before: number | null;
    readonly after: number | null;
    readonly change: number | null;
  };
}

export interface RedrawImpact {
  readonly schema: typeof IMPACT_SCHEMA_VERSION;
  readonly area: string;
  readonly from: ImpactSide;
  readonly to: ImpactSide;
  readonly validation: ImpactValidation;
  readonly postcodes: {
    /** Directory records given, those with a location (compared), and those without (skipped). */
    readonly given: number;
    readonly located: number;
    readonly withoutLocation: number;
    readonly live: number;
    readonly terminated: number;
    /** Old / new answers taken from a precomputed assignment table (the rest were assigned afresh). */
    readonly fromTable: { readonly from: number; readonly to: number };
    /** Located postcodes in a gap, outside the area, or on a shared catchment boundary. */
    readonly before: MatchCounts;
    readonly after: MatchCounts;
  };
  readonly hubs: HubChanges;
  /** null when neither set has the layer. */
  readonly hvPatches: UnitChanges | null;
  readonly cocTeams: UnitChanges | null;
  /** null when options.alignment is false. */
  readonly alignment: ImpactAlignment | null;
  readonly maxListed: number;
  /** The weights file: what matched, and every unmatched row's weight and reason; null without one. */
  readonly weights: WeightsReport | null;
  readonly capacity: CapacityInput | null;
}

export interface MatchCounts {
  readonly inside: number;
  readonly boundary: number;
  readonly gap: number;
  readonly outside: number;
}

/**
 * The impact of replacing `from` with `to` on every located postcode in `postcodes` (the area's
 * directory). Throws InvalidGeometryError, listing the validation errors, only when `to` cannot be
 * indexed at all (e.g. no catchment features); any other validation problem is reported in
 * `validation` and the impact is still computed.
 */
/**
 * Throws the 422 of a validation that ran out of its budget: past it, the impact's own work (indexing,
 * assigning, aligning the same geometry) would be the long run the budget is there to prevent.
 */
export function refuseOverBudget(validation: DraftValidation): void {
  const overBudget = validation.problems.find((p) => p.kind === 'analysis-budget-exceeded');
  if (overBudget) {
    throw new AnalysisBudgetExceededError(`No impact computed: ${overBudget.message}`, [
      { kind: overBudget.kind, message: overBudget.message },
    ]);
  }
}

export function computeRedrawImpact(
  from: BoundarySet,
  to: BoundarySet,
  postcodes: Iterable<PostcodeRecord>,
  options: RedrawImpactOptions = {},
): RedrawImpact {
  const sliverToleranceM2 = options.sliverToleranceM2 ?? DEFAULT_SLIVER_TOLERANCE_M2;
  const maxListed = options.maxListed ?? DEFAULT_MAX_LISTED;
  const checked =
    options.validation ??
    validateDraftSet(
      { area: to.area, layers: to.layers, sites: to.sites },
      { sliverToleranceM2, ...(options.budget ? { budget: options.budget } : {}) },
    );
  refuseOverBudget(checked);
  let toLookup: AreaLookup;
  try {
    toLookup = AreaLookup.build(to);
  } catch (error) {
    if (error instanceof DomainError) throw error;
    const errors = checked.problems.filter((p) => p.severity === 'error');
    throw new InvalidGeometryError(
      `The new boundary set cannot be used to answer lookups (${(error as Error).message}); fix its ${errors.length} validation error${errors.length === 1 ? '' : 's'} first.`,
      errors.map(({ geometry: _g, ...rest }) => rest),
    );
  }
  const fromLookup = AreaLookup.build(from);

  // Assign every located postcode in both sets.
  const names: string[] = [];
  const lat: number[] = [];
  const lng: number[] = [];
  const status: PostcodeStatus[] = [];
  const before: Assignment[] = [];
  const after: Assignment[] = [];
  let given = 0;
  let fromTableFrom = 0;
  let fromTableTo = 0;
  for (const record of postcodes) {
    given++;
    const location = record.location;
    if (!location) continue;
    names.push(record.postcode);
    lat.push(location.lat);
    lng.push(location.lng);
    status.push(record.status);
    const old = stored(options.fromAssignments, record.postcode, location.lat, location.lng);
    if (old) fromTableFrom++;
    before.push(old ?? fromLookup.assign(location.lng, location.lat));
    const neu = stored(options.toAssignments, record.postcode, location.lat, location.lng);
    if (neu) fromTableTo++;
    after.push(neu ?? toLookup.assign(location.lng, location.lat));
  }
  const columns: PostcodeColumns = {
    postcode: names,
    lat: Float64Array.from(lat),
    lng: Float64Array.from(lng),
    status,
  };
  const located = names.length;
  const live = status.filter((s) => s === 'live').length;
  // Each live postcode's weight (the weights land on live located postcodes only).
  const byPostcode = options.weights?.byPostcode;
  const weight = byPostcode
    ? Float64Array.from(names, (p, i) => (status[i] === 'live' ? (byPostcode.get(p) ?? 0) : 0))
    : undefined;

  // Hubs: the hub ids of each set are its catchment feature ids (validation ties them to hub sites).
  const hubUnits = (set: BoundarySet): LayerUnits => {
    const siteNames = new Map(set.sites.map((s) => [s.id, s.name]));
    const ids = set.layers.catchments.features.map((f) => f.properties.id);
    return {
      ids,
      names: new Map(
        set.layers.catchments.features.map((f) => [
          f.properties.id,
          siteNames.get(f.properties.id) ?? f.properties.name,
        ]),
      ),
    };
  };
  const hubBefore = before.map((a) => a.hubId);
  const hubAfter = after.map((a) => a.hubId);
  const hubLayer = unitChanges(
    columns,
    hubBefore,
    hubAfter,
    { before: hubUnits(from), after: hubUnits(to) },
    maxListed,
    weight,
  );
  const indexOf = new Map<string, number>();
  names.forEach((p, i) => {
    indexOf.set(p, i);
  });
  const hubChanges: HubChanges = {
    ...hubLayer,
    moved: hubLayer.moved.map((m: MovedPostcode) => ({
      postcode: m.postcode,
      lat: m.lat,
      lng: m.lng,
      status: m.status,
      fromHub: m.from,
      toHub: m.to,
      match: after[indexOf.get(m.postcode)!]!.match,
    })),
  };

  const layerChanges = (layer: 'hv-patches' | 'coc-teams', pick: (a: Assignment) => string | null) => {
    const b = from.layers[layer];
    const a = to.layers[layer];
    if (!b && !a) return null;
    const unitsOf = (l: typeof a): LayerUnits => ({
      ids: l?.features.map((f) => f.properties.id) ?? [],
      names: new Map(l?.features.map((f) => [f.properties.id, f.properties.name]) ?? []),
    });
    return unitChanges(
      columns,
      before.map(pick),
      after.map(pick),
      { before: unitsOf(b), after: unitsOf(a) },
      maxListed,
      weight,
    );
  };
  const hvPatches = layerChanges('hv-patches', (a) => a.hvPatchId);
  const cocTeams = layerChanges('coc-teams', (a) => a.cocTeamId);

  // Capacity: every row goes to the layer it names, or the one layer with a unit of that id.
  let capacity: CapacityInput | null = null;
  let hubs: HubChanges = hubChanges;
  let patches = hvPatches;
  let teams = cocTeams;
  if (options.capacity) {
    const measure = options.weights ? options.weights.report.column : 'live postcodes';
    const underShare = options.underShare ?? DEFAULT_UNDER_SHARE;
    const idsOf = (changes: UnitChanges | HubChanges | null) => new Set(changes?.units.map((u) => u.id));
    const split = splitCapacity(options.capacity, [
      { layer: 'catchments', ids: idsOf(hubChanges) },
      { layer: 'hv-patches', ids: idsOf(hvPatches) },
      { layer: 'coc-teams', ids: idsOf(cocTeams) },
    ]);
    const loads = (changes: UnitChanges | HubChanges, layer: string) =>
      capacityChanges(changes.units, split.byLayer.get(layer)!, {
        measure,
        underShare,
        weighted: weight !== undefined,
      });
    hubs = { ...hubChanges, capacity: loads(hubChanges, 'catchments') };
    if (hvPatches) patches = { ...hvPatches, capacity: loads(hvPatches, 'hv-patches') };
    if (cocTeams) teams = { ...cocTeams, capacity: loads(cocTeams, 'coc-teams') };
    capacity = { measure, underShare, rows: options.capacity.entries.length, unknown: split.unknown };
  }

  // Alignment on the live postcodes (the caseload proxy), in both sets.
  let alignment: ImpactAlignment | null = null;
  if (options.alignment ?? true) {
    const points: WeightedPoint[] = [];
    for (let i = 0; i < located; i++) {
      if (status[i] !== 'live') continue;
      points.push(
        weight ? { lng: lng[i]!, lat: lat[i]!, weight: weight[i]! } : { lng: lng[i]!, lat: lat[i]! },
      );
    }
    const threshold = options.threshold ?? DEFAULT_THRESHOLD;
    // With weights the scores are weighted by them, and say so (basis `weights`, the column named).
    const summaryOptions = {
      threshold,
      points,
      ...(options.weights ? { weightColumn: options.weights.report.column } : {}),
    };
    const summaryBefore = options.alignmentBefore ?? summariseAlignment(from, summaryOptions);
    const summaryAfter = options.alignmentAfter ?? summariseAlignment(to, summaryOptions);
    alignment = compareAlignment(summaryBefore, summaryAfter);
  }

  const gapProblems = postcodeGapProblems(
    names.map((postcode, i) => ({ postcode, lat: lat[i]!, lng: lng[i]!, assignment: after[i]! })),
  );
  const problems = [...checked.problems, ...gapProblems].map(({ geometry: _g, ...rest }) => rest);
  return {
    schema: IMPACT_SCHEMA_VERSION,
    area: to.area.id,
    from: { version: from.version, label: options.labels?.from ?? labelOf(from) },
    to: { version: to.version, label: options.labels?.to ?? labelOf(to) },
    validation: {
      publishable: checked.publishable,
      errors: checked.errors,
      warnings: checked.warnings + gapProblems.filter((p) => p.severity === 'warning').length,
      problems,
      coverage: checked.coverage,
    },
    postcodes: {
      given,
      located,
      withoutLocation: given - located,
      live,
      terminated: located - live,
      fromTable: { from: fromTableFrom, to: fromTableTo },
      before: matchCounts(before),
      after: matchCounts(after),
    },
    hubs,
    hvPatches: patches,
    cocTeams: teams,
    alignment,
    maxListed,
    weights: options.weights?.report ?? null,
    capacity,
  };
}

function labelOf(set: BoundarySet): string {
  return set.version === null ? 'draft' : `v${set.version}`;
}

/**
 * The live located postcodes as alignment points (what impact weighs alignment by), each with its
 * weight when `weights` are given (0 for a postcode the weights do not reach).
 */
export function livePoints(
  postcodes: Iterable<PostcodeRecord>,
  weights?: ReadonlyMap<string, number>,
): WeightedPoint[] {
  const points: WeightedPoint[] = [];
  for (const r of postcodes) {
    if (!r.location || r.status !== 'live') continue;
    const { lng, lat } = r.location;
    points.push(weights ? { lng, lat, weight: weights.get(r.postcode) ?? 0 } : { lng, lat });
  }
  return points;
}

/** A stored answer, if the table has the postcode at the same point (else it must be assigned afresh). */
function stored(
  table: ReadonlyMap<string, AssignmentRow> | undefined,
  postcode: string,
  lat: number,
  lng: number,
): Assignment | undefined {
  const row = table?.get(postcode);
  return row && row.lat === lat && row.lng === lng ? row.assignment : undefined;
}

function matchCounts(assignments: readonly Assignment[]): MatchCounts {
  const counts = { inside: 0, boundary: 0, gap: 0, outside: 0 };
  for (const a of assignments) counts[a.match]++;
  return counts;
}

export function compareAlignment(before: AlignmentSummary, after: AlignmentSummary): ImpactAlignment {
  const names = [...new Set([...before.pairs, ...after.pairs].map((p) => p.name))];
  const pairs: PairChange[] = names.map((name) => {
    const b = before.pairs.find((p) => p.name === name);
    const a = after.pairs.find((p) => p.name === name);
    const x = b?.scores.coterminosity ?? null;
    const y = a?.scores.coterminosity ?? null;
    const ref = (a ?? b)!;
    return { name, a: ref.a, b: ref.b, before: x, after: y, change: x !== null && y !== null ? y - x : null };
  });
  return {
    before,
    after,
    pairs,
    agreement: {
      before: before.agreement,
      after: after.agreement,
      change:
        before.agreement !== null && after.agreement !== null ? after.agreement - before.agreement : null,
    },
  };
}
