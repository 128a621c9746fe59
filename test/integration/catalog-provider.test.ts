// Freshness: a container serves what it loaded until the refresh interval passes, then follows the
// active pointer; it keeps serving when the store cannot be read, serves only its configured areas,
// and answers 503 when nothing is published.
import { describe, expect, it } from 'vitest';
import {
  EmbeddedBoundaryStore,
  MEMORY_STORE,
} from '../../functions/adapters/store/embedded-boundary-store.js';
import { MemoryItemTable } from '../../functions/adapters/store/item-table.js';
import type { LookupResolver } from '../../functions/application/serving/lookup-resolver.js';
import { ServingProvider } from '../../functions/application/serving-provider.js';
import { ServiceUnavailableError } from '../../functions/core/errors.js';
import { candidateOf, edition, testshireDirectoryCsv, testshireSet } from '../support/boundary-sets.js';
import { FaultyTable } from '../support/faulty-table.js';

async function setup() {
  const faults = new FaultyTable(new MemoryItemTable());
  const store = await EmbeddedBoundaryStore.open(MEMORY_STORE, { wrapTable: () => faults });
  const set = await testshireSet();
  const csv = await testshireDirectoryCsv();
  await store.putDirectory('testshire', csv, { at: '2026-11-23T10:00:00Z', by: 'test' });
  let now = 0;
  const errors: string[] = [];
  const logger = {
    enabled: () => true,
    debug() {},
    info() {},
    warn() {},
    error: (message: string) => void errors.push(message),
  };
  const provider = (options: { refreshMs: number; areas?: string[] }) =>
    new ServingProvider<LookupResolver>({
      store,
      makeContext: (c) => c,
      areaCacheBytes: 64 * 2 ** 20,
      now: () => now,
      logger,
      retryMs: 100,
      ...options,
    });
  return {
    store,
    faults,
    set,
    csv,
    errors,
    provider,
    tick: (ms: number) => {
      now += ms;
    },
  };
}

const hubOf = async (catalog: LookupResolver) => (await catalog.resolvePostcode('TE1 1AA')).assignment.hubId;

describe('ServingProvider', () => {
  it('answers 503 until something is published', async () => {
    const { provider } = await setup();
    await expect(provider({ refreshMs: 0 }).context()).rejects.toBeInstanceOf(ServiceUnavailableError);
  });

  it('serves the loaded version until the interval passes, then the new one; invalidate re-checks at once', async () => {
    const { store, set, csv, provider, tick } = await setup();
    await store.publish('testshire', candidateOf(edition(set, 1), csv), { active: null });
    const p = provider({ refreshMs: 30_000 });
    const first = await p.context();
    expect(first.areaVersions[0]!.version).toBe(1);
    await store.publish('testshire', candidateOf(edition(set, 2), csv), { active: 1 });
    tick(29_999);
    expect(await p.context()).toBe(first);
    tick(1);
    const second = await p.context();
    expect(second.areaVersions[0]!.version).toBe(2);
    expect(await hubOf(second)).toBe('hub-b');
    expect(await hubOf(first)).toBe('hub-a'); // a request holding the old catalog still sees one whole version
    await store.rollback(
      'testshire',
      1,
      { active: 2 },
      { at: '2026-11-23T10:00:00Z', by: 't', message: 'm' },
    );
    p.invalidate();
    expect((await p.context()).areaVersions[0]!.version).toBe(1);
  });

  it('keeps serving what it has when the store cannot be read, and recovers', async () => {
    const { store, faults, set, csv, errors, provider, tick } = await setup();
    await store.publish('testshire', candidateOf(edition(set, 1), csv), { active: null });
    const p = provider({ refreshMs: 1_000 });
    const loaded = await p.context();
    await store.publish('testshire', candidateOf(edition(set, 2), csv), { active: 1 });
    faults.arm((op) => op.method === 'query');
    tick(1_000);
    expect(await p.context()).toBe(loaded);
    expect(errors).toEqual(['refresh failed; serving the versions already loaded']);
    faults.disarm();
    tick(100); // failed checks are retried sooner than the interval
    expect((await p.context()).areaVersions[0]!.version).toBe(2);
  });

  it('serves only the configured areas', async () => {
    const { store, set, csv, provider } = await setup();
    await store.publish('testshire', candidateOf(set, csv), { active: null });
    const other = { ...set, area: { ...set.area, id: 'otherland', name: 'Otherland' } };
    await store.publish('otherland', candidateOf(other, null), { active: null });
    expect((await provider({ refreshMs: 0 }).context()).areaVersions.map((a) => a.id)).toEqual([
      'otherland',
      'testshire',
    ]);
    expect(
      (await provider({ refreshMs: 0, areas: ['testshire'] }).context()).areaVersions.map((a) => a.id),
    ).toEqual(['testshire']);
  });
});
