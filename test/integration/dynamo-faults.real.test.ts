// Publishing the real Gloucestershire layers (5 layers, 2,592 polygons, 22,019 precomputed
// postcode answers) to DynamoDB (dynalite, real SDK) while 30% of BatchWriteItem calls fail: half
// return part of the batch as UnprocessedItems, half throw ThrottlingException. Injected in the
// client's middleware, before the SDK's own retries, so the adapter's retry loop is what copes.
// Nothing may be lost, and another container must read back exactly what was written.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoBoundaryStore } from '../../functions/adapters/store/dynamo-boundary-store.js';
import { assignAll } from '../../functions/application/boundary-set-service.js';
import { versionCounts } from '../../functions/core/boundary-set/counts.js';
import { AreaLookup } from '../../functions/core/lookup/area-lookup.js';
import {
  assignmentMap,
  decodeAssignmentTable,
  encodeAssignmentTable,
} from '../../functions/core/lookup/assignment-table.js';
import { LookupCatalog } from '../../functions/core/lookup/catalog.js';
import { type BoundarySet, LAYER_NAMES } from '../../functions/core/model.js';
import type { PostcodeDirectory } from '../../functions/core/postcode-directory.js';
import { type LocalDynamo, startDynalite } from '../support/dynamo.js';
import { injectBatchFaults, seeded } from '../support/dynamo-faults.js';
import { realDirectory, realGloucestershireSet } from '../support/real-gloucestershire.js';

let dynamo: LocalDynamo;
let set: BoundarySet;
let directory: PostcodeDirectory;
beforeAll(async () => {
  dynamo = await startDynalite();
  set = await realGloucestershireSet();
  directory = await realDirectory();
});
afterAll(async () => {
  await dynamo.close();
});

describe('publishing the real Gloucestershire layers with 30% of BatchWriteItem calls failing', () => {
  it('loses no item and reads back byte-identical through another client', async () => {
    const client = dynamo.client();
    const table = await dynamo.newTable(client);
    const faults = injectBatchFaults(client, 0.3, seeded(20261123));
    // Chunks far smaller than the default (350 KB), so the ~1.5 MB of gzipped content spans
    // dozens of batches and the 30% fault rate is met many times.
    const store = new DynamoBoundaryStore(client, table, {
      chunkBytes: 2_000,
      retry: { baseDelayMs: 2, maxDelayMs: 50, random: seeded(7) },
    });
    const rows = assignAll(set, directory);
    expect(rows).toHaveLength(22_019);
    const assignments = encodeAssignmentTable(rows);
    const csv = [...directory.records()].map((r) => r.postcode).join('\n');

    const { header } = await store.publish(
      'gloucestershire',
      {
        set,
        assignments,
        meta: {
          publishedAt: '2026-11-23T10:00:00.000Z',
          publishedBy: 'test',
          message: 'real layers under faults',
          basedOn: null,
          counts: versionCounts(set, rows),
          hubChanges: 0,
          directoryStamp: null,
          draft: null,
        },
      },
      { active: null },
    );
    await store.putDirectory('gloucestershire', csv, { at: '2026-11-23T10:00:00.000Z', by: 'test' });

    // The faults really happened, at about the rate asked for, and were all absorbed.
    expect(faults.calls).toBeGreaterThan(20);
    expect(faults.unprocessed).toBeGreaterThan(0);
    expect(faults.throttled).toBeGreaterThan(0);
    expect((faults.unprocessed + faults.throttled) / faults.calls).toBeGreaterThan(0.15);
    expect(store.items.stats.unprocessedItems).toBe(faults.withheldItems);
    expect(store.items.stats.retriedErrors).toBe(faults.throttled);

    // Another container, with a clean client, reads the version: every part checked against its
    // SHA-256 by the store, and compared here byte for byte with what was sent.
    const reader = new DynamoBoundaryStore(dynamo.client(), table);
    const stored = await reader.version('gloucestershire', header.version);
    for (const name of LAYER_NAMES) {
      expect(JSON.stringify(stored.set.layers[name]), name).toBe(JSON.stringify(set.layers[name]));
    }
    expect(JSON.stringify(stored.set.sites)).toBe(JSON.stringify(set.sites));
    expect(stored.assignments).toBe(assignments);
    expect(stored.header.counts).toMatchObject({
      catchments: 75,
      hvPatches: 373,
      cocTeams: 142,
      spokeCatchments: 2001,
      postcodes: 22_019,
    });
    expect((await reader.directory('gloucestershire'))?.csv).toBe(csv);

    // And the stored answers are the index's answers, postcode for postcode.
    const catalog = LookupCatalog.fromPrecomputed(
      [
        {
          lookup: AreaLookup.build(stored.set),
          assignments: assignmentMap(decodeAssignmentTable(stored.assignments)),
        },
      ],
      directory,
    );
    expect(catalog.stats).toEqual({ fromTable: 22_019, computed: 0, withoutLocation: 0 });
    const live = LookupCatalog.build([AreaLookup.build(set)], directory);
    for (const r of live.assignments()) {
      expect(catalog.resolvePostcode(r.record.postcode).assignment).toEqual(r.assignment);
    }
  });
});
