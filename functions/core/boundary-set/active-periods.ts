// Which version of an area was active when: derived from the area's pointer changes (every publish
// and rollback, numbered `seq` 1, 2, 3... by the store), never from wall-clock guesses.
//
// Semantics (tested in test/unit/active-periods.test.ts):
// - A change takes effect at its `at` instant. Periods are half-open: [from, until). At the exact
//   instant of a change, the new version answers.
// - Order is the store's `seq`, which the conditional write makes total. If two changes carry
//   instants out of seq order (clocks of two publishing processes disagree), the later seq wins
//   from its own `at` on, and the earlier change's period is empty: no instant has two versions.
// - Before an area's first publish no version was active: `versionActiveAt` answers null.
// - A version can have several periods (rolled back from, then rolled forward to again).

/** The parts of a pointer change (functions/application/ports/boundary-store.ts) this needs. */
export interface PointerMove {
  readonly seq: number;
  readonly kind: 'publish' | 'rollback';
  readonly to: number;
  /** ISO 8601 instant the change was committed. */
  readonly at: string;
}

export interface ActivePeriod {
  readonly version: number;
  /** ISO 8601 instant the version became active (inclusive). */
  readonly from: string;
  /** ISO 8601 instant it stopped being active (exclusive), or null while it still is. */
  readonly until: string | null;
  /** The change that made it active. */
  readonly seq: number;
  readonly kind: PointerMove['kind'];
}

/**
 * The active periods in seq order. Change i is in force over [at_i, min of later changes' at):
 * exactly the instants for which `versionActiveAt` names it. Empty periods are left out.
 */
export function activePeriods(changes: readonly PointerMove[]): ActivePeriod[] {
  const ordered = [...changes].sort((a, b) => a.seq - b.seq);
  const periods: ActivePeriod[] = [];
  let earliestLater: PointerMove | null = null;
  for (let i = ordered.length - 1; i >= 0; i--) {
    const change = ordered[i]!;
    const from = Date.parse(change.at);
    const until = earliestLater?.at ?? null;
    if (until === null || Date.parse(until) > from) {
      periods.push({ version: change.to, from: change.at, until, seq: change.seq, kind: change.kind });
    }
    if (!earliestLater || from < Date.parse(earliestLater.at)) earliestLater = change;
  }
  return periods.reverse();
}

/**
 * The version active at `instant` (milliseconds since the epoch): the `to` of the highest-seq change
 * committed at or before it; null before the first publish.
 */
export function versionActiveAt(changes: readonly PointerMove[], instant: number): number | null {
  let best: PointerMove | null = null;
  for (const change of changes) {
    if (Date.parse(change.at) > instant) continue;
    if (!best || change.seq > best.seq) best = change;
  }
  return best?.to ?? null;
}

/**
 * RFC 3339 date-time (ISO 8601 with a time and an offset), e.g. `2025-04-01T09:30:00Z` or
 * `2025-04-01T10:30:00+01:00`. A bare date is refused: whether it means midnight in London or UTC
 * would be a guess, and the answer can differ across a publish made that morning.
 */
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?(?:[Zz]|[+-](\d{2}):(\d{2}))$/;

/** Milliseconds since the epoch, or null when `text` is not an RFC 3339 date-time (or not a real one). */
export function parseInstant(text: string): number | null {
  const m = DATE_TIME.exec(text);
  if (!m) return null;
  const [, y, mo, d, h, mi, s, oh, om] = m;
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(Number(y), month)) return null;
  if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 60) return null;
  if (oh !== undefined && (Number(oh) > 23 || Number(om) > 59)) return null;
  const ms = Date.parse(text.replace(/(\.\d{3})\d+/, '$1'));
  return Number.isFinite(ms) ? ms : null;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}
