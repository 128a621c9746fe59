// The embedded boundary store for `npm start` and tests: the same protocol as DynamoDB
// (table-boundary-store.ts) over items kept in a local folder (default `.local-store/`, so a
// restart keeps drafts and versions) or in memory (`:memory:`). No AWS account, no Docker.
//
// Folder layout: <root>/<partition>/<sort key>.json, names percent-encoded; blob parts are gzip
// files under <root>/objects/blobs/<area>/<blob id>/ (blobs written before that are chunk items
// with base64 bytes, still read). In memory, blob parts are table chunks unless `objects` is given.
// Every write goes to a temporary file that is flushed to disk (fsync) and renamed into place
// (atomic on POSIX), then the folder is flushed too, so a write that has returned survives a power
// cut (durable-files.ts); conditional writes of one item are serialised in-process, so exactly one
// of any number of concurrent publishes wins here too. One process owns a folder at a time (a pid
// lock file), so temporary files found on opening were left by a killed write and are removed.
import { mkdir, open, readdir, readFile, rm, rmdir } from 'node:fs/promises';
import path from 'node:path';
import { FolderObjects } from './blob-parts.js';
import { ignoreMissing, sweepTemporaryFiles, syncFolder, writeFileFlushed } from './durable-files.js';
import {
  type Condition,
  ConditionFailedError,
  conditionHolds,
  type Item,
  type ItemTable,
  MemoryItemTable,
  type QueryOptions,
  selectItems,
} from './item-table.js';
import { TableBoundaryStore, type TableBoundaryStoreOptions } from './table-boundary-store.js';

export const MEMORY_STORE = ':memory:';

/** Items only the local store has (the boundary-store protocol never reads this partition). */
const LOCAL_PK = 'LOCAL';
const SEEDED_SK = 'SEEDED';

interface StoredFile {
  readonly pk: string;
  readonly sk: string;
  readonly rev?: number;
  readonly body?: Record<string, unknown>;
  readonly data?: string;
}

/** Items as files. Safe for one process; conditional writes are serialised per item. */
export class FileItemTable implements ItemTable {
  private readonly locks = new Map<string, Promise<unknown>>();

  constructor(readonly root: string) {}

  async get(pk: string, sk: string): Promise<Item | null> {
    return this.readItem(this.file(pk, sk));
  }

  async put(item: Item, condition?: Condition): Promise<void> {
    const file = this.file(item.pk, item.sk);
    await this.locked(file, async () => {
      if (condition && !conditionHolds(await this.readItem(file), condition)) {
        throw new ConditionFailedError(`${item.pk} ${item.sk}`);
      }
      await this.writeItem(file, item);
      await syncFolder(path.dirname(file));
    });
  }

  async delete(pk: string, sk: string, condition?: Condition): Promise<void> {
    const file = this.file(pk, sk);
    await this.locked(file, async () => {
      if (condition && !conditionHolds(await this.readItem(file), condition)) {
        throw new ConditionFailedError(`${pk} ${sk}`);
      }
      await rm(file, { force: true });
      await syncFolder(path.dirname(file)).catch(ignoreMissing);
    });
    // Drop the partition's folder once empty (ENOTEMPTY and ENOENT are fine).
    await rmdir(path.dirname(file)).catch(() => {});
  }

  async query(pk: string, options: QueryOptions = {}): Promise<Item[]> {
    const dir = path.join(this.root, encodeName(pk));
    let names: string[];
    try {
      names = await readdir(dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const keys = names
      .filter((n) => n.endsWith('.json'))
      .map((n): Item => ({ pk, sk: decodeName(n.slice(0, -'.json'.length)) }));
    const selected = selectItems(keys, options);
    if (options.keysOnly) return selected;
    const items = await Promise.all(selected.map((k) => this.readItem(this.file(k.pk, k.sk))));
    // A file deleted between listing and reading is simply gone, as in a real table.
    return items.filter((i): i is Item => i !== null);
  }

  async putMany(items: readonly Item[]): Promise<void> {
    // Each file is flushed as it is written; each folder once at the end, before returning.
    const folders = new Set<string>();
    for (let i = 0; i < items.length; i += 16) {
      await Promise.all(
        items.slice(i, i + 16).map(async (item) => {
          const file = this.file(item.pk, item.sk);
          await this.locked(file, () => this.writeItem(file, item));
          folders.add(path.dirname(file));
        }),
      );
    }
    for (const folder of folders) await syncFolder(folder);
  }

  async deleteMany(keys: readonly { pk: string; sk: string }[]): Promise<void> {
    for (let i = 0; i < keys.length; i += 16) {
      await Promise.all(keys.slice(i, i + 16).map((k) => this.delete(k.pk, k.sk)));
    }
  }

  /** Removes temporary files of killed writes (durable-files.ts): items are one folder deep. */
  sweepTemporaryFiles(): Promise<number> {
    return sweepTemporaryFiles(this.root, 1);
  }

  private file(pk: string, sk: string): string {
    return path.join(this.root, encodeName(pk), `${encodeName(sk)}.json`);
  }

  private async readItem(file: string): Promise<Item | null> {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    const stored = JSON.parse(text) as StoredFile;
    return {
      pk: stored.pk,
      sk: stored.sk,
      ...(stored.rev !== undefined ? { rev: stored.rev } : {}),
      ...(stored.body !== undefined ? { body: stored.body } : {}),
      ...(stored.data !== undefined ? { data: new Uint8Array(Buffer.from(stored.data, 'base64')) } : {}),
    };
  }

  /** Writes the item's file durably: temporary file, flushed, renamed into place (folder not yet flushed). */
  private async writeItem(file: string, item: Item): Promise<void> {
    const stored: StoredFile = {
      pk: item.pk,
      sk: item.sk,
      ...(item.rev !== undefined ? { rev: item.rev } : {}),
      ...(item.body !== undefined ? { body: item.body as Record<string, unknown> } : {}),
      ...(item.data !== undefined ? { data: Buffer.from(item.data).toString('base64') } : {}),
    };
    const text = JSON.stringify(stored);
    for (let attempt = 0; ; attempt++) {
      const folder = path.dirname(file);
      // A new partition folder is itself an entry of the root: flush the root so it survives too.
      if ((await mkdir(folder, { recursive: true })) !== undefined) await syncFolder(this.root);
      try {
        await writeFileFlushed(file, text);
        return;
      } catch (error) {
        // A delete that emptied the partition may have removed its folder in between: again.
        if ((error as NodeJS.ErrnoException).code === 'ENOENT' && attempt < 3) continue;
        throw error;
      }
    }
  }

  /** Runs `step` after every earlier step on the same file: check-then-write is atomic per item. */
  private async locked<T>(file: string, step: () => Promise<T>): Promise<T> {
    const before = this.locks.get(file) ?? Promise.resolve();
    const run = before.then(step, step);
    const tail = run.catch(() => {});
    this.locks.set(file, tail);
    try {
      return await run;
    } finally {
      if (this.locks.get(file) === tail) this.locks.delete(file);
    }
  }
}

/** Keeps [A-Za-z0-9._-] and percent-encodes the rest: prefixes of keys stay prefixes of names. */
export function encodeName(key: string): string {
  return key.replace(/[^A-Za-z0-9._-]/g, (c) =>
    [...Buffer.from(c, 'utf8')].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join(''),
  );
}

export function decodeName(name: string): string {
  return decodeURIComponent(name);
}

export interface EmbeddedStoreOptions extends TableBoundaryStoreOptions {
  /** Wrap the item table (fault injection in tests). */
  readonly wrapTable?: (table: ItemTable) => ItemTable;
}

export class EmbeddedBoundaryStore extends TableBoundaryStore {
  private constructor(
    readonly items: ItemTable,
    readonly location: string,
    private readonly release: () => Promise<void>,
    options: TableBoundaryStoreOptions,
  ) {
    super(items, options);
  }

  /** Opens (creating if needed) a store folder, or an in-memory store for `:memory:`. */
  static async open(location: string, options: EmbeddedStoreOptions = {}): Promise<EmbeddedBoundaryStore> {
    if (location === MEMORY_STORE) {
      const table = new MemoryItemTable();
      return new EmbeddedBoundaryStore(
        options.wrapTable?.(table) ?? table,
        location,
        async () => {},
        options,
      );
    }
    const root = path.resolve(location);
    await mkdir(root, { recursive: true });
    const release = await lockFolder(root);
    const table = new FileItemTable(root);
    await table.sweepTemporaryFiles();
    // Blob parts as plain gzip files (blobs/<area>/<id>/<part>): a national routing file reads in
    // one file read, where chunks as base64 JSON items would take hundreds.
    // (`objects: undefined` given explicitly keeps them as table chunks: the contract tests.)
    const objects = 'objects' in options ? options.objects : new FolderObjects(path.join(root, 'objects'));
    if (objects instanceof FolderObjects) await objects.sweepTemporaryFiles();
    return new EmbeddedBoundaryStore(options.wrapTable?.(table) ?? table, root, release, {
      ...options,
      objects,
    });
  }

  /** When the first start finished seeding this store (seed-store.ts), or null. */
  async seededAt(): Promise<string | null> {
    const item = await this.items.get(LOCAL_PK, SEEDED_SK);
    return typeof item?.body?.at === 'string' ? item.body.at : null;
  }

  async markSeeded(at: string, areas: readonly string[]): Promise<void> {
    await this.items.put({ pk: LOCAL_PK, sk: SEEDED_SK, body: { at, areas: [...areas] } });
  }

  /** Releases the folder for another process. */
  async close(): Promise<void> {
    await this.release();
  }
}

/** The store folder is locked by another live process (a second `npm start` on the same folder). */
export class StoreInUseError extends Error {
  override readonly name = 'StoreInUseError';
}

/** One process per folder: a second `npm start` on the same store would interleave writes. */
async function lockFolder(root: string): Promise<() => Promise<void>> {
  const lock = path.join(root, '.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(lock, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      return async () => {
        await rm(lock, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const pid = Number((await readFile(lock, 'utf8').catch(() => '')).trim());
      if (pid && pid !== process.pid && isAlive(pid)) {
        throw new StoreInUseError(
          `The local store ${root} is in use by process ${pid}. Stop that process, or set CATCHMENTS_STORE_DIR to another folder.`,
        );
      }
      await rm(lock, { force: true }); // left by a process that is gone (or by this one)
    }
  }
  throw new Error(`Cannot lock the local store ${root}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
