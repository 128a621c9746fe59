// Postcode keys: a postcode packed into one integer, so tables of millions of postcodes hold
// numbers instead of strings (the postcode directory) and a lookup of what someone typed needs no
// string built or hashed (the lookup catalog's PostcodeKeyIndex).
//
// The key: the outward code right-padded to four base-37 digits (padding 0, below every
// character), then the three inward digits; 0-9 are 1..10 and A-Z 11..36. Every key is a positive
// integer below 37^7 < 2^53, numeric order is the canonical strings' order ("GL1 …" < "GL10 …" as
// " " < "0"), and 0 is never a key. Two ways in, one key:
// - `canonicalPostcodeKey` reads canonical shape only (what the directory stores);
// - `typedPostcodeKey` reads a postcode as typed (any case, spaces/tabs/newlines/NBSP anywhere)
//   and gives the key of its normalised form.
// Neither validates the letter rules: only validated postcodes are ever stored under a key.
import { MAX_RAW_POSTCODE_LENGTH } from './postcode.js';

/** Returned for input that has no key. */
export const NO_KEY = 0;

/** Base-37 digit of a character code: 0-9 -> 1..10, A-Z -> 11..36, anything else 0 (not allowed). */
const DIGIT = new Uint8Array(128);
for (let c = 48; c <= 57; c++) DIGIT[c] = c - 47;
for (let c = 65; c <= 90; c++) DIGIT[c] = c - 54;
const INWARD_RANGE = 37 ** 3;
const CHARACTERS = ' 0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
/** What a 2-, 3- or 4-character outward code is multiplied by to pad it to four digits. */
const OUTWARD_PADDING = [37 ** 2, 37, 1];

/**
 * The key of a postcode in canonical shape (2-4 letters/digits, one space, 3 letters/digits), or
 * NO_KEY for anything else.
 */
export function canonicalPostcodeKey(postcode: string): number {
  return canonicalPostcodeKeyAt(postcode, 0, postcode.length);
}

/** `canonicalPostcodeKey` of `text.slice(start, end)`, without the slice. */
export function canonicalPostcodeKeyAt(text: string, start: number, end: number): number {
  const n = end - start;
  if (n < 6 || n > 8 || text.charCodeAt(end - 4) !== 32) return NO_KEY;
  let outward = 0;
  for (let i = 0; i < 4; i++) {
    let digit = 0;
    if (i < n - 4) {
      const c = text.charCodeAt(start + i);
      digit = c < 128 ? DIGIT[c]! : 0;
      if (digit === 0) return NO_KEY;
    }
    outward = outward * 37 + digit;
  }
  let inward = 0;
  for (let i = end - 3; i < end; i++) {
    const c = text.charCodeAt(i);
    const digit = c < 128 ? DIGIT[c]! : 0;
    if (digit === 0) return NO_KEY;
    inward = inward * 37 + digit;
  }
  return outward * INWARD_RANGE + inward;
}

/**
 * The key of the postcode `raw` normalises to, read in one pass: ASCII letters (any case) and
 * digits, with spaces, tabs, newlines and NBSP skipped wherever they are. So
 * `typedPostcodeKey('gl501ad') === canonicalPostcodeKey('GL50 1AD')`. NO_KEY when the input has
 * any other character, fewer than 5 or more than 7 letters and digits, or is longer than a
 * postcode can be: such input takes the general path (`parsePostcode`, with NFKC and diagnosis).
 */
export function typedPostcodeKey(raw: string): number {
  const length = raw.length;
  if (length > MAX_RAW_POSTCODE_LENGTH) return NO_KEY;
  let packed = 0;
  let characters = 0;
  for (let i = 0; i < length; i++) {
    const code = raw.charCodeAt(i);
    // DIGIT's values without the table (a few compares are cheaper): A-Z and a-z → 11..36, 0-9 → 1..10.
    let digit: number;
    if (code >= 0x41 && code <= 0x5a) digit = code - 0x36;
    else if (code >= 0x30 && code <= 0x39) digit = code - 0x2f;
    else if (code >= 0x61 && code <= 0x7a) digit = code - 0x56;
    else if (code === 0x20 || code === 0xa0 || (code >= 0x09 && code <= 0x0d)) continue;
    else return NO_KEY;
    if (++characters > 7) return NO_KEY;
    packed = packed * 37 + digit;
  }
  if (characters < 5) return NO_KEY;
  // The last three characters are the inward code; pad the outward code to four digits.
  const outward = Math.floor(packed / INWARD_RANGE);
  return outward * OUTWARD_PADDING[characters - 5]! * INWARD_RANGE + (packed - outward * INWARD_RANGE);
}

/** The canonical postcode a key was made from. */
export function postcodeFromKey(key: number): string {
  let outward = Math.floor(key / INWARD_RANGE);
  let inward = key - outward * INWARD_RANGE;
  let tail = '';
  for (let i = 0; i < 3; i++, inward = Math.floor(inward / 37)) tail = CHARACTERS[inward % 37]! + tail;
  let head = '';
  for (let i = 0; i < 4; i++, outward = Math.floor(outward / 37)) {
    const digit = outward % 37;
    if (digit !== 0) head = CHARACTERS[digit]! + head;
  }
  return `${head} ${tail}`;
}

/**
 * A well-mixed slot in [0, capacity) for a key, for open-addressing tables (murmur3's finaliser
 * over the key's two 32-bit halves: keys exceed 32 bits).
 */
export function postcodeKeySlot(key: number, capacity: number): number {
  let h = Math.imul((key >>> 0) ^ Math.imul((key / 4294967296) | 0, 0x9e3779b1), 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return Math.floor(((h >>> 0) / 4294967296) * capacity);
}
