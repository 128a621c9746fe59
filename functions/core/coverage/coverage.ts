// Coverage validation of a polygon layer that should tile an area (hub catchments, HV patches, CoC
// teams), against the area outline when one is given:
// - invalid rings (OGC validity, each with its place),
// - overlaps between features (pair, area, geometry),
// - gaps: the holes of the layer's union, or with an outline, the parts of the outline no feature covers,
// - features (parts) outside the outline.
// Pieces below the sliver tolerance are reported apart, counted and summed, as digitising noise.
// Semantics and JSON schema: docs/alignment.md ("Coverage").
import type Flatbush from 'flatbush';
import type { MultiPolygon, Polygon } from 'geojson';
import { geometryAreaM2, lngLatLengthM } from '../geo/area.js';
import type { Layer } from '../model.js';
import type { BudgetMeter } from '../overlay/budget.js';
import { interiorPoint } from '../overlay/interior-point.js';
import { boxIndex, overlayLayers, pairGeometry } from '../overlay/layers.js';
import { overlayPair } from '../overlay/pair.js';
import { type OverlayLimits, type PreparedLayer, prepareLayer, projectionFor } from '../overlay/prepared.js';
import { type UnionResult, unionLayer } from '../overlay/union.js';
import { type ContiguityProblem, checkContiguity } from './contiguity.js';
import { inspectGeometry, type ValidityProblem } from './validity.js';

/** A piece is a sliver when its area or its mean width (2·area / perimeter) is below these. */
export interface SliverTolerance {
  /** Default 100 m². */
  readonly areaM2: number;
  /** Default 1 m. */
  readonly widthM: number;
}

export const DEFAULT_SLIVER_TOLERANCE: SliverTolerance = { areaM2: 100, widthM: 1 };

export interface CoverageOptions {
  /** The area the layer should cover exactly (one or more polygons). */
  readonly outline?: Layer;
  readonly sliver?: Partial<SliverTolerance>;
  /** How many issues of each kind to list (the rest are counted). Default 100. */
  readonly maxListed?: number;
  readonly limits?: OverlayLimits;
  /**
   * The analysis's budget (vertices, time), shared with whatever else the caller checks; past it the
   * check throws AnalysisBudgetExceededError (an InvalidGeometryError: 422).
   */
  readonly budget?: BudgetMeter;
  /** What a feature is, for the contiguity messages ("catchment", "HV patch"); default "unit". */
  readonly noun?: string;
}

export type CoverageIssueKind = 'gap' | 'overlap' | 'outside-outline';

export interface CoverageIssue {
  readonly kind: CoverageIssueKind;
  readonly sliver: boolean;
  /** The features concerned: the overlapping pair, the feature outside, or the features around a gap. */
  readonly features: readonly string[];
  readonly areaM2: number;
  /** Mean width, m: 2·area / perimeter. */
  readonly widthM: number;
  /** A point inside the piece, [lng, lat]. */
  readonly location: readonly [number, number] | null;
  readonly geometry: MultiPolygon | null;
}

export interface IssueTally {
  readonly count: number;
  readonly areaM2: number;
}

export interface CoverageResult {
  readonly features: number;
  /** Σ of the features' areas, m². */
  readonly areaM2: number;
  /** Area of the union of the features, m² (null when the union could not be formed). */
  readonly unionAreaM2: number | null;
  readonly outlineAreaM2: number | null;
  readonly sliverTolerance: SliverTolerance;
  readonly invalid: readonly ValidityProblem[];
  /** Features in more than one piece (parts not unmarked as islands), and bad island markers. */
  readonly detached: readonly ContiguityProblem[];
  /** Problems above the sliver tolerance, largest first. */
  readonly gaps: readonly CoverageIssue[];
  readonly overlaps: readonly CoverageIssue[];
  readonly outside: readonly CoverageIssue[];
  readonly totals: {
    readonly gaps: IssueTally;
    readonly overlaps: IssueTally;
    readonly outside: IssueTally;
  };
  readonly slivers: {
    readonly gaps: IssueTally;
    readonly overlaps: IssueTally;
    readonly outside: IssueTally;
    /** The largest slivers of each kind (up to maxListed each). */
    readonly listed: readonly CoverageIssue[];
  };
  /** True when nothing above the tolerance and no invalid ring was found. */
  readonly ok: boolean;
  /** What could not be checked, and why. */
  readonly notes: readonly string[];
}

function toInput(layer: Layer) {
  return layer.features.map((f, i) => ({
    id: String(f.properties?.id ?? `#${i}`),
    name: String(f.properties?.name ?? f.properties?.id ?? `#${i}`),
    geometry: f.geometry,
    allowedIslands: f.properties?.allowedIslands,
  }));
}

function perimeterOf(mp: MultiPolygon): number {
  let sum = 0;
  for (const poly of mp.coordinates) {
    for (const ring of poly) {
      for (let i = 0; i + 1 < ring.length; i++) {
        sum += lngLatLengthM(ring[i]![0]!, ring[i]![1]!, ring[i + 1]![0]!, ring[i + 1]![1]!);
      }
    }
  }
  return sum;
}

/**
 * Checks the coverage of `layer`; throws InvalidGeometryError only when a layer cannot be read at all, or
 * (AnalysisBudgetExceededError) when the budget runs out.
 */
export function checkCoverage(layer: Layer, options: CoverageOptions = {}): CoverageResult {
  const budget = options.budget;
  const tolerance: SliverTolerance = { ...DEFAULT_SLIVER_TOLERANCE, ...options.sliver };
  const maxListed = options.maxListed ?? 100;
  const notes: string[] = [];
  const input = toInput(layer);
  const outlineInput = options.outline ? toInput(options.outline) : [];
  const projection = projectionFor([...input, ...outlineInput]);
  const L = prepareLayer(input, { projection, limits: options.limits, label: 'layer' });
  const featureIndex = boxIndex(L);
  const isSliver = (area: number, width: number) => area < tolerance.areaM2 || width < tolerance.widthM;
  const widthOf = (area: number, perimeter: number) => (perimeter > 0 ? (2 * area) / perimeter : 0);

  const invalid: ValidityProblem[] = [];
  const detached: ContiguityProblem[] = [];
  for (const f of input) {
    const inspection = inspectGeometry(f.id, f.geometry, { budget });
    invalid.push(...inspection.problems);
    if (inspection.pieces)
      detached.push(
        ...checkContiguity(f.id, f.geometry, inspection.pieces, f.allowedIslands, options.noun ?? 'unit'),
      );
  }

  // Overlaps between features.
  const overlapIssues: CoverageIssue[] = [];
  const self = overlayLayers(L, L, {
    self: true,
    limits: options.limits,
    budget,
    geometriesA: input.map((f) => f.geometry),
    geometriesB: input.map((f) => f.geometry),
  });
  for (const p of self.pairs) {
    const width = widthOf(p.areaM2, p.boundaryM);
    overlapIssues.push({
      kind: 'overlap',
      sliver: isSliver(p.areaM2, p.boundaryM > 0 ? width : Number.POSITIVE_INFINITY),
      features: [L.ids[p.a]!, L.ids[p.b]!],
      areaM2: p.areaM2,
      widthM: width,
      location: null,
      geometry: null,
    });
  }
  for (const f of self.fallbacks) {
    if (f.method === 'failed')
      notes.push(`The overlap of ${L.ids[f.a]} and ${L.ids[f.b]} could not be measured (invalid geometry).`);
  }

  // The union, for gaps (and as the covered area).
  const union = unionLayer(L, options.limits, budget);
  if (union.status !== 'ok') {
    notes.push(
      `Gaps were not checked: the union of the features could not be formed (${union.status}); ` +
        `fix the invalid geometry of ${union.problemFeatures.slice(0, 5).join(', ')} first.`,
    );
  }
  const gapIssues: CoverageIssue[] = [];
  const outsideIssues: CoverageIssue[] = [];
  let outlineAreaM2: number | null = null;
  if (options.outline) {
    const O = prepareLayer(outlineInput, { projection, limits: options.limits, label: 'outline' });
    outlineAreaM2 = O.featureArea.reduce((s, v) => s + v, 0);
    const outlineShape = singleFeature(O, options.limits, budget);
    if (!outlineShape) {
      notes.push(
        'The outline could not be merged into one shape (invalid geometry): gaps and features outside it were not checked.',
      );
    } else {
      if (union.status === 'ok') {
        const U = prepareLayer([{ id: 'union', geometry: union.geometry }], {
          projection,
          limits: options.limits,
          label: 'union',
        });
        const gaps = pairGeometry(
          outlineShape.layer,
          outlineShape.index,
          U,
          0,
          'difference',
          undefined,
          budget,
        );
        if (gaps.method === 'failed') notes.push('The gaps against the outline could not be computed.');
        else if (gaps.geometry) {
          gapIssues.push(
            ...splitPieces('gap', gaps.geometry, U, isSliver, widthOf, (poly) =>
              neighbours(L, featureIndex, poly),
            ),
          );
        }
      }
      for (let f = 0; f < L.size; f++) {
        const r = overlayPair(L, f, outlineShape.layer, outlineShape.index, { op: 'difference', budget });
        if (r.status !== 'ok') {
          notes.push(`Whether ${L.ids[f]} lies inside the outline could not be decided (invalid geometry).`);
          continue;
        }
        if (r.areaM2 <= 0) continue;
        const g = pairGeometry(L, f, outlineShape.layer, outlineShape.index, 'difference', undefined, budget);
        if (g.geometry)
          outsideIssues.push(
            ...splitPieces('outside-outline', g.geometry, L, isSliver, widthOf, () => [L.ids[f]!]),
          );
      }
    }
  } else if (union.status === 'ok') {
    for (const hole of union.holes) {
      const area = -hole.areaM2;
      const geometry: MultiPolygon = { type: 'MultiPolygon', coordinates: [[[...hole.ring].reverse()]] };
      const width = widthOf(area, hole.perimeterM);
      gapIssues.push({
        kind: 'gap',
        sliver: isSliver(area, width),
        features: hole.features,
        areaM2: area,
        widthM: width,
        location: interiorPoint(geometry),
        geometry,
      });
    }
  }

  const byArea = (x: CoverageIssue, y: CoverageIssue) => y.areaM2 - x.areaM2;
  const tally = (list: CoverageIssue[]): IssueTally => ({
    count: list.length,
    areaM2: list.reduce((s, i) => s + i.areaM2, 0),
  });
  const split = (list: CoverageIssue[]) => {
    const problems = list.filter((i) => !i.sliver).sort(byArea);
    const slivers = list.filter((i) => i.sliver).sort(byArea);
    return { problems, slivers };
  };
  const gaps = split(gapIssues);
  const overlaps = split(overlapIssues);
  const outside = split(outsideIssues);
  // Overlap geometry only for what is listed: the problems, then the largest slivers.
  const withGeometry = (issue: CoverageIssue): CoverageIssue => {
    if (issue.kind !== 'overlap' || issue.geometry) return issue;
    const a = L.ids.indexOf(issue.features[0]!);
    const b = L.ids.indexOf(issue.features[1]!);
    const g = pairGeometry(L, a, L, b, 'intersection', { a: input[a]!.geometry, b: input[b]!.geometry });
    return { ...issue, geometry: g.geometry, location: g.geometry ? interiorPoint(g.geometry) : null };
  };
  const listedOverlaps = overlaps.problems.slice(0, maxListed).map(withGeometry);
  const listedSlivers = [
    ...gaps.slivers.slice(0, maxListed),
    ...overlaps.slivers.slice(0, maxListed).map(withGeometry),
    ...outside.slivers.slice(0, maxListed),
  ];
  return {
    features: L.size,
    areaM2: L.featureArea.reduce((s, v) => s + v, 0),
    unionAreaM2: union.status === 'ok' ? union.areaM2 : null,
    outlineAreaM2,
    sliverTolerance: tolerance,
    invalid,
    detached,
    gaps: gaps.problems.slice(0, maxListed),
    overlaps: listedOverlaps,
    outside: outside.problems.slice(0, maxListed),
    totals: {
      gaps: tally(gaps.problems),
      overlaps: tally(overlaps.problems),
      outside: tally(outside.problems),
    },
    slivers: {
      gaps: tally(gaps.slivers),
      overlaps: tally(overlaps.slivers),
      outside: tally(outside.slivers),
      listed: listedSlivers,
    },
    ok:
      invalid.length === 0 &&
      gaps.problems.length === 0 &&
      overlaps.problems.length === 0 &&
      outside.problems.length === 0,
    notes,
  };
}

/** The outline as one feature: itself when it has one, else the union of its features. */
function singleFeature(
  O: PreparedLayer,
  limits: OverlayLimits | undefined,
  budget: BudgetMeter | undefined,
): { layer: PreparedLayer; index: number } | null {
  if (O.size === 1) return { layer: O, index: 0 };
  const u: UnionResult = unionLayer(O, limits, budget);
  if (u.status !== 'ok') return null;
  return {
    layer: prepareLayer([{ id: 'outline', geometry: u.geometry }], {
      projection: O.projection,
      limits,
      label: 'outline',
    }),
    index: 0,
  };
}

/** One issue per polygon of a result MultiPolygon. */
function splitPieces(
  kind: CoverageIssueKind,
  mp: MultiPolygon,
  L: PreparedLayer,
  isSliver: (area: number, width: number) => boolean,
  widthOf: (area: number, perimeter: number) => number,
  featuresOf: (poly: Polygon) => string[],
): CoverageIssue[] {
  const pieces = mp.coordinates.map((rings) => {
    const poly: Polygon = { type: 'Polygon', coordinates: rings };
    const single: MultiPolygon = { type: 'MultiPolygon', coordinates: [rings] };
    const area = geometryAreaM2(poly, { edges: 'lnglat', projection: L.projection });
    const width = widthOf(area, perimeterOf(single));
    return {
      kind,
      sliver: isSliver(area, width),
      features: featuresOf(poly),
      areaM2: area,
      widthM: width,
      location: interiorPoint(poly),
      geometry: single,
    };
  });
  // A shell with a hole of the same outline (a zero-width moat) is no piece at all.
  return pieces.filter((p) => p.areaM2 >= 1e-4);
}

/** Features whose boxes meet a piece's box: "the gap between X, Y and Z". */
function neighbours(L: PreparedLayer, index: Flatbush, poly: Polygon): string[] {
  let x0 = Number.POSITIVE_INFINITY;
  let y0 = Number.POSITIVE_INFINITY;
  let x1 = Number.NEGATIVE_INFINITY;
  let y1 = Number.NEGATIVE_INFINITY;
  for (const [x, y] of poly.coordinates[0] ?? []) {
    if (x === undefined || y === undefined) continue;
    x0 = Math.min(x0, x);
    y0 = Math.min(y0, y);
    x1 = Math.max(x1, x);
    y1 = Math.max(y1, y);
  }
  return index
    .search(x0, y0, x1, y1)
    .filter((f) => f < L.size)
    .sort((a, b) => a - b)
    .map((f) => L.ids[f]!);
}
