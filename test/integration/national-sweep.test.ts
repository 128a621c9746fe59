// The national blobs' sweep on the embedded store (a folder) and on DynamoDB (dynalite) + S3
// (s3rver): routing files superseded but not deleted (a deletion that failed), a routing build that
// crashed before its manifest, and directory loads abandoned half-way are removed; the live routing
// (current and previous file), the live directory and anything younger than the retention stay.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FolderObjects, type ObjectStore } from '../../functions/adapters/store/blob-parts.js';
import { DynamoBoundaryStore } from '../../functions/adapters/store/dynamo-boundary-store.js';
import { EmbeddedBoundaryStore } from '../../functions/adapters/store/embedded-boundary-store.js';
import type { Condition, Item, ItemTable } from '../../functions/adapters/store/item-table.js';
import { S3Objects } from '../../functions/adapters/store/s3-objects.js';
import type { TableBoundaryStore } from '../../functions/adapters/store/table-boundary-store.js';
import { startDynalite } from '../support/dynamo.js';
import { type LocalS3, startS3rver } from '../support/s3.js';

const HOUR = 3_600_000;
const PIECE = 1024;

/** Object deletions fail while `failDeletes` > 0. */
class FlakyObjects implements ObjectStore {
  failDeletes = 0;
  constructor(private readonly inner: ObjectStore) {}
  get = (key: string) => this.inner.get(key);
  put = (key: string, bytes: Uint8Array) => this.inner.put(key, bytes);
  deletePrefix = (prefix: string) => this.inner.deletePrefix(prefix);
  async delete(keys: readonly string[]) {
    if (this.failDeletes > 0) {
      this.failDeletes--;
      throw new Error('injected: object deletion failed');
    }
    return this.inner.delete(keys);
  }
}

/** The next put of a manifest fails (a build that crashes after its parts, before its manifest). */
function crashingTable(inner: ItemTable, crash: { manifest: boolean }): ItemTable {
  return {
    get: (pk, sk) => inner.get(pk, sk),
    query: (pk, options) => inner.query(pk, options),
    put: async (item: Item, condition?: Condition) => {
      if (crash.manifest && item.sk === 'MANIFEST') {
        crash.manifest = false;
        throw new Error('injected: crash before the manifest');
      }
      return inner.put(item, condition);
    },
    delete: (pk, sk, condition) => inner.delete(pk, sk, condition),
    putMany: (items) => inner.putMany(items),
    deleteMany: (keys) => inner.deleteMany(keys),
  };
}

interface Rig {
  readonly store: TableBoundaryStore;
  readonly objects: FlakyObjects;
  readonly crash: { manifest: boolean };
  /** Blob ids that have objects under blobs/_national/. */
  nationalBlobs(): Promise<string[]>;
  close(): Promise<void>;
}

const routingBytes = (n: number) => new Uint8Array(2000).fill(n);
const routingMeta = (n: number) => ({
  builtFrom: { alpha: n },
  directoryStamp: 'd',
  builtAt: new Date().toISOString(),
});
const directoryBytes = (n: number) => new Uint8Array(5 * PIECE + 100).map((_, i) => (i * n) % 251);

function sweepSuite(name: string, open: () => Promise<Rig>) {
  describe(`national sweep: ${name}`, () => {
    let rig: Rig;
    beforeAll(async () => {
      rig = await open();
    }, 30_000);
    afterAll(() => rig?.close());

    it('removes a superseded routing file whose deletion failed, and a build that crashed before its manifest', async () => {
      const { store, objects, crash } = rig;
      const r1 = await store.putRouting(routingBytes(1), routingMeta(1), null);
      const r2 = await store.putRouting(routingBytes(2), routingMeta(2), r1.stamp);
      objects.failDeletes = 1; // r3's write cannot remove r1 (two generations back)
      const r3 = await store.putRouting(routingBytes(3), routingMeta(3), r2.stamp);
      expect(await rig.nationalBlobs()).toHaveLength(3);
      crash.manifest = true;
      await expect(store.putRouting(routingBytes(4), routingMeta(4), r3.stamp)).rejects.toThrow(/injected/);
      expect(await rig.nationalBlobs()).toHaveLength(4);

      // Within the retention the crashed build is kept (it could still be running); r1 is retired.
      expect(await store.sweepNational({ now: Date.now(), olderThanMs: HOUR })).toEqual({ removedBlobs: 1 });
      expect(await rig.nationalBlobs()).toHaveLength(3);
      // Past it, the crashed build goes too; the current and previous routing files stay.
      expect(await store.sweepNational({ now: Date.now() + 2 * HOUR, olderThanMs: HOUR })).toEqual({
        removedBlobs: 1,
      });
      expect(await rig.nationalBlobs()).toHaveLength(2);
      const routing = await store.routing();
      expect(routing?.pointer.stamp).toBe(r3.stamp);
      expect(routing?.bytes).toEqual(Buffer.from(routingBytes(3)));
    });

    it('removes an abandoned directory load with its progress, keeps a recent one resumable', async () => {
      const { store } = rig;
      const meta = { postcodes: 1, at: new Date().toISOString(), by: 'test' };
      const stopAfterOne = () => {
        let asked = 0;
        return () => asked++ > 0;
      };
      const partial = await store.putNationalDirectory(directoryBytes(1), meta, undefined, stopAfterOne());
      expect(partial.complete).toBe(false);
      expect(await rig.nationalBlobs()).toHaveLength(3); // two routing files, one directory load
      // Abandoned for longer than the retention: gone, progress too, so a new run writes every piece.
      expect(await store.sweepNational({ now: Date.now() + 2 * HOUR, olderThanMs: HOUR })).toEqual({
        removedBlobs: 1,
      });
      expect(await rig.nationalBlobs()).toHaveLength(2);
      const first = await store.putNationalDirectory(directoryBytes(1), meta);
      expect(first).toMatchObject({ complete: true, resumedBytes: 0 });
      expect((await store.nationalDirectory())?.bytes).toEqual(Buffer.from(directoryBytes(1)));

      // A load interrupted just now is kept and resumes; the directory it replaces is then removed.
      await store.putNationalDirectory(directoryBytes(2), meta, undefined, stopAfterOne());
      expect(await store.sweepNational({ now: Date.now(), olderThanMs: HOUR })).toEqual({ removedBlobs: 0 });
      const second = await store.putNationalDirectory(directoryBytes(2), meta);
      expect(second.complete).toBe(true);
      expect(second.resumedBytes).toBe(PIECE);
      expect((await store.nationalDirectory())?.bytes).toEqual(Buffer.from(directoryBytes(2)));
      expect(await store.sweepNational({ now: Date.now() + 2 * HOUR, olderThanMs: HOUR })).toEqual({
        removedBlobs: 0,
      });
      expect(await rig.nationalBlobs()).toHaveLength(3); // two routing files, the live directory
      expect((await store.routing())?.bytes).toEqual(Buffer.from(routingBytes(3)));
    });
  });
}

sweepSuite('embedded store (folder)', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'sweep-'));
  const objects = new FlakyObjects(new FolderObjects(path.join(dir, 'objects')));
  const crash = { manifest: false };
  const store = await EmbeddedBoundaryStore.open(dir, {
    objects,
    wrapTable: (t) => crashingTable(t, crash),
    directoryPieceBytes: PIECE,
  });
  return {
    store,
    objects,
    crash,
    async nationalBlobs() {
      const folder = path.join(dir, 'objects', 'blobs', '_national');
      const ids = await readdir(folder).catch(() => [] as string[]);
      const withFiles: string[] = [];
      for (const id of ids) if ((await readdir(path.join(folder, id))).length > 0) withFiles.push(id);
      return withFiles;
    },
    async close() {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});

describe('on DynamoDB + S3', () => {
  let dynamo: Awaited<ReturnType<typeof startDynalite>>;
  let s3: LocalS3;
  beforeAll(async () => {
    [dynamo, s3] = await Promise.all([startDynalite(), startS3rver()]);
  }, 30_000);
  afterAll(async () => {
    await dynamo?.close();
    await s3?.close();
  });

  sweepSuite('dynalite + s3rver', async () => {
    const client = s3.client();
    const bucket = await s3.newBucket();
    const objects = new FlakyObjects(new S3Objects(client, bucket));
    const crash = { manifest: false };
    const store = new DynamoBoundaryStore(dynamo.client(), await dynamo.newTable(), {
      objects,
      wrapTable: (t) => crashingTable(t, crash),
      directoryPieceBytes: PIECE,
    });
    return {
      store,
      objects,
      crash,
      async nationalBlobs() {
        const page = await client.send(
          new ListObjectsV2Command({ Bucket: bucket, Prefix: 'blobs/_national/' }),
        );
        return [...new Set((page.Contents ?? []).map((o) => o.Key!.split('/')[2]!))];
      },
      close: async () => {},
    };
  });
});
