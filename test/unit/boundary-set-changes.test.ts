// What a publish or rollback changes for families, and the events that say so within the bus's
// 256 KB entry limit however many postcodes move.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  boundarySetEvent,
  EVENT_CHANGES_MAX_ITEMS,
} from '../../functions/application/boundary-set-service.js';
import type { PointerChange, VersionHeader } from '../../functions/application/ports/boundary-store.js';
import {
  boundedPrefix,
  type ChangedPostcode,
  changeCounts,
  changedPostcodes,
  changesCsv,
  changesPage,
  hubMoves,
  utf8Length,
} from '../../functions/core/boundary-set/changes.js';
import type { AssignmentRow } from '../../functions/core/lookup/assignment-table.js';

const row = (
  postcode: string,
  hubId: string | null,
  hvPatchId: string | null = null,
  cocTeamId: string | null = null,
): AssignmentRow => ({
  postcode,
  lat: 51,
  lng: -2,
  assignment: hubId
    ? { match: 'inside', hubId, hvPatchId, cocTeamId }
    : { match: 'gap', hubId: null, hvPatchId, cocTeamId },
});
const ids = (hub: string | null, hvPatch: string | null = null, cocTeam: string | null = null) => ({
  hub,
  hvPatch,
  cocTeam,
});
const hubChange = (postcode: string, from: string | null, to: string | null): ChangedPostcode => ({
  postcode,
  changed: ['hub'],
  before: ids(from),
  after: ids(to),
});
const table = (rows: AssignmentRow[]) => new Map(rows.map((r) => [r.postcode, r]));

describe('changedPostcodes and hubMoves', () => {
  it('lists postcodes whose hub changed, appeared or went, sorted, and the flows between hubs', () => {
    const before = table([
      row('GL1 1AA', 'a'),
      row('GL1 1AB', 'a'),
      row('GL1 1AD', 'b'),
      row('GL2 2AA', 'b'),
      row('GL3 3AA', null),
    ]);
    const after = table([
      row('GL1 1AA', 'a'),
      row('GL1 1AB', 'b'),
      row('GL1 1AD', 'a'),
      row('GL3 3AA', 'c'),
      row('GL4 4AA', 'c'),
    ]);
    const changes = changedPostcodes(before, after);
    expect(changes).toEqual([
      hubChange('GL1 1AB', 'a', 'b'),
      hubChange('GL1 1AD', 'b', 'a'),
      hubChange('GL2 2AA', 'b', null),
      hubChange('GL3 3AA', null, 'c'),
      hubChange('GL4 4AA', null, 'c'),
    ]);
    expect(hubMoves(changes)).toEqual([
      { fromHub: null, toHub: 'c', postcodes: 2 },
      { fromHub: 'a', toHub: 'b', postcodes: 1 },
      { fromHub: 'b', toHub: null, postcodes: 1 },
      { fromHub: 'b', toHub: 'a', postcodes: 1 },
    ]);
    expect(changedPostcodes(null, after)).toEqual([]);
  });

  it('lists HV patch and CoC team changes without a hub change, each with before and after', () => {
    const before = table([
      row('GL1 1AA', 'a', 'p1', 't1'),
      row('GL1 1AB', 'a', 'p1', 't1'),
      row('GL1 1AD', 'a', 'p2', 't1'),
      row('GL2 2AA', null, 'p3', null),
    ]);
    const after = table([
      row('GL1 1AA', 'a', 'p1', 't1'),
      row('GL1 1AB', 'a', 'p2', 't1'),
      row('GL1 1AD', 'b', 'p2', 't2'),
      row('GL2 2AA', null, null, null),
    ]);
    const changes = changedPostcodes(before, after);
    expect(changes).toEqual([
      {
        postcode: 'GL1 1AB',
        changed: ['hvPatch'],
        before: ids('a', 'p1', 't1'),
        after: ids('a', 'p2', 't1'),
      },
      {
        postcode: 'GL1 1AD',
        changed: ['hub', 'cocTeam'],
        before: ids('a', 'p2', 't1'),
        after: ids('b', 'p2', 't2'),
      },
      { postcode: 'GL2 2AA', changed: ['hvPatch'], before: ids(null, 'p3'), after: ids(null) },
    ]);
    expect(changeCounts(changes)).toEqual({ hub: 1, hvPatch: 2, cocTeam: 1 });
    expect(hubMoves(changes)).toEqual([{ fromHub: 'a', toHub: 'b', postcodes: 1 }]);
  });

  it('pages by postcode cursor: the pages join up to the whole list, none repeated', () => {
    const changes = Array.from({ length: 23 }, (_, i) => hubChange(`GL${10 + i} 1AA`, 'a', 'b'));
    const seen: string[] = [];
    let after: string | null = null;
    for (let pages = 0; pages < 10; pages++) {
      const page = changesPage(changes, after, 5);
      seen.push(...page.items.map((c) => c.postcode));
      if (page.next === null) break;
      after = page.next;
    }
    expect(seen).toEqual(changes.map((c) => c.postcode));
    // A cursor between two postcodes (e.g. one from an older list) resumes after it.
    expect(changesPage(changes, 'GL10 9ZZ', 2).items.map((c) => c.postcode)).toEqual([
      'GL11 1AA',
      'GL12 1AA',
    ]);
    expect(changesPage(changes, 'ZZ', 5)).toEqual({ items: [], next: null });
  });

  it('writes the CSV export with one row per postcode, empty cells for none, formulas defused', () => {
    const csv = changesCsv([
      {
        postcode: 'GL1 1AB',
        changed: ['hvPatch', 'cocTeam'],
        before: ids('a', 'p1', 't1'),
        after: ids('a', '=p2', null),
      },
    ]);
    expect(csv).toBe(
      'postcode,changed,hub_before,hub_after,hv_patch_before,hv_patch_after,coc_team_before,coc_team_after\r\n' +
        "GL1 1AB,hvPatch|cocTeam,a,a,p1,'=p2,t1,\r\n",
    );
  });
});

describe('boundedPrefix', () => {
  it('keeps the longest prefix whose JSON fits the budget (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ maxLength: 30 }), { maxLength: 60 }),
        fc.integer({ min: 2, max: 400 }),
        (items, budget) => {
          const prefix = boundedPrefix(items, budget, 1000);
          expect(items.slice(0, prefix.length)).toEqual(prefix);
          expect(utf8Length(JSON.stringify(prefix))).toBeLessThanOrEqual(budget);
          if (prefix.length < items.length) {
            expect(utf8Length(JSON.stringify(items.slice(0, prefix.length + 1)))).toBeGreaterThan(budget);
          }
        },
      ),
    );
  });

  it('counts UTF-8 bytes as Buffer does', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        expect(utf8Length(s)).toBe(Buffer.byteLength(s));
      }),
    );
  });
});

describe('boundarySetEvent', () => {
  const change: PointerChange = {
    id: 'c1',
    seq: 7,
    area: 'gloucestershire',
    kind: 'publish',
    from: 3,
    to: 4,
    at: '2026-11-23T10:00:00.000Z',
    by: 'ann',
    message: 'why',
  };
  const header = { counts: { hubs: 17 } } as unknown as VersionHeader;

  it('carries every change inline when few move', () => {
    const changes = [hubChange('GL1 1AA', 'a', 'b')];
    expect(boundarySetEvent('boundary-set.published', change, header, changes)).toMatchObject({
      schema: 2,
      type: 'boundary-set.published',
      id: 'c1',
      seq: 7,
      fromVersion: 3,
      toVersion: 4,
      changedPostcodeCount: 1,
      changedCounts: { hub: 1, hvPatch: 0, cocTeam: 0 },
      changedPostcodes: changes,
      changedPostcodesTruncated: false,
      changeList: { next: null, csv: '/v1/areas/gloucestershire/changes.csv?from=3&to=4' },
      assignments: {
        from: '/v1/areas/gloucestershire/versions/3/assignments.csv',
        to: '/v1/areas/gloucestershire/versions/4/assignments.csv',
      },
    });
  });

  it('stays under 256 KB when a whole county moves, saying it is truncated', () => {
    const hub = (i: number) => `hub-${'x'.repeat(180)}-${i % 400}`; // long ids: the worst case
    const changes: ChangedPostcode[] = Array.from({ length: 30_000 }, (_, i) => ({
      postcode: `GL${1 + (i % 50)} ${i % 10}${'ABDEFGHJLN'[i % 10]}${'ABDEFGHJLN'[(i >> 4) % 10]}`,
      changed: ['hub', 'hvPatch', 'cocTeam'],
      before: ids(hub(i), hub(i + 2), hub(i + 3)),
      after: ids(hub(i + 1), hub(i + 4), hub(i + 5)),
    }));
    const event = boundarySetEvent('boundary-set.published', change, header, changes);
    expect(event.changedPostcodeCount).toBe(30_000);
    expect(event.changedPostcodesTruncated).toBe(true);
    expect(event.changedPostcodes.length).toBeGreaterThan(100);
    expect(event.changedPostcodes.length).toBeLessThanOrEqual(EVENT_CHANGES_MAX_ITEMS);
    expect(Buffer.byteLength(JSON.stringify(event))).toBeLessThan(256 * 1024);
    const last = event.changedPostcodes[event.changedPostcodes.length - 1]!.postcode;
    expect(event.changeList.next).toBe(
      `/v1/areas/gloucestershire/changes?from=3&to=4&after=${encodeURIComponent(last)}`,
    );
  });
});
