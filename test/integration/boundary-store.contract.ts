// The BoundaryStore contract: every adapter runs this suite (boundary-store.dynamo.test.ts on
// dynalite through the real AWS SDK, boundary-store.embedded.test.ts on a folder and in memory).
// It covers the port (drafts, chunked content, publish, rollback, history, directory), crash safety
// at each step of a publish, the concurrency guarantee, and, on top of the store, the service's
// publish/events and the readers' freshness and consistency.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryEventPublisher } from '../../functions/adapters/events/memory-event-publisher.js';
import type { TableBoundaryStore } from '../../functions/adapters/store/table-boundary-store.js';
import { BoundarySetService } from '../../functions/application/boundary-set-service.js';
import type { LookupResolver } from '../../functions/application/serving/lookup-resolver.js';
import { ServingProvider } from '../../functions/application/serving-provider.js';
import { InvalidGeometryError, NotFoundError, VersionConflictError } from '../../functions/core/errors.js';
import { postcodeAnswer } from '../../functions/core/lookup/answer.js';
import type { BoundarySet, Layer } from '../../functions/core/model.js';
import {
  candidateOf,
  edition,
  expectedHub,
  testshireDirectoryCsv,
  testshireSet,
} from '../support/boundary-sets.js';
import { type FaultyTable, SimulatedCrash } from '../support/faulty-table.js';

export interface OpenedTestStore {
  readonly store: TableBoundaryStore;
  readonly faults: FaultyTable;
  /** A second store instance on the same data: a restart, or another Lambda container. */
  reopen(): Promise<TableBoundaryStore>;
  /** Every key in the backing table. */
  keys(): Promise<{ pk: string; sk: string }[]>;
}

export interface StoreHarness {
  /** A fresh, empty store of its own. */
  open(options?: { chunkBytes?: number }): Promise<OpenedTestStore>;
  close(): Promise<void>;
}

const AREA = 'testshire';
const AT = '2026-11-23T10:00:00.000Z';

const blobIds = (keys: { pk: string }[]) =>
  new Set(keys.filter((k) => k.pk.startsWith(`BLOB#${AREA}#`)).map((k) => k.pk.split('#')[2]!));
const registry = (keys: { pk: string; sk: string }[]) =>
  keys.filter((k) => k.pk === `AREA#${AREA}` && k.sk.startsWith('BLOB#')).map((k) => k.sk);

/** A layer of `n` small squares: big enough to need many chunks at a small chunk size. */
function gridLayer(n: number): Layer {
  return {
    type: 'FeatureCollection',
    features: Array.from({ length: n }, (_, i) => {
      const x = -2 + (i % 20) * 0.005;
      const y = 51 + Math.floor(i / 20) * 0.005;
      return {
        type: 'Feature' as const,
        properties: { id: `unit-${String(i).padStart(4, '0')}`, name: `Unit ${i} ✓ “quoted”` },
        geometry: {
          type: 'Polygon' as const,
          coordinates: [
            [
              [x, y],
              [x + 0.005, y],
              [x + 0.005, y + 0.005],
              [x, y + 0.005],
              [x, y],
            ],
          ],
        },
      };
    }),
  };
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function boundaryStoreContract(name: string, makeHarness: () => Promise<StoreHarness>): void {
  describe(`BoundaryStore contract: ${name}`, () => {
    let harness: StoreHarness;
    let set: BoundarySet;
    let csv: string;
    beforeAll(async () => {
      harness = await makeHarness();
      set = await testshireSet();
      csv = await testshireDirectoryCsv();
    });
    afterAll(async () => {
      await harness.close();
    });

    const init = (s: BoundarySet, by = 'ann') => ({
      areaInfo: s.area,
      baseVersion: null,
      layers: s.layers,
      sites: s.sites,
      at: AT,
      by,
    });

    /** A store holding version 1 of edition 1, active. */
    async function withVersion1(options: { chunkBytes?: number } = {}) {
      const opened = await harness.open(options);
      await opened.store.publish(AREA, candidateOf(edition(set, 1), csv), { active: null });
      return opened;
    }

    describe('drafts', () => {
      it('creates, edits (with revisions and If-Match) and deletes a draft', async () => {
        const { store } = await harness.open();
        expect(await store.pointers()).toEqual([]);
        const meta = await store.createDraft(AREA, init(set), { replace: false });
        expect(meta).toMatchObject({
          area: AREA,
          revision: 1,
          baseVersion: null,
          publishedAs: null,
          createdBy: 'ann',
          layers: { outline: { features: 1 }, catchments: { features: 2 }, 'hv-patches': { features: 2 } },
          sites: { hubs: 2, spokes: 3 },
        });
        expect(await store.pointers()).toEqual([
          { area: AREA, active: null, latest: 0, seq: 0, directoryStamp: null, summary: null },
        ]);
        await expect(store.createDraft(AREA, init(set), { replace: false })).rejects.toBeInstanceOf(
          VersionConflictError,
        );

        const e2 = edition(set, 2);
        const edited = await store.putDraftLayer(AREA, 'catchments', e2.layers.catchments, {
          at: AT,
          by: 'bob',
        });
        expect(edited).toMatchObject({ revision: 2, updatedBy: 'bob' });
        expect(await store.draftLayer(AREA, 'catchments')).toEqual(e2.layers.catchments);

        await expect(
          store.putDraftSites(AREA, e2.sites, null, { at: AT, by: 'cat', expectedRevision: 1 }),
        ).rejects.toBeInstanceOf(VersionConflictError);
        const sites = await store.putDraftSites(AREA, e2.sites, null, {
          at: AT,
          by: 'cat',
          expectedRevision: 2,
        });
        expect(sites.revision).toBe(3);

        const removed = await store.putDraftLayer(AREA, 'coc-teams', null, { at: AT, by: 'cat' });
        expect(Object.keys(removed.layers).sort()).toEqual(['catchments', 'hv-patches', 'outline']);
        const content = await store.draft(AREA);
        expect(content?.sites).toEqual(e2.sites);
        expect(content?.layers.catchments).toEqual(e2.layers.catchments);
        expect(content?.layers['coc-teams']).toBeUndefined();

        expect(await store.deleteDraft(AREA)).toBe(true);
        expect(await store.draftMeta(AREA)).toBeNull();
        expect(await store.deleteDraft(AREA)).toBe(false);
        await expect(
          store.putDraftLayer(AREA, 'outline', set.layers.outline, { at: AT, by: 'x' }),
        ).rejects.toBeInstanceOf(NotFoundError);
      });

      it('keeps exactly the parts the draft refers to (replaced parts are deleted)', async () => {
        const { store, keys } = await harness.open();
        await store.createDraft(AREA, init(set), { replace: false });
        const before = blobIds(await keys());
        // outline, catchments, hv-patches, coc-teams and the sites: five parts.
        expect(before.size).toBe(5);
        for (let k = 2; k <= 4; k++) {
          await store.putDraftLayer(AREA, 'catchments', edition(set, k).layers.catchments, {
            at: AT,
            by: 'x',
          });
        }
        expect(blobIds(await keys()).size).toBe(5);
        await store.deleteDraft(AREA);
        expect(blobIds(await keys()).size).toBe(0);
      });
    });

    describe('a draft claimed by a publish', () => {
      const LATER = '2026-11-23T10:01:00.000Z';
      const claimOf = (meta: { draftId: string; revision: number }, until = '2026-11-23T10:05:00.000Z') => ({
        draftId: meta.draftId,
        revision: meta.revision,
        by: 'pat',
        since: AT,
        until,
      });

      it('refuses edits while claimed, and takes them again once released', async () => {
        const { store } = await harness.open();
        const meta = await store.createDraft(AREA, init(set), { replace: false });
        const claimed = await store.claimDraftForPublish(AREA, claimOf(meta));
        expect(claimed).toMatchObject({ revision: 1, publishing: { revision: 1, by: 'pat' } });
        const e2 = edition(set, 2);
        for (const expectedRevision of [undefined, 1]) {
          const error = await store
            .putDraftLayer(AREA, 'catchments', e2.layers.catchments, {
              at: LATER,
              by: 'bob',
              ...(expectedRevision ? { expectedRevision } : {}),
            })
            .catch((e: unknown) => e);
          expect(error).toBeInstanceOf(VersionConflictError);
          expect((error as Error).message).toMatch(/Revision 1 .* is being published \(by pat/);
        }
        // A second publish cannot claim it either.
        await expect(store.claimDraftForPublish(AREA, claimOf(meta))).rejects.toBeInstanceOf(
          VersionConflictError,
        );
        expect(await store.draftLayer(AREA, 'catchments')).toEqual(set.layers.catchments);
        await store.releaseDraft(AREA, meta);
        const edited = await store.putDraftLayer(AREA, 'catchments', e2.layers.catchments, {
          at: LATER,
          by: 'bob',
          expectedRevision: 1,
        });
        expect(edited).toMatchObject({ revision: 2, publishing: null });
      });

      it('refuses to claim a revision the draft has moved past, naming the current one', async () => {
        const { store } = await harness.open();
        const meta = await store.createDraft(AREA, init(set), { replace: false });
        await store.putDraftSites(AREA, edition(set, 2).sites, null, { at: AT, by: 'bob' });
        const error = await store.claimDraftForPublish(AREA, claimOf(meta)).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(VersionConflictError);
        expect((error as VersionConflictError).message).toMatch(/is at revision 2 \(changed by bob/);
        expect((error as VersionConflictError).extensions).toMatchObject({ draftRevision: 2 });
      });

      it('lets an edit in once the claim has expired (its publisher died)', async () => {
        const { store } = await harness.open();
        const meta = await store.createDraft(AREA, init(set), { replace: false });
        await store.claimDraftForPublish(AREA, claimOf(meta, '2026-11-23T10:00:30.000Z'));
        const edited = await store.putDraftSites(AREA, edition(set, 2).sites, null, {
          at: LATER,
          by: 'bob',
          expectedRevision: 1,
        });
        expect(edited).toMatchObject({ revision: 2, publishing: null });
      });

      it('spends the draft only if it is still the published revision', async () => {
        const { store } = await harness.open();
        const meta = await store.createDraft(AREA, init(set), { replace: false });
        // Revision 1 published while the draft moved on to revision 2: revision 2 stays a usable draft.
        await store.putDraftSites(AREA, edition(set, 2).sites, null, { at: AT, by: 'bob' });
        await store.publish(AREA, candidateOf(set, csv, { draft: { id: meta.draftId, revision: 1 } }), {
          active: null,
        });
        expect(await store.draftMeta(AREA)).toMatchObject({ revision: 2, publishedAs: null });
        await store.publish(
          AREA,
          candidateOf(edition(set, 2), csv, { draft: { id: meta.draftId, revision: 2 } }),
          { active: 1 },
        );
        expect(await store.draftMeta(AREA)).toMatchObject({ revision: 2, publishedAs: 2, publishing: null });
      });

      it('answers a lost If-Match race with the revision the draft has now', async () => {
        const { store } = await harness.open();
        await store.createDraft(AREA, init(set), { replace: false });
        const results = await Promise.allSettled(
          Array.from({ length: 8 }, (_, i) =>
            store.putDraftSites(AREA, edition(set, 2 + (i % 3)).sites, null, {
              at: AT,
              by: `planner-${i}`,
              expectedRevision: 1,
            }),
          ),
        );
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        for (const r of results) {
          if (r.status === 'fulfilled') continue;
          expect(r.reason).toBeInstanceOf(VersionConflictError);
          expect((r.reason as VersionConflictError).extensions).toMatchObject({ draftRevision: 2 });
          expect((r.reason as Error).message).toMatch(/is at revision 2 .*, not 1\./);
        }
      });
    });

    describe('content larger than one chunk', () => {
      it('stores layers in chunks and reads them back byte-identical, in drafts and in versions', async () => {
        const { store, keys } = await harness.open({ chunkBytes: 512 });
        const big = gridLayer(400);
        const text = JSON.stringify(big);
        const meta = await store.createDraft(
          AREA,
          { ...init(set), layers: { ...set.layers, 'hv-patches': big } },
          {
            replace: false,
          },
        );
        expect(meta.layers['hv-patches']).toMatchObject({
          features: 400,
          bytes: Buffer.byteLength(text),
          sha256: sha256(text),
        });
        expect(JSON.stringify(await store.draftLayer(AREA, 'hv-patches'))).toBe(text);

        const withBig: BoundarySet = { ...set, layers: { ...set.layers, 'hv-patches': big } };
        const candidate = candidateOf(withBig, csv);
        const { header } = await store.publish(AREA, candidate, { active: null });
        const blob = await store.versionBlob(AREA, header.version);
        const chunkKeys = (await keys()).filter(
          (k) => k.pk === `BLOB#${AREA}#${blob}` && k.sk.startsWith('PART#layer:hv-patches#'),
        );
        expect(chunkKeys.length).toBeGreaterThan(10);
        const stored = await store.version(AREA, header.version);
        expect(JSON.stringify(stored.set.layers['hv-patches'])).toBe(text);
        expect(stored.assignments).toBe(candidate.assignments);
        expect(stored.set).toEqual({ ...withBig, version: 1 });
        expect(stored.header).toEqual(header);
      });
    });

    describe('publish, rollback and history', () => {
      it('publishes versions over the active one, newest first, with who, when, why and counts', async () => {
        const { store } = await harness.open();
        const first = await store.publish(AREA, candidateOf(edition(set, 1), csv, { message: 'first' }), {
          active: null,
        });
        expect(first.header).toMatchObject({
          area: AREA,
          version: 1,
          basedOn: null,
          message: 'first',
          publishedBy: 'test',
        });
        expect(first.header.counts).toEqual({
          hubs: 2,
          spokes: 3,
          catchments: 2,
          hvPatches: 2,
          cocTeams: 1,
          spokeCatchments: 0,
          postcodes: 5,
          postcodesInGaps: 1,
        });
        expect(first.change).toMatchObject({ seq: 1, kind: 'publish', from: null, to: 1 });
        const second = await store.publish(
          AREA,
          candidateOf(edition(set, 2), csv, { message: 'second', basedOn: 1, publishedBy: 'bob' }),
          { active: 1 },
        );
        expect(second.header).toMatchObject({ version: 2, basedOn: 1, publishedBy: 'bob' });
        expect((await store.versions(AREA)).map((v) => [v.version, v.message])).toEqual([
          [2, 'second'],
          [1, 'first'],
        ]);
        expect(await store.pointer(AREA)).toMatchObject({ active: 2, latest: 2, seq: 2 });
        const v1 = await store.version(AREA, 1);
        expect(v1.set.version).toBe(1);
        expect(v1.set.sites[0]!.name).toMatch(/\(E1\)$/);
        await expect(store.version(AREA, 3)).rejects.toBeInstanceOf(NotFoundError);
      });

      it('refuses a publish over a version that is no longer active', async () => {
        const { store } = await withVersion1();
        await expect(
          store.publish(AREA, candidateOf(edition(set, 2), csv), { active: null }),
        ).rejects.toBeInstanceOf(VersionConflictError);
        await expect(
          store.publish(AREA, candidateOf(edition(set, 2), csv), { active: 7 }),
        ).rejects.toMatchObject({
          code: 'version-conflict',
          extensions: { active: 1, expected: 7 },
        });
        expect((await store.versions(AREA)).length).toBe(1);
      });

      it('publishes a draft revision at most once', async () => {
        const { store } = await harness.open();
        const draft = { id: 'draft-1', revision: 4 };
        await store.publish(AREA, candidateOf(set, csv, { draft }), { active: null });
        await expect(
          store.publish(AREA, candidateOf(set, csv, { draft }), { active: 1 }),
        ).rejects.toBeInstanceOf(VersionConflictError);
      });

      it('rolls back conditionally and records every pointer change', async () => {
        const { store } = await withVersion1();
        await store.publish(AREA, candidateOf(edition(set, 2), csv), { active: 1 });
        const meta = { at: AT, by: 'dee', message: 'v2 was wrong' };
        await expect(store.rollback(AREA, 1, { active: 1 }, meta)).rejects.toBeInstanceOf(
          VersionConflictError,
        );
        await expect(store.rollback(AREA, 9, { active: 2 }, meta)).rejects.toBeInstanceOf(NotFoundError);
        await expect(store.rollback(AREA, 2, { active: 2 }, meta)).rejects.toMatchObject({
          code: 'invalid-request',
        });
        const change = await store.rollback(AREA, 1, { active: 2 }, meta);
        expect(change).toMatchObject({
          seq: 3,
          kind: 'rollback',
          from: 2,
          to: 1,
          by: 'dee',
          message: 'v2 was wrong',
        });
        expect(await store.pointer(AREA)).toMatchObject({ active: 1, latest: 2 });
        const forward = await store.rollback(
          AREA,
          2,
          { active: 1 },
          { ...meta, message: 'v2 was right after all' },
        );
        expect(forward.to).toBe(2);
        expect((await store.changes(AREA)).map((c) => `${c.seq}:${c.kind}:${c.from}->${c.to}`)).toEqual([
          '4:rollback:1->2',
          '3:rollback:2->1',
          '2:publish:1->2',
          '1:publish:null->1',
        ]);
        // A new publish goes over whatever is active, numbered after the latest.
        const { header } = await store.publish(AREA, candidateOf(edition(set, 3), csv), { active: 2 });
        expect(header.version).toBe(3);
      });

      it('50 concurrent publishes of the same draft: exactly one wins, 49 conflict, nothing is left behind', async () => {
        const { store, keys } = await withVersion1();
        const before = await keys();
        const candidate = candidateOf(edition(set, 2), csv, {
          draft: { id: 'shared-draft', revision: 1 },
          basedOn: 1,
        });
        const results = await Promise.allSettled(
          Array.from({ length: 50 }, () => store.publish(AREA, candidate, { active: 1 })),
        );
        const won = results.filter((r) => r.status === 'fulfilled');
        const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
        expect(won).toHaveLength(1);
        expect(lost).toHaveLength(49);
        for (const r of lost) expect(r.reason).toBeInstanceOf(VersionConflictError);
        expect((await store.versions(AREA)).map((v) => v.version)).toEqual([2, 1]);
        expect((await store.changes(AREA)).length).toBe(2);
        const after = await keys();
        // One new blob (the winner's version); the losers' staged blobs and every registration are gone.
        const newBlobs = [...blobIds(after)].filter((b) => !blobIds(before).has(b));
        expect(newBlobs).toHaveLength(1);
        expect(registry(after)).toEqual(registry(before));
      });
    });

    describe('a publish interrupted at any step', () => {
      async function expectVersion1Serving(store: TableBoundaryStore) {
        expect(await store.pointer(AREA)).toMatchObject({ active: 1, latest: 1 });
        expect((await store.versions(AREA)).map((v) => v.version)).toEqual([1]);
        expect((await store.version(AREA, 1)).set.sites[0]!.name).toMatch(/\(E1\)$/);
        await expect(store.version(AREA, 2)).rejects.toBeInstanceOf(NotFoundError);
      }

      it.each([
        // The content's chunks (table home) or its manifest (object home, where the parts are objects).
        [
          'while writing the version content',
          (op: { method: string; sk?: string }) =>
            op.method === 'putMany' || (op.method === 'put' && op.sk === 'MANIFEST'),
        ],
        [
          'at the commit (the conditional write of HEAD)',
          (op: { method: string; sk?: string; condition?: object }) =>
            op.method === 'put' &&
            Boolean(op.sk?.endsWith('#HEAD')) &&
            op.condition !== undefined &&
            'rev' in op.condition,
        ],
      ])(
        '%s leaves the previous version active and no orphan readers can reach; sweep removes it',
        async (_step, rule) => {
          const { store, faults, keys, reopen } = await withVersion1();
          const before = await keys();
          faults.arm(rule as (op: unknown) => boolean);
          await expect(
            store.publish(AREA, candidateOf(edition(set, 2), csv), { active: 1 }),
          ).rejects.toBeInstanceOf(SimulatedCrash);
          faults.disarm();
          expect(faults.crashes).toBeGreaterThan(0);
          // Another container (a fresh store instance) sees exactly what it saw before.
          await expectVersion1Serving(await reopen());
          await expectVersion1Serving(store);
          // The staged content is registered, unreachable, and swept once older than any request.
          expect(registry(await keys()).length).toBe(registry(before).length + 1);
          expect((await store.sweep(AREA, { now: Date.now(), olderThanMs: 3_600_000 })).removedBlobs).toBe(0);
          const swept = await store.sweep(AREA, { now: Date.now() + 2 * 3_600_000, olderThanMs: 3_600_000 });
          expect(swept.removedBlobs).toBe(1);
          expect(blobIds(await keys())).toEqual(blobIds(before));
          // And the area is not stuck: the next publish is version 2.
          const { header } = await store.publish(AREA, candidateOf(edition(set, 2), csv), { active: 1 });
          expect(header.version).toBe(2);
        },
      );

      it('after the commit, before the history items: the version is live and the history repairs itself', async () => {
        const { store, faults, reopen } = await withVersion1();
        faults.arm(
          (op) =>
            op.method === 'put' &&
            'sk' in op &&
            (op.sk.startsWith('VERSION#') || op.sk.startsWith('CHANGE#') || op.sk === 'DRAFT'),
        );
        const { header } = await store.publish(AREA, candidateOf(edition(set, 2), csv, { basedOn: 1 }), {
          active: 1,
        });
        faults.disarm();
        expect(faults.crashes).toBeGreaterThan(0);
        const other = await reopen();
        expect(await other.pointer(AREA)).toMatchObject({ active: 2, latest: 2 });
        expect((await other.versions(AREA)).map((v) => v.version)).toEqual([2, 1]);
        expect((await other.versions(AREA))[0]).toEqual(header);
        expect((await other.changes(AREA)).map((c) => c.seq)).toEqual([2, 1]);
        expect((await other.version(AREA, 2)).set.sites[0]!.name).toMatch(/\(E2\)$/);
        await other.publish(AREA, candidateOf(edition(set, 3), csv), { active: 2 });
        expect((await other.versions(AREA)).map((v) => v.version)).toEqual([3, 2, 1]);
      });
    });

    describe('postcode directory', () => {
      it('stores the directory with a content stamp the pointers show', async () => {
        const { store } = await harness.open();
        expect(await store.directory(AREA)).toBeNull();
        const { stamp } = await store.putDirectory(AREA, csv, { at: AT, by: 'seed' });
        expect(stamp).toMatch(/^[0-9a-f]{16}$/);
        expect(await store.directory(AREA)).toEqual({ stamp, csv });
        expect((await store.pointers())[0]).toMatchObject({ area: AREA, directoryStamp: stamp });
        const again = await store.putDirectory(AREA, csv, { at: AT, by: 'seed' });
        expect(again.stamp).toBe(stamp);
        const changed = csv.replace('TE1 1AE,51.050000,-1.850000', 'TE1 1AE,51.050000,-1.860000');
        const other = await store.putDirectory(AREA, changed, { at: AT, by: 'seed' });
        expect(other.stamp).not.toBe(stamp);
        expect((await store.directory(AREA))?.csv).toBe(changed);
      });
    });

    it('keeps drafts, versions and history across a restart', async () => {
      const { store, reopen } = await withVersion1();
      await store.createDraft(AREA, init(edition(set, 5)), { replace: false });
      await store.putDirectory(AREA, csv, { at: AT, by: 'seed' });
      const restarted = await reopen();
      expect(await restarted.pointers()).toEqual(await store.pointers());
      expect(await restarted.versions(AREA)).toEqual(await store.versions(AREA));
      expect(await restarted.draft(AREA)).toEqual(await store.draft(AREA));
      expect(await restarted.version(AREA, 1)).toEqual(await store.version(AREA, 1));
    });

    describe('the service and the readers on this store', () => {
      async function serviceOn(store: TableBoundaryStore) {
        const events = new MemoryEventPublisher();
        const service = new BoundarySetService({ store, events, sliverToleranceM2: 100 });
        await service.putDirectory(AREA, csv, 'seed');
        await service.importSet(edition(set, 1), 'seed', 'edition 1');
        return { service, events };
      }

      it('validates before publishing: a hub without a catchment is refused with located problems', async () => {
        const { store } = await harness.open();
        const { service } = await serviceOn(store);
        await service.createDraft(AREA, { from: 'active' }, 'ann');
        const oneCatchment = {
          ...set.layers.catchments,
          features: set.layers.catchments.features.filter((f) => f.properties.id === 'hub-a'),
        };
        await service.putDraftLayer(AREA, 'catchments', oneCatchment, { idProperty: 'id' }, 'ann');
        const error = await service
          .publish(AREA, { expectedActive: 1, message: 'drop hub-b', by: 'ann' })
          .catch((e) => e);
        expect(error).toBeInstanceOf(InvalidGeometryError);
        expect((error as InvalidGeometryError).problems).toContainEqual(
          expect.objectContaining({
            kind: 'hub-without-catchment',
            feature: 'hub-b',
            location: [-1.925, 51.025],
          }),
        );
        expect((await store.versions(AREA)).length).toBe(1);
      });

      it('50 concurrent publishes of one draft through the service: one version, 49 conflicts, one event with the moved postcodes', async () => {
        const { store } = await harness.open();
        const { service, events } = await serviceOn(store);
        await service.createDraft(AREA, { from: 'active' }, 'ann');
        await service.putDraftLayer(
          AREA,
          'catchments',
          edition(set, 2).layers.catchments,
          { idProperty: 'id' },
          'ann',
        );
        const results = await Promise.allSettled(
          Array.from({ length: 50 }, (_, i) =>
            service.publish(AREA, { expectedActive: 1, message: 'swap the hubs', by: `planner-${i}` }),
          ),
        );
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
        expect(lost).toHaveLength(49);
        for (const r of lost) expect(r.reason).toBeInstanceOf(VersionConflictError);
        const history = await service.history(AREA);
        expect(history.versions.map((v) => v.version)).toEqual([2, 1]);
        expect(history.versions[0]).toMatchObject({
          hubChanges: 2,
          basedOn: 1,
          message: 'swap the hubs',
          active: true,
        });
        expect(events.events.map((e) => e.type)).toEqual([
          'boundary-set.published',
          'boundary-set.published',
        ]);
        expect(events.events[1]).toMatchObject({
          area: AREA,
          fromVersion: 1,
          toVersion: 2,
          seq: 2,
          changedPostcodeCount: 2,
          changedPostcodesTruncated: false,
          changedPostcodes: [
            { postcode: 'TE1 1AA', changed: ['hub'], before: { hub: 'hub-a' }, after: { hub: 'hub-b' } },
            { postcode: 'TE2 2AA', changed: ['hub'], before: { hub: 'hub-b' }, after: { hub: 'hub-a' } },
          ],
          hubMoves: [
            { fromHub: 'hub-a', toHub: 'hub-b', postcodes: 1 },
            { fromHub: 'hub-b', toHub: 'hub-a', postcodes: 1 },
          ],
          assignments: {
            from: '/v1/areas/testshire/versions/1/assignments.csv',
            to: '/v1/areas/testshire/versions/2/assignments.csv',
          },
        });
        const rolled = await service.rollback(AREA, { to: 1, expectedActive: 2, message: 'undo', by: 'dee' });
        expect(rolled.event).toMatchObject({
          type: 'boundary-set.rolled-back',
          fromVersion: 2,
          toVersion: 1,
          changedPostcodes: [
            { postcode: 'TE1 1AA', changed: ['hub'], before: { hub: 'hub-b' }, after: { hub: 'hub-a' } },
            { postcode: 'TE2 2AA', changed: ['hub'], before: { hub: 'hub-a' }, after: { hub: 'hub-b' } },
          ],
        });
      });

      /** The store, with every publish held at a gate before it commits: a publish "in flight". */
      function heldAtCommit(store: TableBoundaryStore) {
        let open!: () => void;
        let arrived!: () => void;
        const gate = new Promise<void>((resolve) => {
          open = resolve;
        });
        const atGate = new Promise<void>((resolve) => {
          arrived = resolve;
        });
        const held = new Proxy(store, {
          get(target, key) {
            const value = Reflect.get(target, key, target) as unknown;
            if (key === 'publish') {
              return async (...args: Parameters<TableBoundaryStore['publish']>) => {
                arrived();
                await gate;
                return target.publish(...args);
              };
            }
            return typeof value === 'function' ? value.bind(target) : value;
          },
        });
        return { held, atGate, open };
      }

      it('an edit made while a publish is in flight is refused, never accepted and dropped', async () => {
        const { store } = await harness.open();
        await serviceOn(store);
        const { held, atGate, open } = heldAtCommit(store);
        const service = new BoundarySetService({
          store: held,
          events: new MemoryEventPublisher(),
          sliverToleranceM2: 100,
        });
        const draft = await service.createDraft(AREA, { from: 'active' }, 'ann');
        const e2 = edition(set, 2);
        await service.putDraftLayer(AREA, 'catchments', e2.layers.catchments, { idProperty: 'id' }, 'ann');
        const publishing = service.publish(AREA, { expectedActive: 1, message: 'swap', by: 'ann' });
        await atGate;
        // Bob edits with the right If-Match (revision 2) while Ann's publish of revision 2 is in flight.
        const edit = await service
          .putDraftSites(AREA, e2.sites.slice(0, -1), 2, 'bob')
          .then(() => 'saved')
          .catch((e: unknown) => e);
        open();
        const { header } = await publishing;
        expect(edit).toBeInstanceOf(VersionConflictError);
        expect((edit as Error).message).toMatch(/being published \(by ann/);
        // What Ann published is revision 2, and the draft is spent at revision 2: nothing was dropped.
        expect(header).toMatchObject({ version: 2, draft: { id: draft.draftId, revision: 2 } });
        expect(await store.draftMeta(AREA)).toMatchObject({ revision: 2, publishedAs: 2 });
        expect((await store.version(AREA, 2)).set.sites).toEqual((await store.version(AREA, 1)).set.sites);
      });

      it('a publish that fails lets the draft be edited again at once', async () => {
        const { store } = await harness.open();
        const { service } = await serviceOn(store);
        await service.createDraft(AREA, { from: 'active' }, 'ann');
        const oneCatchment = {
          ...set.layers.catchments,
          features: set.layers.catchments.features.filter((f) => f.properties.id === 'hub-a'),
        };
        await service.putDraftLayer(AREA, 'catchments', oneCatchment, { idProperty: 'id' }, 'ann');
        await expect(
          service.publish(AREA, { expectedActive: 1, message: 'broken', by: 'ann' }),
        ).rejects.toBeInstanceOf(InvalidGeometryError);
        expect((await store.draftMeta(AREA))?.publishing ?? null).toBeNull();
        const fixed = await service.putDraftLayer(
          AREA,
          'catchments',
          set.layers.catchments,
          { idProperty: 'id', expectedRevision: 2 },
          'ann',
        );
        expect(fixed.revision).toBe(3);
      });

      it('a publish whose claim expired keeps a later edit in a usable draft', async () => {
        const { store } = await harness.open();
        await serviceOn(store);
        const { held, atGate, open } = heldAtCommit(store);
        const service = new BoundarySetService({
          store: held,
          events: new MemoryEventPublisher(),
          sliverToleranceM2: 100,
          publishLeaseMs: 0, // a publisher so slow its claim has lapsed
        });
        await service.createDraft(AREA, { from: 'active' }, 'ann');
        const publishing = service.publish(AREA, { expectedActive: 1, message: 'as is', by: 'ann' });
        await atGate;
        const sites = edition(set, 2).sites;
        const edited = await service.putDraftSites(AREA, sites, 1, 'bob');
        open();
        const { header } = await publishing;
        expect(header.draft?.revision).toBe(1);
        // Bob's edit is not in version 2, so the draft stays usable with it.
        expect(await store.draftMeta(AREA)).toMatchObject({ revision: edited.revision, publishedAs: null });
        expect((await store.draft(AREA))?.sites).toEqual(sites);
      });

      it('a reader polling during 20 publish/rollback cycles sees every change and never an answer mixing two versions', async () => {
        const { store, reopen } = await harness.open();
        const { service } = await serviceOn(store);
        // The reader is another "container": its own store instance, re-checking on every request.
        const reader = new ServingProvider<LookupResolver>({
          store: await reopen(),
          refreshMs: 0,
          makeContext: (c) => c,
          areaCacheBytes: 64 * 2 ** 20,
        });
        let stop = false;
        let answers = 0;
        const mixed: string[] = [];
        const versionsSeen = new Set<number>();
        const polling = (async () => {
          while (!stop) {
            const catalog = await reader.context();
            for (const postcode of ['TE1 1AA', 'TE2 2AA'] as const) {
              const resolution = await catalog.resolvePostcode(postcode);
              const a = postcodeAnswer(resolution);
              const v = a.version!;
              versionsSeen.add(v);
              answers++;
              // Version n is edition n: hub, names and ETag must all say the same version.
              const tag = `(E${v})`;
              const names = [a.hub?.name, a.hvPatch?.name, a.cocTeam?.name, ...a.spokes.map((s) => s.name)];
              if (
                a.hub?.id !== expectedHub(v, postcode) ||
                !names.every((n) => n?.endsWith(tag)) ||
                !catalog.etagFor(resolution.lookup).startsWith(`"${AREA}.v${v}.`)
              ) {
                mixed.push(`${postcode} v${v}: ${a.hub?.id} ${names.join(' | ')}`);
              }
            }
            await new Promise((resolve) => setImmediate(resolve));
          }
        })();
        let active = 1;
        for (let cycle = 1; cycle <= 20; cycle++) {
          const next = (await service.history(AREA)).latest + 1;
          await service.createDraft(AREA, { from: 'active', replace: true }, 'ann');
          const e = edition(set, next);
          await service.putDraftLayer(AREA, 'catchments', e.layers.catchments, { idProperty: 'id' }, 'ann');
          await service.putDraftLayer(
            AREA,
            'hv-patches',
            e.layers['hv-patches'],
            { idProperty: 'id' },
            'ann',
          );
          await service.putDraftLayer(AREA, 'coc-teams', e.layers['coc-teams'], { idProperty: 'id' }, 'ann');
          await service.putDraftSites(AREA, e.sites, undefined, 'ann');
          const { header } = await service.publish(AREA, {
            expectedActive: active,
            message: `edition ${next}`,
            by: 'ann',
          });
          expect(header.version).toBe(next);
          await new Promise((resolve) => setTimeout(resolve, 5));
          await service.rollback(AREA, { to: active, expectedActive: next, message: 'back', by: 'ann' });
          await new Promise((resolve) => setTimeout(resolve, 5));
          // Alternate: every other cycle stays on the new version.
          if (cycle % 2 === 0) {
            await service.rollback(AREA, { to: next, expectedActive: active, message: 'forward', by: 'ann' });
            active = next;
          }
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
        stop = true;
        await polling;
        expect(mixed).toEqual([]);
        expect(answers).toBeGreaterThan(100);
        // The reader saw many versions come and go, not just the first and the last.
        expect(versionsSeen.size).toBeGreaterThan(5);
      });
    });
  });
}
