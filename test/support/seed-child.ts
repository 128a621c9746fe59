// Child process for the first-start crash test (test/integration/first-start-crash.test.ts): runs
// the first start's seeding on a store folder and stops dead before write number `argv[4]` of the
// store (an item, or a blob part file), telling the parent, which then kills it with SIGKILL. With
// a stop index of -1 it runs to the end and reports every write it made (the parent picks its kill
// points from that list).
import path from 'node:path';
import { MemoryEventPublisher } from '../../functions/adapters/events/memory-event-publisher.js';
import { FolderObjects, type ObjectStore } from '../../functions/adapters/store/blob-parts.js';
import { EmbeddedBoundaryStore } from '../../functions/adapters/store/embedded-boundary-store.js';
import type { Item, ItemTable } from '../../functions/adapters/store/item-table.js';
import { seedStore } from '../../functions/adapters/store/seed-store.js';
import { BoundarySetService } from '../../functions/application/boundary-set-service.js';
import { silentLogger } from '../../functions/http/logger.js';

const [storeDir, dataDir, stopAtText] = process.argv.slice(2);
const stopAt = Number(stopAtText);
const writes: string[] = [];

/** A name for each write that says which step of the first start it belongs to. */
function label(op: string, pk: string, sk: string, body?: Readonly<Record<string, unknown>>): string {
  if (pk.startsWith('BLOB#')) return `${op} blob ${sk === 'MANIFEST' ? 'manifest' : 'chunk'}`;
  if (sk.startsWith('BLOB#')) return `${op} blob registration${body?.purpose ? ` (${body.purpose})` : ''}`;
  return `${op} ${pk.startsWith('AREA#') ? 'AREA' : pk} ${sk.replace(/#\d+$/, '').replace(/^[^#]+#/, '')}`;
}

async function step(name: string): Promise<void> {
  writes.push(name);
  if (writes.length - 1 === stopAt) {
    process.send?.({ stoppedAt: stopAt, step: name });
    // Wait here for the kill; the timer keeps the event loop alive (an idle loop with a pending
    // top-level await would end the process with code 13 before a slow parent kills it).
    setInterval(() => {}, 60_000);
    await new Promise(() => {});
  }
}

class StoppingTable implements ItemTable {
  constructor(private readonly table: ItemTable) {}
  get(pk: string, sk: string) {
    return this.table.get(pk, sk);
  }
  query(...args: Parameters<ItemTable['query']>) {
    return this.table.query(...args);
  }
  async put(item: Item, condition?: Parameters<ItemTable['put']>[1]) {
    await step(label('put', item.pk, item.sk, item.body));
    return this.table.put(item, condition);
  }
  async delete(pk: string, sk: string, condition?: Parameters<ItemTable['delete']>[2]) {
    await step(label('delete', pk, sk));
    return this.table.delete(pk, sk, condition);
  }
  async putMany(items: readonly Item[]) {
    for (const item of items) await this.put(item);
  }
  async deleteMany(keys: readonly { pk: string; sk: string }[]) {
    for (const key of keys) await this.delete(key.pk, key.sk);
  }
}

/** Blob part files (blobs/<area>/<blob>/<part>): the national routing's apart from the others. */
class StoppingObjects implements ObjectStore {
  constructor(private readonly objects: ObjectStore) {}
  get(key: string) {
    return this.objects.get(key);
  }
  async put(key: string, bytes: Uint8Array) {
    await step(`put blob part${key.endsWith('/routing') ? ' (routing)' : ''}`);
    return this.objects.put(key, bytes);
  }
  async delete(keys: readonly string[]) {
    for (const key of keys) {
      await step('delete blob part');
      await this.objects.delete([key]);
    }
  }
  async deletePrefix(prefix: string) {
    await step('delete blob part');
    await this.objects.deletePrefix(prefix);
  }
}

const store = await EmbeddedBoundaryStore.open(storeDir!, {
  wrapTable: (t) => new StoppingTable(t),
  // The folder the store uses by default (embedded-boundary-store.ts), with the stops.
  objects: new StoppingObjects(new FolderObjects(path.join(storeDir!, 'objects'))),
});
const service = new BoundarySetService({
  store,
  events: new MemoryEventPublisher(silentLogger, 0),
  sliverToleranceM2: 100,
});
await seedStore(service, store, dataDir, silentLogger);
await store.close();
process.send?.({ done: true, writes });
process.disconnect?.();
