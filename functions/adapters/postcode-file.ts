// Reads a postcode file of any supported format into directory records: the one reader behind
// `catchments load-postcodes` and the admin API's ingest of an uploaded national directory.

import type { PostcodeRecord } from '../core/model.js';
import { readDirectoryFile } from './directory-file.js';
import { readPostcodeRows } from './national-sample/sources.js';
import { importPostcodes, POSTCODE_SOURCE_FORMATS, type PostcodeSourceFormat } from './postcode-import.js';

/** points: a headed CSV with postcode, lat, lng (gb-postcodes.csv.gz); directory: import-postcodes' output. */
export const POSTCODE_FILE_FORMATS = ['points', 'directory', ...POSTCODE_SOURCE_FORMATS] as const;
export type PostcodeFileFormat = (typeof POSTCODE_FILE_FORMATS)[number];

export const isPostcodeFileFormat = (value: string): value is PostcodeFileFormat =>
  (POSTCODE_FILE_FORMATS as readonly string[]).includes(value);

/** Every postcode of the file (plain or gzipped), once each (a postcode listed twice keeps its first row). */
export async function readPostcodeFile(
  file: string,
  format: PostcodeFileFormat,
  onRows?: (rows: number) => void,
): Promise<PostcodeRecord[]> {
  if (format === 'points') {
    const records: PostcodeRecord[] = [];
    const seen = new Set<string>();
    await readPostcodeRows(
      file,
      (row) => {
        if (seen.has(row.postcode)) return;
        seen.add(row.postcode);
        records.push({ postcode: row.postcode, location: { lat: row.lat, lng: row.lng }, status: 'live' });
      },
      (rows) => onRows?.(rows),
    );
    return records;
  }
  if (format === 'directory') return [...(await readDirectoryFile(file)).records()];
  const { records } = await importPostcodes(file, {
    format: format as PostcodeSourceFormat,
    ...(onRows ? { onProgress: (rows: number) => onRows(rows) } : {}),
  });
  return records;
}
