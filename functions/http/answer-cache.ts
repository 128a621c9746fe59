// Serialised answers kept per served snapshot, by the postcode as the request spelled it: an answer
// only changes with a new version or directory, and a new snapshot brings a new cache, so entries
// never go stale. Bounded: when full, the oldest entries go first (Map keeps insertion order).

/** A postcode's answer as sent: the JSON body and its validator. */
export interface CachedAnswer {
  readonly json: string;
  readonly etag: string;
}

export class AnswerCache {
  private readonly entries = new Map<string, CachedAnswer>();

  constructor(private readonly maxEntries: number) {}

  get(key: string): CachedAnswer | undefined {
    return this.entries.get(key);
  }

  set(key: string, answer: CachedAnswer): void {
    if (this.maxEntries <= 0) return;
    if (this.entries.size >= this.maxEntries) {
      // Drop the oldest tenth at once, so a full cache does not pay an eviction on every miss.
      let toDrop = Math.max(1, Math.floor(this.maxEntries / 10));
      for (const key of this.entries.keys()) {
        this.entries.delete(key);
        if (--toDrop === 0) break;
      }
    }
    this.entries.set(key, answer);
  }

  get size(): number {
    return this.entries.size;
  }
}
