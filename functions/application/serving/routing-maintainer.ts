// Keeps the stored national routing in step with the areas' active versions and the postcode
// directories (docs/storage.md "National routing"). Called after every publish, rollback and
// directory change, by `catchments routing-refresh`, and (in memory only) by a container that finds
// no routing stored.
//
// - Directories changed (or no routing yet): a full build, reading every active area's digest.
// - Otherwise: the areas whose active version differs from the routing's are replaced; the rest
//   are carried over from the previous routing without being read.
// The write is conditional on the routing read: of two concurrent refreshes one wins and the other
// starts again from what the winner wrote, so each write reflects every pointer it saw.
import { createHash } from 'node:crypto';
import { VersionConflictError } from '../../core/errors.js';
import { decodeAssignmentTable } from '../../core/lookup/assignment-table.js';
import { PostcodeDirectory } from '../../core/postcode-directory.js';
import { AreaDigest, encodeAreaDigest } from '../../core/routing/area-digest.js';
import { decodeDirectoryColumns, mergeDirectoryColumns } from '../../core/routing/directory-columns.js';
import { type DirectoryColumns, NationalRouting } from '../../core/routing/national-routing.js';
import {
  buildRouting,
  type RoutingBuildStats,
  updateRouting,
  type VersionDigest,
} from '../../core/routing/routing-builder.js';
import type { BoundaryStore, ServingState } from '../ports/boundary-store.js';
import type { Logger } from '../ports/logger.js';

export interface RoutingRefresh {
  readonly action: 'unchanged' | 'updated' | 'built';
  /** Areas read and replaced (all of them for a full build). */
  readonly areasRead: readonly string[];
  readonly ms: number;
  readonly stats?: RoutingBuildStats;
}

const READ_CONCURRENCY = 16;
/** Unreferenced national blobs younger than this are kept: a build or load may still be writing them. */
const SWEEP_AFTER_MS = 3_600_000;
const MAX_ATTEMPTS = 5;

export class RoutingMaintainer {
  constructor(
    private readonly store: BoundaryStore,
    private readonly options: {
      readonly logger?: Logger;
      readonly clock?: () => Date;
      /** Age past which unreferenced national blobs are removed after a write (default 1 hour). */
      readonly sweepAfterMs?: number;
    } = {},
  ) {}

  /** Brings the stored routing up to date; a no-op when it already is, unless `full` asks for a rebuild. */
  async refresh(options: { readonly full?: boolean } = {}): Promise<RoutingRefresh> {
    for (let attempt = 1; ; attempt++) {
      const started = performance.now();
      const state = await this.store.servingState();
      const directoryStamp = directoryStampOf(state);
      const builtFrom = activeVersions(state);
      const current = state.routing;
      let result: { bytes: Uint8Array; stats: RoutingBuildStats; areasRead: string[] } | null;
      let action: RoutingRefresh['action'];
      if (!current || current.directoryStamp !== directoryStamp || options.full) {
        result = await this.fullBuild(state, directoryStamp);
        action = 'built';
      } else {
        const changed = [...new Set([...Object.keys(builtFrom), ...Object.keys(current.builtFrom)])].filter(
          (area) => builtFrom[area] !== current.builtFrom[area],
        );
        if (changed.length === 0) {
          await this.sweep(); // routing-refresh on an up-to-date store still cleans up
          return { action: 'unchanged', areasRead: [], ms: performance.now() - started };
        }
        const stored = await this.store.routing();
        if (!stored || stored.pointer.stamp !== current.stamp) {
          // Replaced meanwhile: look again.
          if (attempt < MAX_ATTEMPTS) continue;
          throw new VersionConflictError(
            'The national routing kept changing while being refreshed; try again.',
          );
        }
        const previous = new NationalRouting(stored.bytes);
        const changes = new Map<string, VersionDigest | null>();
        await inParallel(changed, async (area) => {
          const version = builtFrom[area];
          changes.set(
            area,
            version === undefined ? null : { version, digest: await this.digest(area, version) },
          );
        });
        result = { ...updateRouting(previous, changes), areasRead: changed };
        action = 'updated';
      }
      try {
        await this.store.putRouting(
          result.bytes,
          { builtFrom, directoryStamp, builtAt: this.now() },
          current?.stamp ?? null,
        );
      } catch (error) {
        if (error instanceof VersionConflictError && attempt < MAX_ATTEMPTS) continue;
        throw error;
      }
      await this.sweep();
      const ms = performance.now() - started;
      this.options.logger?.info('national routing written', {
        action,
        areasRead: result.areasRead.length,
        bytes: result.bytes.length,
        ...result.stats,
        ms: Math.round(ms),
      });
      return { action, areasRead: result.areasRead, ms, stats: result.stats };
    }
  }

  /** A routing built from the store without writing it (a container's fallback when none is stored). */
  async buildInMemory(
    state: ServingState,
  ): Promise<{ routing: NationalRouting; builtFrom: Record<string, number> }> {
    const { bytes } = await this.fullBuild(state, directoryStampOf(state));
    return { routing: new NationalRouting(bytes), builtFrom: activeVersions(state) };
  }

  private async fullBuild(
    state: ServingState,
    directoryStamp: string,
  ): Promise<{ bytes: Uint8Array; stats: RoutingBuildStats; areasRead: string[] }> {
    const directories: DirectoryColumns[] = [];
    if (state.nationalDirectory) {
      const national = await this.store.nationalDirectory();
      if (national) directories.push(decodeDirectoryColumns(national.bytes));
    }
    for (const pointer of state.pointers) {
      if (!pointer.directoryStamp) continue;
      const own = await this.store.directory(pointer.area);
      if (own) directories.push(PostcodeDirectory.fromCsv(own.csv).sortedColumns());
    }
    const directory = directories.length > 0 ? mergeDirectoryColumns(directories) : EMPTY_DIRECTORY;
    const active = state.pointers.filter((p) => p.active !== null);
    const digests: VersionDigest[] = [];
    await inParallel(active, async (p) => {
      digests.push({ version: p.active!, digest: await this.digest(p.area, p.active!) });
    });
    return { ...buildRouting(directory, directoryStamp, digests), areasRead: active.map((p) => p.area) };
  }

  private async digest(area: string, version: number): Promise<AreaDigest> {
    const parts = await this.store.versionParts(area, version, ['digest']);
    const bytes = parts.get('digest');
    if (bytes) return new AreaDigest(bytes);
    const stored = await this.store.version(area, version);
    return new AreaDigest(
      encodeAreaDigest(stored.set, decodeAssignmentTable(stored.assignments), stored.header.directoryStamp),
    );
  }

  /**
   * Removes superseded routing files and abandoned directory loads (docs/storage.md "Sweep"), best
   * effort: a failure costs storage, never an answer, and the next write sweeps again.
   */
  private async sweep(): Promise<void> {
    try {
      await this.store.sweepNational({
        now: (this.options.clock?.() ?? new Date()).getTime(),
        olderThanMs: this.options.sweepAfterMs ?? SWEEP_AFTER_MS,
      });
    } catch (error) {
      this.options.logger?.warn('national sweep failed', {
        error: (error as Error)?.message ?? String(error),
      });
    }
  }

  private now(): string {
    return (this.options.clock?.() ?? new Date()).toISOString();
  }
}

const EMPTY_DIRECTORY: DirectoryColumns = {
  keys: new Float64Array(0),
  lat: new Float64Array(0),
  lng: new Float64Array(0),
  status: new Uint16Array(0),
  months: [''],
};

/** The stamp of the directory a routing is built over: the national one and every area's own. */
export function directoryStampOf(state: ServingState): string {
  const parts = [
    `national:${state.nationalDirectory?.stamp ?? '-'}`,
    ...state.pointers.filter((p) => p.directoryStamp).map((p) => `${p.area}:${p.directoryStamp}`),
  ];
  return createHash('sha256').update(parts.join('|')).digest('hex').slice(0, 16);
}

export function activeVersions(state: ServingState): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of state.pointers) if (p.active !== null) out[p.area] = p.active;
  return out;
}

async function inParallel<T>(items: readonly T[], work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(READ_CONCURRENCY, items.length) }, worker));
}
