import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalisePostcode } from '../../functions/core/postcode.js';
import {
  canonicalPostcodeKey,
  NO_KEY,
  postcodeFromKey,
  typedPostcodeKey,
} from '../../functions/core/postcode-key.js';

const alphanumeric = fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'.split(''));
const compactPostcodeLike = fc.array(alphanumeric, { minLength: 5, maxLength: 7 }).map((c) => c.join(''));
/** How people type a postcode: any case, spaces/tabs/NBSP/newlines anywhere. */
const typed = (compact: string) =>
  fc
    .tuple(
      fc.array(fc.constantFrom('', ' ', '  ', '\t', '\u00a0', '\n', '\r\n'), {
        minLength: compact.length + 1,
        maxLength: compact.length + 1,
      }),
      fc.array(fc.boolean(), { minLength: compact.length, maxLength: compact.length }),
    )
    .map(
      ([gaps, lower]) =>
        [...compact].map((c, i) => gaps[i] + (lower[i] ? c.toLowerCase() : c)).join('') +
        gaps[compact.length],
    );

describe('canonicalPostcodeKey', () => {
  const character = fc.constantFrom(...'0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ'.split(''));
  const shaped = fc
    .tuple(
      fc.array(character, { minLength: 2, maxLength: 4 }),
      fc.array(character, { minLength: 3, maxLength: 3 }),
    )
    .map(([outward, inward]) => `${outward.join('')} ${inward.join('')}`);

  it('packs every canonically shaped postcode into a distinct positive integer and back', () => {
    fc.assert(
      fc.property(shaped, (postcode) => {
        const key = canonicalPostcodeKey(postcode);
        expect(Number.isSafeInteger(key) && key > 0).toBe(true);
        expect(postcodeFromKey(key)).toBe(postcode);
      }),
    );
  });

  it('orders keys as the strings are ordered', () => {
    fc.assert(
      fc.property(shaped, shaped, (a, b) => {
        expect(Math.sign(canonicalPostcodeKey(a) - canonicalPostcodeKey(b))).toBe(a < b ? -1 : a > b ? 1 : 0);
      }),
    );
    expect(canonicalPostcodeKey('GL1 9ZZ')).toBeLessThan(canonicalPostcodeKey('GL10 1AA'));
  });

  it('is 0 for anything not in canonical shape', () => {
    for (const s of ['', 'GL11AD', 'G 1AD', 'GL1 1A', 'GL1 1ad', 'GL100 1AD', 'GL1-1AD', 'ＧＬ1 1AD']) {
      expect(canonicalPostcodeKey(s)).toBe(NO_KEY);
    }
  });
});

describe('typedPostcodeKey', () => {
  it('gives a typed postcode the canonical key of its normalised form', () => {
    fc.assert(
      fc.property(
        compactPostcodeLike.chain((compact) => typed(compact).map((raw) => [compact, raw] as const)),
        ([compact, raw]) => {
          fc.pre(raw.length <= 16);
          const key = typedPostcodeKey(raw);
          expect(key).not.toBe(NO_KEY);
          expect(key).toBe(canonicalPostcodeKey(normalisePostcode(raw)));
          expect(key).toBe(typedPostcodeKey(compact));
          expect(postcodeFromKey(key)).toBe(normalisePostcode(compact));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('gives different compact forms different keys', () => {
    fc.assert(
      fc.property(compactPostcodeLike, compactPostcodeLike, (a, b) => {
        fc.pre(a !== b);
        expect(typedPostcodeKey(a)).not.toBe(typedPostcodeKey(b));
      }),
      { numRuns: 5000 },
    );
    // The cases a careless encoding would confuse: a leading zero, and letters vs digits.
    expect(typedPostcodeKey('0A1 1AA')).not.toBe(typedPostcodeKey('A1 1AA'));
    expect(typedPostcodeKey('O10 1AA')).not.toBe(typedPostcodeKey('010 1AA')); // letter O vs digit 0
    expect(new Set(['B11AA', 'B1 1AA', 'b11aa', ' b 1 1 a a '].map(typedPostcodeKey)).size).toBe(1);
  });

  it.each([
    ['too short', 'GL1 1'],
    ['too long', 'GL50 1ADX'],
    ['punctuation', 'GL50-1AD'],
    ['full width (the general path normalises it)', 'ＧＬ５０ １ＡＤ'],
    ['a zero-width space (the general path removes it)', 'GL50\u200b1AD'],
    ['over 16 characters', `   GL50 1AD${' '.repeat(10)}`],
    ['empty', ''],
  ])('is NO_KEY for %s', (_, raw) => {
    expect(typedPostcodeKey(raw)).toBe(NO_KEY);
  });
});
