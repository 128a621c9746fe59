// Redraw impact and alignment over the boundary store: reads a draft or a published version and the
// area's postcode directory, runs the pure core (functions/core/impact, functions/core/alignment),
// and caches every result per (area, draft revision or version, directory stamp, parameters) in the
// container. Results are pure functions of immutable inputs — a version never changes, a draft
// revision never changes, a directory is named by its content hash — so a cached answer is never
// stale; only which draft revision or active version to use is read from the store on each request.
// The analysis Lambda (functions/handlers/analysis-api.ts) and the local server use this; the
// computations themselves run through the analysis runner (worker threads locally). A planner's
// weights and capacities come with the request; the cache names them by a hash of their content.
import { createHash } from 'node:crypto';
import { type AlignmentResult, DEFAULT_THRESHOLD } from '../core/alignment/align.js';
import type { ThreeWayResult } from '../core/alignment/three-way.js';
import type { DraftSet, DraftValidation } from '../core/boundary-set/validate.js';
import {
  AreaNotFoundError,
  InvalidRequestError,
  NotFoundError,
  VersionConflictError,
} from '../core/errors.js';
import type { AlignmentSummary } from '../core/impact/alignment-summary.js';
import { type RedrawImpact, refuseOverBudget } from '../core/impact/redraw-impact.js';
import type { BoundarySet, Layer, LayerName } from '../core/model.js';
import type { DirectoryColumns } from '../core/routing/national-routing.js';
import type { AlignmentCapacity } from '../core/weights/capacity.js';
import type { WeightsReport } from '../core/weights/resolve.js';
import {
  type DirectoryText,
  inlineRunner,
  type PlanningInput,
  type ValidityBudget,
} from './analysis-jobs.js';
import { AreaPostcodes, nationalWithin } from './area-postcodes.js';
import type { AnalysisRunner } from './ports/analysis-runner.js';
import type {
  AreaPointer,
  BoundaryStore,
  DraftContent,
  DraftMeta,
  StoredVersion,
} from './ports/boundary-store.js';
import { PromiseCache } from './promise-cache.js';

export interface AnalysisServiceOptions {
  readonly store: BoundaryStore;
  /** Catchment overlaps up to this many m² are slivers, as at publish (CATCHMENTS_SLIVER_TOLERANCE_M2). */
  readonly sliverToleranceM2: number;
  /** Public reads re-check an area's active version at most this often (CATCHMENTS_REFRESH_SECONDS). */
  readonly refreshMs: number;
  /** Serve only these areas publicly (CATCHMENTS_AREAS); empty: every area in the store. */
  readonly areas?: readonly string[];
  /** Results kept per container (default 24; an impact of the sample is ~0.5 MB, an alignment ~1 MB). */
  readonly maxResults?: number;
  readonly now?: () => number;
  /** Where the computations run: worker threads locally, inline in a Lambda (the default). */
  readonly runner?: AnalysisRunner;
  /** Budget of the publish checks an impact runs (CATCHMENTS_VALIDITY_MAX_VERTICES, _MAX_MS). */
  readonly validity?: ValidityBudget;
}

/** Which set an answer describes. */
export type AnalysisSource =
  | {
      readonly kind: 'draft';
      readonly draftId: string;
      readonly revision: number;
      readonly baseVersion: number | null;
    }
  | { readonly kind: 'version'; readonly version: number };

export interface ImpactView extends RedrawImpact {
  readonly draft: {
    readonly id: string;
    readonly revision: number;
    readonly baseVersion: number | null;
  } | null;
  readonly directoryStamp: string | null;
}

export interface AlignmentView {
  readonly area: string;
  readonly source: AnalysisSource;
  readonly layers: { readonly a: LayerName; readonly b: LayerName };
  readonly directoryStamp: string | null;
  readonly alignment: AlignmentResult;
  /** The planner's weights (alignment is weighted by them) and caseload against capacity; else null. */
  readonly weights: WeightsReport | null;
  readonly capacity: AlignmentCapacity | null;
}

export interface ThreeWayView {
  readonly area: string;
  readonly source: AnalysisSource;
  readonly directoryStamp: string | null;
  readonly threeWay: ThreeWayResult;
}

export interface AlignmentSummaryView extends AlignmentSummary {
  readonly area: string;
  readonly version: number;
  readonly directoryStamp: string | null;
}

export interface ImpactRequest {
  /** The version to compare with (default: the active one). */
  readonly from?: number;
  readonly maxListed: number;
  readonly threshold: number;
  /** A planner's weights and capacities (docs/impact.md, "Weights and capacity"). */
  readonly planning?: PlanningInput;
}

/** The postcodes an analysis counts, as the publish path reads them (area-postcodes.ts). */
interface Directory {
  /** Names the content: the area's own directory stamp, `+` the national one when there is one. */
  readonly stamp: string | null;
  /** The area's own directory as text, parsed by the jobs (once per thread per stamp). */
  readonly text: DirectoryText | null;
  /** The national directory (whole): each job is sent only the share within its sets' extent. */
  readonly national: DirectoryColumns | null;
}

export class AnalysisService {
  private readonly store: BoundaryStore;
  private readonly now: () => number;
  private readonly results: PromiseCache<unknown>;
  private readonly versions = new PromiseCache<StoredVersion>(4);
  private readonly summaries = new PromiseCache<AlignmentSummary>(16);
  /** The publish checks of a draft revision or version, shared by its impacts whatever their parameters. */
  private readonly validations = new PromiseCache<DraftValidation>(8);
  private readonly postcodes: AreaPostcodes;
  /** The public summary's directories, re-read at most every `refreshMs` (as its pointers are). */
  private readonly publicDirectories = new Map<string, { at: number; directory: Promise<Directory> }>();
  private readonly pointers = new Map<string, { at: number; pointer: Promise<AreaPointer | null> }>();
  private readonly runner: AnalysisRunner;

  constructor(private readonly options: AnalysisServiceOptions) {
    this.store = options.store;
    this.now = options.now ?? (() => performance.now());
    this.results = new PromiseCache(options.maxResults ?? 24);
    this.runner = options.runner ?? inlineRunner;
    this.postcodes = new AreaPostcodes(options.store);
  }

  /** Forget the public pointers read so far (the local app calls it after a publish or rollback). */
  invalidate(): void {
    this.pointers.clear();
    this.publicDirectories.clear();
  }

  // ---------------------------------------------------------------------------------------------
  // Redraw impact

  /** The draft's impact against the active version (or `request.from`). */
  async draftImpact(area: string, request: ImpactRequest): Promise<ImpactView> {
    const pointer = await this.adminPointer(area);
    const fromVersion = this.baseVersion(area, pointer, request.from, 'the draft');
    const meta = await this.store.draftMeta(area);
    if (!meta) throw noDraft(area);
    const directory = await this.directory(area);
    const key = [
      'impact',
      area,
      `draft:${meta.draftId}:r${meta.revision}`,
      fromVersion,
      directory.stamp,
      request.maxListed,
      request.threshold,
      planningStamp(request.planning),
    ].join('|');
    return this.result(key, async () => {
      const draft = await this.loadDraft(area);
      sameRevision(draft, meta);
      const from = await this.version(area, fromVersion);
      const to = { area: draft.meta.areaInfo, layers: draft.layers, sites: draft.sites };
      const impact = await this.runner.run('redrawImpact', {
        area,
        from: from.set,
        to,
        directory: directory.text,
        national: nationalShare(directory, from.set.layers, draft.layers),
        fromAssignments: from.assignments,
        maxListed: request.maxListed,
        threshold: request.threshold,
        sliverToleranceM2: this.options.sliverToleranceM2,
        ...this.budget(),
        validation: await this.validation(area, `draft:${meta.draftId}:r${meta.revision}`, to),
        ...(request.planning ? { planning: request.planning } : {}),
        // The cached scores are weighted by postcodes; with the planner's weights the job scores afresh.
        ...(request.planning?.weights
          ? {}
          : { alignmentBefore: await this.summary(area, fromVersion, directory, request.threshold) }),
        labels: { from: `v${fromVersion}`, to: `draft r${draft.meta.revision}` },
      });
      return {
        ...impact,
        draft: { id: draft.meta.draftId, revision: draft.meta.revision, baseVersion: draft.meta.baseVersion },
        directoryStamp: directory.stamp,
      };
    });
  }

  /** A published version's impact against `request.from` (default: the version it was published over). */
  async versionImpact(area: string, version: number, request: ImpactRequest): Promise<ImpactView> {
    await this.adminPointer(area); // 404 for an unknown area
    const header = (await this.store.versions(area)).find((v) => v.version === version);
    if (!header) throw new NotFoundError(`Area "${area}" has no version ${version}.`);
    const fromVersion = request.from ?? header.basedOn;
    if (fromVersion === null) {
      throw new InvalidRequestError(
        `Version ${version} of area "${area}" was the first one: say what to compare it with, e.g. ?from=1.`,
      );
    }
    const directory = await this.directory(area);
    const key = [
      'impact',
      area,
      `v${version}`,
      fromVersion,
      directory.stamp,
      request.maxListed,
      request.threshold,
      planningStamp(request.planning),
    ].join('|');
    return this.result(key, async () => {
      const [from, to] = await Promise.all([this.version(area, fromVersion), this.version(area, version)]);
      const impact = await this.runner.run('redrawImpact', {
        area,
        from: from.set,
        to: to.set,
        directory: directory.text,
        national: nationalShare(directory, from.set.layers, to.set.layers),
        fromAssignments: from.assignments,
        toAssignments: to.assignments,
        maxListed: request.maxListed,
        threshold: request.threshold,
        sliverToleranceM2: this.options.sliverToleranceM2,
        ...this.budget(),
        validation: await this.validation(area, `v${version}`, to.set),
        ...(request.planning ? { planning: request.planning } : {}),
        ...(request.planning?.weights
          ? {}
          : {
              alignmentBefore: await this.summary(area, fromVersion, directory, request.threshold),
              alignmentAfter: await this.summary(area, version, directory, request.threshold),
            }),
        labels: { from: `v${fromVersion}`, to: `v${version}` },
      });
      return { ...impact, draft: null, directoryStamp: directory.stamp };
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Alignment

  async draftAlignment(
    area: string,
    a: LayerName,
    b: LayerName,
    threshold: number,
    planning?: PlanningInput,
  ): Promise<AlignmentView> {
    const { source, directory, load } = await this.draftSource(area);
    const key = ['align', area, sourceKey(source), a, b, threshold, directory.stamp, planningStamp(planning)];
    return this.result(key.join('|'), async () =>
      this.alignmentView(area, source, await load(), { a, b, threshold, planning }, directory),
    );
  }

  async versionAlignment(
    area: string,
    version: number,
    a: LayerName,
    b: LayerName,
    threshold: number,
    planning?: PlanningInput,
  ): Promise<AlignmentView> {
    await this.adminPointer(area); // 404 for an unknown area
    const directory = await this.directory(area);
    const source: AnalysisSource = { kind: 'version', version };
    const key = ['align', area, sourceKey(source), a, b, threshold, directory.stamp, planningStamp(planning)];
    return this.result(key.join('|'), async () =>
      this.alignmentView(
        area,
        source,
        (await this.version(area, version)).set,
        { a, b, threshold, planning },
        directory,
      ),
    );
  }

  async draftThreeWay(area: string, threshold: number): Promise<ThreeWayView> {
    const { source, directory, load } = await this.draftSource(area);
    const key = ['three-way', area, sourceKey(source), threshold, directory.stamp].join('|');
    return this.result(key, async () => this.threeWayView(area, source, await load(), threshold, directory));
  }

  async versionThreeWay(area: string, version: number, threshold: number): Promise<ThreeWayView> {
    await this.adminPointer(area); // 404 for an unknown area
    const directory = await this.directory(area);
    const source: AnalysisSource = { kind: 'version', version };
    const key = ['three-way', area, sourceKey(source), threshold, directory.stamp].join('|');
    return this.result(key, async () =>
      this.threeWayView(area, source, (await this.version(area, version)).set, threshold, directory),
    );
  }

  /**
   * The public summary: the active version's alignment scores (no geometry). Cheap after the first
   * request per version: the active pointer is re-read at most every `refreshMs`, and the scores are
   * cached per (version, directory).
   */
  async activeSummary(area: string, threshold = DEFAULT_THRESHOLD): Promise<AlignmentSummaryView> {
    const pointer = await this.publicPointer(area);
    if (pointer.active === null) {
      throw new NotFoundError(
        `Area "${area}" has no published boundary set yet, so there is nothing to score.`,
      );
    }
    const directory = await this.publicDirectory(area);
    const summary = await this.summary(area, pointer.active, directory, threshold);
    return { area, version: pointer.active, directoryStamp: directory.stamp, ...summary };
  }

  // ---------------------------------------------------------------------------------------------
  // Internals

  /**
   * The publish checks of a draft revision (`draft:<id>:r<n>`) or a version (`v<n>`), run once per
   * (area, source, tolerance): a planner asking for the impact with other parameters does not wait for
   * them again. Failures (a draft past its budget: 422) are not kept.
   */
  private validation(area: string, source: string, set: DraftSet): Promise<DraftValidation> {
    const key = [area, source, this.options.sliverToleranceM2].join('|');
    return this.validations.get(key, async () => {
      const validation = await this.runner.run('validateDraft', {
        draft: set,
        sliverToleranceM2: this.options.sliverToleranceM2,
        ...this.budget(),
      });
      refuseOverBudget(validation);
      return validation;
    });
  }

  private budget(): { validity?: ValidityBudget } {
    return this.options.validity ? { validity: this.options.validity } : {};
  }

  private result<T>(key: string, make: () => Promise<T>): Promise<T> {
    return this.results.get(key, make) as Promise<T>;
  }

  private async alignmentView(
    area: string,
    source: AnalysisSource,
    set: Pick<BoundarySet, 'layers'>,
    request: { a: LayerName; b: LayerName; threshold: number; planning: PlanningInput | undefined },
    directory: Directory,
  ): Promise<AlignmentView> {
    const { a, b, threshold, planning } = request;
    const layerA = set.layers[a];
    const layerB = set.layers[b];
    for (const [name, layer] of [
      [a, layerA],
      [b, layerB],
    ] as const) {
      if (!layer || layer.features.length === 0)
        throw new NotFoundError(`${describe(source)} of area "${area}" has no ${name} layer.`);
    }
    const planned = await this.runner.run('alignment', {
      a: layerA!,
      b: layerB!,
      threshold,
      directory: directory.text,
      national: nationalShare(directory, set.layers),
      nouns: { a: NOUNS[a], b: NOUNS[b] },
      layers: { a, b },
      ...(planning ? { planning } : {}),
    });
    return { area, source, layers: { a, b }, directoryStamp: directory.stamp, ...planned };
  }

  private async threeWayView(
    area: string,
    source: AnalysisSource,
    set: Pick<BoundarySet, 'layers'>,
    threshold: number,
    directory: Directory,
  ): Promise<ThreeWayView> {
    const { catchments } = set.layers;
    const hvPatches = set.layers['hv-patches'];
    const cocTeams = set.layers['coc-teams'];
    for (const [name, layer] of [
      ['catchments', catchments],
      ['hv-patches', hvPatches],
      ['coc-teams', cocTeams],
    ] as const) {
      if (!layer || layer.features.length === 0) {
        throw new NotFoundError(
          `${describe(source)} of area "${area}" has no ${name} layer: the three-way report needs catchments, hv-patches and coc-teams.`,
        );
      }
    }
    const threeWay = await this.runner.run('threeWay', {
      layers: { catchments: catchments!, hvPatches: hvPatches!, cocTeams: cocTeams! },
      threshold,
      directory: directory.text,
      national: nationalShare(directory, set.layers),
    });
    return { area, source, directoryStamp: directory.stamp, threeWay };
  }

  /** The draft's identity now, and how to load its content (as a set for alignment). */
  private async draftSource(area: string) {
    await this.adminPointer(area); // 404 for an unknown area
    const meta = await this.store.draftMeta(area);
    if (!meta) throw noDraft(area);
    const directory = await this.directory(area);
    const source: AnalysisSource = {
      kind: 'draft',
      draftId: meta.draftId,
      revision: meta.revision,
      baseVersion: meta.baseVersion,
    };
    const load = async (): Promise<Pick<BoundarySet, 'layers'>> => {
      const draft = await this.loadDraft(area);
      sameRevision(draft, meta);
      return { layers: { ...draft.layers } as BoundarySet['layers'] };
    };
    return { source, directory, load };
  }

  private async loadDraft(area: string): Promise<DraftContent> {
    const draft = await this.store.draft(area);
    if (!draft) throw noDraft(area);
    return draft;
  }

  private async adminPointer(area: string): Promise<AreaPointer> {
    const pointer = await this.store.pointer(area);
    if (!pointer) throw new NotFoundError(`No area "${area}" in the store.`);
    return pointer;
  }

  private async publicPointer(area: string): Promise<AreaPointer> {
    const allowed = this.options.areas ?? [];
    const known = async () =>
      (await this.store.pointers())
        .map((p) => p.area)
        .filter((id) => allowed.length === 0 || allowed.includes(id));
    if (allowed.length > 0 && !allowed.includes(area)) throw new AreaNotFoundError(area, await known());
    let cached = this.pointers.get(area);
    if (!cached || this.now() - cached.at >= this.options.refreshMs) {
      cached = { at: this.now(), pointer: this.store.pointer(area) };
      this.pointers.set(area, cached);
      cached.pointer.catch(() => this.pointers.delete(area));
    }
    const pointer = await cached.pointer;
    if (!pointer) throw new AreaNotFoundError(area, await known());
    return pointer;
  }

  private baseVersion(area: string, pointer: AreaPointer, from: number | undefined, what: string): number {
    const version = from ?? pointer.active;
    if (version === null) {
      throw new NotFoundError(
        `Area "${area}" has no active version to compare ${what} with: publish one first, or name a version with ?from=.`,
      );
    }
    if (version > pointer.latest) throw new NotFoundError(`Area "${area}" has no version ${version}.`);
    return version;
  }

  private version(area: string, version: number): Promise<StoredVersion> {
    return this.versions.get(`${area}@${version}`, () => this.store.version(area, version));
  }

  private summary(
    area: string,
    version: number,
    directory: Directory,
    threshold: number,
  ): Promise<AlignmentSummary> {
    return this.summaries.get(`${area}@${version}|${directory.stamp}|${threshold}`, async () => {
      const { layers } = (await this.version(area, version)).set;
      return this.runner.run('alignmentSummary', {
        set: { layers },
        threshold,
        directory: directory.text,
        national: nationalShare(directory, layers),
      });
    });
  }

  /** The area's postcodes now: its own directory and the national one (each read once per stamp). */
  private async directory(area: string): Promise<Directory> {
    const { own, national, stamp } = await this.postcodes.forArea(area);
    return { stamp, text: own, national };
  }

  /** The same for the public summary, re-read at most every `refreshMs`. */
  private publicDirectory(area: string): Promise<Directory> {
    let cached = this.publicDirectories.get(area);
    if (!cached || this.now() - cached.at >= this.options.refreshMs) {
      cached = { at: this.now(), directory: this.directory(area) };
      this.publicDirectories.set(area, cached);
      cached.directory.catch(() => this.publicDirectories.delete(area));
    }
    return cached.directory;
  }
}

const NOUNS: Readonly<Record<LayerName, string>> = {
  outline: 'outline',
  catchments: 'catchment',
  'hv-patches': 'patch',
  'coc-teams': 'team',
  'spoke-catchments': 'spoke catchment',
};

/** The national postcodes within the sets' extent, for a job (null without a national directory). */
function nationalShare(
  directory: Directory,
  ...layerSets: readonly Partial<Record<LayerName, Layer>>[]
): DirectoryColumns | null {
  return directory.national ? nationalWithin(directory.national, layerSets) : null;
}

/** Names a planner's input in cache keys by its content (the same file sent twice is one entry). */
function planningStamp(planning: PlanningInput | undefined): string {
  if (!planning) return '-';
  return createHash('sha256').update(JSON.stringify(planning)).digest('base64url').slice(0, 22);
}

function sourceKey(source: AnalysisSource): string {
  return source.kind === 'draft' ? `draft:${source.draftId}:r${source.revision}` : `v${source.version}`;
}

function describe(source: AnalysisSource): string {
  return source.kind === 'draft' ? `The draft (revision ${source.revision})` : `Version ${source.version}`;
}

/** Edited since its revision was read: the cache key names the older revision, so refuse rather than mislabel. */
function sameRevision(draft: DraftContent, meta: DraftMeta): void {
  if (draft.meta.revision !== meta.revision || draft.meta.draftId !== meta.draftId) {
    throw new VersionConflictError(
      `The draft changed (now revision ${draft.meta.revision}) while it was being analysed; ask again.`,
      { draftRevision: draft.meta.revision },
    );
  }
}

function noDraft(area: string): NotFoundError {
  return new NotFoundError(
    `Area "${area}" has no draft. Create one with POST /v1/admin/areas/${area}/draft ({"from": "active"} copies the active version).`,
  );
}
