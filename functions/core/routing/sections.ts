// A small binary container for typed-array data that must load fast: a magic line, a JSON header
// (small: names, ids, counts) and named typed-array sections, each aligned to 8 bytes so that
// decoding makes views onto the bytes instead of copying or parsing them. The national routing file
// and each version's area digest use it (docs/storage.md).
//
// Layout: "CATCHMENTS-BIN1\n" (16 bytes), header length (u32 LE), header JSON (UTF-8), zero padding
// to a multiple of 8, then the sections in header order, each padded to a multiple of 8. Typed arrays
// are little-endian, as on every platform Node.js and Lambda run on (checked on decode).
import { InvalidRequestError } from '../errors.js';

const MAGIC = 'CATCHMENTS-BIN1\n';
const KINDS = {
  f64: Float64Array,
  f32: Float32Array,
  i32: Int32Array,
  u32: Uint32Array,
  u16: Uint16Array,
  u8: Uint8Array,
} as const;

export type SectionKind = keyof typeof KINDS;
export type SectionArray = Float64Array | Float32Array | Int32Array | Uint32Array | Uint16Array | Uint8Array;

interface SectionEntry {
  readonly name: string;
  readonly kind: SectionKind;
  readonly length: number;
}

interface StoredHeader {
  readonly kind: string;
  readonly sections: readonly SectionEntry[];
  readonly meta: unknown;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function kindOf(array: SectionArray): SectionKind {
  for (const [kind, type] of Object.entries(KINDS)) if (array instanceof type) return kind as SectionKind;
  throw new TypeError('unsupported section array');
}

const pad8 = (n: number) => (n + 7) & ~7;

/** Encodes `meta` and the sections (in the given order) under a format `kind`. */
export function encodeSections(
  kind: string,
  meta: unknown,
  sections: Readonly<Record<string, SectionArray>>,
): Uint8Array {
  const entries = Object.entries(sections).map(([name, array]) => ({
    name,
    kind: kindOf(array),
    length: array.length,
  }));
  const header = new TextEncoder().encode(
    JSON.stringify({ kind, sections: entries, meta } satisfies StoredHeader),
  );
  let size = pad8(MAGIC.length + 4 + header.length);
  for (const array of Object.values(sections)) size += pad8(array.byteLength);
  const out = new Uint8Array(size);
  out.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(out.buffer).setUint32(MAGIC.length, header.length, true);
  out.set(header, MAGIC.length + 4);
  let at = pad8(MAGIC.length + 4 + header.length);
  for (const array of Object.values(sections)) {
    out.set(new Uint8Array(array.buffer, array.byteOffset, array.byteLength), at);
    at += pad8(array.byteLength);
  }
  return out;
}

export interface DecodedSections<M> {
  readonly meta: M;
  /** The named sections: views onto the decoded bytes (copied once if the bytes were misaligned). */
  section<K extends SectionKind>(name: string, kind: K): InstanceType<(typeof KINDS)[K]>;
}

/**
 * Decodes bytes written by `encodeSections` with the same `kind`. Throws InvalidRequestError when the
 * bytes are not such a file (wrong magic or kind, truncated, a section missing or of another type).
 */
export function decodeSections<M>(bytes: Uint8Array, kind: string): DecodedSections<M> {
  if (!LITTLE_ENDIAN) throw new Error('binary sections need a little-endian platform');
  const fail = (why: string) => new InvalidRequestError(`Not a ${kind} file: ${why}.`);
  if (
    bytes.length < MAGIC.length + 4 ||
    new TextDecoder().decode(bytes.subarray(0, MAGIC.length)) !== MAGIC
  ) {
    throw fail('it does not start with the catchments binary signature');
  }
  // Typed-array views need offsets that are multiples of 8 from an 8-aligned buffer start.
  const data = bytes.byteOffset % 8 === 0 ? bytes : bytes.slice();
  const headerLength = new DataView(data.buffer, data.byteOffset).getUint32(MAGIC.length, true);
  if (MAGIC.length + 4 + headerLength > data.length) throw fail('the header is truncated');
  let header: StoredHeader;
  try {
    header = JSON.parse(
      new TextDecoder().decode(data.subarray(MAGIC.length + 4, MAGIC.length + 4 + headerLength)),
    );
  } catch {
    throw fail('the header is not JSON');
  }
  if (header?.kind !== kind || !Array.isArray(header.sections))
    throw fail(`it is a ${String(header?.kind)} file`);
  const views = new Map<string, SectionArray>();
  let at = pad8(MAGIC.length + 4 + headerLength);
  for (const entry of header.sections) {
    const type = (KINDS as Record<string, (typeof KINDS)[SectionKind] | undefined>)[String(entry.kind)];
    if (!type || !Number.isInteger(entry.length) || entry.length < 0)
      throw fail(`section ${entry.name} is malformed`);
    const byteLength = entry.length * type.BYTES_PER_ELEMENT;
    if (at + byteLength > data.length) throw fail(`section ${entry.name} is truncated`);
    views.set(entry.name, new type(data.buffer as ArrayBuffer, data.byteOffset + at, entry.length));
    at += pad8(byteLength);
  }
  return {
    meta: header.meta as M,
    section<K extends SectionKind>(name: string, want: K) {
      const view = views.get(name);
      if (!view || !(view instanceof KINDS[want])) throw fail(`section ${name} (${want}) is missing`);
      return view as InstanceType<(typeof KINDS)[K]>;
    },
  };
}
