// Freshness: holds the lookup catalog a container serves and swaps it when a publish or rollback
// moves an active pointer. At most every `refreshMs` a request first re-reads every area's
// pointers (one strongly consistent query); when they changed, the new versions are loaded (their
// precomputed answers included), a whole new catalog is built, and the context is replaced with
// one assignment. A request holds the context it started with, so no answer ever mixes versions;
// a published version is immutable, so loading "version N" always yields exactly version N.
//
// The check runs on the request path (awaited), so a publish is served everywhere within
// `refreshMs`; concurrent requests share one check. If the store cannot be read, the container
// keeps serving what it has (and says so in the logs) rather than failing lookups.
import { createHash } from 'node:crypto';
import { ServiceUnavailableError } from '../core/errors.js';
import { AreaLookup } from '../core/lookup/area-lookup.js';
import { assignmentMap, assignmentsCsv, decodeAssignmentTable } from '../core/lookup/assignment-table.js';
import { LookupCatalog, type PrecomputedArea } from '../core/lookup/catalog.js';
import type { PostcodeRecord } from '../core/model.js';
import { PostcodeDirectory } from '../core/postcode-directory.js';
import type { AreaPointer, BoundaryStore } from './ports/boundary-store.js';
import type { Logger } from './ports/logger.js';

export interface CatalogProviderOptions<C> {
  readonly store: BoundaryStore;
  /** Re-check the pointers at most this often (0: on every request). */
  readonly refreshMs: number;
  /** Wraps a new catalog into what the handlers get (e.g. with a fresh answer cache). */
  readonly makeContext: (catalog: LookupCatalog, exports: AssignmentExports) => C;
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
}

interface Served<C> {
  readonly key: string;
  readonly catalog: LookupCatalog;
  readonly context: C;
}

export class CatalogProvider<C> implements AssignmentExports {
  private served: Served<C> | null = null;
  private checkedAt = Number.NEGATIVE_INFINITY;
  private nextCheckAt = Number.NEGATIVE_INFINITY;
  private inflight: Promise<void> | null = null;
  private readonly versions = new Map<string, Promise<PrecomputedArea>>();
  private readonly directories = new Map<string, Promise<PostcodeDirectory | null>>();
  private readonly exportsCache = new Map<string, Promise<string>>();
  private readonly now: () => number;

  constructor(private readonly options: CatalogProviderOptions<C>) {
    this.now = options.now ?? (() => performance.now());
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

  /** The catalog being served (null before the first successful load). */
  get catalog(): LookupCatalog | null {
    return this.served?.catalog ?? null;
  }

  /** Makes the next request re-check the pointers (the local admin API calls it after a change). */
  invalidate(): void {
    this.nextCheckAt = Number.NEGATIVE_INFINITY;
  }

  /** Re-reads the pointers now and loads what changed (single-flight). */
  check(): Promise<void> {
    this.inflight ??= this.load().finally(() => {
      this.inflight = null;
    });
    return this.inflight;
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

  private async load(): Promise<void> {
    const started = this.now();
    try {
      const only = this.options.areas?.length ? new Set(this.options.areas) : null;
      const pointers = (await this.options.store.pointers()).filter(
        (p) => p.active !== null && (only === null || only.has(p.area)),
      );
      const key = pointers.map((p) => `${p.area}@${p.active}:${p.directoryStamp ?? '-'}`).join(',');
      if (key !== this.served?.key) {
        if (pointers.length === 0) throw new Error('no area has an active version');
        const catalog = await this.build(pointers);
        this.served = { key, catalog, context: this.options.makeContext(catalog, this) };
        this.options.logger?.info('catalog loaded', {
          areas: pointers.map((p) => ({ area: p.area, version: p.active })),
          postcodes: catalog.postcodeCount,
          ...catalog.stats,
          ms: Math.round(this.now() - started),
        });
        this.prune(pointers);
      }
      this.checkedAt = started;
      this.nextCheckAt = started + this.options.refreshMs;
    } catch (error) {
      this.nextCheckAt = started + Math.min(this.options.refreshMs, this.options.retryMs ?? 5_000);
      this.options.logger?.error('catalog refresh failed; serving the versions already loaded', {
        error: (error as Error)?.message ?? String(error),
        serving: this.served?.key ?? null,
      });
      if (!this.served) return;
    }
  }

  /** When the pointers were last read successfully (the provider's clock). */
  get lastCheckedAt(): number {
    return this.checkedAt;
  }

  private async build(pointers: readonly AreaPointer[]): Promise<LookupCatalog> {
    const areas = await Promise.all(pointers.map((p) => this.version(p.area, p.active!)));
    const directories = await Promise.all(pointers.map((p) => this.directory(p)));
    const seen = new Set<string>();
    const records: PostcodeRecord[] = [];
    for (const directory of directories) {
      for (const record of directory?.records() ?? []) {
        if (seen.has(record.postcode)) continue; // a postcode listed by two areas keeps the first (by area id)
        seen.add(record.postcode);
        records.push(record);
      }
    }
    const stamps = pointers.map((p) => p.directoryStamp ?? 'none');
    const stamp = stamps.length === 1 ? stamps[0]!.slice(0, 10) : hash(stamps.join(',')).slice(0, 10);
    return LookupCatalog.fromPrecomputed(areas, { records: () => records }, stamp);
  }

  private version(area: string, version: number): Promise<PrecomputedArea> {
    const key = `${area}@${version}`;
    let loaded = this.versions.get(key);
    if (!loaded) {
      loaded = this.options.store.version(area, version).then((v) => ({
        lookup: AreaLookup.build(v.set),
        assignments: assignmentMap(decodeAssignmentTable(v.assignments)),
      }));
      loaded.catch(() => this.versions.delete(key));
      this.versions.set(key, loaded);
    }
    return loaded;
  }

  private directory(pointer: AreaPointer): Promise<PostcodeDirectory | null> {
    const key = `${pointer.area}:${pointer.directoryStamp}`;
    let loaded = this.directories.get(key);
    if (!loaded) {
      loaded = pointer.directoryStamp
        ? this.options.store
            .directory(pointer.area)
            .then((d) => (d ? PostcodeDirectory.fromCsv(d.csv) : null))
        : Promise.resolve(null);
      loaded.catch(() => this.directories.delete(key));
      this.directories.set(key, loaded);
    }
    return loaded;
  }

  /** Keeps the versions being served plus one earlier per area (a rollback then swaps instantly). */
  private prune(pointers: readonly AreaPointer[]): void {
    const keep = new Set(pointers.map((p) => `${p.area}@${p.active}`));
    const perArea = new Map<string, number>();
    for (const key of [...this.versions.keys()].reverse()) {
      if (keep.has(key)) continue;
      const area = key.slice(0, key.lastIndexOf('@'));
      const n = (perArea.get(area) ?? 0) + 1;
      perArea.set(area, n);
      if (n > 1) this.versions.delete(key);
    }
    const dirs = new Set(pointers.map((p) => `${p.area}:${p.directoryStamp}`));
    for (const key of this.directories.keys()) if (!dirs.has(key)) this.directories.delete(key);
  }
}

function hash(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
