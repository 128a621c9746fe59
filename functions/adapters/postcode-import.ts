// Streaming importers for the published postcode products, producing directory records.
//
// - Code-Point Open (Ordnance Survey): the product CSVs have no header row; the columns are
//   Postcode, Positional_quality_indicator, Eastings, Northings, Country_code, NHS_regional_HA_code,
//   NHS_HA_code, Admin_county_code, Admin_district_code, Admin_ward_code. Postcodes come in the
//   7-character form (`GL501AD`, `GL1 1AD`, `B1  1AA`). A headed variant with `postcode`,
//   `eastings`, `northings` columns (any order, any case; OS's short names PC/EA/NO too) is also
//   read. Eastings/northings (EPSG:27700) become WGS84 with `bngToWgs84`; rows with both 0 (quality
//   90, "no coordinates") are kept with `location: null`. Code-Point lists live postcodes only.
// - ONSPD / NSPL (ONS): headed CSVs, every field quoted. Postcode from `pcds` (else `pcd`, `pcd2`),
//   position from `lat`/`long`, status from `doterm` (YYYYMM; empty = live). Postcodes without a
//   grid reference carry lat 99.999999 / long 0.000000 and `osgrdind` 9: kept with `location: null`.
//
// Every bad row is counted and reported with its line number, never dropped silently and never
// fatal. A file that is not of the stated format at all (wrong header, a zip archive...) is fatal:
// `PostcodeImportFormatError` says which columns were expected. Blank lines are skipped. A
// postcode listed twice is imported once; the later row is rejected as a duplicate.
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { bngToWgs84, isWithinBng } from '../core/geo/bng.js';
import type { LatLng, PostcodeRecord } from '../core/model.js';
import { parsePostcode } from '../core/postcode.js';

export const POSTCODE_SOURCE_FORMATS = ['codepoint', 'onspd', 'nspl'] as const;
export type PostcodeSourceFormat = (typeof POSTCODE_SOURCE_FORMATS)[number];

export interface RejectedRow {
  readonly file: string;
  /** 1-based line number in the (decompressed) file. */
  readonly line: number;
  readonly reason: string;
  /** The start of the row as read, for the report. */
  readonly text: string;
}

export interface PostcodeImportSummary {
  /** Data rows read (header and blank lines not counted). */
  readonly rowsRead: number;
  readonly imported: number;
  readonly live: number;
  readonly terminated: number;
  readonly withoutLocation: number;
  readonly rejected: number;
  /** The first few rejected rows (see `maxExamples`). */
  readonly rejectedExamples: readonly RejectedRow[];
}

export interface PostcodeImportResult {
  readonly records: PostcodeRecord[];
  readonly summary: PostcodeImportSummary;
}

export interface PostcodeImportOptions {
  readonly format: PostcodeSourceFormat;
  /** Called every `progressEvery` rows and at the end; bytesRead counts the file bytes (compressed if gzipped). */
  readonly onProgress?: (rowsRead: number, bytesRead: number) => void;
  readonly progressEvery?: number;
  /** How many rejected rows to keep as examples (default 10). */
  readonly maxExamples?: number;
}

/** The input is not of the stated format at all; nothing was imported. */
export class PostcodeImportFormatError extends Error {
  readonly code = 'invalid-postcode-source';
  constructor(message: string) {
    super(message);
    this.name = 'PostcodeImportFormatError';
  }
}

/**
 * Imports one or more files of one format (Code-Point Open ships one CSV per postcode area).
 * Files may be gzipped whatever their names: gzip is recognised by its magic bytes.
 */
export async function importPostcodes(
  paths: string | readonly string[],
  options: PostcodeImportOptions,
): Promise<PostcodeImportResult> {
  if (!POSTCODE_SOURCE_FORMATS.includes(options.format)) {
    throw new PostcodeImportFormatError(
      `unknown format "${String(options.format)}": use ${POSTCODE_SOURCE_FORMATS.join(', ')}`,
    );
  }
  const state = new ImportState(options);
  for (const path of typeof paths === 'string' ? [paths] : paths) {
    await importFile(path, options.format, state);
  }
  options.onProgress?.(state.rowsRead, state.bytesRead);
  return { records: state.records, summary: state.summary() };
}

class ImportState {
  readonly records: PostcodeRecord[] = [];
  /** postcode -> where it was first seen, to reject duplicates with a pointer to the original. */
  private readonly seen = new Map<string, number>();
  private readonly files: string[] = [];
  private readonly examples: RejectedRow[] = [];
  private readonly maxExamples: number;
  private readonly progressEvery: number;
  rowsRead = 0;
  bytesRead = 0;
  private live = 0;
  private withoutLocation = 0;
  private rejected = 0;

  constructor(private readonly options: PostcodeImportOptions) {
    this.maxExamples = options.maxExamples ?? 10;
    this.progressEvery = Math.max(1, options.progressEvery ?? 10_000);
  }

  startFile(path: string): number {
    this.files.push(path);
    return this.files.length - 1;
  }

  countRow(): void {
    this.rowsRead++;
    if (this.rowsRead % this.progressEvery === 0) this.options.onProgress?.(this.rowsRead, this.bytesRead);
  }

  /** Keeps a record; returns the reason it was refused (a duplicate), if it was. */
  accept(record: PostcodeRecord, file: number, line: number): string | undefined {
    const first = this.seen.get(record.postcode);
    if (first !== undefined) {
      const firstFile = Math.floor(first / 2 ** 32);
      const firstLine = first % 2 ** 32;
      const where = firstFile === file ? `line ${firstLine}` : `${this.files[firstFile]} line ${firstLine}`;
      return `${record.postcode} is listed twice; the first one (${where}) was imported`;
    }
    this.seen.set(record.postcode, file * 2 ** 32 + line);
    this.records.push(record);
    if (record.status === 'live') this.live++;
    if (record.location === null) this.withoutLocation++;
    return undefined;
  }

  reject(file: string, line: number, reason: string, text: string): void {
    this.rejected++;
    if (this.examples.length < this.maxExamples) {
      this.examples.push({ file, line, reason, text: text.length > 120 ? `${text.slice(0, 120)}…` : text });
    }
  }

  summary(): PostcodeImportSummary {
    const imported = this.records.length;
    return {
      rowsRead: this.rowsRead,
      imported,
      live: this.live,
      terminated: imported - this.live,
      withoutLocation: this.withoutLocation,
      rejected: this.rejected,
      rejectedExamples: [...this.examples],
    };
  }
}

/** Turns the fields of one data row into a record, or returns the reason it is rejected. */
type RowReader = (fields: string[]) => PostcodeRecord | string;

interface Layout {
  /** Column index -> slot in `fields`, or -1 for columns not read. */
  readonly wanted: Int16Array;
  /** Highest column index read: scanning stops there. */
  readonly lastColumn: number;
  readonly slots: number;
  readonly read: RowReader;
}

async function importFile(path: string, format: PostcodeSourceFormat, state: ImportState): Promise<void> {
  const fileIndex = state.startFile(path);
  const magic = await readMagic(path);
  if (magic[0] === 0x50 && magic[1] === 0x4b) {
    throw new PostcodeImportFormatError(
      `${path} is a zip archive: unzip it first and import the CSV files inside (for Code-Point Open, Data/CSV/*.csv)`,
    );
  }
  const raw = createReadStream(path);
  raw.on('data', (chunk) => {
    state.bytesRead += chunk.length;
  });
  const gzipped = magic[0] === 0x1f && magic[1] === 0x8b;
  const source: Readable = gzipped ? raw.pipe(createGunzip()) : raw;
  if (gzipped) raw.on('error', (error) => source.destroy(error));
  const lines = createInterface({ input: source, crlfDelay: Number.POSITIVE_INFINITY });

  let lineNo = 0;
  let layout: Layout | undefined;
  let fields: string[] = [];
  // A headerless Code-Point file has no header to check, so its first row is the test: if it is
  // not a Code-Point row, the file is not Code-Point at all.
  let probe = false;
  try {
    for await (let line of lines) {
      lineNo++;
      if (lineNo === 1 && line.charCodeAt(0) === 0xfeff) line = line.slice(1);
      if (line.trim() === '') continue;
      if (!layout) {
        const first = splitAll(line);
        layout = format === 'codepoint' ? codePointLayout(path, first) : onsLayout(path, format, first);
        fields = new Array<string>(layout.slots).fill('');
        if (format !== 'codepoint' || isCodePointHeader(first)) continue;
        probe = true;
      }
      state.countRow();
      const result = readRow(line, layout, fields);
      const refused = typeof result === 'string' ? result : state.accept(result, fileIndex, lineNo);
      if (refused !== undefined) {
        if (probe) {
          throw new PostcodeImportFormatError(
            `${path} does not look like Code-Point Open: line ${lineNo} is neither a data row (Postcode, ` +
              'Positional_quality_indicator, Eastings, Northings, ...) nor a header with postcode, eastings and ' +
              `northings columns (${refused})`,
          );
        }
        state.reject(path, lineNo, refused, line);
      }
      probe = false;
    }
  } catch (error) {
    if (
      error instanceof Error &&
      'code' in error &&
      typeof error.code === 'string' &&
      error.code.startsWith('Z_')
    ) {
      throw new PostcodeImportFormatError(
        `${path}: the gzip data is damaged after line ${lineNo} (${error.message})`,
      );
    }
    throw error;
  } finally {
    lines.close();
    raw.destroy();
  }
  if (!layout) throw new PostcodeImportFormatError(`${path} is empty: no header and no rows`);
}

function readRow(line: string, layout: Layout, fields: string[]): PostcodeRecord | string {
  const columns = pickColumns(line, layout.wanted, layout.lastColumn, fields);
  if (columns < 0) return 'a quoted field is not closed, or a closing quote is not followed by a comma';
  if (columns <= layout.lastColumn) {
    return `the row has ${columns} columns; at least ${layout.lastColumn + 1} were expected`;
  }
  return layout.read(fields);
}

async function readMagic(path: string): Promise<Uint8Array> {
  const handle = await open(path, 'r');
  try {
    const buffer = new Uint8Array(4);
    const { bytesRead } = await handle.read(buffer, 0, 4, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Code-Point Open

const CODEPOINT_NAMES = {
  postcode: ['postcode', 'pc'],
  eastings: ['eastings', 'easting', 'ea'],
  northings: ['northings', 'northing', 'no'],
} as const;

/** A first line naming a postcode column is a header: no data row has a field called that. */
function isCodePointHeader(fields: readonly string[]): boolean {
  const names: readonly string[] = CODEPOINT_NAMES.postcode;
  return fields.some((field) => names.includes(field.trim().toLowerCase()));
}

function codePointLayout(path: string, first: readonly string[]): Layout {
  let postcode = 0;
  let eastings = 2;
  let northings = 3;
  if (isCodePointHeader(first)) {
    const names = first.map((f) => f.trim().toLowerCase());
    const find = (aliases: readonly string[]) => names.findIndex((n) => aliases.includes(n));
    postcode = find(CODEPOINT_NAMES.postcode);
    eastings = find(CODEPOINT_NAMES.eastings);
    northings = find(CODEPOINT_NAMES.northings);
    if (eastings < 0 || northings < 0) {
      throw new PostcodeImportFormatError(
        `${path} has a header but not the Code-Point columns: expected postcode, eastings and northings, ` +
          `found ${describeColumns(first)}`,
      );
    }
  }
  return layout([postcode, eastings, northings], ([pc, e, n]) => {
    const parsed = parsePostcode(pc);
    if (!parsed.ok) return `postcode ${JSON.stringify(pc!.slice(0, 20))}: ${parsed.reason}`;
    const location = gridLocation(e!.trim(), n!.trim());
    if (typeof location === 'string') return `${parsed.postcode}: ${location}`;
    return { postcode: parsed.postcode, location, status: 'live' };
  });
}

function gridLocation(e: string, n: string): LatLng | null | string {
  // Quality 90 rows have 0,0; derived extracts may leave both empty. Either way: no location.
  if ((e === '' || e === '0') && (n === '' || n === '0') && e === n) return null;
  const easting = e === '' ? Number.NaN : Number(e);
  const northing = n === '' ? Number.NaN : Number(n);
  if (!Number.isFinite(easting) || !Number.isFinite(northing)) {
    return `eastings/northings must be numbers in metres, found ${JSON.stringify(e.slice(0, 20))}, ${JSON.stringify(n.slice(0, 20))}`;
  }
  if (!isWithinBng(easting, northing)) {
    return `eastings/northings (${easting}, ${northing}) are outside the British National Grid`;
  }
  return bngToWgs84(easting, northing);
}

// ---------------------------------------------------------------------------------------------
// ONSPD / NSPL

/** lat 99.999999 marks "no grid reference" in ONSPD/NSPL; anything above 90 is that sentinel. */
const NO_LOCATION_LAT = 90;

function onsLayout(path: string, format: 'onspd' | 'nspl', header: readonly string[]): Layout {
  const names = header.map((f) => f.trim().toLowerCase());
  const find = (name: string) => names.indexOf(name);
  const postcodeColumns = ['pcds', 'pcd', 'pcd2'].map(find).filter((i) => i >= 0);
  const lat = find('lat');
  const long = find('long');
  const doterm = find('doterm');
  const osgrdind = find('osgrdind');
  if (postcodeColumns.length === 0 || lat < 0 || long < 0 || doterm < 0) {
    const label = format === 'onspd' ? 'ONSPD' : 'NSPL';
    const hint = parsePostcode(header[0] ?? '').ok
      ? ' The first line looks like a data row: Code-Point Open has no header (use --format codepoint).'
      : '';
    throw new PostcodeImportFormatError(
      `${path} is not an ${label} file: its header must include the columns pcds (or pcd or pcd2), lat, long ` +
        `and doterm; found ${describeColumns(header)}.${hint}`,
    );
  }
  const columns = [...postcodeColumns, lat, long, doterm, ...(osgrdind >= 0 ? [osgrdind] : [])];
  const pcCount = postcodeColumns.length;
  return layout(columns, (fields) => {
    let raw = '';
    for (let i = 0; i < pcCount && raw.trim() === ''; i++) raw = fields[i]!;
    const parsed = parsePostcode(raw);
    if (!parsed.ok) return `postcode ${JSON.stringify(raw.slice(0, 20))}: ${parsed.reason}`;
    const postcode = parsed.postcode;
    const term = fields[pcCount + 2]!.trim();
    let terminated: string | undefined;
    if (term !== '') {
      if (!/^[0-9]{4}(?:0[1-9]|1[0-2])$/.test(term)) {
        return `${postcode}: doterm must be YYYYMM or empty, found ${JSON.stringify(term.slice(0, 20))}`;
      }
      terminated = `${term.slice(0, 4)}-${term.slice(4)}`;
    }
    const location = onsLocation(
      fields[pcCount]!.trim(),
      fields[pcCount + 1]!.trim(),
      fields[pcCount + 3]?.trim(),
    );
    if (typeof location === 'string') return `${postcode}: ${location}`;
    return terminated === undefined
      ? { postcode, location, status: 'live' }
      : { postcode, location, status: 'terminated', terminated };
  });
}

function onsLocation(
  latText: string,
  lngText: string,
  gridIndicator: string | undefined,
): LatLng | null | string {
  if (gridIndicator === '9') return null;
  if (latText === '' && lngText === '') return null;
  const lat = latText === '' ? Number.NaN : Number(latText);
  const lng = lngText === '' ? Number.NaN : Number(lngText);
  if (!Number.isFinite(lat) || !Number.isFinite(lng)) {
    return `lat/long must be decimal degrees, found ${JSON.stringify(latText.slice(0, 20))}, ${JSON.stringify(lngText.slice(0, 20))}`;
  }
  if (lat > NO_LOCATION_LAT) return null;
  if (lat < -90 || lng < -180 || lng > 180) return `lat/long (${lat}, ${lng}) are not WGS84 degrees`;
  return { lat, lng };
}

// ---------------------------------------------------------------------------------------------
// CSV

/** A layout reading `columns` (in that order) into the fields handed to `read`. */
function layout(columns: readonly number[], read: RowReader): Layout {
  const lastColumn = Math.max(...columns);
  const wanted = new Int16Array(lastColumn + 1).fill(-1);
  columns.forEach((column, slot) => {
    wanted[column] = slot;
  });
  return { wanted, lastColumn, slots: columns.length, read };
}

function describeColumns(fields: readonly string[]): string {
  const shown = fields.slice(0, 12).map((f) => f.trim().slice(0, 30));
  return `${shown.join(', ')}${fields.length > 12 ? `, … (${fields.length} columns)` : ''}`;
}

function splitAll(line: string): string[] {
  const count = line.split(',').length; // an upper bound: quoted commas only make fewer columns
  const wanted = new Int16Array(count).map((_, i) => i);
  const out = new Array<string>(count).fill('');
  const columns = pickColumns(line, wanted, count - 1, out);
  return out.slice(0, Math.max(columns, 0));
}

/**
 * Reads one CSV line (RFC 4180 quoting: `"a,b"`, `"say ""hi"""`), storing column c into
 * `out[wanted[c]]` when that is >= 0, and stopping after `lastColumn`: ONSPD rows have ~55 columns
 * and only a few are needed. Returns the number of columns seen, or -1 for broken quoting.
 */
export function pickColumns(line: string, wanted: Int16Array, lastColumn: number, out: string[]): number {
  const n = line.length;
  let i = 0;
  let column = 0;
  for (;;) {
    const slot = column < wanted.length ? wanted[column]! : -1;
    if (line.charCodeAt(i) === 34) {
      let value = '';
      let start = i + 1;
      for (;;) {
        const quote = line.indexOf('"', start);
        if (quote < 0) return -1;
        if (line.charCodeAt(quote + 1) === 34) {
          value += line.slice(start, quote + 1);
          start = quote + 2;
          continue;
        }
        value += line.slice(start, quote);
        i = quote + 1;
        break;
      }
      if (i < n && line.charCodeAt(i) !== 44) return -1;
      if (slot >= 0) out[slot] = value;
    } else {
      let comma = line.indexOf(',', i);
      if (comma < 0) comma = n;
      if (slot >= 0) out[slot] = line.slice(i, comma);
      i = comma;
    }
    column++;
    if (column > lastColumn || i >= n) return column;
    i++; // the comma
  }
}
