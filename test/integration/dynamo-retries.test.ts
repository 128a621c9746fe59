// The DynamoDB adapter's bulk writes under throttling (always run; the real-data variant is
// dynamo-faults.real.test.ts): UnprocessedItems and ThrottlingException are retried with backoff
// until every item is written, and a publish that cannot get its content written fails cleanly.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoBoundaryStore } from '../../functions/adapters/store/dynamo-boundary-store.js';
import { candidateOf, testshireDirectoryCsv, testshireSet } from '../support/boundary-sets.js';
import { type LocalDynamo, startDynalite } from '../support/dynamo.js';
import { injectBatchFaults, seeded } from '../support/dynamo-faults.js';

let dynamo: LocalDynamo;
beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(async () => {
  await dynamo.close();
});

describe('bulk writes under throttling', () => {
  it('writes every chunk despite 30% of batches throttled or partly unprocessed, with jittered waits under the cap', async () => {
    const client = dynamo.client();
    const table = await dynamo.newTable(client);
    const faults = injectBatchFaults(client, 0.3, seeded(42));
    const waits: number[] = [];
    const store = new DynamoBoundaryStore(client, table, {
      chunkBytes: 24, // hundreds of chunks: a dozen batches or more
      retry: { baseDelayMs: 10, maxDelayMs: 80, random: seeded(1), sleep: async (ms) => void waits.push(ms) },
    });
    const set = await testshireSet();
    // A bigger HV patch layer (400 small squares) so the content spans hundreds of chunks.
    const patches = {
      type: 'FeatureCollection' as const,
      features: Array.from({ length: 400 }, (_, i) => {
        const [x, y] = [-2 + (i % 20) * 0.005, 51 + Math.floor(i / 20) * 0.005];
        const ring = [
          [x, y],
          [x + 0.005, y],
          [x + 0.005, y + 0.005],
          [x, y + 0.005],
          [x, y],
        ];
        return {
          type: 'Feature' as const,
          properties: { id: `p${i}`, name: `Patch ${i}` },
          geometry: { type: 'Polygon' as const, coordinates: [ring] },
        };
      }),
    };
    const candidate = candidateOf(
      { ...set, layers: { ...set.layers, 'hv-patches': patches } },
      await testshireDirectoryCsv(),
    );
    const { header } = await store.publish('testshire', candidate, { active: null });
    expect(faults.calls).toBeGreaterThan(10);
    expect(faults.unprocessed).toBeGreaterThan(0);
    expect(faults.throttled).toBeGreaterThan(0);
    expect(store.items.stats.unprocessedItems).toBe(faults.withheldItems);
    expect(store.items.stats.retriedErrors).toBe(faults.throttled);
    // Full jitter: every wait is below its attempt's cap, and no cap exceeds the maximum.
    expect(waits.length).toBe(faults.unprocessed + faults.throttled);
    for (const w of waits) expect(w).toBeLessThan(80);
    const stored = await new DynamoBoundaryStore(dynamo.client(), table).version('testshire', header.version);
    expect(stored.assignments).toBe(candidate.assignments);
    expect(JSON.stringify(stored.set.layers)).toBe(JSON.stringify(candidate.set.layers));
  });

  it('gives up after its attempts when DynamoDB never accepts the writes, and nothing changes', async () => {
    const client = dynamo.client();
    const table = await dynamo.newTable(client);
    const set = await testshireSet();
    const csv = await testshireDirectoryCsv();
    await new DynamoBoundaryStore(client, table).publish('testshire', candidateOf(set, csv), {
      active: null,
    });
    const faults = injectBatchFaults(client, 1, seeded(3));
    const store = new DynamoBoundaryStore(client, table, {
      retry: { maxAttempts: 5, baseDelayMs: 1, sleep: async () => {} },
    });
    await expect(store.publish('testshire', candidateOf(set, csv), { active: 1 })).rejects.toThrow(
      /still unwritten after 5 attempts|Rate of requests/,
    );
    expect(faults.calls).toBeGreaterThanOrEqual(5);
    expect(await store.pointer('testshire')).toMatchObject({ active: 1, latest: 1 });
  });
});
