// Point-in-time answers: "which hub served this family on the day of referral?". Resolves `?at=`
// to the version that was active then (core/boundary-set/active-periods.ts, from the store's
// pointer-change history, re-read when the served version moves) and gives the public version
// history. The version itself is loaded by the serving path (LookupResolver.areaAt): through the
// same bounded (area, version) cache as the active versions, so history costs no extra memory
// budget.
import { activePeriods, versionActiveAt } from '../core/boundary-set/active-periods.js';
import { InvalidRequestError, NotFoundError } from '../core/errors.js';
import type { BoundaryStore, PointerChange, VersionHeader } from './ports/boundary-store.js';

/** Pointer changes read per area: decades of weekly publishes; beyond it, `at` says so rather than guessing. */
const HISTORY_LIMIT = 10_000;

export interface PointInTimeOptions {
  readonly store: Pick<BoundaryStore, 'versions' | 'changes'>;
  /** Re-read an area's pointer changes at most this often (a publish adds one). */
  readonly refreshMs: number;
  readonly now?: () => number;
}

/** What a request asked for: an instant, or a version number. */
export type TimeTarget = { readonly at: number; readonly text: string } | { readonly version: number };

export interface PublicVersionView {
  readonly version: number;
  readonly publishedAt: string;
  readonly publishedBy: 'planner';
  readonly basedOn: number | null;
  readonly counts: VersionHeader['counts'];
  readonly hubChanges: number;
  readonly active: boolean;
  readonly periods: readonly {
    readonly from: string;
    readonly until: string | null;
    readonly kind: PointerChange['kind'];
  }[];
}

export class PointInTime {
  private readonly history = new Map<
    string,
    { readonly at: number; readonly changes: Promise<PointerChange[]> }
  >();
  private readonly now: () => number;

  constructor(private readonly options: PointInTimeOptions) {
    this.now = options.now ?? (() => performance.now());
  }

  /**
   * The version a target names for an area: the one active at the instant, or the number given.
   * `serving` is the version the catalog serves now: history that does not end with it is re-read.
   */
  async versionFor(area: string, target: TimeTarget, serving: number | null): Promise<number> {
    if ('version' in target) return target.version;
    const changes = await this.changes(area, serving);
    const oldest = changes[changes.length - 1];
    if (changes.length >= HISTORY_LIMIT && oldest && Date.parse(oldest.at) > target.at) {
      throw new NotFoundError(
        `Area "${area}" has more than ${HISTORY_LIMIT} pointer changes; answers before ${oldest.at} are not kept online. Ask with ?version= instead.`,
      );
    }
    const version = versionActiveAt(changes, target.at);
    if (version === null) {
      throw new NotFoundError(
        `No version of area "${area}" was active at ${target.text}: it was before the first publish. ` +
          `See GET /v1/areas/${area}/versions for when each version was active.`,
      );
    }
    return version;
  }

  /** The public history: versions newest first with their active periods; no author identities. */
  async publicVersions(area: string, active: number | null): Promise<PublicVersionView[]> {
    const [headers, changes] = await Promise.all([
      this.options.store.versions(area),
      this.changes(area, active),
    ]);
    const periods = activePeriods(changes);
    return headers.map((h) => ({
      version: h.version,
      publishedAt: h.publishedAt,
      publishedBy: 'planner',
      basedOn: h.basedOn,
      counts: h.counts,
      hubChanges: h.hubChanges,
      active: h.version === active,
      periods: periods
        .filter((p) => p.version === h.version)
        .map(({ from, until, kind }) => ({ from, until, kind })),
    }));
  }

  /** Forgets the histories read (the local app calls it after a publish or rollback). */
  invalidate(): void {
    this.history.clear();
  }

  private async changes(area: string, serving: number | null): Promise<PointerChange[]> {
    const cached = this.history.get(area);
    if (cached && this.now() - cached.at < this.options.refreshMs) {
      const changes = await cached.changes;
      // Newest first: the latest change must be the one that made the served version active.
      if (changes[0]?.to === serving || serving === null) return changes;
    }
    const changes = this.options.store.changes(area, HISTORY_LIMIT);
    changes.catch(() => this.history.delete(area));
    this.history.set(area, { at: this.now(), changes });
    return changes;
  }
}

/** Reads `at` / `version` from a request's checked query; null when neither was given. */
export function timeTarget(
  query: { readonly at?: string; readonly version?: number },
  nowMs: number,
): TimeTarget | null {
  if (query.at !== undefined && query.version !== undefined) {
    throw new InvalidRequestError('Give "at" (an instant) or "version" (a number), not both.');
  }
  if (query.version !== undefined) return { version: query.version };
  if (query.at === undefined) return null;
  const at = Date.parse(query.at.replace(/(\.\d{3})\d+/, '$1'));
  if (at > nowMs) {
    throw new InvalidRequestError(
      `"at" is in the future (${query.at}); answers are for the past and the present. Leave "at" out for today's answer.`,
    );
  }
  return { at, text: query.at };
}
