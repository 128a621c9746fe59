// National serving on DynamoDB (dynalite) with blob parts in S3 (s3rver), both through the real AWS
// SDK: what a Lambda cold start and an area's first use read (a cold start reads no area), and an
// area published without its routing update (a crash between the two) served from its new version
// at once, then from the caught-up routing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ObjectStore } from '../../functions/adapters/store/blob-parts.js';
import { DynamoBoundaryStore } from '../../functions/adapters/store/dynamo-boundary-store.js';
import type { Condition, Item, ItemTable, QueryOptions } from '../../functions/adapters/store/item-table.js';
import { S3Objects } from '../../functions/adapters/store/s3-objects.js';
import { assignAreaPostcodes } from '../../functions/application/area-postcodes.js';
import type { BoundaryStore } from '../../functions/application/ports/boundary-store.js';
import type { LookupResolver } from '../../functions/application/serving/lookup-resolver.js';
import { RoutingMaintainer } from '../../functions/application/serving/routing-maintainer.js';
import { ServingProvider } from '../../functions/application/serving-provider.js';
import { versionCounts } from '../../functions/core/boundary-set/counts.js';
import { pointAnswer, postcodeAnswer } from '../../functions/core/lookup/answer.js';
import { AreaLocator, AreaLookup } from '../../functions/core/lookup/area-lookup.js';
import { encodeAssignmentTable } from '../../functions/core/lookup/assignment-table.js';
import { LookupCatalog } from '../../functions/core/lookup/catalog.js';
import type { BoundarySet } from '../../functions/core/model.js';
import { PostcodeDirectory } from '../../functions/core/postcode-directory.js';
import { encodeAreaDigest } from '../../functions/core/routing/area-digest.js';
import { encodeDirectoryColumns } from '../../functions/core/routing/directory-columns.js';
import { startDynalite } from '../support/dynamo.js';
import { nationalWorld, syntheticDirectory } from '../support/national-areas.js';
import { type LocalS3, startS3rver } from '../support/s3.js';

/** Counts the reads a store makes: table gets and queries by partition, object gets. */
class Reads {
  gets: string[] = [];
  queries: string[] = [];
  objects: string[] = [];
  reset() {
    this.gets = [];
    this.queries = [];
    this.objects = [];
  }
}

function countingTable(inner: ItemTable, reads: Reads): ItemTable {
  return {
    get: (pk: string, sk: string) => {
      reads.gets.push(`${pk} ${sk}`);
      return inner.get(pk, sk);
    },
    query: (pk: string, options?: QueryOptions) => {
      reads.queries.push(pk);
      return inner.query(pk, options);
    },
    put: (item: Item, condition?: Condition) => inner.put(item, condition),
    delete: (pk: string, sk: string, condition?: Condition) => inner.delete(pk, sk, condition),
    putMany: (items: readonly Item[]) => inner.putMany(items),
    deleteMany: (keys: readonly { pk: string; sk: string }[]) => inner.deleteMany(keys),
  };
}

function countingObjects(inner: S3Objects, reads: Reads): ObjectStore {
  return {
    downloadUrl: (key, expires, fileName, contentType) =>
      inner.downloadUrl(key, expires, fileName, contentType),
    get: (key: string) => {
      reads.objects.push(key);
      return inner.get(key);
    },
    put: (key: string, bytes: Uint8Array) => inner.put(key, bytes),
    delete: (keys: readonly string[]) => inner.delete(keys),
    deletePrefix: (prefix: string) => inner.deletePrefix(prefix),
  };
}

const { editions } = nationalWorld();
const directory = PostcodeDirectory.fromRecords(syntheticDirectory(2_000, seeded(3)));

function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 48271) % 2147483647;
    return state / 2147483647;
  };
}

/** Publishes a set with the national directory's answers, as the service does (its checks apart). */
async function publish(store: BoundaryStore, set: BoundarySet, active: number | null) {
  const rows = assignAreaPostcodes(set, { own: null, national: directory.sortedColumns() });
  await store.publish(
    set.area.id,
    {
      set: { ...set, version: null },
      assignments: encodeAssignmentTable(rows),
      digest: encodeAreaDigest(set, rows, 'national'),
      index: AreaLocator.build(set).encodeIndex(),
      meta: {
        publishedAt: '2026-12-02T00:00:00Z',
        publishedBy: 'test',
        message: `${set.area.id} v${set.version}`,
        basedOn: active,
        counts: versionCounts(set, rows),
        hubChanges: 0,
        directoryStamp: 'national',
        draft: null,
      },
    },
    { active },
  );
}

describe('national serving on DynamoDB + S3', () => {
  let dynamo: Awaited<ReturnType<typeof startDynalite>>;
  let s3: LocalS3;
  let table: string;
  let bucket: string;

  beforeAll(async () => {
    [dynamo, s3] = await Promise.all([startDynalite(), startS3rver()]);
    table = await dynamo.newTable();
    bucket = await s3.newBucket();
  }, 30_000);
  afterAll(async () => {
    await dynamo?.close();
    await s3?.close();
  });

  /** A "container": its own clients, store and counters. */
  function container() {
    const reads = new Reads();
    const store = new DynamoBoundaryStore(dynamo.client(), table, {
      objects: countingObjects(new S3Objects(s3.client(), bucket), reads),
      wrapTable: (t) => countingTable(t, reads),
    });
    return { store, reads };
  }

  it('a cold start reads the pointers and the routing only; an area is read on first use', async () => {
    const { store: admin } = container();
    await admin.putNationalDirectory(encodeDirectoryColumns(directory.sortedColumns()), {
      postcodes: directory.size,
      at: '2026-12-02T00:00:00Z',
      by: 'test',
    });
    for (const area of ['alpha', 'bravo', 'charlie']) await publish(admin, editions[area]![0]!, null);
    await new RoutingMaintainer(admin).refresh();
    expect((await admin.servingState()).routing?.builtFrom).toEqual({ alpha: 1, bravo: 1, charlie: 1 });
    // The export goes straight from the bucket (a presigned URL), byte for byte the inline CSV's.
    const url = await admin.exportUrl('alpha', 1, { expiresSeconds: 60, fileName: 'alpha-v1.csv' });
    expect(url).toMatch(/X-Amz-Signature=/);
    const download = await fetch(url!);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-disposition')).toBe('attachment; filename="alpha-v1.csv"');
    const provider0 = new ServingProvider<LookupResolver>({
      store: admin,
      refreshMs: 0,
      makeContext: (r) => r,
      areaCacheBytes: 2 ** 24,
    });
    expect(await download.text()).toBe(await provider0.assignmentsCsv('alpha', 1));

    const { store, reads } = container();
    const provider = new ServingProvider<LookupResolver>({
      store,
      refreshMs: 60_000,
      makeContext: (r) => r,
      areaCacheBytes: 64 * 2 ** 20,
    });
    const served = await provider.context();
    // Cold start: one query of the pointers partition, the routing pointer and manifest, one object.
    expect(reads.queries).toEqual(['AREAS']);
    expect(reads.gets.map((g) => g.split(' ')[1])).toEqual(['#ROUTING', 'MANIFEST']);
    expect(reads.objects).toHaveLength(1);
    expect(reads.objects[0]).toMatch(/^blobs\/_national\/[0-9a-f]+\/routing$/);
    expect(served.postcodeCount).toBe(directory.size);

    // First postcode of an area: its version header, its manifest and three small objects.
    const oracle = LookupCatalog.build(
      ['alpha', 'bravo', 'charlie'].map((a) => AreaLookup.build(editions[a]![0]!)),
      directory,
    );
    const inAlpha = [...directory.records()].find(
      (r) =>
        r.location &&
        r.location.lng < 0.9 &&
        r.location.lng > 0.1 &&
        r.location.lat > 0.1 &&
        r.location.lat < 1.9,
    )!;
    reads.reset();
    expect(postcodeAnswer(await served.resolvePostcode(inAlpha.postcode))).toEqual(
      postcodeAnswer(oracle.resolvePostcode(inAlpha.postcode)),
    );
    expect(reads.queries).toEqual([]);
    expect(reads.gets.map((g) => g.split(' ')[1])).toEqual(['VERSION#0000000001', 'MANIFEST']);
    expect(reads.objects.map((k) => k.split('/').pop())).toEqual(
      expect.arrayContaining(['area', 'sites', 'digest']),
    );
    expect(reads.objects).toHaveLength(3);
    // The same area again: nothing read.
    reads.reset();
    await served.resolvePostcode(inAlpha.postcode);
    expect([...reads.gets, ...reads.queries, ...reads.objects]).toEqual([]);
    // A point in bravo: bravo's stored polygon indexes (version header, manifest, area, sites, index).
    reads.reset();
    expect(pointAnswer(await served.resolvePoint({ lng: 3, lat: 1 }))).toEqual(
      pointAnswer(oracle.resolvePoint({ lng: 3, lat: 1 })),
    );
    expect(reads.gets).toHaveLength(2);
    expect(reads.objects.map((k) => decodeURIComponent(k.split('/').pop()!)).sort()).toEqual([
      'area',
      'index',
      'sites',
    ]);
    // Its layers as GeoJSON only when asked for (the hub catchment, the layers): the layer parts,
    // with the stored index again (no build); the version's header and manifest are not read again.
    reads.reset();
    const bravo = await served.area('bravo');
    expect(bravo.catchmentOf(bravo.hubs[0]!.id)).toBeDefined();
    expect([...reads.gets, ...reads.queries]).toEqual([]);
    expect(reads.objects.map((k) => decodeURIComponent(k.split('/').pop()!)).sort()).toEqual([
      'area',
      'index',
      'layer:catchments',
      'layer:coc-teams',
      'layer:outline',
      'sites',
    ]);
  }, 60_000);

  it('serves an area published without its routing update at once, then the caught-up routing', async () => {
    const { store: admin } = container();
    const { store } = container();
    const provider = new ServingProvider<LookupResolver>({
      store,
      refreshMs: 0,
      makeContext: (r) => r,
      areaCacheBytes: 64 * 2 ** 20,
    });
    await provider.context();
    // The publish commits; the routing update that follows it never runs (a crash in between).
    await publish(admin, editions.bravo![1]!, 1);
    expect((await admin.servingState()).routing?.builtFrom.bravo).toBe(1);

    const oracle = LookupCatalog.build(
      [editions.alpha![0]!, { ...editions.bravo![1]!, version: 2 }, editions.charlie![0]!].map((s) =>
        AreaLookup.build(s),
      ),
      directory,
    );
    const check = async (served: LookupResolver) => {
      const wrong: string[] = [];
      for (const record of [...directory.records()].slice(0, 500)) {
        const ours = await (async () => served.resolvePostcode(record.postcode))().then(
          postcodeAnswer,
          (e: { code: string }) => e.code,
        );
        const theirs = (() => {
          try {
            return postcodeAnswer(oracle.resolvePostcode(record.postcode));
          } catch (e) {
            return (e as { code: string }).code;
          }
        })();
        if (JSON.stringify(ours) !== JSON.stringify(theirs)) wrong.push(record.postcode);
      }
      expect(wrong).toEqual([]);
    };
    const during = await provider.context();
    expect(during.areaVersions.find((a) => a.id === 'bravo')?.version).toBe(2);
    await check(during);

    // `catchments routing-refresh` (or the next publish) catches up; containers switch to it.
    expect((await new RoutingMaintainer(admin).refresh()).action).toBe('updated');
    await provider.context();
    await provider.settled();
    const after = await provider.context();
    expect(after).not.toBe(during);
    await check(after);
  }, 60_000);
});
