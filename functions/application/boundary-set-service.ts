// What planners do with boundary sets — draft, validate, publish, roll back, read the history —
// on top of the store port, the pure core (layer checks, set validation, lookups) and the events
// port. The admin handler and the CLI (through the admin API) use this; so does the local seed.
//
// Publishing: claim the draft revision that was read (edits are refused until the publish ends, so
// none is accepted and then dropped), validate it (errors block), assign every located postcode of the area's
// directory, and of the national directory within the draft's extent, with the draft's index (the
// precomputed answers), diff them against the active version's answers (history `hubChanges`, the
// event's changed hubs, patches and teams), then hand the version and its digest (what serving and the national
// routing read) to the store, which stages it and commits with one conditional write. Then the
// national routing catches up, and only then is the event published: an event always describes a
// version that is live.
import { boundedPrefix, type ChangedPostcode, changeCounts, hubMoves } from '../core/boundary-set/changes.js';
import { problemFeatures, problemSummaries } from '../core/boundary-set/problems.js';
import { checkAreaInfo, checkSites } from '../core/boundary-set/sites.js';
import { type CoverageReport, draftToBoundarySet } from '../core/boundary-set/validate.js';
import {
  InvalidGeometryError,
  InvalidRequestError,
  NotFoundError,
  truncate,
  VersionConflictError,
} from '../core/errors.js';
import type { LayerCrs } from '../core/layer-validation.js';
import { assignmentsCsv, decodeAssignmentTable } from '../core/lookup/assignment-table.js';
import type { AreaInfo, BoundarySet, Layer, LayerName } from '../core/model.js';
import type { DraftCheck, ValidityBudget } from './analysis-jobs.js';
import { inlineRunner } from './analysis-jobs.js';
import { AreaPostcodes, nationalWithinDraft } from './area-postcodes.js';
import type { AnalysisRunner } from './ports/analysis-runner.js';
import type {
  BoundaryStore,
  DraftContent,
  DraftMeta,
  PointerChange,
  VersionHeader,
} from './ports/boundary-store.js';
import type { BoundarySetEvent, EventPublisher } from './ports/event-publisher.js';
import type { Logger } from './ports/logger.js';
import { PromiseCache } from './promise-cache.js';
import { RoutingMaintainer } from './serving/routing-maintainer.js';

// Where the local seed, tests and tools have always found it; it runs as part of the draft checks.
export { assignAll } from './analysis-jobs.js';

export interface BoundarySetServiceOptions {
  readonly store: BoundaryStore;
  readonly events: EventPublisher;
  /** Overlaps of two catchments up to this many m² are slivers (a warning), above it an error. */
  readonly sliverToleranceM2: number;
  readonly clock?: () => Date;
  readonly logger?: Logger;
  /** Unreferenced blobs older than this are swept after each publish (default 1 h: > any Lambda run). */
  readonly sweepAfterMs?: number;
  /**
   * How long a publish holds its draft against edits at most (default 5 min: far beyond the admin
   * Lambda's 28 s and the analysis deadline), so a publisher that dies does not lock it for good.
   */
  readonly publishLeaseMs?: number;
  /**
   * Where layer checks, draft validation and the postcode answers run: worker threads locally (so
   * lookups keep their latency), inline in a Lambda (the default).
   */
  readonly runner?: AnalysisRunner;
  /** Work budget of the validity and overlap checks (CATCHMENTS_VALIDITY_MAX_VERTICES, _MAX_MS). */
  readonly validity?: ValidityBudget;
  /**
   * `after-each-change` (default): the national routing is refreshed after every publish, rollback
   * and directory change. `manual`: bulk loaders publishing hundreds of areas call
   * `routing.refresh()` once at the end (serving is exact meanwhile, only slower).
   */
  readonly routingRefresh?: 'after-each-change' | 'manual';
}

export interface LayerUpload {
  readonly idProperty: string;
  readonly nameProperty?: string;
  readonly crs?: LayerCrs;
  readonly expectedRevision?: number;
}

export interface DraftValidationView {
  readonly area: string;
  readonly draftRevision: number;
  readonly publishable: boolean;
  readonly errors: number;
  readonly warnings: number;
  readonly coverage: CoverageReport | null;
  readonly postcodes: {
    readonly assigned: number;
    readonly inGaps: number;
    readonly directoryStamp: string | null;
  };
  readonly problems: ReturnType<typeof problemFeatures>;
}

export interface HistoryView {
  readonly area: string;
  readonly active: number | null;
  readonly latest: number;
  readonly versions: readonly (VersionHeader & { readonly active: boolean })[];
  readonly changes: readonly PointerChange[];
}

/** Inline changed postcodes in an event stay under these (EventBridge takes 256 KB an entry). */
export const EVENT_CHANGES_BUDGET_BYTES = 160_000;
export const EVENT_CHANGES_MAX_ITEMS = 2_000;
export const EVENT_MOVES_BUDGET_BYTES = 40_000;

const MAX_MESSAGE = 1_000;

export class BoundarySetService {
  private readonly store: BoundaryStore;
  private readonly events: EventPublisher;
  private readonly clock: () => Date;
  private readonly runner: AnalysisRunner;
  /** Draft checks per (draft, revision, directory stamp): a revision never changes, so never stale. */
  private readonly checks = new PromiseCache<DraftCheck>(4);
  /** Published versions' encoded answers (immutable; ~1 MB each for a county). */
  private readonly tables = new PromiseCache<string>(4);
  private readonly postcodes: AreaPostcodes;
  /** Keeps the national routing in step after every pointer or directory change. */
  readonly routing: RoutingMaintainer;

  constructor(private readonly options: BoundarySetServiceOptions) {
    this.store = options.store;
    this.events = options.events;
    this.clock = options.clock ?? (() => new Date());
    this.runner = options.runner ?? inlineRunner;
    this.postcodes = new AreaPostcodes(options.store);
    this.routing = new RoutingMaintainer(options.store, { logger: options.logger, clock: this.clock });
  }

  // ---------------------------------------------------------------------------------------------
  // Drafts

  async createDraft(
    area: string,
    input: { readonly from: 'active' | 'empty'; readonly areaInfo?: unknown; readonly replace?: boolean },
    by: string,
  ): Promise<DraftMeta> {
    const pointer = await this.store.pointer(area);
    const active = pointer?.active ?? null;
    const at = this.now();
    let areaInfo: AreaInfo | undefined;
    if (input.areaInfo !== undefined) {
      const checked = checkAreaInfo(input.areaInfo, area);
      if (!checked.area)
        throw new InvalidRequestError(checked.problems.map((p) => p.message).join(' '), {
          problems: checked.problems,
        });
      areaInfo = checked.area;
    }
    if (input.from === 'active') {
      if (active === null) {
        throw new NotFoundError(
          `Area "${area}" has no active version to copy. Create an empty draft instead: {"from": "empty", "area": {"name": …}}.`,
        );
      }
      const { set } = await this.store.version(area, active);
      return this.store.createDraft(
        area,
        { areaInfo: areaInfo ?? set.area, baseVersion: active, layers: set.layers, sites: set.sites, at, by },
        { replace: input.replace === true },
      );
    }
    if (!areaInfo && active !== null) areaInfo = (await this.store.version(area, active)).set.area;
    if (!areaInfo) {
      throw new InvalidRequestError(
        `Area "${area}" is new: describe it in the draft, e.g. {"from": "empty", "area": {"name": "Gloucestershire"}}.`,
      );
    }
    return this.store.createDraft(
      area,
      { areaInfo, baseVersion: active, layers: {}, sites: [], at, by },
      {
        replace: input.replace === true,
      },
    );
  }

  async draft(area: string): Promise<DraftMeta> {
    const meta = await this.store.draftMeta(area);
    if (!meta) throw noDraft(area);
    return meta;
  }

  async draftLayer(area: string, layer: LayerName): Promise<Layer> {
    const content = await this.store.draftLayer(area, layer);
    if (!content) {
      if (!(await this.store.draftMeta(area))) throw noDraft(area);
      throw new NotFoundError(`The draft of area "${area}" has no ${layer} layer yet.`);
    }
    return content;
  }

  /** Checks an uploaded layer (the foundation's checks) and stores it; 422 with located problems if not. */
  async putDraftLayer(
    area: string,
    layer: LayerName,
    upload: unknown,
    options: LayerUpload,
    by: string,
  ): Promise<DraftMeta> {
    const checked = await this.runner.run('uploadedLayer', {
      upload,
      options: {
        idProperty: options.idProperty,
        ...(options.nameProperty ? { nameProperty: options.nameProperty } : {}),
        ...(options.crs ? { crs: options.crs } : {}),
      },
    });
    if (!checked.layer) {
      throw new InvalidGeometryError(
        `The ${layer} layer has ${checked.problems.length} problem${checked.problems.length === 1 ? '' : 's'}; nothing was saved. ` +
          'Each problem says where it is and what to do; fix them and upload the layer again.',
        checked.problems,
      );
    }
    return this.store.putDraftLayer(area, layer, checked.layer, this.edit(by, options.expectedRevision));
  }

  async deleteDraftLayer(
    area: string,
    layer: LayerName,
    expectedRevision: number | undefined,
    by: string,
  ): Promise<DraftMeta> {
    return this.store.putDraftLayer(area, layer, null, this.edit(by, expectedRevision));
  }

  async putDraftSites(
    area: string,
    upload: unknown,
    expectedRevision: number | undefined,
    by: string,
  ): Promise<DraftMeta> {
    const checked = checkSites(upload, area);
    if (!checked.sites) {
      throw new InvalidRequestError(
        `The sites have ${checked.problems.length} problem${checked.problems.length === 1 ? '' : 's'}; nothing was saved. ${truncate(checked.problems[0]?.message ?? '', 300)}`,
        { problems: problemSummaries(checked.problems) },
      );
    }
    return this.store.putDraftSites(
      area,
      checked.sites,
      checked.area ?? null,
      this.edit(by, expectedRevision),
    );
  }

  async deleteDraft(area: string): Promise<void> {
    if (!(await this.store.deleteDraft(area))) throw noDraft(area);
  }

  // ---------------------------------------------------------------------------------------------
  // Validation and publishing

  async validateDraft(area: string): Promise<DraftValidationView> {
    const draft = await this.store.draft(area);
    if (!draft) throw noDraft(area);
    const { check, directoryStamp } = await this.check(area, draft);
    return {
      area,
      draftRevision: draft.meta.revision,
      publishable: check.publishable,
      errors: check.errors,
      warnings: check.warnings,
      coverage: check.coverage,
      postcodes: { ...check.postcodes, directoryStamp },
      problems: problemFeatures(check.problems),
    };
  }

  async publish(
    area: string,
    request: {
      readonly expectedActive: number | null;
      readonly message: unknown;
      readonly by: string;
      readonly draftRevision?: number;
    },
  ): Promise<{ header: VersionHeader; event: BoundarySetEvent }> {
    const message = requireMessage(request.message, 'publish');
    const draft = await this.store.draft(area);
    if (!draft) throw noDraft(area);
    if (draft.meta.publishedAs !== null) {
      throw new VersionConflictError(
        `This draft of area "${area}" was already published as version ${draft.meta.publishedAs}. Create a new draft to publish again.`,
        { publishedAs: draft.meta.publishedAs },
      );
    }
    if (request.draftRevision !== undefined && request.draftRevision !== draft.meta.revision) {
      throw new VersionConflictError(
        `The draft is at revision ${draft.meta.revision}, not ${request.draftRevision}: it changed since you validated it. Validate it again, then publish.`,
        { draftRevision: draft.meta.revision },
      );
    }
    // Fail fast on a stale If-Match before the expensive part (the store checks again atomically).
    const pointer = await this.store.pointer(area);
    const active = pointer?.active ?? null;
    if (active !== request.expectedActive) {
      throw new VersionConflictError(
        `The active boundary set of area "${area}" is ${active === null ? 'no version' : `version ${active}`}, not ${
          request.expectedActive === null ? 'no version' : `version ${request.expectedActive}`
        } as If-Match said. Check the versions, validate your draft again and publish with If-Match: ${active ?? '(If-None-Match: *)'}.`,
        { active, expected: request.expectedActive },
      );
    }

    // From here until the publish ends, the draft stays at the revision read above.
    const claim = { draftId: draft.meta.draftId, revision: draft.meta.revision };
    const since = this.clock();
    await this.store.claimDraftForPublish(area, {
      ...claim,
      by: request.by,
      since: since.toISOString(),
      until: new Date(since.getTime() + (this.options.publishLeaseMs ?? 300_000)).toISOString(),
    });
    let committed: Awaited<ReturnType<BoundarySetService['commitVersion']>>;
    try {
      committed = await this.commitVersion(area, draft, request, message);
    } catch (error) {
      await this.store.releaseDraft(area, claim).catch((release: unknown) =>
        this.options.logger?.warn('draft release failed (the claim expires by itself)', {
          area,
          error: (release as Error)?.message ?? String(release),
        }),
      );
      throw error;
    }
    const { header, change, after, changes } = committed;
    this.tables.get(`${area}@${header.version}`, async () => after);
    const event = boundarySetEvent('boundary-set.published', change, header, changes);
    await this.refreshRouting();
    await this.emit(event);
    await this.sweep(area);
    return { header, event };
  }

  /** Validates the claimed draft, precomputes its answers and commits it as the next version. */
  private async commitVersion(
    area: string,
    draft: DraftContent,
    request: { readonly expectedActive: number | null; readonly by: string },
    message: string,
  ) {
    const { check, directoryStamp } = await this.check(area, draft);
    if (!check.publishable || !check.assignments || !check.counts) {
      const errors = check.problems.filter((p) => p.severity === 'error');
      throw new InvalidGeometryError(
        `The draft has ${errors.length} validation error${errors.length === 1 ? '' : 's'}; nothing was published. ` +
          `See GET /v1/admin/areas/${area}/draft/validation for every problem on a map.`,
        problemSummaries(errors),
      );
    }
    const set = draftToBoundarySet(
      { area: draft.meta.areaInfo, layers: draft.layers, sites: draft.sites },
      null,
    );
    const after = check.assignments;
    const before = request.expectedActive === null ? null : await this.table(area, request.expectedActive);
    const [changes, digest, index] = await Promise.all([
      this.runner.run('changesBetween', { before, after }),
      this.runner.run('areaDigest', { set, assignments: after, directoryStamp }),
      this.runner.run('areaIndex', { set }),
    ]);
    const at = this.now();
    const { header, change } = await this.store.publish(
      area,
      {
        set,
        assignments: after,
        digest,
        index,
        meta: {
          publishedAt: at,
          publishedBy: request.by,
          message,
          basedOn: request.expectedActive,
          counts: check.counts,
          hubChanges: changeCounts(changes).hub,
          directoryStamp,
          draft: { id: draft.meta.draftId, revision: draft.meta.revision },
        },
      },
      { active: request.expectedActive },
    );
    return { header, change, after, changes };
  }

  async rollback(
    area: string,
    request: {
      readonly to: number;
      readonly expectedActive: number | null;
      readonly message: unknown;
      readonly by: string;
    },
  ): Promise<{ change: PointerChange; header: VersionHeader; event: BoundarySetEvent }> {
    const message = requireMessage(request.message, 'rollback');
    const change = await this.store.rollback(
      area,
      request.to,
      { active: request.expectedActive },
      {
        at: this.now(),
        by: request.by,
        message,
      },
    );
    const [before, after, headers] = await Promise.all([
      change.from === null ? Promise.resolve(null) : this.table(area, change.from),
      this.table(area, change.to),
      this.store.versions(area),
    ]);
    const header = headers.find((h) => h.version === change.to)!;
    const event = boundarySetEvent(
      'boundary-set.rolled-back',
      change,
      header,
      await this.runner.run('changesBetween', { before, after }),
    );
    await this.refreshRouting();
    await this.emit(event);
    return { change, header, event };
  }

  async history(area: string): Promise<HistoryView> {
    const pointer = await this.store.pointer(area);
    if (!pointer) throw new NotFoundError(`No area "${area}" in the store.`);
    const [versions, changes] = await Promise.all([this.store.versions(area), this.store.changes(area)]);
    return {
      area,
      active: pointer.active,
      latest: pointer.latest,
      versions: versions.map((v) => ({ ...v, active: v.version === pointer.active })),
      changes,
    };
  }

  /** The public export of one version's answers (ONS-lookup style CSV). */
  async assignmentsCsv(area: string, version: number): Promise<string> {
    const stored = await this.store.version(area, version);
    const names = new Map(stored.set.sites.map((s) => [s.id, s.name]));
    return assignmentsCsv(decodeAssignmentTable(stored.assignments), (id) => names.get(id));
  }

  /** Replaces the area's postcode directory (the text format of core/postcode-directory.ts). */
  async putDirectory(area: string, csv: string, by: string): Promise<{ stamp: string; postcodes: number }> {
    const { postcodes } = await this.runner.run('directoryCheck', { csv }); // before anything is stored
    const { stamp } = await this.store.putDirectory(area, csv, { at: this.now(), by });
    await this.refreshRouting();
    return { stamp, postcodes };
  }

  /** Publishes a complete set in one go (the local seed): a draft, validated, then published. */
  async importSet(set: BoundarySet, by: string, message: string): Promise<VersionHeader> {
    const area = set.area.id;
    const pointer = await this.store.pointer(area);
    await this.store.createDraft(
      area,
      {
        areaInfo: set.area,
        baseVersion: pointer?.active ?? null,
        layers: set.layers,
        sites: set.sites,
        at: this.now(),
        by,
      },
      { replace: true },
    );
    const { header } = await this.publish(area, { expectedActive: pointer?.active ?? null, message, by });
    await this.store.deleteDraft(area);
    return header;
  }

  // ---------------------------------------------------------------------------------------------
  // Internals

  /**
   * The draft checks of this revision against the area's postcodes now (validation plus the
   * precomputed answers), run once per (draft, revision, directories) and shared by validation and
   * publish. The postcodes are the area's own directory plus, when the store holds a national one,
   * the national postcodes within the draft's extent (area-postcodes.ts): only those are sent to
   * the worker, not the whole country.
   */
  private async check(
    area: string,
    draft: DraftContent,
  ): Promise<{ check: DraftCheck; directoryStamp: string | null }> {
    const directories = await this.postcodes.forArea(area);
    const key = `${area}|${draft.meta.draftId}|r${draft.meta.revision}|${directories.stamp ?? '-'}`;
    const check = await this.checks.get(key, () =>
      this.runner.run('checkDraft', {
        area,
        draft: { area: draft.meta.areaInfo, layers: draft.layers, sites: draft.sites },
        directory: directories.own,
        national: directories.national ? nationalWithinDraft(directories.national, draft.layers) : null,
        sliverToleranceM2: this.options.sliverToleranceM2,
        ...(this.options.validity ? { validity: this.options.validity } : {}),
      }),
    );
    return { check, directoryStamp: directories.stamp };
  }

  /** A published version's encoded answers. */
  private table(area: string, version: number): Promise<string> {
    return this.tables.get(
      `${area}@${version}`,
      async () => (await this.store.version(area, version)).assignments,
    );
  }

  /**
   * Brings the national routing up to date. Best effort: the change is committed already, and
   * serving answers an area ahead of the routing from the area itself (docs/storage.md), so a
   * failure here costs speed, not correctness; the next change or `catchments routing-refresh`
   * catches up.
   */
  private async refreshRouting(): Promise<void> {
    if (this.options.routingRefresh === 'manual') return;
    try {
      await this.routing.refresh();
    } catch (error) {
      this.options.logger?.error('national routing refresh failed; serving follows the pointers meanwhile', {
        error: (error as Error)?.message ?? String(error),
      });
    }
  }

  private async emit(event: BoundarySetEvent): Promise<void> {
    try {
      await this.events.publish(event);
    } catch (error) {
      // The version is live whatever happens here; the change log (GET …/versions) stays the
      // record, and consumers reconcile from it using `seq`.
      this.options.logger?.error('event publish failed', {
        id: event.id,
        area: event.area,
        error: (error as Error)?.message ?? String(error),
      });
    }
  }

  private async sweep(area: string): Promise<void> {
    try {
      await this.store.sweep(area, {
        now: this.clock().getTime(),
        olderThanMs: this.options.sweepAfterMs ?? 3_600_000,
      });
    } catch (error) {
      this.options.logger?.warn('sweep failed', { area, error: (error as Error)?.message ?? String(error) });
    }
  }

  private edit(by: string, expectedRevision: number | undefined) {
    return { at: this.now(), by, ...(expectedRevision !== undefined ? { expectedRevision } : {}) };
  }

  private now(): string {
    return this.clock().toISOString();
  }
}

/**
 * The event for a pointer change. The changed postcodes ride inline while they fit the budget
 * (EVENT_CHANGES_BUDGET_BYTES, EVENT_CHANGES_MAX_ITEMS); beyond that the event says it is truncated
 * and points at the next page of the public change list, and always at the pair's CSV (docs/events.md).
 */
export function boundarySetEvent(
  type: BoundarySetEvent['type'],
  change: PointerChange,
  header: VersionHeader,
  changes: readonly ChangedPostcode[],
): BoundarySetEvent {
  const inline = boundedPrefix(changes, EVENT_CHANGES_BUDGET_BYTES, EVENT_CHANGES_MAX_ITEMS);
  const url = (v: number) => `/v1/areas/${change.area}/versions/${v}/assignments.csv`;
  const truncated = inline.length < changes.length;
  const pair = change.from === null ? null : changeListUrls(change.area, change.from, change.to);
  return {
    schema: 2,
    type,
    id: change.id,
    area: change.area,
    fromVersion: change.from,
    toVersion: change.to,
    seq: change.seq,
    at: change.at,
    by: change.by,
    message: change.message,
    counts: header.counts,
    changedPostcodeCount: changes.length,
    changedCounts: changeCounts(changes),
    changedPostcodes: inline,
    changedPostcodesTruncated: truncated,
    changeList: {
      next: pair && truncated ? pair.page(inline[inline.length - 1]?.postcode ?? null) : null,
      csv: pair?.csv ?? null,
    },
    hubMoves: boundedPrefix(hubMoves(changes), EVENT_MOVES_BUDGET_BYTES, EVENT_CHANGES_MAX_ITEMS),
    assignments: { from: change.from === null ? null : url(change.from), to: url(change.to) },
  };
}

/** The public change list of a version pair: pages (after a postcode) and the CSV export. */
export function changeListUrls(area: string, from: number, to: number) {
  const base = `/v1/areas/${area}/changes`;
  const pair = `from=${from}&to=${to}`;
  return {
    page: (after: string | null) =>
      `${base}?${pair}${after === null ? '' : `&after=${encodeURIComponent(after)}`}`,
    csv: `${base}.csv?${pair}`,
  };
}

function requireMessage(value: unknown, what: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new InvalidRequestError(
      `Say why: a ${what} needs a "message" (e.g. "Move Hempsted into the Gloucester City catchment"). It is kept in the version history.`,
    );
  }
  if (value.length > MAX_MESSAGE) {
    throw new InvalidRequestError(`The message is ${value.length} characters; keep it under ${MAX_MESSAGE}.`);
  }
  return value.trim();
}

function noDraft(area: string): NotFoundError {
  return new NotFoundError(
    `Area "${area}" has no draft. Create one with POST /v1/admin/areas/${area}/draft ({"from": "active"} copies the active version).`,
  );
}
