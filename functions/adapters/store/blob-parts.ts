// Where the bytes of immutable blobs live. A blob (a version, a draft part, a directory, the
// national routing) is a set of named parts, each gzipped; its manifest (an item in the table)
// records each part's length, SHA-256 and where it is, so content reads back byte-identical or not
// at all. Two homes:
//
// - `TableBlobParts`: chunks of < 350 KB in the blob's own table partition (pk BLOB#<area>#<id>).
//   No other service needed: the embedded store before folders had blob files, and DynamoDB without
//   a bucket (the integration tests on dynalite, older deployments).
// - `ObjectBlobParts`: one object per part, `blobs/<area>/<id>/<part>`, in an object store: S3 on
//   AWS (many containers read a 15 MB routing file in parallel at S3's bandwidth, where one table
//   partition would serve 1 MB pages one after another), a local folder for `npm start`, or memory.
//
// Keys never change meaning: a blob id is random and never reused, and a part is written once.

import { mkdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { sweepTemporaryFiles, syncFolder, writeFileFlushed } from './durable-files.js';
import type { Item, ItemTable } from './item-table.js';

/** Where a part's bytes are (recorded in the manifest). */
export type PartHome = 'table' | 'objects';

export interface BlobParts {
  readonly home: PartHome;
  /** Writes each part's gzipped bytes; returns how many pieces each took (table chunks; 1 for objects). */
  write(area: string, blob: string, parts: readonly (readonly [string, Uint8Array])[]): Promise<number[]>;
  /** The part's gzipped bytes, or null when (some of) it is missing. */
  read(area: string, blob: string, name: string, pieces: number): Promise<Uint8Array | null>;
  /** Removes every part of the blob that exists. */
  remove(area: string, blob: string, names: readonly string[]): Promise<void>;
}

export const blobPk = (area: string, blob: string) => `BLOB#${area}#${blob}`;
const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** DynamoDB's item limit is 400 KB including names and keys: chunks stay well below it. */
export const DEFAULT_CHUNK_BYTES = 350_000;

export class TableBlobParts implements BlobParts {
  readonly home = 'table' as const;

  constructor(
    private readonly table: ItemTable,
    private readonly chunkBytes = DEFAULT_CHUNK_BYTES,
  ) {}

  async write(
    area: string,
    blob: string,
    parts: readonly (readonly [string, Uint8Array])[],
  ): Promise<number[]> {
    const chunks: Item[] = [];
    const counts = parts.map(([name, packed]) => {
      const count = Math.max(1, Math.ceil(packed.length / this.chunkBytes));
      for (let i = 0; i < count; i++) {
        chunks.push({
          pk: blobPk(area, blob),
          sk: `PART#${name}#${pad(i, 5)}`,
          data: packed.subarray(i * this.chunkBytes, (i + 1) * this.chunkBytes),
        });
      }
      return count;
    });
    await this.table.putMany(chunks);
    return counts;
  }

  async read(area: string, blob: string, name: string, pieces: number): Promise<Uint8Array | null> {
    const items = await this.table.query(blobPk(area, blob), { prefix: `PART#${name}#` });
    const chunks = items.filter((i) => i.data).map((i) => i.data!); // sk (= chunk number) order
    return chunks.length === pieces ? Buffer.concat(chunks) : null;
  }

  async remove(area: string, blob: string): Promise<void> {
    const keys = await this.table.query(blobPk(area, blob), { keysOnly: true, prefix: 'PART#' });
    await this.table.deleteMany(keys.map(({ pk, sk }) => ({ pk, sk })));
  }
}

/** A flat store of immutable objects by key (S3, a folder, memory). */
export interface ObjectStore {
  put(key: string, bytes: Uint8Array): Promise<void>;
  /** The object's bytes, or null when there is none. */
  get(key: string): Promise<Uint8Array | null>;
  delete(keys: readonly string[]): Promise<void>;
  /** Removes every object whose key starts with `prefix` (a blob whose manifest was never written). */
  deletePrefix(prefix: string): Promise<void>;
  /** A presigned GET URL, when the store can issue one (S3). */
  downloadUrl?(key: string, expiresSeconds: number, fileName: string, contentType: string): Promise<string>;
}

export const objectKey = (area: string, blob: string, name: string) =>
  `blobs/${area}/${blob}/${encodeURIComponent(name)}`;

export class ObjectBlobParts implements BlobParts {
  readonly home = 'objects' as const;

  constructor(
    readonly objects: ObjectStore,
    /** Parts written at once (S3 takes many parallel PUTs; a folder is limited by the disk). */
    private readonly concurrency = 8,
  ) {}

  async write(
    area: string,
    blob: string,
    parts: readonly (readonly [string, Uint8Array])[],
  ): Promise<number[]> {
    let next = 0;
    const worker = async () => {
      while (next < parts.length) {
        const [name, bytes] = parts[next++]!;
        await this.objects.put(objectKey(area, blob, name), bytes);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, parts.length) }, worker));
    return parts.map(() => 1);
  }

  read(area: string, blob: string, name: string): Promise<Uint8Array | null> {
    return this.objects.get(objectKey(area, blob, name));
  }

  /** The named parts, or (none named: the blob's manifest is lost) every object under the blob's prefix. */
  remove(area: string, blob: string, names: readonly string[]): Promise<void> {
    if (names.length === 0) return this.objects.deletePrefix(`blobs/${area}/${blob}/`);
    return this.objects.delete(names.map((n) => objectKey(area, blob, n)));
  }
}

export class MemoryObjects implements ObjectStore {
  private readonly objects = new Map<string, Uint8Array>();

  async put(key: string, bytes: Uint8Array): Promise<void> {
    this.objects.set(key, new Uint8Array(bytes));
  }

  async get(key: string): Promise<Uint8Array | null> {
    return this.objects.get(key) ?? null;
  }

  async delete(keys: readonly string[]): Promise<void> {
    for (const key of keys) this.objects.delete(key);
  }

  async deletePrefix(prefix: string): Promise<void> {
    for (const key of [...this.objects.keys()]) if (key.startsWith(prefix)) this.objects.delete(key);
  }

  keys(): string[] {
    return [...this.objects.keys()];
  }
}

/** Objects as files under a folder (keys are already path-safe: ids, slugs and encoded part names). */
export class FolderObjects implements ObjectStore {
  constructor(readonly root: string) {}

  /** Durable like the store's item files (durable-files.ts): flushed, renamed, new folders flushed. */
  async put(key: string, bytes: Uint8Array): Promise<void> {
    const file = this.file(key);
    const folder = path.dirname(file);
    const created = await mkdir(folder, { recursive: true });
    await writeFileFlushed(file, bytes);
    // The file's name, and each folder just created (an entry of its parent), reach the disk too.
    await syncFolder(folder);
    if (created !== undefined) {
      for (let dir = folder; dir !== path.dirname(created); dir = path.dirname(dir)) {
        await syncFolder(path.dirname(dir));
      }
    }
  }

  /** Removes temporary files of killed writes (parts are blobs/<area>/<id>/<part>). */
  sweepTemporaryFiles(): Promise<number> {
    return sweepTemporaryFiles(this.root, 3);
  }

  async get(key: string): Promise<Uint8Array | null> {
    try {
      return await readFile(this.file(key));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  async delete(keys: readonly string[]): Promise<void> {
    for (const key of keys) await rm(this.file(key), { force: true });
  }

  /** Prefixes are a blob's folder (`blobs/<area>/<id>/`). */
  async deletePrefix(prefix: string): Promise<void> {
    await rm(this.file(prefix), { recursive: true, force: true });
  }

  private file(key: string): string {
    const file = path.resolve(this.root, key);
    if (!file.startsWith(path.resolve(this.root) + path.sep))
      throw new Error(`object key outside the store: ${key}`);
    return file;
  }
}
