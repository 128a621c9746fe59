// What a publish or rollback changes for families: the postcodes whose hub, HV patch or CoC team
// differs between two versions (each with before and after), the hub-to-hub matrix, and the CSV
// of the full list. Feeds the version history (`hubChanges`), the boundary-set events other apps
// subscribe to and the public change lists (docs/events.md).

import { csvLine } from '../csv-cell.js';
import { compareIds } from '../lookup/area-lookup.js';
import type { AssignmentRow } from '../lookup/assignment-table.js';

/** The layers a change can touch, as events and change lists name them. */
export const CHANGED_LAYERS = ['hub', 'hvPatch', 'cocTeam'] as const;
export type ChangedLayer = (typeof CHANGED_LAYERS)[number];

/** A postcode's hub, HV patch and CoC team ids in one version (null: none there). */
export interface UnitIds {
  readonly hub: string | null;
  readonly hvPatch: string | null;
  readonly cocTeam: string | null;
}

export interface ChangedPostcode {
  readonly postcode: string;
  /** Which of hub, HV patch and CoC team differ, in that order: never empty. */
  readonly changed: readonly ChangedLayer[];
  /** Ids before (all null when the postcode was not in the earlier version's table). */
  readonly before: UnitIds;
  readonly after: UnitIds;
}

export interface HubMove {
  readonly fromHub: string | null;
  readonly toHub: string | null;
  readonly postcodes: number;
}

export type ChangeCounts = Readonly<Record<ChangedLayer, number>>;

const NONE: UnitIds = { hub: null, hvPatch: null, cocTeam: null };

function unitIds(row: AssignmentRow | undefined): UnitIds {
  if (!row) return NONE;
  const a = row.assignment;
  return { hub: a.hubId, hvPatch: a.hvPatchId, cocTeam: a.cocTeamId };
}

function changedLayers(before: UnitIds, after: UnitIds): ChangedLayer[] {
  return CHANGED_LAYERS.filter((layer) => before[layer] !== after[layer]);
}

/**
 * Postcodes whose hub, HV patch or CoC team differs between `before` and `after`, sorted by
 * postcode. A postcode in only one table counts as moving from/to none. With `before` null (a
 * first publish) nothing changes: there was no earlier answer to change.
 */
export function changedPostcodes(
  before: ReadonlyMap<string, AssignmentRow> | null,
  after: ReadonlyMap<string, AssignmentRow>,
): ChangedPostcode[] {
  if (!before) return [];
  const out: ChangedPostcode[] = [];
  const consider = (postcode: string, b: UnitIds, a: UnitIds) => {
    const changed = changedLayers(b, a);
    if (changed.length > 0) out.push({ postcode, changed, before: b, after: a });
  };
  for (const [postcode, row] of after) consider(postcode, unitIds(before.get(postcode)), unitIds(row));
  for (const [postcode, row] of before) if (!after.has(postcode)) consider(postcode, unitIds(row), NONE);
  return out.sort((a, b) => compareIds(a.postcode, b.postcode));
}

/** How many postcodes changed each layer (a postcode changing two layers counts in both). */
export function changeCounts(changes: readonly ChangedPostcode[]): ChangeCounts {
  const counts = { hub: 0, hvPatch: 0, cocTeam: 0 };
  for (const c of changes) for (const layer of c.changed) counts[layer]++;
  return counts;
}

/** The hub from -> to matrix of the changes that moved hub, largest flows first (ties by hub ids). */
export function hubMoves(changes: readonly ChangedPostcode[]): HubMove[] {
  const counts = new Map<string, HubMove>();
  for (const c of changes) {
    if (!c.changed.includes('hub')) continue;
    const key = `${c.before.hub ?? ''}\u0000${c.after.hub ?? ''}`;
    const entry = counts.get(key);
    counts.set(key, { fromHub: c.before.hub, toHub: c.after.hub, postcodes: (entry?.postcodes ?? 0) + 1 });
  }
  return [...counts.values()].sort(
    (a, b) =>
      b.postcodes - a.postcodes ||
      compareIds(a.fromHub ?? '', b.fromHub ?? '') ||
      compareIds(a.toHub ?? '', b.toHub ?? ''),
  );
}

/** One page of changes: those after the `after` postcode (exclusive), at most `limit`. */
export function changesPage(
  changes: readonly ChangedPostcode[],
  after: string | null,
  limit: number,
): { readonly items: readonly ChangedPostcode[]; readonly next: string | null } {
  let start = 0;
  if (after !== null) {
    // Sorted by postcode: binary search for the first postcode greater than the cursor.
    let lo = 0;
    let hi = changes.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareIds(changes[mid]!.postcode, after) <= 0) lo = mid + 1;
      else hi = mid;
    }
    start = lo;
  }
  const items = changes.slice(start, start + limit);
  const more = start + limit < changes.length;
  return { items, next: more && items.length > 0 ? items[items.length - 1]!.postcode : null };
}

export const CHANGES_CSV_HEADER = [
  'postcode',
  'changed',
  'hub_before',
  'hub_after',
  'hv_patch_before',
  'hv_patch_after',
  'coc_team_before',
  'coc_team_after',
] as const;

/**
 * The full change list of a version pair as CSV (the export events point at): one row per
 * postcode, `changed` naming the layers joined by `|` (e.g. `hvPatch|cocTeam`), empty cells for none.
 */
export function changesCsv(changes: readonly ChangedPostcode[]): string {
  const rows: string[][] = [[...CHANGES_CSV_HEADER]];
  for (const c of changes) {
    rows.push([
      c.postcode,
      c.changed.join('|'),
      c.before.hub ?? '',
      c.after.hub ?? '',
      c.before.hvPatch ?? '',
      c.after.hvPatch ?? '',
      c.before.cocTeam ?? '',
      c.after.cocTeam ?? '',
    ]);
  }
  // RFC 4180 with CRLF line ends, every cell defused (the project's one CSV cell writer).
  return `${rows.map((row) => csvLine(row)).join('\r\n')}\r\n`;
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
