import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidPostcodeError } from '../../functions/core/errors.js';
import {
  assertPostcode,
  isCanonicalPostcode,
  isCanonicalPostcodeBeforeComma,
  MAX_NORMALISE_LENGTH,
  MAX_RAW_POSTCODE_LENGTH,
  normalisePostcode,
  parsePostcode,
} from '../../functions/core/postcode.js';

function reasonOf(raw: unknown): string {
  const result = parsePostcode(raw);
  if (result.ok) throw new Error(`expected ${JSON.stringify(raw)} to be rejected, got ${result.postcode}`);
  return result.reason;
}

function postcodeOf(raw: unknown): string {
  const result = parsePostcode(raw);
  if (!result.ok) throw new Error(`expected ${JSON.stringify(raw)} to be accepted: ${result.reason}`);
  return result.postcode;
}

describe('normalisePostcode', () => {
  it.each([
    ['GL1 1AD', 'GL1 1AD'],
    ['gl1 1ad', 'GL1 1AD'],
    ['GL11AD', 'GL1 1AD'],
    ['gl501ad', 'GL50 1AD'],
    ['  GL50   1AD  ', 'GL50 1AD'],
    ['GL1\u00a01AD', 'GL1 1AD'], // no-break space
    ['GL1\t1AD\n', 'GL1 1AD'],
    ['\r\nGL1\r\n1AD', 'GL1 1AD'],
    ['GL1\u20091AD', 'GL1 1AD'], // thin space (U+2009)
    ['GL1\u200b1AD', 'GL1 1AD'], // zero-width space
    ['GL1\u202f1AD', 'GL1 1AD'], // narrow no-break space
    ['GL1\u30001AD', 'GL1 1AD'], // ideographic space
    ['\ufeffGL1 1AD', 'GL1 1AD'], // byte-order mark
    ['GL1\u00ad1AD', 'GL1 1AD'], // soft hyphen
    ['ＧＬ１ １ＡＤ', 'GL1 1AD'], // full-width letters, digits and space (NFKC)
    ['ｇｌ５０１ａｄ', 'GL50 1AD'],
    ['G L 5 0 1 A D', 'GL50 1AD'],
    ['GIR0AA', 'GIR 0AA'],
    ['sw1a1aa', 'SW1A 1AA'],
  ])('%j -> %j', (raw, expected) => {
    expect(normalisePostcode(raw)).toBe(expected);
  });

  it('leaves fewer than five characters without a space (an outward code on its own)', () => {
    expect(normalisePostcode(' gl1 ')).toBe('GL1');
    expect(normalisePostcode('gl50')).toBe('GL50');
    expect(normalisePostcode('')).toBe('');
  });

  it('does not validate: nonsense is normalised, not rejected', () => {
    expect(normalisePostcode('hello world')).toBe('HELLOWO RLD');
    expect(normalisePostcode('GL1 1AD 😀')).not.toBe('GL1 1AD');
  });

  it('returns an already canonical string as the very same string', () => {
    const canonical = 'GL50 1AD';
    expect(Object.is(normalisePostcode(canonical), canonical)).toBe(true);
  });

  it('is idempotent over letters, digits, whitespace and full-width forms', () => {
    const alphabet = fc.constantFrom(...'aAgGlL019 \t\u00a0\u2003\u200b\u3000ＡＧ１'.split(''));
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 12 }), (chars) => {
        const once = normalisePostcode(chars.join(''));
        expect(normalisePostcode(once)).toBe(once);
        expect(once).not.toMatch(/\s\s|^\s|\s$/);
      }),
    );
  });

  it('returns quickly on a 6 MB string, normalising only its first 64 characters', () => {
    const huge = 'gl1 1ad '.repeat(786_432); // 6 MiB
    const start = performance.now();
    for (let i = 0; i < 10; i++) normalisePostcode(huge);
    const perCall = (performance.now() - start) / 10;
    expect(normalisePostcode(huge)).toBe(normalisePostcode(huge.slice(0, MAX_NORMALISE_LENGTH)));
    expect(normalisePostcode(huge)).toMatch(/^GL11ADGL11AD/);
    expect(perCall).toBeLessThan(50);
  });

  it('trims blank padding before applying the length cut', () => {
    expect(normalisePostcode(`${'\u00a0'.repeat(3_000_000)} gl1 1ad ${' '.repeat(3_000_000)}`)).toBe(
      'GL1 1AD',
    );
  });
});

describe('parsePostcode', () => {
  it.each([
    ['GL1 1AD', 'GL1 1AD'],
    ['gl11ad', 'GL1 1AD'],
    ['ＧＬ１ １ＡＤ', 'GL1 1AD'],
    [' GL1\u00a01AD ', 'GL1 1AD'],
    ['GIR0AA', 'GIR 0AA'],
    ['gir 0aa', 'GIR 0AA'],
    // one example of every outward shape
    ['M1 1AE', 'M1 1AE'], // A9
    ['B33 8TH', 'B33 8TH'], // A99
    ['CR2 6XH', 'CR2 6XH'], // AA9
    ['DN55 1PT', 'DN55 1PT'], // AA99
    ['W1A 1AA', 'W1A 1AA'], // A9A
    ['EC1A 1BB', 'EC1A 1BB'], // AA9A
    ['BT1 1AA', 'BT1 1AA'], // Northern Ireland
    ['JE2 3AB', 'JE2 3AB'], // Jersey: J is a valid first letter
    ['GX11 1AA', 'GX11 1AA'], // Gibraltar: X is a valid second letter
  ])('accepts %j as %j', (raw, expected) => {
    expect(postcodeOf(raw)).toBe(expected);
  });

  it('explains an outward code on its own', () => {
    expect(reasonOf('GL1')).toBe(
      'that is only the first half (the outward code) — add the last three characters, e.g. GL1 1AD',
    );
    expect(reasonOf(' gl50 ')).toMatch(/only the first half/);
    expect(reasonOf('SW1A')).toMatch(/only the first half/);
  });

  it('explains other malformed input in words a parent understands', () => {
    expect(reasonOf('')).toBe('it is empty');
    expect(reasonOf(' \t ')).toBe('it is empty');
    expect(reasonOf('GL1 1AD GL1 1AD')).toMatch(/^it is too long/);
    expect(reasonOf('GL501ADX')).toMatch(/^it is too long/);
    expect(reasonOf('A')).toMatch(/^it is too short/);
    expect(reasonOf('GL1-1AD')).toBe('it contains characters that are not letters or digits ("-")');
    expect(reasonOf('GL1 1AD 😀')).toBe('it contains characters that are not letters or digits ("😀")');
    expect(reasonOf('GL1\u00011AD')).toMatch(/not letters or digits \(U\+0001\)/);
    expect(reasonOf('GL1 11D')).toMatch(/^the last part must be a digit followed by two letters/);
    expect(reasonOf('1L1 1AD')).toMatch(/^the first part must be one or two letters/);
    expect(reasonOf('ASCN 1ZZ')).toMatch(/^the first part/); // overseas territory, not a UK postcode
  });

  it('suggests a zero for the letter O and a one for the letter I where a digit belongs', () => {
    expect(reasonOf('GL1 OAD')).toMatch(/did you mean GL1 0AD\?/);
    expect(reasonOf('GLI 1AD')).toMatch(/did you mean GL1 1AD\?/);
  });

  it("applies Royal Mail's letter-position rules", () => {
    expect(reasonOf('QL1 1AD')).toBe('no UK postcode starts with the letter Q');
    expect(reasonOf('VA1 1AD')).toMatch(/starts with the letter V/);
    expect(reasonOf('XM4 5HQ')).toMatch(/starts with the letter X/);
    expect(reasonOf('GZ1 1AD')).toMatch(/GZ \(the second letter is never I, J or Z\)/);
    expect(reasonOf('W1L 1AA')).toMatch(/W1L is not a UK postcode district/);
    expect(reasonOf('EC1C 1BB')).toMatch(/EC1C is not a UK postcode district/);
    expect(reasonOf('GL1 1AC')).toMatch(/the last two letters are never C/);
    expect(reasonOf('GL1 1VA')).toMatch(/never V/);
  });

  it('rejects non-strings without throwing', () => {
    expect(reasonOf(undefined)).toBe('no postcode was given');
    expect(reasonOf(null)).toBe('no postcode was given');
    expect(reasonOf(12345)).toBe('a postcode must be text');
    expect(reasonOf({ toString: () => 'GL1 1AD' })).toBe('a postcode must be text');
    expect(reasonOf(['GL1 1AD'])).toBe('a postcode must be text');
  });

  it('bounds the work on huge input (6 MB, plain and blank-padded)', () => {
    const inputs = [
      'x'.repeat(6 * 2 ** 20),
      `${' '.repeat(3 * 2 ** 20)}GL1 1AD${'\u00a0'.repeat(3 * 2 ** 20)}`,
    ];
    const reasons: string[] = [];
    const start = performance.now();
    for (let i = 0; i < 10; i++)
      for (const input of inputs) reasons.push(parsePostcode(input).ok ? 'ok' : 'bad');
    const perCall = (performance.now() - start) / 20;
    expect(reasons.slice(0, 2)).toEqual(['bad', 'ok']);
    expect(perCall).toBeLessThan(100);
  });

  it('rejects anything longer than the bound after trimming', () => {
    expect(parsePostcode(` ${'G L 5 0 1 A D   '.slice(0, MAX_RAW_POSTCODE_LENGTH)} `).ok).toBe(true);
    expect(reasonOf('G  L  5  0  1  A  D')).toMatch(/too long/);
  });

  const validPostcode = validPostcodeArb();

  it('accepts every postcode of the grammar, however it is typed', () => {
    const blank = fc.constantFrom('', ' ', '  ', '\t', '\u00a0', '\u200b', '\u3000');
    fc.assert(
      fc.property(
        validPostcode,
        fc.array(blank, { minLength: 9, maxLength: 9 }),
        fc.boolean(),
        (pc, gaps, fullWidth) => {
          expect(isCanonicalPostcode(pc)).toBe(true);
          const compact = pc.replace(' ', '');
          let messy = [...compact].map((c, i) => gaps[i] + (i % 2 ? c.toLowerCase() : c)).join('') + gaps[8];
          if (fullWidth)
            messy = messy.replace(/[A-Za-z0-9]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
          if (messy.trim().length > MAX_RAW_POSTCODE_LENGTH) return;
          expect(postcodeOf(messy)).toBe(pc);
        },
      ),
    );
  });

  it('never throws, and everything it accepts is canonical and stable', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ maxLength: 20 }), fc.string({ unit: 'grapheme', maxLength: 10 }), validPostcode),
        (raw) => {
          const result = parsePostcode(raw);
          if (result.ok) {
            expect(isCanonicalPostcode(result.postcode)).toBe(true);
            expect(parsePostcode(result.postcode)).toEqual(result);
            expect(result.postcode).toBe(normalisePostcode(raw.trim()));
          } else {
            expect(result.reason.length).toBeGreaterThan(5);
            expect(isCanonicalPostcode(normalisePostcode(raw))).toBe(false);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('isCanonicalPostcodeBeforeComma', () => {
  it('agrees with isCanonicalPostcode on the text between a position and the next comma', () => {
    const piece = fc.oneof(fc.string({ maxLength: 9 }), validPostcodeArb());
    fc.assert(
      fc.property(piece, fc.string({ maxLength: 3 }), (candidate, prefix) => {
        fc.pre(!candidate.includes(','));
        const text = `${prefix}${candidate},rest`;
        expect(isCanonicalPostcodeBeforeComma(text, prefix.length)).toBe(isCanonicalPostcode(candidate));
      }),
      { numRuns: 2000 },
    );
    expect(isCanonicalPostcodeBeforeComma('x,GL1 1AD,51', 2)).toBe(true);
    expect(isCanonicalPostcodeBeforeComma('x,GL1 1AD', 2)).toBe(false); // no comma after it
    expect(isCanonicalPostcodeBeforeComma('x,GL1 1ADX,', 2)).toBe(false);
  });
});

describe('assertPostcode', () => {
  it('returns the canonical postcode', () => {
    expect(assertPostcode(' gl50 1ad ')).toBe('GL50 1AD');
  });

  it('throws InvalidPostcodeError with the reason and the value received', () => {
    let caught: unknown;
    try {
      assertPostcode('GL1');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidPostcodeError);
    const error = caught as InvalidPostcodeError;
    expect(error.code).toBe('invalid-postcode');
    expect(error.message).toContain('"GL1" is not a UK postcode: that is only the first half');
    expect(error.extensions).toEqual({ received: 'GL1' });
  });

  it('echoes a bounded description of non-string input', () => {
    expect(() => assertPostcode({ a: 1 })).toThrow(
      /"\[object Object\]" is not a UK postcode: a postcode must be text/,
    );
    expect(() => assertPostcode('x'.repeat(10_000))).toThrow(/too long/);
    try {
      assertPostcode('x'.repeat(10_000));
    } catch (error) {
      expect(String((error as InvalidPostcodeError).extensions.received).length).toBeLessThan(100);
    }
  });
});

/** Valid postcodes generated straight from the Royal Mail grammar, independently of the regex. */
function validPostcodeArb(): fc.Arbitrary<string> {
  const letters = (set: string) => fc.constantFrom(...set.split(''));
  const digit = letters('0123456789');
  const first = letters('ABCDEFGHIJKLMNOPRSTUWYZ');
  const second = letters('ABCDEFGHKLMNOPQRSTUVWXY');
  const outward = fc.oneof(
    fc.tuple(first, digit).map((p) => p.join('')),
    fc.tuple(first, digit, digit).map((p) => p.join('')),
    fc.tuple(first, second, digit).map((p) => p.join('')),
    fc.tuple(first, second, digit, digit).map((p) => p.join('')),
    fc.tuple(first, digit, letters('ABCDEFGHJKPSTUW')).map((p) => p.join('')),
    fc.tuple(first, second, digit, letters('ABEHMNPRVWXY')).map((p) => p.join('')),
  );
  const inwardLetter = letters('ABDEFGHJLNPQRSTUWXYZ');
  return fc.tuple(outward, digit, inwardLetter, inwardLetter).map(([out, d, a, b]) => `${out} ${d}${a}${b}`);
}
