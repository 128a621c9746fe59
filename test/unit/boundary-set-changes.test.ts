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
  changedPostcodes,
  hubMoves,
  utf8Length,
} from '../../functions/core/boundary-set/changes.js';
import type { AssignmentRow } from '../../functions/core/lookup/assignment-table.js';

const row = (postcode: string, hubId: string | null): AssignmentRow => ({
  postcode,
  lat: 51,
  lng: -2,
  assignment: hubId
    ? { match: 'inside', hubId, hvPatchId: null, cocTeamId: null }
    : { match: 'gap', hubId: null, hvPatchId: null, cocTeamId: null },
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
      { postcode: 'GL1 1AB', fromHub: 'a', toHub: 'b' },
      { postcode: 'GL1 1AD', fromHub: 'b', toHub: 'a' },
      { postcode: 'GL2 2AA', fromHub: 'b', toHub: null },
      { postcode: 'GL3 3AA', fromHub: null, toHub: 'c' },
      { postcode: 'GL4 4AA', fromHub: null, toHub: 'c' },
    ]);
    expect(hubMoves(changes)).toEqual([
      { fromHub: null, toHub: 'c', postcodes: 2 },
      { fromHub: 'a', toHub: 'b', postcodes: 1 },
      { fromHub: 'b', toHub: null, postcodes: 1 },
      { fromHub: 'b', toHub: 'a', postcodes: 1 },
    ]);
    expect(changedPostcodes(null, after)).toEqual([]);
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
    const changes = [{ postcode: 'GL1 1AA', fromHub: 'a', toHub: 'b' }];
    expect(boundarySetEvent('boundary-set.published', change, header, changes)).toMatchObject({
      schema: 1,
      type: 'boundary-set.published',
      id: 'c1',
      seq: 7,
      fromVersion: 3,
      toVersion: 4,
      changedPostcodeCount: 1,
      changedPostcodes: changes,
      changedPostcodesTruncated: false,
      assignments: {
        from: '/v1/areas/gloucestershire/versions/3/assignments.csv',
        to: '/v1/areas/gloucestershire/versions/4/assignments.csv',
      },
    });
  });

  it('stays under 256 KB when a whole county moves, saying it is truncated', () => {
    const hub = (i: number) => `hub-${'x'.repeat(180)}-${i % 400}`; // long ids: the worst case
    const changes = Array.from({ length: 30_000 }, (_, i) => ({
      postcode: `GL${1 + (i % 50)} ${i % 10}${'ABDEFGHJLN'[i % 10]}${'ABDEFGHJLN'[(i >> 4) % 10]}`,
      fromHub: hub(i),
      toHub: hub(i + 1),
    }));
    const event = boundarySetEvent('boundary-set.published', change, header, changes);
    expect(event.changedPostcodeCount).toBe(30_000);
    expect(event.changedPostcodesTruncated).toBe(true);
    expect(event.changedPostcodes.length).toBeGreaterThan(100);
    expect(event.changedPostcodes.length).toBeLessThanOrEqual(EVENT_CHANGES_MAX_ITEMS);
    expect(Buffer.byteLength(JSON.stringify(event))).toBeLessThan(256 * 1024);
  });
});
