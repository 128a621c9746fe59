// Freshness for a serving container: what it answers from, and when that moves.
//
// At cold start: one query for every pointer (areas, routing, national directory), then the
// national routing file (typed arrays, no JSON parse). No area is read: each loads on first use
// into a bounded LRU cache keyed by (area, version) (serving/store-area-source.ts).
//
// At most every `refreshMs` a request first re-reads the pointers (single-flight, awaited, so a
// publish is served everywhere within `refreshMs`). When an area's pointer moved, a new snapshot
// serves its new version at once: its digest is read (small) and the routing is not trusted for
// it until the routing catches up (serving/national-resolver.ts). When the routing itself moved,
// the new file is read in the background and swapped in when ready; answers are the same either
// way, only cheaper. Nothing is ever rebuilt for the whole catalog on the request path.
//
// A request holds the snapshot it started with, and an answer comes from one area at one version,
// so no answer mixes versions. If the store cannot be read, the container keeps serving what it
// has (and logs it); with nothing loaded it answers 503.
import { ServiceUnavailableError } from '../core/errors.js';
import { assignmentsCsv, decodeAssignmentTable } from '../core/lookup/assignment-table.js';
import type { AreaDigest } from '../core/routing/area-digest.js';
import { NationalRouting } from '../core/routing/national-routing.js';
import type { BoundaryStore, RoutingPointer, ServingState } from './ports/boundary-store.js';
import type { Logger } from './ports/logger.js';
import type { CacheStats } from './serving/area-cache.js';
import { type LookupResolver, NationalLookupResolver } from './serving/lookup-resolver.js';
import { NationalResolver, type ServedArea, ServingSnapshot } from './serving/national-resolver.js';
import { RoutingMaintainer } from './serving/routing-maintainer.js';
import { StoreAreaSource } from './serving/store-area-source.js';

export interface ServingProviderOptions<C> {
  readonly store: BoundaryStore;
  /** Re-check the pointers at most this often (0: on every request). */
  readonly refreshMs: number;
  /** Wraps a resolver into what the handlers get (e.g. with a fresh answer cache). */
  readonly makeContext: (resolver: LookupResolver, exports: AssignmentExports) => C;
  /** Budget of the loaded-area cache, bytes (`CATCHMENTS_AREA_CACHE_MB`). */
  readonly areaCacheBytes: number;
  readonly logger?: Logger;
  readonly now?: () => number;
  /** After a failed check, retry after at most this long (default 5 s). */
  readonly retryMs?: number;
  /** Serve only these areas (`CATCHMENTS_AREAS`); empty or absent: every area with an active version. */
  readonly areas?: readonly string[];
}

/** Full answers of a published version as CSV (the public export), cached: versions are immutable. */
export interface AssignmentExports {
  assignmentsCsv(area: string, version: number): Promise<string>;
  /** A presigned download URL for the export (S3), or null when the CSV must be sent inline. */
  assignmentsUrl(area: string, version: number): Promise<string | null>;
}

/** How long a presigned export URL stays valid. */
const EXPORT_URL_SECONDS = 900;

interface Served<C> {
  readonly key: string;
  readonly resolver: NationalLookupResolver;
  readonly context: C;
}

interface LoadedRouting {
  readonly stamp: string;
  readonly routing: NationalRouting;
}

export class ServingProvider<C> implements AssignmentExports {
  readonly areaSource: StoreAreaSource;
  private served: Served<C> | null = null;
  private routing: LoadedRouting | null = null;
  private routingLoad: Promise<void> | null = null;
  private state: ServingState | null = null;
  private checkedAt = Number.NEGATIVE_INFINITY;
  private nextCheckAt = Number.NEGATIVE_INFINITY;
  private inflight: Promise<void> | null = null;
  private readonly exportsCache = new Map<string, Promise<string>>();
  private readonly now: () => number;

  constructor(private readonly options: ServingProviderOptions<C>) {
    this.now = options.now ?? (() => performance.now());
    this.areaSource = new StoreAreaSource(options.store, options.areaCacheBytes, options.logger);
  }

  /** The context to answer this request with: fresh to within `refreshMs`. */
  async context(): Promise<C> {
    if (this.served && this.now() < this.nextCheckAt) return this.served.context;
    await this.check();
    if (!this.served) {
      throw new ServiceUnavailableError(
        'No boundary set is published yet, or the store cannot be read. Publish one (see docs/planner-guide.md) and try again.',
      );
    }
    return this.served.context;
  }

  /** What is being served (null before the first successful load). */
  get resolver(): NationalLookupResolver | null {
    return this.served?.resolver ?? null;
  }

  /** Makes the next request re-check the pointers (the local admin API calls it after a change). */
  invalidate(): void {
    this.nextCheckAt = Number.NEGATIVE_INFINITY;
  }

  /** Re-reads the pointers now and serves what changed (single-flight). */
  check(): Promise<void> {
    this.inflight ??= this.load().finally(() => {
      this.inflight = null;
    });
    return this.inflight;
  }

  /** Resolves once a routing file being read in the background (if any) is being served. */
  async settled(): Promise<void> {
    while (this.routingLoad) await this.routingLoad;
  }

  cacheStats(): CacheStats {
    return this.areaSource.stats();
  }

  async assignmentsCsv(area: string, version: number): Promise<string> {
    const key = `${area}@${version}`;
    let csv = this.exportsCache.get(key);
    if (!csv) {
      csv = this.options.store.version(area, version).then((v) => {
        const names = new Map(v.set.sites.map((s) => [s.id, s.name]));
        return assignmentsCsv(decodeAssignmentTable(v.assignments), (id) => names.get(id));
      });
      csv.catch(() => this.exportsCache.delete(key));
      this.exportsCache.set(key, csv);
      while (this.exportsCache.size > 4) this.exportsCache.delete(this.exportsCache.keys().next().value!);
    }
    return csv;
  }

  assignmentsUrl(area: string, version: number): Promise<string | null> {
    return this.options.store.exportUrl(area, version, {
      expiresSeconds: EXPORT_URL_SECONDS,
      fileName: `${area}-v${version}-assignments.csv`,
    });
  }

  /** When the pointers were last read successfully (the provider's clock). */
  get lastCheckedAt(): number {
    return this.checkedAt;
  }

  private async load(): Promise<void> {
    const started = this.now();
    try {
      const state = await this.options.store.servingState();
      this.state = state;
      const areas = this.servedAreas(state);
      if (areas.length === 0) throw new Error('no area has an active version');
      if (!this.routing) await this.loadRouting(state, true);
      else if (state.routing && state.routing.stamp !== this.routing.stamp) this.startRoutingLoad(state);
      await this.serve(areas, started);
      this.checkedAt = started;
      this.nextCheckAt = started + this.options.refreshMs;
    } catch (error) {
      this.nextCheckAt = started + Math.min(this.options.refreshMs, this.options.retryMs ?? 5_000);
      this.options.logger?.error('refresh failed; serving the versions already loaded', {
        error: (error as Error)?.message ?? String(error),
        serving: this.served?.key ?? null,
      });
    }
  }

  /** Builds and swaps in a snapshot for these areas, unless it is what is served already. */
  private async serve(areas: readonly ServedArea[], started: number): Promise<void> {
    const loaded = this.routing!;
    const key = `${loaded.stamp}|${areas.map((a) => `${a.id}@${a.version}`).join(',')}`;
    if (key === this.served?.key) return;
    const routing = loaded.routing;
    const stale = new Map<string, AreaDigest>();
    await Promise.all(
      areas.map(async (a) => {
        const i = routing.indexOf(a.id);
        if (i >= 0 && routing.areas[i]!.version === a.version) return;
        stale.set(a.id, (await this.areaSource.answers(a.id, a.version)).digest);
      }),
    );
    const snapshot = new ServingSnapshot(routing, areas, stale);
    const resolver = new NationalLookupResolver(
      new NationalResolver(snapshot, this.areaSource),
      new Map(areas.map((a) => [a.id, a.summary])),
    );
    this.served = { key, resolver, context: this.options.makeContext(resolver, this) };
    this.options.logger?.info('serving', {
      areas: areas.length,
      staleAreas: [...stale.keys()],
      routing: loaded.stamp,
      postcodes: routing.postcodeCount,
      ms: Math.round(this.now() - started),
    });
  }

  private servedAreas(state: ServingState): ServedArea[] {
    const only = this.options.areas?.length ? new Set(this.options.areas) : null;
    return state.pointers
      .filter((p) => p.active !== null && (only === null || only.has(p.area)))
      .map((p) => ({ id: p.area, version: p.active!, summary: p.summary }));
  }

  /** Reads the stored routing (or, when none is stored, builds one in memory from the store). */
  private async loadRouting(state: ServingState, first: boolean): Promise<void> {
    const started = this.now();
    const stored = state.routing ? await this.options.store.routing() : null;
    let loaded: LoadedRouting;
    if (stored) {
      loaded = { stamp: stored.pointer.stamp, routing: new NationalRouting(stored.bytes) };
    } else {
      this.options.logger?.warn(
        'no national routing stored: building one in memory (run `catchments routing-refresh`)',
      );
      const built = await new RoutingMaintainer(this.options.store, this.options).buildInMemory(state);
      loaded = { stamp: `memory:${Object.entries(built.builtFrom).join(',')}`, routing: built.routing };
    }
    this.routing = loaded;
    this.options.logger?.info('national routing loaded', {
      first,
      stamp: loaded.stamp,
      bytes: loaded.routing.byteLength,
      areas: loaded.routing.areas.length,
      postcodes: loaded.routing.postcodeCount,
      ms: Math.round(this.now() - started),
    });
  }

  /** Reads a newer routing in the background; requests keep their exact answers meanwhile. */
  private startRoutingLoad(state: ServingState): void {
    if (this.routingLoad) return;
    const target: RoutingPointer = state.routing!;
    this.routingLoad = this.loadRouting(state, false)
      .then(() => {
        const current = this.state ?? state;
        return this.serve(this.servedAreas(current), this.now());
      })
      .catch((error: unknown) => {
        this.options.logger?.error('loading the new national routing failed; the previous one serves', {
          stamp: target.stamp,
          error: (error as Error)?.message ?? String(error),
        });
      })
      .finally(() => {
        this.routingLoad = null;
      });
  }
}
