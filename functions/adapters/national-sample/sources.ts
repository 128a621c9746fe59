// Reads the two open-data files the national sample is generated from: the LSOA layer (GeoJSON,
// gzipped or not; each LSOA names its district) and a national postcode file (a headed CSV with
// postcode, lat, lng and optionally admin_district_code, gzipped or not — the form of
// `gb-postcodes.csv.gz`). The postcode CSV is streamed (1.7 M rows never sit in memory as text);
// `readPostcodeRows` is the one place that parses it.
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip, gunzipSync } from 'node:zlib';
import type { PostcodeRow, RoutingLsoa } from '../../core/national-sample/postcode-routing.js';
import { parsePostcode } from '../../core/postcode.js';
import { isGzipFile, splitCsvLine } from '../csv.js';
import { isGzip } from '../directory-file.js';

/** A source file that is not what the national sample needs: the message says what to do. */
export class NationalSourceError extends Error {
  readonly code = 'invalid-national-source';
  override readonly name = 'NationalSourceError';
}

export interface LsoaProperties {
  /** Property with the LSOA code (default `LSOA11CD`). */
  readonly id: string;
  /** Property with the LSOA name, "<district name> <number>" (default `LSOA11NM`). */
  readonly name: string;
  /** Property with the district code (default `lad`). */
  readonly district: string;
}

export const DEFAULT_LSOA_PROPERTIES: LsoaProperties = { id: 'LSOA11CD', name: 'LSOA11NM', district: 'lad' };

/** Every LSOA of the layer. Throws NationalSourceError naming the first bad feature. */
export async function readLsoaLayer(
  file: string,
  props: LsoaProperties = DEFAULT_LSOA_PROPERTIES,
): Promise<RoutingLsoa[]> {
  const raw = await readFile(file);
  // Sync on purpose: the async gunzip keeps its ~100 MB of output buffers alive well after use.
  const text = (isGzip(raw) ? gunzipSync(raw) : raw).toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new NationalSourceError(
      `${file} is not JSON (${(error as Error).message}): give the LSOA GeoJSON.`,
    );
  }
  const features = (parsed as { type?: unknown; features?: unknown })?.features;
  if ((parsed as { type?: unknown })?.type !== 'FeatureCollection' || !Array.isArray(features)) {
    throw new NationalSourceError(`${file} is not a GeoJSON FeatureCollection: give the LSOA layer.`);
  }
  const seen = new Set<string>();
  return features.map((f: unknown, i: number): RoutingLsoa => {
    const feature = f as { properties?: Record<string, unknown>; geometry?: { type?: unknown } };
    const p = feature?.properties ?? {};
    const [code, name, district] = [p[props.id], p[props.name], p[props.district]];
    if (
      typeof code !== 'string' ||
      typeof name !== 'string' ||
      typeof district !== 'string' ||
      !code ||
      !district
    ) {
      throw new NationalSourceError(
        `${file}: feature #${i} lacks string properties "${props.id}", "${props.name}" and "${props.district}" ` +
          '(the LSOA code, its name and its district code); name the properties with --lsoa-id, --lsoa-name, --district-property.',
      );
    }
    const type = feature.geometry?.type;
    if (type !== 'Polygon' && type !== 'MultiPolygon') {
      throw new NationalSourceError(
        `${file}: LSOA ${code} has a ${String(type)} geometry, not a (Multi)Polygon.`,
      );
    }
    if (seen.has(code)) throw new NationalSourceError(`${file}: LSOA ${code} appears twice.`);
    seen.add(code);
    return { code, name, district, geometry: feature.geometry as RoutingLsoa['geometry'] };
  });
}

export interface PostcodeReadCounts {
  readonly rows: number;
  /** Rows with empty coordinates (Code-Point has no grid reference for a few hundred). */
  readonly withoutLocation: number;
  /** Rows that are not a postcode with WGS84 coordinates. */
  readonly rejected: number;
  readonly rejectedExamples: readonly string[];
}

/**
 * Streams the postcode CSV, calling `onRow` for every located row with a valid postcode and
 * `onProgress` every 50,000 rows. Throws NationalSourceError when the header lacks a needed column.
 */
export async function readPostcodeRows(
  file: string,
  onRow: (row: PostcodeRow) => void,
  onProgress?: (rows: number) => void,
): Promise<PostcodeReadCounts> {
  let columns: { pc: number; lat: number; lng: number; district: number } | null = null;
  let count = 0;
  let withoutLocation = 0;
  let rejected = 0;
  const examples: string[] = [];
  const reject = (line: number, why: string) => {
    rejected++;
    if (examples.length < 5) examples.push(`line ${line}: ${why}`);
  };
  await forEachLine(file, (text, line) => {
    if (columns === null) {
      const header = splitCsvLine(text.replace(/^\uFEFF/, '')).map((h) => h.trim().toLowerCase());
      const [pc, lat, lng, district] = ['postcode', 'lat', 'lng', 'admin_district_code'].map((name) =>
        header.indexOf(name),
      ) as [number, number, number, number];
      if (pc < 0 || lat < 0 || lng < 0) {
        throw new NationalSourceError(
          `${file} has columns ${header.slice(0, 8).join(', ')}: the postcode file needs postcode, lat and ` +
            'lng (WGS84), and optionally admin_district_code, as in gb-postcodes.csv.gz.',
        );
      }
      columns = { pc, lat, lng, district };
      return;
    }
    if (text.trim() === '') return;
    count++;
    if (count % 50_000 === 0) onProgress?.(count);
    let fields: string[];
    try {
      fields = text.includes('"') ? splitCsvLine(text) : text.split(',');
    } catch (error) {
      reject(line, (error as Error).message);
      return;
    }
    const latText = fields[columns.lat] ?? '';
    const lngText = fields[columns.lng] ?? '';
    if (latText === '' && lngText === '') {
      withoutLocation++;
      return;
    }
    const parsed = parsePostcode(fields[columns.pc] ?? '');
    if (!parsed.ok) {
      reject(line, `"${fields[columns.pc]}" is not a postcode`);
      return;
    }
    const y = Number(latText);
    const x = Number(lngText);
    if (!Number.isFinite(y) || !Number.isFinite(x) || Math.abs(y) > 90 || Math.abs(x) > 180) {
      reject(line, `lat "${latText}", lng "${lngText}" are not WGS84 degrees`);
      return;
    }
    const district = columns.district >= 0 ? fields[columns.district] || null : null;
    onRow({ postcode: parsed.postcode, lat: y, lng: x, district });
  });
  if (columns === null) throw new NationalSourceError(`${file} is empty: expected a header row.`);
  onProgress?.(count);
  return { rows: count, withoutLocation, rejected, rejectedExamples: examples };
}

/**
 * Calls `onLine` for every line (1-based numbers; LF or CRLF), gunzipping when the file is gzip.
 * Chunks are split by hand: an async step per line (readline) costs three times as long on 1.7 M rows.
 */
async function forEachLine(file: string, onLine: (text: string, line: number) => void): Promise<void> {
  const raw = createReadStream(file, { highWaterMark: 1 << 20 });
  const stream = (await isGzipFile(file)) ? raw.pipe(createGunzip({ chunkSize: 1 << 20 })) : raw;
  const decoder = new StringDecoder('utf8');
  let rest = '';
  let line = 0;
  const emit = (text: string) => onLine(text.endsWith('\r') ? text.slice(0, -1) : text, ++line);
  try {
    for await (const chunk of stream) {
      const text = rest + decoder.write(chunk as Buffer);
      let start = 0;
      for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
        emit(text.slice(start, nl));
        start = nl + 1;
      }
      rest = text.slice(start);
    }
    rest += decoder.end();
    if (rest !== '') emit(rest);
  } finally {
    raw.destroy();
  }
}
