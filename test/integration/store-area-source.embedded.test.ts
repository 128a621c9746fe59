// Serving's area source over a store: a version's locator (what point answers load) is read from
// the version's stored index; a version published before stored indexes existed (no `index` part)
// is served from its layers, indexes built on load. Both answer as the set's own AreaLookup.
import { describe, expect, it } from 'vitest';
import {
  EmbeddedBoundaryStore,
  MEMORY_STORE,
} from '../../functions/adapters/store/embedded-boundary-store.js';
import { StoreAreaSource } from '../../functions/application/serving/store-area-source.js';
import { AreaLookup } from '../../functions/core/lookup/area-lookup.js';
import { candidateOf, testshireDirectoryCsv, testshireSet } from '../support/boundary-sets.js';

describe('StoreAreaSource locators', () => {
  it('reads the stored index, and builds from the layers for a version without one', async () => {
    const set = await testshireSet();
    const store = await EmbeddedBoundaryStore.open(MEMORY_STORE);
    const csv = await testshireDirectoryCsv();
    await store.publish('testshire', candidateOf(set, csv), { active: null });
    const { index: _, ...withoutIndex } = candidateOf(set, csv);
    await store.publish('testshire', withoutIndex, { active: 1 });
    expect((await store.versionParts('testshire', 1, ['index'])).has('index')).toBe(true);
    expect((await store.versionParts('testshire', 2, ['index'])).has('index')).toBe(false);

    const source = new StoreAreaSource(store, 64 * 2 ** 20);
    const stored = await source.locator('testshire', 1);
    expect(source.stats().loads).toBe(1); // the locator alone: no geometry tier
    const rebuilt = await source.locator('testshire', 2);
    expect(source.stats().loads).toBe(3); // the locator, standing in for the geometry tier it loaded
    expect(rebuilt).toBe(await source.geometry('testshire', 2));
    expect(stored.version).toBe(1);
    expect(rebuilt.version).toBe(2);

    const oracle = AreaLookup.build(set);
    for (let i = 0; i <= 40; i++) {
      for (let j = 0; j <= 40; j++) {
        const lng = -2.02 + i * 0.0035;
        const lat = 50.98 + j * 0.0035;
        const want = oracle.assign(lng, lat);
        expect(stored.assign(lng, lat)).toEqual(want);
        expect(rebuilt.assign(lng, lat)).toEqual(want);
      }
    }
    await store.close();
  });
});
