// What a publish or rollback changes for families: the postcodes whose hub changes between two
// versions, and the hub-to-hub matrix. Feeds the version history (`hubChanges`) and the
// boundary-set events other apps subscribe to (docs/events.md).
import { compareIds } from '../lookup/area-lookup.js';
import type { AssignmentRow } from '../lookup/assignment-table.js';

export interface ChangedPostcode {
  readonly postcode: string;
  /** Hub before (null: none — a gap, outside, or not in the earlier version's table). */
  readonly fromHub: string | null;
  readonly toHub: string | null;
}

export interface HubMove {
  readonly fromHub: string | null;
  readonly toHub: string | null;
  readonly postcodes: number;
}

/**
 * Postcodes whose hub differs between `before` and `after`, sorted by postcode. A postcode in only
 * one table counts as moving from/to no hub. With `before` null (a first publish) nothing changes:
 * there was no earlier answer to change.
 */
export function changedPostcodes(
  before: ReadonlyMap<string, AssignmentRow> | null,
  after: ReadonlyMap<string, AssignmentRow>,
): ChangedPostcode[] {
  if (!before) return [];
  const out: ChangedPostcode[] = [];
  for (const [postcode, row] of after) {
    const fromHub = before.get(postcode)?.assignment.hubId ?? null;
    const toHub = row.assignment.hubId;
    if (fromHub !== toHub) out.push({ postcode, fromHub, toHub });
  }
  for (const [postcode, row] of before) {
    if (!after.has(postcode) && row.assignment.hubId !== null) {
      out.push({ postcode, fromHub: row.assignment.hubId, toHub: null });
    }
  }
  return out.sort((a, b) => compareIds(a.postcode, b.postcode));
}

/** The from -> to matrix of changes, largest flows first (ties by hub ids). */
export function hubMoves(changes: readonly ChangedPostcode[]): HubMove[] {
  const counts = new Map<string, HubMove>();
  for (const c of changes) {
    const key = `${c.fromHub ?? ''}\u0000${c.toHub ?? ''}`;
    const entry = counts.get(key);
    counts.set(key, { fromHub: c.fromHub, toHub: c.toHub, postcodes: (entry?.postcodes ?? 0) + 1 });
  }
  return [...counts.values()].sort(
    (a, b) =>
      b.postcodes - a.postcodes ||
      compareIds(a.fromHub ?? '', b.fromHub ?? '') ||
      compareIds(a.toHub ?? '', b.toHub ?? ''),
  );
}

/**
 * The longest prefix of `items` whose JSON stays within `budgetBytes` (and `maxItems`): events
 * carry the list inline only while they fit the bus's entry limit (EventBridge: 256 KB).
 */
export function boundedPrefix<T>(items: readonly T[], budgetBytes: number, maxItems: number): T[] {
  const out: T[] = [];
  let bytes = 2; // the brackets
  for (const item of items) {
    if (out.length >= maxItems) break;
    const size = utf8Length(JSON.stringify(item)) + (out.length > 0 ? 1 : 0); // + the comma
    if (bytes + size > budgetBytes) break;
    bytes += size;
    out.push(item);
  }
  return out;
}

/** UTF-8 byte length without Buffer (core is runtime-neutral). */
export function utf8Length(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        n += 4; // a surrogate pair: one 4-byte character
        i++;
      } else n += 3; // a lone surrogate is written as U+FFFD
    } else n += 3;
  }
  return n;
}
