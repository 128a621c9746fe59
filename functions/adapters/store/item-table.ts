// The storage primitive under both boundary stores: a table of items keyed by (pk, sk), with
// strongly consistent reads, per-partition range queries, conditional single-item writes and bulk
// unconditional writes. It is exactly the subset of DynamoDB the publish protocol needs (see
// docs/storage.md), so the protocol is written once (table-boundary-store.ts) and runs unchanged on
// DynamoDB (dynamo-boundary-store.ts), on local files (embedded-boundary-store.ts) and in memory.
//
// Deliberately absent: multi-item transactions. A publish commits with ONE conditional write,
// which is atomic on every backend (and DynamoDB-compatible test servers such as dynalite do not
// implement TransactWriteItems at all).

/** A stored item. `body` is plain JSON-like data; `data` is opaque bytes (blob chunks). */
export interface Item {
  readonly pk: string;
  readonly sk: string;
  /** Write counter of mutable items: conditions compare it (optimistic concurrency). */
  readonly rev?: number;
  readonly body?: Readonly<Record<string, unknown>>;
  readonly data?: Uint8Array;
}

/** Write only if no item has this key, or only if the stored item's `rev` is this value. */
export type Condition = { readonly absent: true } | { readonly rev: number };

/** A conditional write found the item not as expected. Nothing was written. */
export class ConditionFailedError extends Error {
  override readonly name = 'ConditionFailedError';
}

export interface QueryOptions {
  /** Only items whose sk starts with this. */
  readonly prefix?: string;
  /** Newest (highest sk) first. */
  readonly descending?: boolean;
  /** At most this many items. */
  readonly limit?: number;
  /** Only pk and sk are needed (e.g. to delete): backends may skip reading bodies and data. */
  readonly keysOnly?: boolean;
}

export interface ItemTable {
  /** Strongly consistent read of one item. */
  get(pk: string, sk: string): Promise<Item | null>;
  /** Replaces the item; with a condition, atomically checks it first (ConditionFailedError if not met). */
  put(item: Item, condition?: Condition): Promise<void>;
  delete(pk: string, sk: string, condition?: Condition): Promise<void>;
  /** Strongly consistent read of a partition's items in sk order (every page). */
  query(pk: string, options?: QueryOptions): Promise<Item[]>;
  /** Unconditional bulk writes: all land or the call throws (retries are the backend's job). */
  putMany(items: readonly Item[]): Promise<void>;
  deleteMany(keys: readonly { readonly pk: string; readonly sk: string }[]): Promise<void>;
}

/** Checks a condition against the stored item (for backends that evaluate conditions themselves). */
export function conditionHolds(stored: Item | null | undefined, condition: Condition | undefined): boolean {
  if (!condition) return true;
  if ('absent' in condition) return !stored;
  return stored?.rev === condition.rev;
}

/** In-process table: tests, and `CATCHMENTS_STORE_DIR=:memory:`. Copies on the way in and out, like real storage. */
export class MemoryItemTable implements ItemTable {
  private readonly partitions = new Map<string, Map<string, Item>>();

  async get(pk: string, sk: string): Promise<Item | null> {
    const item = this.partitions.get(pk)?.get(sk);
    return item ? copy(item) : null;
  }

  async put(item: Item, condition?: Condition): Promise<void> {
    // Check and write with no await in between: atomic on the event loop.
    const partition = this.partitions.get(item.pk) ?? new Map<string, Item>();
    if (!conditionHolds(partition.get(item.sk), condition))
      throw new ConditionFailedError(`${item.pk} ${item.sk}`);
    partition.set(item.sk, copy(item));
    this.partitions.set(item.pk, partition);
  }

  async delete(pk: string, sk: string, condition?: Condition): Promise<void> {
    const partition = this.partitions.get(pk);
    if (!conditionHolds(partition?.get(sk), condition)) throw new ConditionFailedError(`${pk} ${sk}`);
    partition?.delete(sk);
    if (partition?.size === 0) this.partitions.delete(pk);
  }

  async query(pk: string, options: QueryOptions = {}): Promise<Item[]> {
    const partition = this.partitions.get(pk);
    if (!partition) return [];
    return selectItems([...partition.values()], options).map(copy);
  }

  async putMany(items: readonly Item[]): Promise<void> {
    for (const item of items) await this.put(item);
  }

  async deleteMany(keys: readonly { pk: string; sk: string }[]): Promise<void> {
    for (const key of keys) await this.delete(key.pk, key.sk);
  }

  /** Every item (for tests that look for orphans). */
  allItems(): Item[] {
    return [...this.partitions.values()].flatMap((p) => [...p.values()]).map(copy);
  }
}

/** Sorts, filters and limits a partition's items as a query asks. */
export function selectItems(items: readonly Item[], options: QueryOptions): Item[] {
  const { prefix, descending, limit } = options;
  const selected = (prefix ? items.filter((i) => i.sk.startsWith(prefix)) : [...items]).sort((a, b) =>
    a.sk < b.sk ? -1 : a.sk > b.sk ? 1 : 0,
  );
  if (descending) selected.reverse();
  return limit === undefined ? selected : selected.slice(0, limit);
}

function copy(item: Item): Item {
  return structuredClone(item);
}
