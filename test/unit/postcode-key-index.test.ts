import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalisePostcode, parsePostcode } from '../../functions/core/postcode.js';
import { PostcodeKeyIndex } from '../../functions/core/postcode-key-index.js';

const alphanumeric = fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'.split(''));
const compactPostcodeLike = fc.array(alphanumeric, { minLength: 5, maxLength: 7 }).map((c) => c.join(''));
describe('PostcodeKeyIndex', () => {
  it('finds each stored postcode however it is typed, and misses the rest', () => {
    const index = new PostcodeKeyIndex<string>(2);
    index.set('GL50 1AD', 'cheltenham');
    index.set('GIR 0AA', 'girobank');
    index.set('B1 1AA', 'birmingham');
    expect(index.get('gl501ad')).toBe('cheltenham');
    expect(index.get(' GL50\u00a01AD\t')).toBe('cheltenham');
    expect(index.get('gir0aa')).toBe('girobank');
    expect(index.get('B11AA')).toBe('birmingham');
    expect(index.get('GL50 1AE')).toBeUndefined();
    expect(index.get('nonsense!')).toBeUndefined();
    expect(index.size).toBe(3);
  });

  it('replaces the value of a postcode set twice, keeping its first position', () => {
    const index = new PostcodeKeyIndex<number>();
    index.set('GL1 1AA', 1);
    index.set('GL1 1AB', 2);
    index.set('GL1 1AA', 3);
    expect(index.get('GL1 1AA')).toBe(3);
    expect(index.valuesInOrder()).toEqual([3, 2]);
  });

  it('grows past its expected size and agrees with a Map on thousands of postcodes', () => {
    fc.assert(
      fc.property(fc.uniqueArray(compactPostcodeLike, { minLength: 1, maxLength: 3000 }), (compacts) => {
        const index = new PostcodeKeyIndex<number>(1);
        const map = new Map<string, number>();
        compacts.forEach((compact, i) => {
          const canonical = normalisePostcode(compact);
          index.set(canonical, i);
          map.set(canonical, i);
        });
        expect(index.size).toBe(map.size);
        for (const [canonical, value] of map) {
          expect(index.get(canonical)).toBe(value);
          expect(index.get(canonical.replace(' ', '').toLowerCase())).toBe(value);
        }
        expect(index.valuesInOrder()).toEqual([...map.values()]);
      }),
      { numRuns: 20 },
    );
  });

  it('refuses to store something that is not a keyable postcode', () => {
    const index = new PostcodeKeyIndex<number>();
    expect(() => index.set('GL50-1AD', 1)).toThrow(RangeError);
    expect(index.size).toBe(0);
  });

  it('answers only what parsePostcode would have normalised to a stored postcode', () => {
    const index = new PostcodeKeyIndex<string>();
    index.set('GL50 1AD', 'GL50 1AD');
    fc.assert(
      fc.property(fc.string({ maxLength: 16 }), (raw) => {
        const found = index.get(raw);
        if (found !== undefined) expect(parsePostcode(raw)).toEqual({ ok: true, postcode: found });
      }),
      { numRuns: 3000 },
    );
  });
});
