// The stored point index (core/lookup/area-index.ts): a locator read from it answers exactly as the
// one built from the layers (the oracle), keeps ids, names and the tie rule, and refuses bytes that
// are not an index.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../../functions/core/errors.js';
import { decodeAreaIndex } from '../../functions/core/lookup/area-index.js';
import { AreaLocator, AreaLookup } from '../../functions/core/lookup/area-lookup.js';
import { encodeAreaDigest } from '../../functions/core/routing/area-digest.js';
import { testshireSet } from '../support/boundary-sets.js';

const set = await testshireSet();
const built = AreaLookup.build(set);
const stored = AreaLocator.fromIndex(set.area, 3, set.sites, built.encodeIndex());

describe('the stored point index', () => {
  it('answers every point as the index built from the layers', () => {
    // Testshire's outline is lng -2.0..-1.9, lat 51.0..51.1: points inside, on its edges and beyond.
    fc.assert(
      fc.property(
        fc.double({ min: -2.05, max: -1.85, noNaN: true }),
        fc.double({ min: 50.95, max: 51.15, noNaN: true }),
        (lng, lat) => {
          expect(stored.assign(lng, lat)).toEqual(built.assign(lng, lat));
          expect(stored.covers(lng, lat)).toBe(built.covers(lng, lat));
          expect(stored.inAnyCatchment(lng, lat)).toBe(built.inAnyCatchment(lng, lat));
        },
      ),
      { numRuns: 5_000 },
    );
  });

  it('keeps the tie rule and the names on a shared edge', () => {
    // The edge hub-a and hub-b share (area-lookup.test.ts): lowest hub id, both listed.
    expect(stored.assign(-1.95, 51.02)).toMatchObject({
      match: 'boundary',
      hubId: 'hub-a',
      boundaryHubIds: ['hub-a', 'hub-b'],
    });
    expect(stored.unitName('patch-a1')).toBe('Ayton patch');
    expect(stored.version).toBe(3);
    expect(stored.indexBytes()).toBe(built.indexBytes());
  });

  it('leaves out the layers a version lacks', () => {
    const { 'coc-teams': _, ...layers } = set.layers;
    const without = AreaLocator.build({ ...set, layers });
    const decoded = decodeAreaIndex(without.encodeIndex());
    expect(Object.keys(decoded).sort()).toEqual(Object.keys(layers).sort());
    expect(
      AreaLocator.fromIndex(set.area, 1, set.sites, without.encodeIndex()).assign(-1.99, 51.05).cocTeamId,
    ).toBeNull();
  });

  it('refuses bytes that are not an area index', () => {
    expect(() => decodeAreaIndex(new TextEncoder().encode('{"type":"FeatureCollection"}'))).toThrow(
      InvalidRequestError,
    );
    // Another binary of the same container (a digest) is named as what it is.
    const digest = encodeAreaDigest(set, [], null);
    expect(() => decodeAreaIndex(digest)).toThrow(/Not a area-index\/1 file: it is a area-digest\/1 file/);
    const truncated = built.encodeIndex().subarray(0, 200);
    expect(() => decodeAreaIndex(truncated)).toThrow(InvalidRequestError);
  });
});
