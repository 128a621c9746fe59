// The postcode directory: canonical postcode -> point and status, in memory, plus its compact text
// format. Pure: files and gzip live in functions/adapters/directory-file.ts.
//
// Memory and speed: Great Britain has 1.7 M postcodes (2.7 M with terminated ones in ONSPD). A
// Map of string keys to record objects costs ~180 bytes a postcode (296 MB for GB, measured in
// bench/postcode-directory.bench.ts), so the directory is an open-addressing hash table in one
// Float64Array instead (46 bytes a postcode, 76 MB for GB; get() 1.1-1.9x Map.get): each slot holds
// [postcode key, lat, lng, status/month] (32 bytes: a hit reads one or two cache lines). The key is the
// canonical postcode packed into an integer (7 base-37 digits < 2^53, see functions/core/postcode-key.ts), so
// loading allocates no strings and `get()` builds its small record object on demand.
//
// Text format (`postcodes.csv[.gz]`, written by `catchments import-postcodes`):
//   postcode,lat,lng,status,terminated
//   AB43 1AJ,,,live,
//   GL1 1AD,51.865133,-2.243699,live,
//   GL1 1DA,51.863968,-2.237056,terminated,2018-06
// - exactly that header; one row per postcode, sorted by postcode (UTF-16 code-unit order);
// - postcode in canonical form (`isCanonicalPostcode`);
// - lat/lng in WGS84 degrees with 6 decimals (~0.1 m), both empty when the postcode has no location;
// - status `live` or `terminated`; terminated is `YYYY-MM` or empty (only terminated rows have one).
// - optionally, census columns after `terminated` (functions/core/census.ts): any of `oa11`,
//   `lsoa11`, `oa21`, `lsoa21`, in that order, e.g. `postcode,lat,lng,status,terminated,oa11,lsoa11`;
//   each cell a census code (`E01022380`) or empty. ONSPD and NSPL imports carry them; they let a
//   planner's counts per OA or LSOA reach postcodes (functions/core/weights/). They are kept in
//   their own arrays (8 bytes a postcode per column), allocated only when the file has them.
// Decoding accepts rows in any order (records come back sorted), LF or CRLF line ends, a UTF-8 BOM
// and trailing blank lines; anything else (blank lines inside, extra columns, a postcode listed
// twice...) is rejected with the line number, never guessed around.
import {
  CENSUS_COLUMNS,
  type CensusCodes,
  type CensusColumn,
  decodeCensusCode,
  encodeCensusCode,
  isCensusCode,
} from './census.js';
import type { PostcodeRecord } from './model.js';
import { isCanonicalPostcode, isCanonicalPostcodeBeforeComma, parsePostcode } from './postcode.js';
import {
  canonicalPostcodeKey,
  canonicalPostcodeKeyAt,
  postcodeFromKey,
  postcodeKeySlot,
} from './postcode-key.js';

export const DIRECTORY_CSV_HEADER = 'postcode,lat,lng,status,terminated';

/** The header of a directory file with these census columns (in CENSUS_COLUMNS order). */
export function directoryCsvHeader(census: readonly CensusColumn[] = []): string {
  return [DIRECTORY_CSV_HEADER, ...CENSUS_COLUMNS.filter((c) => census.includes(c))].join(',');
}

/** The directory file (or a record list) is not what it should be; `line` is 1-based when known. */
export class DirectoryFormatError extends Error {
  readonly code = 'invalid-postcode-directory';
  constructor(
    message: string,
    readonly line?: number,
  ) {
    super(message);
    this.name = 'DirectoryFormatError';
  }
}

export interface DirectoryCounts {
  readonly total: number;
  readonly live: number;
  readonly terminated: number;
  readonly withoutLocation: number;
}

/**
 * What the directory says about a postcode as typed. The outcomes are kept apart because each gets
 * a different answer: a typo (malformed), a well-formed postcode we do not know (unknown: new, or
 * mistyped into another valid one), and a known postcode that is live or terminated (the record
 * says whether it has a location).
 */
export type PostcodeLookup =
  | { readonly outcome: 'malformed'; readonly reason: string }
  | { readonly outcome: 'unknown'; readonly postcode: string }
  | { readonly outcome: 'live'; readonly record: PostcodeRecord }
  | { readonly outcome: 'terminated'; readonly record: PostcodeRecord };

const LIVE = 0;
const TERMINATED = 1;
const TERMINATED_MONTH = /^[0-9]{4}-(?:0[1-9]|1[0-2])$/;
/** Slots per record at most this full: linear probing stays short (~1.5 probes on a hit). */
const MAX_LOAD = 0.7;
const STRIDE = 4; // key, lat, lng, meta (status | month index << 1)

export class PostcodeDirectory implements Iterable<PostcodeRecord> {
  readonly counts: DirectoryCounts;
  /** The census columns the directory carries (none for Code-Point), in CENSUS_COLUMNS order. */
  readonly censusColumns: readonly CensusColumn[];
  private readonly table: Float64Array;
  private readonly capacity: number;
  private readonly months: readonly string[];
  /** Per census column, the encoded code of each slot (NaN: none). */
  private readonly census: readonly Float64Array[];

  private constructor(table: DirectoryTable) {
    this.table = table.slots;
    this.capacity = table.capacity;
    this.months = table.months;
    this.counts = table.counts;
    this.censusColumns = table.censusColumns;
    this.census = table.census;
  }

  /** Builds a directory; throws `DirectoryFormatError` on a malformed record or a duplicate postcode. */
  static fromRecords(records: Iterable<PostcodeRecord>): PostcodeDirectory {
    const list = Array.isArray(records) ? (records as readonly PostcodeRecord[]) : Array.from(records);
    for (let i = 0; i < list.length; i++) checkRecord(list[i]!, i);
    const columns = censusColumnsOf(list);
    const table = new TableBuilder(list.length, columns);
    for (let i = 0; i < list.length; i++) {
      const record = list[i]!;
      const { location } = record;
      const slot = table.add(
        canonicalPostcodeKey(record.postcode),
        location ? location.lat : Number.NaN,
        location ? location.lng : Number.NaN,
        record.status === 'live' ? LIVE : TERMINATED,
        record.terminated ?? '',
      );
      if (slot < 0) {
        const first = list.findIndex((r) => r.postcode === record.postcode);
        throw duplicateError(`records #${first} and #${i} are both ${record.postcode}`);
      }
      columns.forEach((column, c) => {
        const code = record.census?.[column];
        if (code !== undefined) table.setCensus(slot, c, encodeCensusCode(code));
      });
    }
    return new PostcodeDirectory(table.build());
  }

  /** Decodes the text format straight into a directory (no intermediate record objects). */
  static fromCsv(text: string): PostcodeDirectory {
    return new PostcodeDirectory(decodeTable(text));
  }

  get size(): number {
    return this.counts.total;
  }

  /** The record of a canonical postcode (see `parsePostcode`), or undefined. O(1). */
  get(postcode: string): PostcodeRecord | undefined {
    const slot = this.find(canonicalPostcodeKey(postcode));
    return slot < 0 ? undefined : this.recordAt(postcode, slot);
  }

  has(postcode: string): boolean {
    return this.find(canonicalPostcodeKey(postcode)) >= 0;
  }

  /** Validates and normalises what someone typed, then looks it up. */
  lookup(raw: unknown): PostcodeLookup {
    const parsed = parsePostcode(raw);
    if (!parsed.ok) return { outcome: 'malformed', reason: parsed.reason };
    const record = this.get(parsed.postcode);
    if (!record) return { outcome: 'unknown', postcode: parsed.postcode };
    return record.status === 'live' ? { outcome: 'live', record } : { outcome: 'terminated', record };
  }

  /** Every record, sorted by postcode (the order of the text format). */
  *records(): IterableIterator<PostcodeRecord> {
    const keys = new Float64Array(this.counts.total);
    let n = 0;
    for (let slot = 0; slot < this.capacity; slot++) {
      const key = this.table[slot * STRIDE]!;
      if (key !== 0) keys[n++] = key;
    }
    keys.sort(); // numeric key order is the postcodes' string order (see postcode-key.ts)
    for (const key of keys) yield this.recordAt(postcodeFromKey(key), this.find(key));
  }

  /**
   * The directory as columns sorted by postcode key (the national routing's and the national
   * directory file's form): status is bit 0 (1 = terminated) with the month index above it.
   */
  sortedColumns(): {
    keys: Float64Array;
    lat: Float64Array;
    lng: Float64Array;
    status: Uint16Array;
    months: readonly string[];
  } {
    const n = this.counts.total;
    const keys = new Float64Array(n);
    let k = 0;
    for (let slot = 0; slot < this.capacity; slot++) {
      const key = this.table[slot * STRIDE]!;
      if (key !== 0) keys[k++] = key;
    }
    keys.sort();
    const lat = new Float64Array(n);
    const lng = new Float64Array(n);
    const status = new Uint16Array(n);
    for (let i = 0; i < n; i++) {
      const at = this.find(keys[i]!) * STRIDE;
      lat[i] = this.table[at + 1]!;
      lng[i] = this.table[at + 2]!;
      status[i] = this.table[at + 3]!;
    }
    return { keys, lat, lng, status, months: this.months };
  }

  [Symbol.iterator](): IterableIterator<PostcodeRecord> {
    return this.records();
  }

  /** The slot holding `key`, or -1. Key 0 (not a canonical postcode) is never stored. */
  private find(key: number): number {
    if (key === 0) return -1;
    const table = this.table;
    let slot = postcodeKeySlot(key, this.capacity);
    for (;;) {
      const stored = table[slot * STRIDE]!;
      if (stored === key) return slot;
      if (stored === 0) return -1;
      if (++slot === this.capacity) slot = 0;
    }
  }

  private recordAt(postcode: string, slot: number): PostcodeRecord {
    const at = slot * STRIDE;
    const lat = this.table[at + 1]!;
    const location = Number.isNaN(lat) ? null : { lat, lng: this.table[at + 2]! };
    const meta = this.table[at + 3]!;
    const census = this.census.length > 0 ? this.censusAt(slot) : undefined;
    const extra = census ? { census } : {};
    if (meta === LIVE) return { postcode, location, status: 'live', ...extra };
    const month = meta >>> 1;
    return month === 0
      ? { postcode, location, status: 'terminated', ...extra }
      : { postcode, location, status: 'terminated', terminated: this.months[month]!, ...extra };
  }

  /** The slot's census codes, undefined when it has none. */
  private censusAt(slot: number): CensusCodes | undefined {
    let codes: Partial<Record<CensusColumn, string>> | undefined;
    for (let c = 0; c < this.census.length; c++) {
      const code = decodeCensusCode(this.census[c]![slot]!);
      if (code === undefined) continue;
      codes ??= {};
      codes[this.censusColumns[c]!] = code;
    }
    return codes;
  }
}

// ---------------------------------------------------------------------------------------------
// The hash table

/** The directory's storage. */
interface DirectoryTable {
  /** `capacity` slots of STRIDE numbers: key (0 = empty), lat, lng (NaN = no location), meta. */
  readonly slots: Float64Array;
  readonly capacity: number;
  /** Termination months by index; index 0 means none. */
  readonly months: readonly string[];
  readonly counts: DirectoryCounts;
  readonly censusColumns: readonly CensusColumn[];
  /** One array of `capacity` encoded codes per census column (NaN: none). */
  readonly census: readonly Float64Array[];
}

class TableBuilder {
  private readonly slots: Float64Array;
  private readonly census: Float64Array[];
  private readonly capacity: number;
  private readonly months: string[] = [''];
  private readonly monthIndex = new Map<string, number>();
  private total = 0;
  private live = 0;
  private withoutLocation = 0;

  /** `maxRecords` must bound the number of records added. */
  constructor(
    maxRecords: number,
    private readonly censusColumns: readonly CensusColumn[] = [],
  ) {
    this.capacity = Math.max(8, Math.ceil(maxRecords / MAX_LOAD) + 1);
    this.slots = new Float64Array(this.capacity * STRIDE);
    this.census = censusColumns.map(() => new Float64Array(this.capacity).fill(Number.NaN));
  }

  /** Adds a record and returns its slot; -1 (and nothing changed) when the key is already there. */
  add(key: number, lat: number, lng: number, status: number, terminated: string): number {
    const slots = this.slots;
    let slot = postcodeKeySlot(key, this.capacity);
    for (;;) {
      const stored = slots[slot * STRIDE]!;
      if (stored === 0) break;
      if (stored === key) return -1;
      if (++slot === this.capacity) slot = 0;
    }
    let month = 0;
    if (terminated !== '') {
      month = this.monthIndex.get(terminated) ?? this.months.length;
      if (month === this.months.length) {
        this.months.push(terminated);
        this.monthIndex.set(terminated, month);
      }
    }
    const at = slot * STRIDE;
    slots[at] = key;
    slots[at + 1] = lat;
    slots[at + 2] = lng;
    slots[at + 3] = status | (month << 1);
    this.total++;
    if (status === LIVE) this.live++;
    if (Number.isNaN(lat)) this.withoutLocation++;
    return slot;
  }

  /** Sets census column `column` (an index into the builder's columns) of a slot `add` returned. */
  setCensus(slot: number, column: number, code: number): void {
    this.census[column]![slot] = code;
  }

  build(): DirectoryTable {
    return {
      slots: this.slots,
      capacity: this.capacity,
      months: this.months,
      censusColumns: this.censusColumns,
      census: this.census,
      counts: {
        total: this.total,
        live: this.live,
        terminated: this.total - this.live,
        withoutLocation: this.withoutLocation,
      },
    };
  }
}

function duplicateError(message: string, line?: number): DirectoryFormatError {
  return new DirectoryFormatError(
    `${message}: a directory lists each postcode once. Remove one of them, or rebuild the file with ` +
      '`catchments import-postcodes`.',
    line,
  );
}

/** Throws for a malformed record; `index` (its position in the input) names it in the message. */
function checkRecord(record: PostcodeRecord, index: number): void {
  if (typeof record?.postcode !== 'string' || !isCanonicalPostcode(record.postcode)) {
    throw new DirectoryFormatError(
      `record #${index}: ${JSON.stringify(String(record?.postcode).slice(0, 40))} is not a postcode in canonical form; ` +
        'normalise it with parsePostcode first',
    );
  }
  const { location, status, terminated } = record;
  if (location !== null) {
    if (!isLatitude(location?.lat) || !isLongitude(location?.lng)) {
      throw new DirectoryFormatError(
        `record #${index} (${record.postcode}): location must be WGS84 degrees (lat -90..90, lng -180..180) or null`,
      );
    }
  }
  if (status !== 'live' && status !== 'terminated') {
    throw new DirectoryFormatError(
      `record #${index} (${record.postcode}): status must be live or terminated`,
    );
  }
  if (terminated !== undefined) {
    if (status === 'live') {
      throw new DirectoryFormatError(
        `record #${index} (${record.postcode}): a live postcode has no termination date`,
      );
    }
    if (!TERMINATED_MONTH.test(terminated)) {
      throw new DirectoryFormatError(`record #${index} (${record.postcode}): terminated must be YYYY-MM`);
    }
  }
  for (const [column, code] of Object.entries(record.census ?? {})) {
    if (!(CENSUS_COLUMNS as readonly string[]).includes(column)) {
      throw new DirectoryFormatError(
        `record #${index} (${record.postcode}): census column "${column}" is not one of ${CENSUS_COLUMNS.join(', ')}`,
      );
    }
    if (typeof code !== 'string' || !isCensusCode(code)) {
      throw new DirectoryFormatError(
        `record #${index} (${record.postcode}): ${column} must be a census code such as E01022380`,
      );
    }
  }
}

/** The census columns any of the records has a code for, in CENSUS_COLUMNS order. */
function censusColumnsOf(records: readonly PostcodeRecord[]): CensusColumn[] {
  const used = new Set<string>();
  for (const r of records) if (r.census) for (const column of Object.keys(r.census)) used.add(column);
  return CENSUS_COLUMNS.filter((c) => used.has(c));
}

function isLatitude(value: unknown): value is number {
  return typeof value === 'number' && value >= -90 && value <= 90;
}

function isLongitude(value: unknown): value is number {
  return typeof value === 'number' && value >= -180 && value <= 180;
}

/** Encodes records in the directory text format (rows sorted, coordinates to 6 decimals). */
export function encodeDirectoryCsv(records: Iterable<PostcodeRecord>): string {
  const sorted = Array.from(records);
  for (let i = 0; i < sorted.length; i++) checkRecord(sorted[i]!, i);
  sorted.sort((a, b) => (a.postcode < b.postcode ? -1 : a.postcode > b.postcode ? 1 : 0));
  const census = censusColumnsOf(sorted);
  const lines = new Array<string>(sorted.length + 2);
  lines[0] = directoryCsvHeader(census);
  for (let i = 0; i < sorted.length; i++) {
    const record = sorted[i]!;
    const { postcode, location, status, terminated } = record;
    if (i > 0 && sorted[i - 1]!.postcode === postcode) {
      throw new DirectoryFormatError(`${postcode} is listed twice: a directory lists each postcode once`);
    }
    const coordinates = location ? `${fixed6(location.lat)},${fixed6(location.lng)}` : ',';
    let line = `${postcode},${coordinates},${status},${terminated ?? ''}`;
    for (const column of census) line += `,${record.census?.[column] ?? ''}`;
    lines[i + 1] = line;
  }
  lines[sorted.length + 1] = ''; // the final newline, keeping the result one flat string
  return lines.join('\n');
}

/** Decodes the directory text format into records (see `PostcodeDirectory.fromCsv` to skip them). */
export function decodeDirectoryCsv(text: string): PostcodeRecord[] {
  return Array.from(PostcodeDirectory.fromCsv(text));
}

/** Rounds a coordinate as the text format stores it (6 decimals, no negative zero). */
export function roundCoordinate(value: number): number {
  return Number(fixed6(value));
}

function fixed6(value: number): string {
  const text = value.toFixed(6);
  return text === '-0.000000' ? '0.000000' : text;
}

const POW10 = Array.from({ length: 16 }, (_, i) => 10 ** i);

function decodeTable(text: string): DirectoryTable {
  if (typeof text !== 'string') throw new DirectoryFormatError('the postcode directory must be text');
  let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let end = lineEndAt(text, pos);
  const header = text.slice(pos, contentEnd(text, pos, end));
  const censusColumns = censusColumnsOfHeader(header);
  const columns = 5 + censusColumns.length;
  const table = new TableBuilder(countLines(text), censusColumns);
  let line = 1;
  // No closures over the loop's variables here: V8 would move them to the heap and slow every row.
  for (pos = end + 1; pos < text.length; pos = end + 1) {
    line++;
    end = lineEndAt(text, pos);
    const stop = contentEnd(text, pos, end);
    if (stop === pos) {
      if (/^[\r\n]*$/.test(text.slice(pos))) break; // trailing blank lines
      throw rowError(line, 'blank line inside the directory; remove it');
    }
    const c1 = commaBefore(text, pos, stop);
    const c2 = c1 < 0 ? -1 : commaBefore(text, c1 + 1, stop);
    const c3 = c2 < 0 ? -1 : commaBefore(text, c2 + 1, stop);
    const c4 = c3 < 0 ? -1 : commaBefore(text, c3 + 1, stop);
    // The end of `terminated`: the line's end, or the comma before the census columns.
    const c5 = censusColumns.length === 0 || c4 < 0 ? stop : commaBefore(text, c4 + 1, stop);
    let last = c5;
    for (let c = 1; c < censusColumns.length && last >= 0; c++) last = commaBefore(text, last + 1, stop);
    if (c4 < 0 || last < 0 || commaBefore(text, (censusColumns.length === 0 ? c4 : last) + 1, stop) >= 0) {
      const found = JSON.stringify(text.slice(pos, Math.min(stop, pos + 80)));
      throw rowError(line, `expected ${columns} columns (${header}), found ${found}`);
    }
    if (!isCanonicalPostcodeBeforeComma(text, pos)) {
      const found = JSON.stringify(text.slice(pos, Math.min(c1, pos + 40)));
      throw rowError(line, `${found} is not a postcode in canonical form (e.g. "GL1 1AD")`);
    }
    const lat = decimalAt(text, c1 + 1, c2);
    const lng = decimalAt(text, c2 + 1, c3);
    if (lat === undefined || lng === undefined || Math.abs(lat) > 90 || Math.abs(lng) > 180) {
      throw rowError(
        line,
        `${text.slice(pos, c1)}: lat/lng must be decimal degrees (lat -90..90, lng -180..180), found ${text.slice(c1 + 1, c3)}`,
      );
    }
    if (Number.isNaN(lat) !== Number.isNaN(lng)) {
      throw rowError(line, `${text.slice(pos, c1)}: lat and lng must both be given or both be empty`);
    }
    let status = LIVE;
    if (c4 - c3 === 11 && text.startsWith('terminated', c3 + 1)) status = TERMINATED;
    else if (c4 - c3 !== 5 || !text.startsWith('live', c3 + 1)) {
      const found = JSON.stringify(text.slice(c3 + 1, Math.min(c4, c3 + 21)));
      throw rowError(line, `${text.slice(pos, c1)}: status must be live or terminated, found ${found}`);
    }
    let terminated = '';
    if (c5 > c4 + 1) {
      terminated = text.slice(c4 + 1, c5);
      if (!TERMINATED_MONTH.test(terminated)) {
        const found = JSON.stringify(terminated.slice(0, 20));
        throw rowError(line, `${text.slice(pos, c1)}: terminated must be YYYY-MM or empty, found ${found}`);
      }
      if (status === LIVE) {
        throw rowError(line, `${text.slice(pos, c1)}: a live postcode cannot have a termination date`);
      }
    }
    const slot = table.add(canonicalPostcodeKeyAt(text, pos, c1), lat, lng, status, terminated);
    if (slot < 0) {
      const postcode = text.slice(pos, c1);
      throw duplicateError(`lines ${firstLineOf(text, postcode)} and ${line} are both ${postcode}`, line);
    }
    for (let c = 0, from = c5 + 1; c < censusColumns.length; c++) {
      const to = c + 1 < censusColumns.length ? text.indexOf(',', from) : stop;
      if (to > from) {
        const code = text.slice(from, to);
        if (!isCensusCode(code)) {
          throw rowError(
            line,
            `${text.slice(pos, c1)}: ${censusColumns[c]} must be a census code such as E01022380 or empty, found ${JSON.stringify(code.slice(0, 20))}`,
          );
        }
        table.setCensus(slot, c, encodeCensusCode(code));
      }
      from = to + 1;
    }
  }
  return table.build();
}

/** The census columns a header names after the fixed five; throws for any other header. */
function censusColumnsOfHeader(header: string): CensusColumn[] {
  if (header === DIRECTORY_CSV_HEADER) return [];
  const extra = header.startsWith(`${DIRECTORY_CSV_HEADER},`)
    ? header.slice(DIRECTORY_CSV_HEADER.length + 1).split(',')
    : undefined;
  const columns = extra?.filter((c): c is CensusColumn => (CENSUS_COLUMNS as readonly string[]).includes(c));
  if (!extra || !columns || columns.length !== extra.length || header !== directoryCsvHeader(columns)) {
    throw new DirectoryFormatError(
      `line 1: a postcode directory starts with the header "${DIRECTORY_CSV_HEADER}", found ` +
        `${JSON.stringify(header.slice(0, 80))} (census columns may follow it: ${CENSUS_COLUMNS.join(', ')}, ` +
        'in that order). Create the file with `catchments import-postcodes`.',
      1,
    );
  }
  return columns;
}

function rowError(line: number, message: string): DirectoryFormatError {
  return new DirectoryFormatError(`line ${line}: ${message}`, line);
}

/** The line on which a postcode's row first appears (for the duplicate error only). */
function firstLineOf(text: string, postcode: string): number {
  const at = text.startsWith(`${postcode},`) ? 0 : text.indexOf(`\n${postcode},`) + 1;
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < at; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

function lineEndAt(text: string, pos: number): number {
  const end = text.indexOf('\n', pos);
  return end < 0 ? text.length : end;
}

/** Where the line's content stops: before a CR of a CRLF ending. */
function contentEnd(text: string, pos: number, end: number): number {
  return end > pos && text.charCodeAt(end - 1) === 13 ? end - 1 : end;
}

/** The first comma in [from, stop), or -1. indexOf is native and may look past stop: checked. */
function commaBefore(text: string, from: number, stop: number): number {
  const comma = text.indexOf(',', from);
  return comma >= 0 && comma < stop ? comma : -1;
}

function countLines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n + 1;
}

/**
 * A plain decimal (`-2.243699`) between from and to: NaN when empty, undefined when malformed.
 * Digits are accumulated as an integer and divided once by a power of ten: for up to 15
 * significant digits both are exact, so the result is the correctly rounded double, the same as
 * Number() gives, without allocating a substring.
 */
function decimalAt(text: string, from: number, to: number): number | undefined {
  if (from === to) return Number.NaN;
  let i = from;
  const negative = text.charCodeAt(i) === 45;
  if (negative) i++;
  let mantissa = 0;
  let digits = 0;
  let decimals = -1;
  for (; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      mantissa = mantissa * 10 + (c - 48);
      digits++;
      if (decimals >= 0) decimals++;
    } else if (c === 46 && decimals < 0) {
      decimals = 0;
    } else {
      return undefined;
    }
  }
  if (digits === 0 || digits > 15 || decimals === 0) return undefined;
  const value = decimals > 0 ? mantissa / POW10[decimals]! : mantissa;
  return negative && value !== 0 ? -value : value; // no negative zero
}
