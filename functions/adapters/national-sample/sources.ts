// Reads the two open-data files the national sample is generated from: the LSOA layer (GeoJSON,
// gzipped or not, or a zipped Shapefile: layer-file.ts; each LSOA names its district) and a national
// postcode file (a headed CSV with postcode, lat, lng and optionally admin_district_code, gzipped or
// not — the form of `gb-postcodes.csv.gz`), streamed through the project's CSV module so 1.7 M rows
// never sit in memory as text.

import type { PostcodeRow, RoutingLsoa } from '../../core/national-sample/postcode-routing.js';
import { parsePostcode } from '../../core/postcode.js';
import { type CsvTable, openInput, readCsv } from '../csv.js';
import { readLayerFile } from '../layer-file.js';

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
  // GeoJSON (gzip or not) or a zipped Shapefile, read as every layer is (gunzipped synchronously,
  // which also frees its buffers at once: the async gunzip held ~100 MB well after use).
  const parsed = (await readLayerFile(file)).json;
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
 * Streams the postcode CSV, calling `onRow` for every located row with a valid postcode, and
 * `onProgress` with the file's bytes read so far (compressed bytes when gzipped) as it goes.
 * Throws NationalSourceError when the header lacks a needed column, CsvFormatError on a broken row.
 */
export async function readPostcodeRows(
  file: string,
  onRow: (row: PostcodeRow) => void,
  onProgress?: (bytesRead: number) => void,
): Promise<PostcodeReadCounts> {
  const source = await openInput(file);
  try {
    return await readRows(await readCsv(source), onRow, onProgress);
  } finally {
    source.close();
  }
}

async function readRows(
  table: CsvTable,
  onRow: (row: PostcodeRow) => void,
  onProgress?: (bytesRead: number) => void,
): Promise<PostcodeReadCounts> {
  const header = table.header.map((h) => h.toLowerCase());
  const [pc, lat, lng, district] = ['postcode', 'lat', 'lng', 'admin_district_code'].map((name) =>
    header.indexOf(name),
  ) as [number, number, number, number];
  if (pc < 0 || lat < 0 || lng < 0) {
    throw new NationalSourceError(
      `${table.source.name} has columns ${table.header.slice(0, 8).join(', ')}: the postcode file needs ` +
        'postcode, lat and lng (WGS84), and optionally admin_district_code, as in gb-postcodes.csv.gz.',
    );
  }
  let count = 0;
  let withoutLocation = 0;
  let rejected = 0;
  const examples: string[] = [];
  const reject = (why: string) => {
    rejected++;
    if (examples.length < 5) examples.push(`row ${count}: ${why}`);
  };
  for await (const batch of table.batches()) {
    for (const fields of batch.rows) {
      count++;
      const latText = fields[lat] ?? '';
      const lngText = fields[lng] ?? '';
      if (latText === '' && lngText === '') {
        withoutLocation++;
        continue;
      }
      const parsed = parsePostcode(fields[pc] ?? '');
      if (!parsed.ok) {
        reject(`"${fields[pc]}" is not a postcode`);
        continue;
      }
      const y = Number(latText);
      const x = Number(lngText);
      if (!Number.isFinite(y) || !Number.isFinite(x) || Math.abs(y) > 90 || Math.abs(x) > 180) {
        reject(`lat "${latText}", lng "${lngText}" are not WGS84 degrees`);
        continue;
      }
      onRow({
        postcode: parsed.postcode,
        lat: y,
        lng: x,
        district: district >= 0 ? fields[district] || null : null,
      });
    }
    onProgress?.(table.source.bytesRead());
  }
  return { rows: count, withoutLocation, rejected, rejectedExamples: examples };
}
