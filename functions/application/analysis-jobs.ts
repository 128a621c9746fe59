// The heavy, pure work of the admin and analysis APIs as jobs: plain data in, plain data out, no
// store, no clock of the caller's, so a job can run in a worker thread (the local server) or inline
// (a Lambda) with the same result. Inputs carry text where the core would parse it (a postcode
// directory is passed as its CSV and parsed once per thread per content stamp; a version's answers
// as their encoded assignment table), so the serving thread never parses them.
//
// Results are cached by the services per immutable input (a draft revision, a version, a directory
// stamp), never here; the only state here is the per-thread parsed-directory cache.
import { type AlignmentResult, alignLayers } from '../core/alignment/align.js';
import type { WeightedPoint } from '../core/alignment/points.js';
import { alignThreeWay, type ThreeWayLayers, type ThreeWayResult } from '../core/alignment/three-way.js';
import { type ChangedPostcode, changedPostcodes } from '../core/boundary-set/changes.js';
import { type VersionCounts, versionCounts } from '../core/boundary-set/counts.js';
import { type DraftProblem, problemSummaries } from '../core/boundary-set/problems.js';
import {
  type CoverageReport,
  type DraftSet,
  type DraftValidation,
  draftToBoundarySet,
  postcodeGapProblems,
  type ValidationOptions,
  validateDraftSet,
} from '../core/boundary-set/validate.js';
import { InvalidGeometryError, InvalidRequestError, truncate } from '../core/errors.js';
import { type AlignmentSummary, summariseAlignment } from '../core/impact/alignment-summary.js';
import { computeRedrawImpact, livePoints, type RedrawImpact } from '../core/impact/redraw-impact.js';
import { checkLayer, type LayerCheckOptions, type LayerCheckResult } from '../core/layer-validation.js';
import { AreaLocator } from '../core/lookup/area-lookup.js';
import {
  type AssignmentRow,
  assignmentMap,
  decodeAssignmentTable,
  encodeAssignmentTable,
} from '../core/lookup/assignment-table.js';
import type { BoundarySet, Layer, PostcodeRecord } from '../core/model.js';
import { type AnalysisBudget, AnalysisBudgetExceededError, BudgetMeter } from '../core/overlay/budget.js';
import { DirectoryFormatError, PostcodeDirectory } from '../core/postcode-directory.js';
import { encodeAreaDigest } from '../core/routing/area-digest.js';
import { recordsOfColumns } from '../core/routing/directory-columns.js';
import type { DirectoryColumns } from '../core/routing/national-routing.js';
import {
  type AlignmentCapacity,
  alignmentCapacity,
  type CapacityTable,
  DEFAULT_UNDER_SHARE,
} from '../core/weights/capacity.js';
import { type ResolvedWeights, resolveWeights, type WeightsReport } from '../core/weights/resolve.js';
import type { WeightsTable } from '../core/weights/weights-table.js';
import { assignAreaPostcodes } from './area-postcodes.js';
import type { AnalysisRunner, JobInput, JobOutput } from './ports/analysis-runner.js';

/** An area's postcode directory as stored: its content stamp and its text. */
export interface DirectoryText {
  readonly stamp: string;
  readonly csv: string;
}

/**
 * The work budget of the validity and overlap checks (CATCHMENTS_VALIDITY_MAX_VERTICES, _MAX_MS).
 * Handed to the core's checks in `validationOptions` below.
 */
export interface ValidityBudget {
  readonly maxVertices: number;
  readonly maxMs: number;
}

export interface CheckDraftInput {
  readonly area: string;
  readonly draft: DraftSet;
  readonly directory: DirectoryText | null;
  /** The national directory's postcodes within the draft's extent (area-postcodes.ts), when the store has one. */
  readonly national?: DirectoryColumns | null;
  readonly sliverToleranceM2: number;
  readonly validity?: ValidityBudget;
}

/** What publishing a draft revision would meet, and (when it can be indexed) its precomputed answers. */
export interface DraftCheck {
  readonly publishable: boolean;
  readonly errors: number;
  readonly warnings: number;
  readonly coverage: CoverageReport | null;
  /** Validation problems, then the postcodes in gaps (and a missing directory) as warnings. */
  readonly problems: readonly DraftProblem[];
  readonly postcodes: { readonly assigned: number; readonly inGaps: number };
  /** Every located postcode's answer, encoded (assignment-table.ts); null when the draft cannot be indexed. */
  readonly assignments: string | null;
  readonly counts: VersionCounts | null;
}

/**
 * Validation plus the precomputed answers (which also reveal the postcodes in gaps). Both stages share
 * one deadline, the validity budget's time: what validation leaves of it is what indexing the draft
 * and assigning the postcodes may take. A draft that runs out of it gets an `analysis-budget-exceeded`
 * error naming the stage, and no answers.
 */
function checkDraft(input: CheckDraftInput): DraftCheck {
  const { draft } = input;
  const started = performance.now();
  const validation = validateDraftSet(draft, validationOptions(input));
  const directory = parsed(input.directory);
  let set: BoundarySet | null = null;
  let rows: AssignmentRow[] | null = null;
  const stageProblems: DraftProblem[] = [];
  // The answers are computed even for a draft with errors, when it can be indexed at all: the
  // postcodes in gaps are what a planner most needs to see while fixing it.
  if (draft.layers.outline && draft.layers.catchments && draft.layers.catchments.features.length > 0) {
    const meter = input.validity
      ? new BudgetMeter(
          analysisBudget({ ...input.validity, maxMs: input.validity.maxMs - (performance.now() - started) }),
        )
      : BudgetMeter.unlimited();
    try {
      meter.checkClock();
      set = draftToBoundarySet(draft, null);
      rows = assignAreaPostcodes(
        set,
        { own: directory?.directory ?? null, national: input.national ?? null },
        () => meter.checkClock(),
      );
    } catch (error) {
      set = null;
      rows = null;
      if (error instanceof AnalysisBudgetExceededError) {
        stageProblems.push(assignmentOutOfTime(input.validity!.maxMs));
      } else if (validation.publishable) {
        // A draft too broken to index is reported by validation already; never publish it.
        throw error;
      }
    }
  }
  const gapProblems = rows ? postcodeGapProblems(rows) : [];
  if (!input.directory && !input.national) {
    gapProblems.push({
      kind: 'no-postcode-directory',
      severity: 'warning',
      message: `Area "${input.area}" has no postcode directory in the store, so no postcode answers can be precomputed: postcode lookups will fail until one is loaded.`,
    });
  }
  return {
    publishable: validation.publishable && stageProblems.length === 0,
    errors: validation.errors + stageProblems.length,
    warnings: validation.warnings + gapProblems.length,
    coverage: validation.coverage,
    problems: [...validation.problems, ...stageProblems, ...gapProblems],
    postcodes: {
      assigned: rows?.length ?? 0,
      inGaps: rows?.filter((r) => r.assignment.match === 'gap').length ?? 0,
    },
    assignments: rows ? encodeAssignmentTable(rows) : null,
    counts: set && rows ? versionCounts(set, rows) : null,
  };
}

/** The error of a draft check whose deadline passed while its postcodes were being assigned. */
function assignmentOutOfTime(maxMs: number): DraftProblem {
  const budget = maxMs.toLocaleString('en-GB');
  const message =
    `The draft's checks ran out of their time budget (${budget} ms, CATCHMENTS_VALIDITY_MAX_MS) while indexing its layers ` +
    "and assigning the area's postcodes to them, after the geometry checks above: its boundaries are too complex to " +
    'answer lookups from here. Simplify the most detailed catchments (e.g. mapshaper -simplify 10%), and check again.';
  return { kind: 'analysis-budget-exceeded', severity: 'error', message };
}

/** Postcodes whose hub differs between two encoded assignment tables (before null: a first version). */
function changesBetween(input: {
  readonly before: string | null;
  readonly after: string;
}): ChangedPostcode[] {
  const before = input.before === null ? null : assignmentMap(decodeAssignmentTable(input.before));
  return changedPostcodes(before, assignmentMap(decodeAssignmentTable(input.after)));
}

/**
 * A planner's weights and capacities for one request (docs/impact.md, "Weights and capacity"):
 * parsed tables, plain data, put on the directory's postcodes inside the job.
 */
export interface PlanningInput {
  readonly weights?: WeightsTable;
  readonly capacity?: CapacityTable;
  /** Below this share of capacity a unit is flagged under (default 0.8). */
  readonly underShare?: number;
}

/** What serving and the national routing read of a version (core/routing/area-digest.ts), built at publish. */
function areaDigest(input: {
  readonly set: BoundarySet;
  readonly assignments: string;
  readonly directoryStamp: string | null;
}): Uint8Array {
  return encodeAreaDigest(input.set, decodeAssignmentTable(input.assignments), input.directoryStamp);
}

/** The version's polygon indexes as stored (core/lookup/area-index.ts): point lookups load them with no build. */
function areaIndex(input: { readonly set: BoundarySet }): Uint8Array {
  return AreaLocator.build(input.set).encodeIndex();
}

export interface ImpactInput {
  readonly area: string;
  readonly from: BoundarySet;
  /** A published version, or a draft (which may still lack the layers lookups need). */
  readonly to: BoundarySet | DraftSet;
  readonly directory: DirectoryText | null;
  /** National postcodes within the sets' extent (area-postcodes.ts `nationalWithin`), when the store has them. */
  readonly national?: DirectoryColumns | null;
  /** The versions' encoded answers, reused for postcodes that have not moved. */
  readonly fromAssignments: string;
  readonly toAssignments?: string;
  readonly maxListed: number;
  readonly threshold: number;
  readonly sliverToleranceM2: number;
  readonly alignmentBefore?: AlignmentSummary;
  readonly alignmentAfter?: AlignmentSummary;
  readonly labels: { readonly from: string; readonly to: string };
  /** Weights and capacities; with weights, alignment summaries given above must be weighted alike. */
  readonly planning?: PlanningInput;
  /** The validity budget of the publish checks of `to`, as the draft checks have it. */
  readonly validity?: ValidityBudget;
  /** `to`'s publish checks, cached by the service per draft revision or version (validateDraft). */
  readonly validation?: DraftValidation;
}

export interface ValidateDraftInput {
  readonly draft: DraftSet;
  readonly sliverToleranceM2: number;
  readonly validity?: ValidityBudget;
}

/** The publish checks alone (no postcode answers): what an impact reports of its new set. */
function validateDraft(input: ValidateDraftInput): DraftValidation {
  return validateDraftSet(input.draft, validationOptions(input));
}

function redrawImpact(input: ImpactInput): RedrawImpact {
  const postcodes = postcodesOf(input);
  const weights = plannedWeights(input.planning, postcodes);
  return computeRedrawImpact(input.from, usableSet(input.area, input.to, input), postcodes.records, {
    ...(weights ? { weights } : {}),
    ...(input.planning?.capacity ? { capacity: input.planning.capacity } : {}),
    ...(input.planning?.underShare !== undefined ? { underShare: input.planning.underShare } : {}),
    sliverToleranceM2: input.sliverToleranceM2,
    fromAssignments: assignmentMap(decodeAssignmentTable(input.fromAssignments)),
    ...(input.toAssignments
      ? { toAssignments: assignmentMap(decodeAssignmentTable(input.toAssignments)) }
      : {}),
    maxListed: input.maxListed,
    threshold: input.threshold,
    ...(input.alignmentBefore ? { alignmentBefore: input.alignmentBefore } : {}),
    ...(input.alignmentAfter ? { alignmentAfter: input.alignmentAfter } : {}),
    labels: input.labels,
    ...(input.validation ? { validation: input.validation } : {}),
    ...(input.validity ? { budget: analysisBudget(input.validity) } : {}),
  });
}

/** The set as lookups would answer from it, or a 422 listing what stops it (a draft without its layers). */
function usableSet(
  area: string,
  set: BoundarySet | DraftSet,
  input: { sliverToleranceM2: number; validity?: ValidityBudget; validation?: DraftValidation },
): BoundarySet {
  const { outline, catchments } = set.layers;
  if (!outline || !catchments || outline.features.length === 0 || catchments.features.length === 0) {
    const validation = input.validation ?? validateDraftSet(set, validationOptions(input));
    throw new InvalidGeometryError(
      `The draft of area "${area}" has no ${!outline || outline.features.length === 0 ? 'outline' : 'catchments'} layer yet, so no postcode can be assigned with it. Upload it, then ask again.`,
      problemSummaries(validation.problems.filter((p) => p.severity === 'error')),
    );
  }
  return 'version' in set ? set : draftToBoundarySet(set, null);
}

/** An alignment, and with a planner's input the weights' report and caseload against capacity. */
export interface PlannedAlignment {
  readonly alignment: AlignmentResult;
  readonly weights: WeightsReport | null;
  readonly capacity: AlignmentCapacity | null;
}

function alignment(input: {
  readonly a: Layer;
  readonly b: Layer;
  readonly threshold: number;
  readonly directory: DirectoryText | null;
  readonly national?: DirectoryColumns | null;
  readonly nouns: { readonly a: string; readonly b: string };
  /** The layers' names, which a capacity file's layer column uses. */
  readonly layers: { readonly a: string; readonly b: string };
  readonly planning?: PlanningInput;
}): PlannedAlignment {
  const postcodes = postcodesOf(input);
  const weights = plannedWeights(input.planning, postcodes);
  const points = weights ? livePoints(postcodes.records, weights.byPostcode) : postcodes.points;
  const result = alignLayers(input.a, input.b, {
    threshold: input.threshold,
    ...(points.length > 0 ? { points } : {}),
    ...(weights ? { weightColumn: weights.report.column } : {}),
    nouns: input.nouns,
  });
  const capacity = input.planning?.capacity;
  return {
    alignment: result,
    weights: weights?.report ?? null,
    capacity: capacity
      ? alignmentCapacity(
          {
            a: { layer: input.layers.a, units: result.unitsA },
            b: { layer: input.layers.b, units: result.unitsB },
          },
          capacity,
          {
            measure: weights ? weights.report.column : 'live postcodes',
            underShare: input.planning?.underShare ?? DEFAULT_UNDER_SHARE,
          },
        )
      : null,
  };
}

/**
 * The planner's weights on the directory's postcodes; undefined without weights. Weights and
 * capacities need postcodes to count: an area without a directory is refused.
 */
function plannedWeights(
  planning: PlanningInput | undefined,
  postcodes: AreaRecords,
): ResolvedWeights | undefined {
  if (!planning?.weights && !planning?.capacity) return undefined;
  if (postcodes.records.length === 0) {
    throw new InvalidRequestError(
      'This area has no postcode directory, so there is no caseload to weigh or set against capacity. Load one (PUT …/directory), then ask again.',
    );
  }
  if (!planning.weights) return undefined;
  return resolveWeights(planning.weights, postcodes.records, { censusColumns: postcodes.censusColumns });
}

function threeWay(input: {
  readonly layers: ThreeWayLayers;
  readonly threshold: number;
  readonly directory: DirectoryText | null;
  readonly national?: DirectoryColumns | null;
}): ThreeWayResult {
  return alignThreeWay(input.layers, { threshold: input.threshold, ...pointsOf(input) });
}

function alignmentSummary(input: {
  readonly set: Pick<BoundarySet, 'layers'>;
  readonly threshold: number;
  readonly directory: DirectoryText | null;
  readonly national?: DirectoryColumns | null;
}): AlignmentSummary {
  return summariseAlignment(input.set, {
    threshold: input.threshold,
    points: postcodesOf(input).points,
  });
}

/** The checks of an uploaded layer (structure, ids, coordinates, caps; reprojection from BNG). */
function uploadedLayer(input: {
  readonly upload: unknown;
  readonly options: LayerCheckOptions;
}): LayerCheckResult {
  return checkLayer(input.upload, input.options);
}

/** Reads a postcode directory upload in full before anything is stored; 400 if it is not one. */
function directoryCheck(input: { readonly csv: string }): { postcodes: number } {
  try {
    return { postcodes: PostcodeDirectory.fromCsv(input.csv).size };
  } catch (error) {
    if (!(error instanceof DirectoryFormatError)) throw error;
    throw new InvalidRequestError(
      `The postcode directory is not in the directory format (${truncate(error.message, 200)}). ` +
        'Write it with `catchments import-postcodes`: header postcode,lat,lng,status,terminated.',
    );
  }
}

export const analysisJobs = {
  checkDraft,
  validateDraft,
  changesBetween,
  areaDigest,
  areaIndex,
  redrawImpact,
  alignment,
  threeWay,
  alignmentSummary,
  uploadedLayer,
  directoryCheck,
};

export type AnalysisJobs = typeof analysisJobs;

/** What a job does, in words for an answer that says it was stopped. */
export const JOB_DESCRIPTIONS: Readonly<Record<keyof AnalysisJobs, string>> = {
  checkDraft: 'Checking the draft (validity, overlaps, coverage and every postcode’s answer)',
  validateDraft: 'Checking the draft (validity, overlaps and coverage)',
  changesBetween: 'Comparing the postcode answers of two versions',
  areaDigest: 'Building the version’s serving digest',
  areaIndex: 'Building the version’s point index',
  redrawImpact: 'The redraw impact',
  alignment: 'The alignment',
  threeWay: 'The three-way alignment',
  alignmentSummary: 'The alignment scores',
  uploadedLayer: 'Checking the uploaded layer',
  directoryCheck: 'Reading the postcode directory',
};

/** Runs jobs in the calling thread (Lambda, where analysis has functions of its own; tests). */
export const inlineRunner: AnalysisRunner = {
  run: async <K extends keyof AnalysisJobs>(job: K, input: JobInput<K>) =>
    (analysisJobs[job] as (input: JobInput<K>) => JobOutput<K>)(input),
  close: async () => {},
};

/** Every located postcode of the directory, assigned with the set's index, sorted by postcode. */
export function assignAll(set: BoundarySet, directory: PostcodeDirectory | null): AssignmentRow[] {
  return assignAreaPostcodes(set, { own: directory, national: null });
}

/**
 * The options of the draft checks: the validity budget (ValidityBudget) goes to the core's validity
 * and overlap checks, which end a draft past it with an `analysis-budget-exceeded` error (a 422 on
 * publish) and read the time from this clock; the worker's deadline and memory cap
 * (worker-runner.ts) still bound every job.
 */
function validationOptions(input: {
  readonly sliverToleranceM2: number;
  readonly validity?: ValidityBudget;
}): ValidationOptions {
  return {
    sliverToleranceM2: input.sliverToleranceM2,
    ...(input.validity ? { budget: analysisBudget(input.validity) } : {}),
  };
}

function analysisBudget(validity: ValidityBudget): AnalysisBudget {
  return { maxVertices: validity.maxVertices, maxMillis: validity.maxMs, clock: () => performance.now() };
}

function pointsOf(input: PostcodeInputs): { points?: readonly WeightedPoint[] } {
  const { points } = postcodesOf(input);
  return points.length > 0 ? { points } : {};
}

/** What an analysis job is given of an area's postcodes: its own directory, and the national share. */
interface PostcodeInputs {
  readonly directory: DirectoryText | null;
  readonly national?: DirectoryColumns | null;
}

/**
 * The postcodes an analysis counts, as the publish path assigns them (area-postcodes.ts): the
 * area's own directory, plus the national postcodes it lacks (the service sends only those within
 * the sets' extent, so this is a county's share, not the country).
 */
function postcodesOf(input: PostcodeInputs): AreaRecords {
  const own = parsed(input.directory);
  // Census codes (for weights) come with an area's own directory; national rows carry none.
  const censusColumns = own?.directory.censusColumns ?? [];
  if (!input.national || input.national.keys.length === 0) {
    return { records: own?.records ?? [], points: own?.points ?? [], censusColumns };
  }
  const records = [...(own?.records ?? [])];
  for (const record of recordsOfColumns(input.national)) {
    if (!own?.directory.has(record.postcode)) records.push(record);
  }
  return { records, points: livePoints(records), censusColumns };
}

/** An analysis's postcodes, the live located ones as points, and the census columns weights may name. */
interface AreaRecords {
  readonly records: readonly PostcodeRecord[];
  readonly points: readonly WeightedPoint[];
  readonly censusColumns: PostcodeDirectory['censusColumns'];
}

interface ParsedDirectory {
  readonly directory: PostcodeDirectory;
  readonly records: readonly PostcodeRecord[];
  /** Live located postcodes: the points alignment is weighted by. */
  readonly points: readonly WeightedPoint[];
}

/** Parsed directories of this thread by content stamp (a directory is ~10 MB parsed: keep two). */
const directories = new Map<string, ParsedDirectory>();

function parsed(text: DirectoryText | null): ParsedDirectory | null {
  if (!text) return null;
  let entry = directories.get(text.stamp);
  if (!entry) {
    const directory = PostcodeDirectory.fromCsv(text.csv);
    const records = [...directory.records()];
    entry = { directory, records, points: livePoints(records) };
    directories.set(text.stamp, entry);
    while (directories.size > 2) directories.delete(directories.keys().next().value!);
  }
  return entry;
}
