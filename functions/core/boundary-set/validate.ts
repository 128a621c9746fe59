// Publish-time validation of a draft boundary set: the foundation's layer checks on every layer,
// then what only the whole set can tell — every hub has exactly one catchment, catchments do not
// overlap beyond a sliver tolerance, spoke catchments belong to spokes, and how much of the area
// outline the catchments cover. Errors block publishing; warnings and info are reported.
//
// Validity, overlaps, gaps and coverage come from the coverage engine (functions/core/coverage:
// OGC validity with exact predicates, exact overlap and gap areas on the WGS84 ellipsoid), which
// is fast enough to run on every publish (~0.2 s for the sample's catchments, ~0.5 s for 2,001 OAs).

import { type CoverageResult, checkCoverage } from '../coverage/coverage.js';
import { BLOCKING_VALIDITY_KINDS, checkValidity } from '../coverage/validity.js';
import { truncate } from '../errors.js';
import { checkLayer } from '../layer-validation.js';
import type { AssignmentRow } from '../lookup/assignment-table.js';
import {
  type AreaInfo,
  type BoundarySet,
  LAYER_NAMES,
  type Layer,
  type LayerName,
  type Site,
} from '../model.js';
import { type AnalysisBudget, AnalysisBudgetExceededError, BudgetMeter } from '../overlay/budget.js';
import type { DraftProblem } from './problems.js';
import { checkSites } from './sites.js';

/** A draft's content: layers may be missing until the planner uploads them. */
export interface DraftSet {
  readonly area: AreaInfo;
  readonly layers: Partial<Record<LayerName, Layer>>;
  readonly sites: readonly Site[];
}

export interface ValidationOptions {
  /** Overlaps between two catchments up to this area (m²) are slivers: a warning, not an error. */
  readonly sliverToleranceM2: number;
  /** Problems listed per kind before the rest are only counted (default 100). */
  readonly maxPerKind?: number;
  /**
   * Vertices and time the geometry checks of the whole draft may take (the caller's configuration and
   * clock). Past it the draft gets an `analysis-budget-exceeded` error instead of a long run.
   */
  readonly budget?: AnalysisBudget;
}

/** How much of the area outline the hub catchments cover (areas in m² on the WGS84 ellipsoid). */
export interface CoverageReport {
  readonly outlineAreaM2: number;
  /** Outline area inside some catchment. */
  readonly coveredAreaM2: number;
  /** Outline area in no catchment: gaps, where a point gets no hub. */
  readonly uncoveredAreaM2: number;
  /** coveredAreaM2 / outlineAreaM2, 0..1. */
  readonly coveredShare: number;
  /** Catchment area lying outside the outline. */
  readonly outsideOutlineAreaM2: number;
  /** Total area where two catchments overlap (slivers included). */
  readonly overlapAreaM2: number;
}

export interface DraftValidation {
  readonly problems: readonly DraftProblem[];
  readonly errors: number;
  readonly warnings: number;
  /** True when no problem is an error. */
  readonly publishable: boolean;
  /** Null when the outline or catchments are missing or could not be overlaid. */
  readonly coverage: CoverageReport | null;
}

/** The polygon layers checked for validity, overlaps and (against the outline) gaps. */
const COVERAGE_LAYERS: readonly {
  readonly layer: LayerName;
  readonly unit: string;
  readonly what: string;
  readonly overlapSeverity: 'error' | 'warning';
  readonly withOutline: boolean;
}[] = [
  { layer: 'catchments', unit: 'catchment', what: 'catchments', overlapSeverity: 'error', withOutline: true },
  {
    layer: 'hv-patches',
    unit: 'hv-patch',
    what: 'HV patches',
    overlapSeverity: 'warning',
    withOutline: true,
  },
  { layer: 'coc-teams', unit: 'coc-team', what: 'CoC teams', overlapSeverity: 'warning', withOutline: true },
  // Spoke catchments sit inside hub catchments and need not tile the area.
  {
    layer: 'spoke-catchments',
    unit: 'spoke-catchment',
    what: 'spoke catchments',
    overlapSeverity: 'warning',
    withOutline: false,
  },
];

/**
 * An outline "far larger" than its catchments: they cover less than this share of it. A real area's
 * catchments cover it all but gaps and slivers; an outline drawn for a bigger area (a county for one
 * district's hubs, a bounding box, the world) leaves most of it in no catchment, so most points inside
 * it would be told "gap" instead of "outside".
 */
export const MIN_OUTLINE_COVERED_SHARE = 0.5;

export function validateDraftSet(draft: DraftSet, options: ValidationOptions): DraftValidation {
  const sink = new Sink(options.maxPerKind ?? 100);
  const budget = new BudgetMeter(options.budget);
  const layers = draft.layers;
  for (const required of ['outline', 'catchments'] as const) {
    if (!layers[required] || layers[required].features.length === 0) {
      sink.add({
        kind: 'missing-layer',
        severity: 'error',
        layer: required,
        message: `The draft has no ${required} layer. Upload it with PUT …/draft/layers/${required}?idProperty=<your id column> (catchments carry the hub id).`,
      });
    }
  }

  // The foundation's layer checks, again: the stored layers passed them on upload, so this only
  // fires for a draft edited by other means, but a publish must not trust that.
  const usable = new Map<LayerName, Layer>();
  for (const name of LAYER_NAMES) {
    const layer = layers[name];
    if (!layer) continue;
    const checked = checkLayer(layer, { idProperty: 'id' });
    for (const p of checked.problems) sink.add({ ...p, severity: 'error', layer: name });
    if (checked.problems.length === 0) usable.set(name, layer);
  }

  const siteCheck = checkSites([...draft.sites], draft.area.id);
  for (const p of siteCheck.problems) sink.add(p);
  const hubs = draft.sites.filter((s) => s.kind === 'hub');
  const spokes = draft.sites.filter((s) => s.kind === 'spoke');
  if (hubs.length === 0) {
    sink.add({
      kind: 'no-hubs',
      severity: 'error',
      layer: 'sites',
      message: 'The draft has no hub sites. Upload the sites (hubs and spokes) with PUT …/draft/sites.',
    });
  }

  const catchments = usable.get('catchments');
  if (catchments && hubs.length > 0) {
    const catchmentIds = new Set(catchments.features.map((f) => f.properties.id));
    const hubIds = new Set(hubs.map((h) => h.id));
    for (const hub of hubs) {
      if (!catchmentIds.has(hub.id)) {
        sink.add({
          kind: 'hub-without-catchment',
          severity: 'error',
          layer: 'catchments',
          feature: hub.id,
          location: [hub.location.lng, hub.location.lat],
          message: `Hub "${truncate(hub.id)}" (${truncate(hub.name)}) has no catchment: add a feature with id "${truncate(hub.id)}" to the catchments layer, or remove the hub from the sites.`,
        });
      }
    }
    for (const f of catchments.features) {
      if (!hubIds.has(f.properties.id)) {
        sink.add({
          kind: 'catchment-without-hub',
          severity: 'error',
          layer: 'catchments',
          feature: f.properties.id,
          ...located(firstPosition(f.geometry)),
          message: `Catchment "${truncate(f.properties.id)}" names no hub site: every catchment's id must be the id of one hub in the sites. Fix the id, or add the hub.`,
        });
      }
    }
  }

  const spokeCatchments = usable.get('spoke-catchments');
  if (spokeCatchments) {
    const spokeIds = new Set(spokes.map((s) => s.id));
    for (const f of spokeCatchments.features) {
      if (!spokeIds.has(f.properties.id)) {
        sink.add({
          kind: 'spoke-catchment-without-spoke',
          severity: 'error',
          layer: 'spoke-catchments',
          feature: f.properties.id,
          ...located(firstPosition(f.geometry)),
          message: `Spoke catchment "${truncate(f.properties.id)}" names no spoke site: its id must be the id of a spoke.`,
        });
      }
    }
  }

  const patches = usable.get('hv-patches');
  if (patches && hubs.length > 0) {
    const hubIds = new Set(hubs.map((h) => h.id));
    for (const f of patches.features) {
      const hubId = f.properties.hubId;
      if (typeof hubId === 'string' && !hubIds.has(hubId)) {
        sink.add({
          kind: 'hv-patch-unknown-hub',
          severity: 'warning',
          layer: 'hv-patches',
          feature: f.properties.id,
          ...located(firstPosition(f.geometry)),
          message: `HV patch "${truncate(f.properties.id)}" says it belongs to hub "${truncate(hubId)}", which is not a hub in the sites.`,
        });
      }
    }
  }

  // Validity, overlaps, gaps and parts outside the outline of each polygon layer: the coverage
  // engine (functions/core/coverage), with the sliver tolerance applied to overlaps and gaps alike.
  let coverage: CoverageReport | null = null;
  try {
    const outline = usable.get('outline');
    if (outline && !checkOutline(outline, sink, budget)) usable.delete('outline');
    coverage = checkLayers(usable, options, sink, budget);
  } catch (error) {
    if (!(error instanceof AnalysisBudgetExceededError)) throw error;
    sink.add({ kind: 'analysis-budget-exceeded', severity: 'error', message: error.message });
  }

  const problems = sink.toList();
  const errors = problems.filter((p) => p.severity === 'error').length;
  return {
    problems,
    errors,
    warnings: problems.filter((p) => p.severity === 'warning').length,
    publishable: errors === 0,
    coverage,
  };
}

/** The geometry checks of each polygon layer; returns the catchments' coverage of the outline. */
function checkLayers(
  usable: ReadonlyMap<LayerName, Layer>,
  options: ValidationOptions,
  sink: Sink,
  budget: BudgetMeter,
): CoverageReport | null {
  const outline = usable.get('outline');
  let coverage: CoverageReport | null = null;
  for (const spec of COVERAGE_LAYERS) {
    const layer = usable.get(spec.layer);
    if (!layer) continue;
    let result: CoverageResult;
    try {
      result = checkCoverage(layer, {
        ...(spec.withOutline && outline ? { outline } : {}),
        sliver: { areaM2: options.sliverToleranceM2 },
        maxListed: options.maxPerKind ?? 100,
        budget,
        noun: spec.unit.replace('-', ' ').replace('hv', 'HV').replace('coc', 'CoC'),
      });
    } catch (error) {
      if (error instanceof AnalysisBudgetExceededError) throw error;
      sink.add({
        kind: 'overlay-failed',
        severity: 'error',
        layer: spec.layer,
        message: `The ${spec.what} could not be checked for overlaps and gaps: ${(error as Error).message}`,
      });
      continue;
    }
    for (const v of result.invalid) {
      const blocking = BLOCKING_VALIDITY_KINDS.has(v.kind);
      sink.add({
        kind: v.kind,
        severity: blocking ? 'error' : 'warning',
        layer: spec.layer,
        feature: v.feature,
        location: [v.location[0], v.location[1]],
        message: blocking
          ? `${v.message} Lookups inside this polygon are ambiguous: repair it (e.g. QGIS "Fix geometries") and upload the layer again.`
          : `${v.message} Not valid OGC geometry, but lookups are well defined; fix it when convenient.`,
      });
    }
    for (const c of result.detached) {
      sink.add({
        kind: c.kind,
        severity: 'warning',
        layer: spec.layer,
        feature: c.feature,
        ...(c.location ? { location: [c.location[0], c.location[1]] as [number, number] } : {}),
        ...(c.areaM2 !== undefined ? { areaM2: round2(c.areaM2) } : {}),
        ...(c.geometry ? { geometry: c.geometry } : {}),
        message: c.message,
      });
    }
    for (const issue of [...result.overlaps, ...result.slivers.listed.filter((i) => i.kind === 'overlap')]) {
      const [a, b] = [...issue.features].sort();
      const severity = issue.sliver ? 'warning' : spec.overlapSeverity;
      sink.add({
        kind: issue.sliver ? `${spec.unit}-sliver` : `${spec.unit}-overlap`,
        severity,
        layer: spec.layer,
        ...(a ? { feature: a } : {}),
        ...(b ? { otherFeature: b } : {}),
        areaM2: round2(issue.areaM2),
        ...(issue.geometry ? { geometry: issue.geometry } : {}),
        ...located(issue.location ? [issue.location[0], issue.location[1]] : undefined),
        message: issue.sliver
          ? `${capitalise(spec.what)} "${truncate(a ?? '')}" and "${truncate(b ?? '')}" overlap by ${formatArea(issue.areaM2)} (${issue.widthM.toFixed(2)} m wide on average), within the sliver tolerance (${formatArea(options.sliverToleranceM2)}, or under 1 m wide): digitising noise, but worth snapping the shared edge.`
          : `${capitalise(spec.what)} "${truncate(a ?? '')}" and "${truncate(b ?? '')}" overlap by ${formatArea(issue.areaM2)} (tolerance ${formatArea(options.sliverToleranceM2)}). ` +
            (spec.overlapSeverity === 'error'
              ? 'A family living there would be served by two hubs: redraw the shared boundary so each place is in one catchment.'
              : 'A place in both belongs to two units; lookups pick the lowest id.'),
      });
    }
    for (const gap of result.gaps) {
      sink.add({
        kind: spec.layer === 'catchments' ? 'coverage-gap' : `${spec.unit}-gap`,
        severity: 'warning',
        layer: spec.layer,
        areaM2: round2(gap.areaM2),
        ...(gap.geometry ? { geometry: gap.geometry } : {}),
        ...located(gap.location ? [gap.location[0], gap.location[1]] : undefined),
        message:
          `${formatArea(gap.areaM2)} of the area outline is in no ${spec.unit.replace('-', ' ')}` +
          (gap.features.length > 0
            ? ` (between ${gap.features
                .slice(0, 4)
                .map((f) => `"${truncate(f)}"`)
                .join(', ')})`
            : '') +
          (spec.layer === 'catchments'
            ? ': a family living there gets no hub (lookups offer the nearest one). See the postcode-in-gap problems for the postcodes affected.'
            : '.'),
      });
    }
    for (const part of result.outside) {
      sink.add({
        kind: spec.layer === 'catchments' ? 'catchment-outside-outline' : `${spec.unit}-outside-outline`,
        severity: 'warning',
        layer: spec.layer,
        ...(part.features[0] ? { feature: part.features[0] } : {}),
        areaM2: round2(part.areaM2),
        ...(part.geometry ? { geometry: part.geometry } : {}),
        ...located(part.location ? [part.location[0], part.location[1]] : undefined),
        message: `${formatArea(part.areaM2)} of ${spec.unit.replace('-', ' ')} "${truncate(part.features[0] ?? '')}" lies outside the area outline. Points there are answered by this area; check the outline is the whole area.`,
      });
    }
    const noise = result.slivers;
    if (noise.gaps.count + noise.outside.count > 0) {
      sink.add({
        kind: `${spec.unit}-noise`,
        severity: 'info',
        layer: spec.layer,
        message: `${noise.gaps.count} sliver gap(s) (${formatArea(noise.gaps.areaM2)} in all) and ${noise.outside.count} sliver(s) outside the outline (${formatArea(noise.outside.areaM2)}): under the tolerance, digitising noise.`,
      });
    }
    for (const note of result.notes) {
      sink.add({ kind: 'coverage-not-checked', severity: 'warning', layer: spec.layer, message: note });
    }
    if (spec.layer === 'catchments' && spec.withOutline && result.outlineAreaM2 !== null) {
      const uncovered = result.totals.gaps.areaM2 + result.slivers.gaps.areaM2;
      const outlineAreaM2 = result.outlineAreaM2;
      const covered = Math.max(0, outlineAreaM2 - uncovered);
      coverage = {
        outlineAreaM2: round2(outlineAreaM2),
        coveredAreaM2: round2(covered),
        uncoveredAreaM2: round2(uncovered),
        coveredShare: outlineAreaM2 > 0 ? Math.round((covered / outlineAreaM2) * 1e6) / 1e6 : 0,
        outsideOutlineAreaM2: round2(result.totals.outside.areaM2 + result.slivers.outside.areaM2),
        overlapAreaM2: round2(result.totals.overlaps.areaM2 + result.slivers.overlaps.areaM2),
      };
      if (covered < MIN_OUTLINE_COVERED_SHARE * outlineAreaM2) {
        sink.add({
          kind: 'outline-far-larger',
          severity: 'error',
          layer: 'outline',
          areaM2: round2(outlineAreaM2),
          message:
            `The area outline (${formatArea(outlineAreaM2)}) is far larger than the catchments: they cover ${formatArea(covered)}, ` +
            `${((100 * covered) / outlineAreaM2).toFixed(1)}% of it (at least ${MIN_OUTLINE_COVERED_SHARE * 100}% is expected). ` +
            'Every point in the rest would be told it is in a gap of this area instead of outside it. Upload the outline of the area the hubs serve, or the missing catchments.',
        });
      }
    }
  }
  return coverage;
}

/**
 * The outline's own geometry: the validity problems that make "inside the area" ambiguous, and an
 * outline that encloses nothing, block publishing. Returns whether the outline can be used for the
 * coverage checks.
 */
function checkOutline(outline: Layer, sink: Sink, budget: BudgetMeter): boolean {
  let usable = true;
  for (const f of outline.features) {
    for (const v of checkValidity(f.properties.id, f.geometry, { budget })) {
      const blocking = BLOCKING_VALIDITY_KINDS.has(v.kind);
      if (blocking) usable = false;
      sink.add({
        kind: v.kind,
        severity: blocking ? 'error' : 'warning',
        layer: 'outline',
        feature: v.feature,
        location: [v.location[0], v.location[1]],
        message: blocking
          ? `${v.message} Whether a point is inside the area is ambiguous: repair the outline and upload it again.`
          : `${v.message} Not valid OGC geometry, but lookups are well defined; fix it when convenient.`,
      });
    }
  }
  return usable;
}

/**
 * Postcodes the draft would leave without a hub although they lie inside the area outline (`gap`
 * rows of the assignment table): the problem planners most need to see, located at each postcode.
 */
export function postcodeGapProblems(rows: readonly AssignmentRow[], maxPerKind = 100): DraftProblem[] {
  const sink = new Sink(maxPerKind);
  for (const row of rows) {
    if (row.assignment.match !== 'gap') continue;
    const nearest = row.assignment.nearestHubId;
    const distance = row.assignment.nearestHubDistanceM;
    sink.add({
      kind: 'postcode-in-gap',
      severity: 'warning',
      layer: 'catchments',
      feature: row.postcode,
      location: [row.lng, row.lat],
      message:
        `${row.postcode} is inside the area but in no catchment: it would get no hub` +
        (nearest && distance !== undefined
          ? ` (the nearest is ${nearest}, ${(distance / 1000).toFixed(1)} km away).`
          : '.'),
    });
  }
  return sink.toList();
}

/** The draft as a boundary set, once the required layers are there (checked by validation). */
export function draftToBoundarySet(draft: DraftSet, version: number | null): BoundarySet {
  const { outline, catchments } = draft.layers;
  if (!outline || !catchments) throw new Error('draftToBoundarySet: validate the draft first');
  return {
    area: draft.area,
    version,
    layers: { ...draft.layers, outline, catchments },
    sites: draft.sites,
  };
}

/** Lists at most `perKind` problems of each kind, then one `too-many-problems` line per overflow. */
class Sink {
  private readonly listed: DraftProblem[] = [];
  private readonly counts = new Map<
    string,
    { n: number; severity: DraftProblem['severity']; layer?: string }
  >();
  constructor(private readonly perKind: number) {}

  add(problem: DraftProblem): void {
    const entry = this.counts.get(problem.kind) ?? { n: 0, severity: problem.severity, layer: problem.layer };
    entry.n++;
    this.counts.set(problem.kind, entry);
    if (entry.n <= this.perKind) this.listed.push(problem);
  }

  toList(): DraftProblem[] {
    const out = [...this.listed];
    for (const [kind, { n, severity, layer }] of this.counts) {
      if (n <= this.perKind) continue;
      out.push({
        kind: 'too-many-problems',
        severity,
        ...(layer ? { layer } : {}),
        message: `${n - this.perKind} more "${kind}" problems were found but not listed (${n} in all).`,
      });
    }
    return out;
  }
}

function firstPosition(
  geometry: { type: string; coordinates: unknown } | null | undefined,
): [number, number] | undefined {
  if (!geometry) return undefined;
  let node: unknown = geometry.coordinates;
  while (Array.isArray(node) && Array.isArray(node[0])) node = node[0];
  if (Array.isArray(node) && typeof node[0] === 'number' && typeof node[1] === 'number') {
    return [Math.round(node[0] * 1e7) / 1e7, Math.round(node[1] * 1e7) / 1e7];
  }
  return undefined;
}

function located(position: [number, number] | undefined): { location?: [number, number] } {
  return position ? { location: position } : {};
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

function formatArea(m2: number): string {
  if (m2 >= 1e6) return `${(m2 / 1e6).toFixed(2)} km²`;
  if (m2 >= 1e4) return `${(m2 / 1e4).toFixed(2)} ha`;
  return `${m2.toFixed(m2 < 10 ? 2 : 0)} m²`;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
