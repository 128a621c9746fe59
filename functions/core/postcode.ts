// UK postcodes: normalisation and validation. Pure and allocation-light, because every public
// request passes through here.
//
// Semantics (tested in test/unit/postcode.test.ts, and against all 1,745,849 Code-Point Open
// postcodes in test/unit/postcode.real.test.ts):
// - Normalising applies NFKC (full-width `ＧＬ１` becomes `GL1`), removes every whitespace and
//   invisible formatting character (NBSP, tabs, newlines, U+2000-U+200F, U+202F, U+3000, BOM,
//   soft hyphen...), upper-cases, then puts exactly one space before the last three characters
//   when there are at least five. Normalising never rejects anything.
// - Validating accepts `GIR 0AA` and the six Royal Mail shapes (outward A9, A99, AA9, AA99, A9A,
//   AA9A; inward 9AA) with Royal Mail's letter-position rules. Every rule is kept only because no
//   real postcode breaks it (checked against all of Great Britain); overseas territory codes such
//   as `ASCN 1ZZ` are not UK postcodes and are rejected.
// - The reasons are written for a parent typing their own postcode, and read as the end of
//   "…is not a UK postcode: <reason>".
import { InvalidPostcodeError } from './errors.js';

export type PostcodeParseResult =
  | { readonly ok: true; readonly postcode: string }
  | { readonly ok: false; readonly reason: string };

/** Longest raw input (after trimming) worth looking at: `G L 5 0 1 A D` with spaces is 13. */
export const MAX_RAW_POSTCODE_LENGTH = 16;

// Already canonical in shape (upper-case letters/digits, one space before three characters):
// normalising would return it unchanged, and ASCII letters and digits are NFKC-stable.
const CANONICAL_SHAPE = /^[A-Z0-9]{2,4} [A-Z0-9]{3}$/;
const SHORT_COMPACT = /^[A-Z0-9]{0,4}$/;

// Whitespace (JS \s: space, tabs, newlines, NBSP, U+1680, U+2000-U+200A, U+2028/9, U+202F, U+205F,
// U+3000, BOM) plus invisible characters that copy-and-paste brings along: soft hyphen, Mongolian
// vowel separator, zero-width space/joiners, LRM/RLM, bidi embeddings, word joiner and invisible
// operators.
const INVISIBLE = /[\s\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064]+/g;

/**
 * A valid canonical postcode. Letter positions (Royal Mail rules): the area's first letter is never
 * Q, V or X; its second never I, J or Z; the letter after the digit in A9A districts is one of
 * ABCDEFGHJKPSTUW and in AA9A districts one of ABEHMNPRVWXY; the inward code's letters never
 * include C, I, K, M, O or V.
 */
const VALID_POSTCODE =
  '(?:[A-PR-UWYZ](?:[0-9][0-9A-HJKPSTUW]?|[A-HK-Y][0-9][0-9ABEHMNPRVWXY]?) [0-9][ABD-HJLNP-UW-Z]{2}|GIR 0AA)';
const VALID_CANONICAL = new RegExp(`^${VALID_POSTCODE}$`);
// The same, matched in place inside a larger text up to a comma: lets CSV decoders validate
// millions of rows without slicing a string per row.
const VALID_CANONICAL_BEFORE_COMMA = new RegExp(`${VALID_POSTCODE}(?=,)`, 'y');

/** True when `value` is already a valid postcode in canonical form (e.g. `GL50 1AD`). */
export function isCanonicalPostcode(value: string): boolean {
  return VALID_CANONICAL.test(value);
}

/** True when `text` holds a valid canonical postcode from `start` up to (not including) a comma. */
export function isCanonicalPostcodeBeforeComma(text: string, start: number): boolean {
  VALID_CANONICAL_BEFORE_COMMA.lastIndex = start;
  return VALID_CANONICAL_BEFORE_COMMA.test(text);
}

/**
 * Inputs longer than this (after trimming) are cut to it before normalising: no postcode, however
 * generously spaced, comes near it, and it keeps the work bounded whatever the input.
 */
export const MAX_NORMALISE_LENGTH = 64;

/**
 * The canonical form of what a person typed: NFKC, no whitespace or invisible characters, upper
 * case, one space before the last three characters (when there are at least five). It does not
 * validate: `normalisePostcode('gl1')` is `GL1`; `parsePostcode` validates.
 */
export function normalisePostcode(raw: string): string {
  if (CANONICAL_SHAPE.test(raw) || SHORT_COMPACT.test(raw)) return raw;
  let text = raw;
  if (text.length > MAX_NORMALISE_LENGTH) {
    text = text.trim(); // a scan of the blank ends only, then a slice
    if (text.length > MAX_NORMALISE_LENGTH) text = text.slice(0, MAX_NORMALISE_LENGTH);
  }
  const compact = text.normalize('NFKC').replace(INVISIBLE, '').toUpperCase();
  return compact.length >= 5 ? `${compact.slice(0, -3)} ${compact.slice(-3)}` : compact;
}

/** Validates a postcode as typed; on success returns its canonical form. Never throws. */
export function parsePostcode(raw: unknown): PostcodeParseResult {
  if (typeof raw !== 'string') {
    return fail(raw === undefined || raw === null ? 'no postcode was given' : 'a postcode must be text');
  }
  // Fast path: a canonical valid postcode costs one regex test.
  if (VALID_CANONICAL.test(raw)) return { ok: true, postcode: raw };
  // Bound the work before normalising: the HTTP layer may hand over megabytes. trim() only scans
  // blank ends and returns a slice, so this is cheap whatever the length.
  const trimmed = raw.trim();
  if (trimmed === '') return fail('it is empty');
  if (trimmed.length > MAX_RAW_POSTCODE_LENGTH) return fail(TOO_LONG);
  const postcode = normalisePostcode(trimmed);
  if (VALID_CANONICAL.test(postcode)) return { ok: true, postcode };
  return fail(diagnose(postcode.replace(' ', '')));
}

/** Like `parsePostcode`, but returns the canonical postcode or throws `InvalidPostcodeError`. */
export function assertPostcode(raw: unknown): string {
  const parsed = parsePostcode(raw);
  if (parsed.ok) return parsed.postcode;
  throw new InvalidPostcodeError(describeReceived(raw), parsed.reason);
}

const TOO_LONG = 'it is too long: a postcode has 5 to 7 letters and digits, e.g. GL50 1AD';
const TOO_SHORT = 'it is too short: a postcode has 5 to 7 letters and digits, e.g. GL1 1AD';
const OUTWARD_SHAPE = /^[A-Z](?:[0-9][0-9A-Z]?|[A-Z][0-9][0-9A-Z]?)$/;
const INWARD_SHAPE = /^[0-9][A-Z]{2}$/;
const NOT_ALNUM = /[^A-Z0-9]/u;
const INWARD_LETTERS_NEVER = 'CIKMOV';

function fail(reason: string): PostcodeParseResult {
  return { ok: false, reason };
}

/** Why a compact (space-free, upper-case) string is not a postcode. Runs only on failure. */
function diagnose(compact: string): string {
  const bad = NOT_ALNUM.exec(compact);
  if (bad) return `it contains characters that are not letters or digits (${showCharacter(bad[0])})`;
  if (compact.length < 5) {
    if (OUTWARD_SHAPE.test(compact)) {
      return 'that is only the first half (the outward code) — add the last three characters, e.g. GL1 1AD';
    }
    return TOO_SHORT;
  }
  if (compact.length > 7) return TOO_LONG;
  const outward = compact.slice(0, -3);
  const inward = compact.slice(-3);
  const suggestion = suggestDigitFix(outward, inward);
  const hint = suggestion ? ` (did you mean ${suggestion}?)` : '';
  if (!INWARD_SHAPE.test(inward)) {
    return `the last part must be a digit followed by two letters, like the 1AD of GL1 1AD, but it is ${inward}${hint}`;
  }
  if (!OUTWARD_SHAPE.test(outward)) {
    return (
      'the first part must be one or two letters, then a digit, then possibly one more letter or digit ' +
      `(e.g. GL1, GL50, SW1A), but it is ${outward}${hint}`
    );
  }
  const first = outward[0]!;
  if ('QVX'.includes(first)) return `no UK postcode starts with the letter ${first}`;
  if ('IJZ'.includes(outward[1]!)) {
    return `no UK postcode starts with ${outward.slice(0, 2)} (the second letter is never I, J or Z)`;
  }
  const last = outward[outward.length - 1]!;
  if (
    (/^[A-Z][0-9][A-Z]$/.test(outward) && !'ABCDEFGHJKPSTUW'.includes(last)) ||
    (/^[A-Z]{2}[0-9][A-Z]$/.test(outward) && !'ABEHMNPRVWXY'.includes(last))
  ) {
    return `${outward} is not a UK postcode district: no first part ends in ${outward.slice(-2)}`;
  }
  const never = [...inward.slice(1)].find((c) => INWARD_LETTERS_NEVER.includes(c));
  if (never) {
    return `the last two letters are never ${never} (C, I, K, M, O and V are not used there)${hint}`;
  }
  return 'it is not in the UK postcode format, e.g. GL1 1AD';
}

/** The letter O typed for a zero, or I for a one, in a place that must be a digit. */
function suggestDigitFix(outward: string, inward: string): string | undefined {
  const digit = (c: string) => (c === 'O' ? '0' : c === 'I' ? '1' : c);
  const fixedInward = digit(inward[0]!) + inward.slice(1);
  const candidates = [
    `${outward} ${fixedInward}`,
    ...[1, 2].map(
      (i) => `${outward.slice(0, i)}${digit(outward[i] ?? '')}${outward.slice(i + 1)} ${fixedInward}`,
    ),
  ];
  const original = `${outward} ${inward}`;
  return candidates.find((c) => c !== original && VALID_CANONICAL.test(c));
}

function showCharacter(char: string): string {
  const code = char.codePointAt(0)!;
  if (code < 0x20 || (code >= 0x7f && code < 0xa0))
    return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  return `"${char}"`;
}

function describeReceived(raw: unknown): string {
  if (typeof raw === 'string') return raw;
  if (raw === null || raw === undefined || typeof raw === 'number' || typeof raw === 'boolean')
    return String(raw);
  return Object.prototype.toString.call(raw);
}
