// A bounded least-recently-used cache of loaded areas, keyed by (area, version, tier). A published
// version never changes, so an entry is never stale: it leaves only when the budget needs room.
// Loads are single-flight (concurrent requests for one area wait for one load) and a failed load is
// forgotten, so the next request tries again.
//
// The budget is in estimated bytes (each entry says what it holds). An entry in use by a request
// that started before its eviction stays alive until that request ends (the garbage collector sees
// to it); the cache only stops handing it out.

export interface CacheStats {
  readonly entries: number;
  readonly bytes: number;
  readonly budgetBytes: number;
  readonly loads: number;
  readonly hits: number;
  readonly evictions: number;
}

interface Entry<T> {
  readonly promise: Promise<T>;
  bytes: number;
  settled: boolean;
  /** Set once settled: read without a promise on the hot path. */
  value?: T;
  /** When it was last handed out (a counter): eviction drops the smallest first. */
  used: number;
}

export class AreaCache<T> {
  private readonly entries = new Map<string, Entry<T>>();
  /** Use counter: marking an entry is one store, cheaper than reordering a Map on every request. */
  private clock = 0;
  private bytes = 0;
  private loads = 0;
  private hits = 0;
  private evictions = 0;

  constructor(
    readonly budgetBytes: number,
    private readonly sizeOf: (value: T) => number,
  ) {}

  /** The value for `key`, loading it with `load` if it is not cached (or being loaded). */
  get(key: string, load: () => Promise<T>): Promise<T> {
    const entry = this.entries.get(key);
    if (entry) {
      this.hits++;
      entry.used = ++this.clock;
      return entry.promise;
    }
    this.loads++;
    const fresh: Entry<T> = { promise: load(), bytes: 0, settled: false, used: ++this.clock };
    this.entries.set(key, fresh);
    fresh.promise.then(
      (value) => {
        if (this.entries.get(key) !== fresh) return; // evicted while loading
        fresh.settled = true;
        fresh.value = value;
        fresh.bytes = this.sizeOf(value);
        this.bytes += fresh.bytes;
        this.evict(key);
      },
      () => {
        if (this.entries.get(key) === fresh) this.entries.delete(key);
      },
    );
    return fresh.promise;
  }

  /** The loaded value for `key` without waiting (undefined while loading or absent); counts as a use. */
  peek(key: string): T | undefined {
    const entry = this.entries.get(key);
    if (!entry?.settled) return undefined;
    this.hits++;
    entry.used = ++this.clock;
    return entry.value;
  }

  /** Is `key` loaded (not only loading)? */
  has(key: string): boolean {
    return this.entries.get(key)?.settled === true;
  }

  stats(): CacheStats {
    return {
      entries: this.entries.size,
      bytes: this.bytes,
      budgetBytes: this.budgetBytes,
      loads: this.loads,
      hits: this.hits,
      evictions: this.evictions,
    };
  }

  /** Drops least recently used settled entries (never `keep`, the one just loaded) until within budget. */
  private evict(keep: string): void {
    if (this.bytes <= this.budgetBytes) return;
    const byAge = [...this.entries]
      .filter(([key, e]) => key !== keep && e.settled)
      .sort((a, b) => a[1].used - b[1].used);
    for (const [key, entry] of byAge) {
      if (this.bytes <= this.budgetBytes) return;
      this.entries.delete(key);
      this.bytes -= entry.bytes;
      this.evictions++;
    }
  }
}
