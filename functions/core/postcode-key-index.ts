// Postcode → value, read with the postcode as typed. Keys are postcode keys (postcode-key.ts) in
// an open-addressing table on typed arrays: a read is one pass over the characters, one hash and
// usually one probe, with no string built or hashed. `npm run bench -- lookup` measures reads at
// about 2× a Map.get of canonical, already-hashed strings, for canonical and messy input alike
// (normalising first, then Map.get, was 15× for messy input).
import { canonicalPostcodeKey, NO_KEY, typedPostcodeKey } from './postcode-key.js';

const MAX_LOAD = 0.5;

export class PostcodeKeyIndex<T> {
  /** Postcode key per slot (NO_KEY = empty), and the index into `values` of the slot's value. */
  private keys = new Float64Array(0);
  private valueAt = new Int32Array(0);
  private shift = 32;
  private readonly values: T[] = [];

  /** `expectedSize` sizes the table up front; it doubles whenever it would pass half full. */
  constructor(expectedSize = 0) {
    let capacity = 16;
    while (capacity * MAX_LOAD < expectedSize) capacity *= 2;
    this.allocate(capacity);
  }

  get size(): number {
    return this.values.length;
  }

  /** Stores `value` under a canonical postcode; a second set of the same postcode replaces it. */
  set(postcode: string, value: T): void {
    const key = canonicalPostcodeKey(postcode);
    if (key === NO_KEY) throw new RangeError(`not a postcode in canonical form: ${JSON.stringify(postcode)}`);
    if (this.values.length + 1 > this.keys.length * MAX_LOAD) this.rehash(this.keys.length * 2);
    const slot = this.slotFor(key);
    if (this.keys[slot] === key) {
      this.values[this.valueAt[slot]!] = value;
      return;
    }
    this.keys[slot] = key;
    this.valueAt[slot] = this.values.length;
    this.values.push(value);
  }

  /** The value stored for the postcode `raw` names (any case and spacing, NBSP), if any. */
  get(raw: string): T | undefined {
    const key = typedPostcodeKey(raw);
    if (key === NO_KEY) return undefined;
    const slot = this.slotFor(key);
    return this.keys[slot] === key ? this.values[this.valueAt[slot]!] : undefined;
  }

  /** Every value, in the order its postcode was first set. */
  valuesInOrder(): readonly T[] {
    return this.values;
  }

  /** The slot holding `key`, or the empty slot where it would go. */
  private slotFor(key: number): number {
    const { keys } = this;
    const mask = keys.length - 1;
    // Keys exceed 32 bits: mix the low word (`| 0` keeps it exactly, modulo 2^32) with the high one,
    // and take the top bits of the product. A power-of-two capacity makes this cheaper than
    // postcodeKeySlot, whose full finaliser the directory needs for its any-size table.
    let slot =
      Math.imul((key | 0) ^ Math.imul((key / 4294967296) | 0, 0x9e3779b1), 0x85ebca6b) >>> this.shift;
    for (;;) {
      const stored = keys[slot];
      if (stored === key || stored === NO_KEY) return slot;
      slot = (slot + 1) & mask;
    }
  }

  /** `capacity` is a power of two. */
  private allocate(capacity: number): void {
    this.shift = 32 - Math.log2(capacity);
    this.keys = new Float64Array(capacity);
    this.valueAt = new Int32Array(capacity);
  }

  private rehash(capacity: number): void {
    const { keys, valueAt } = this;
    this.allocate(capacity);
    for (let old = 0; old < keys.length; old++) {
      if (keys[old] === NO_KEY) continue;
      const slot = this.slotFor(keys[old]!);
      this.keys[slot] = keys[old]!;
      this.valueAt[slot] = valueAt[old]!;
    }
  }
}
