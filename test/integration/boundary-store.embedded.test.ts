// The BoundaryStore contract on the embedded store: in a local folder (what `npm start` uses) and
// in memory (what the e2e tests use).
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  decodeName,
  EmbeddedBoundaryStore,
  MEMORY_STORE,
} from '../../functions/adapters/store/embedded-boundary-store.js';
import { MemoryItemTable } from '../../functions/adapters/store/item-table.js';
import { candidateOf, testshireDirectoryCsv, testshireSet } from '../support/boundary-sets.js';
import { FaultyTable } from '../support/faulty-table.js';
import { boundaryStoreContract, type StoreHarness } from './boundary-store.contract.js';

async function folderKeys(root: string): Promise<{ pk: string; sk: string }[]> {
  const keys: { pk: string; sk: string }[] = [];
  for (const dir of await readdir(root, { withFileTypes: true })) {
    if (!dir.isDirectory()) continue;
    for (const file of await readdir(path.join(root, dir.name))) {
      if (file.endsWith('.json')) keys.push({ pk: decodeName(dir.name), sk: decodeName(file.slice(0, -5)) });
    }
  }
  return keys;
}

boundaryStoreContract('embedded, local folder', async (): Promise<StoreHarness> => {
  const base = await mkdtemp(path.join(tmpdir(), 'catchments-store-'));
  const open: EmbeddedBoundaryStore[] = [];
  let n = 0;
  return {
    async open(options = {}) {
      const root = path.join(base, String(n++));
      let faults!: FaultyTable;
      const store = await EmbeddedBoundaryStore.open(root, {
        // Chunks in the table, as the contract inspects them; blob files (what `npm start` writes)
        // are checked below and, as S3 objects, in national-serving.dynamo.test.ts.
        objects: undefined,
        ...options,
        wrapTable: (t) => (faults = new FaultyTable(t)),
      });
      open.push(store);
      return {
        store,
        faults,
        keys: () => folderKeys(root),
        async reopen() {
          // A restart: the first process lets go of the folder, a new store opens it.
          await store.close();
          const again = await EmbeddedBoundaryStore.open(root, { objects: undefined, ...options });
          open.push(again);
          return again;
        },
      };
    },
    async close() {
      for (const s of open) await s.close();
      await rm(base, { recursive: true, force: true });
    },
  };
});

boundaryStoreContract(
  'embedded, in memory',
  async (): Promise<StoreHarness> => ({
    async open(options = {}) {
      // Two "containers" on one memory table: reopen shares the table, not the store object.
      const table = new MemoryItemTable();
      const faults = new FaultyTable(table);
      const store = await EmbeddedBoundaryStore.open(MEMORY_STORE, { ...options, wrapTable: () => faults });
      return {
        store,
        faults,
        keys: async () => table.allItems().map(({ pk, sk }) => ({ pk, sk })),
        reopen: () => EmbeddedBoundaryStore.open(MEMORY_STORE, { ...options, wrapTable: () => table }),
      };
    },
    async close() {},
  }),
);

describe('embedded store folder', () => {
  it('keeps blob parts as gzip files (what `npm start` writes), read back byte-identical after a restart', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'catchments-objects-'));
    try {
      const set = await testshireSet();
      const csv = await testshireDirectoryCsv();
      const store = await EmbeddedBoundaryStore.open(root);
      const candidate = candidateOf(set, csv);
      await store.publish('testshire', candidate, { active: null });
      const blob = await store.versionBlob('testshire', 1);
      const files = await readdir(path.join(root, 'objects', 'blobs', 'testshire', blob));
      expect(files).toEqual(
        expect.arrayContaining(['area', 'sites', 'assignments', 'digest', 'layer%3Acatchments']),
      );
      expect((await folderKeys(root)).filter((k) => k.sk.startsWith('PART#'))).toEqual([]);
      await store.close();
      const again = await EmbeddedBoundaryStore.open(root);
      const stored = await again.version('testshire', 1);
      expect(stored.assignments).toBe(candidate.assignments);
      expect(stored.set).toEqual({ ...set, version: 1 });
      expect((await again.versionParts('testshire', 1, ['digest'])).get('digest')).toEqual(
        Buffer.from(candidate.digest!),
      );
      await again.close();
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('is used by one process at a time', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'catchments-lock-'));
    try {
      const first = await EmbeddedBoundaryStore.open(root);
      // Same process re-opening is allowed (a restart in tests); a live other pid is refused.
      const { writeFile } = await import('node:fs/promises');
      await writeFile(path.join(root, '.lock'), String(process.ppid));
      await expect(EmbeddedBoundaryStore.open(root)).rejects.toThrow(/in use by process/);
      await first.close();
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
