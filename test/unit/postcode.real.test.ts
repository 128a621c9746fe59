// Real open data (CATCHMENTS_REAL_DATA, e.g. ../shared/data): every GB postcode, and the
// Gloucestershire Code-Point extract whose published lat/lng columns are the oracle for the
// eastings/northings conversion.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { importPostcodes } from '../../functions/adapters/postcode-import.js';
import type { PostcodeRecord } from '../../functions/core/model.js';
import { normalisePostcode, parsePostcode } from '../../functions/core/postcode.js';
import { encodeDirectoryCsv, PostcodeDirectory } from '../../functions/core/postcode-directory.js';
import { PostcodeKeyIndex } from '../../functions/core/postcode-key-index.js';

const dataDir = process.env.CATCHMENTS_REAL_DATA!;
const data = (name: string) => path.join(dataDir, name);

/** Rows of a headed CSV without quoted fields (true of these files) as objects. */
function readRows(text: string): Record<string, string>[] {
  const lines = text.split('\n').filter((line) => line !== '');
  const header = lines[0]!.split(',');
  return lines.slice(1).map((line) => {
    const cells = line.split(',');
    return Object.fromEntries(header.map((name, i) => [name, cells[i] ?? '']));
  });
}

describe('all 1,745,849 GB postcodes (Code-Point Open Oct 2025)', () => {
  const text = gunzipSync(readFileSync(data('gb-postcodes.csv.gz'))).toString('utf8');
  const lines = text.split('\n').filter((line) => line !== '');
  const rows = lines.slice(1).map((line) => line.split(','));

  it('parsePostcode accepts every one, as typed, compact and lower-case', () => {
    expect(lines[0]).toBe('postcode,lat,lng,admin_district_code');
    expect(rows).toHaveLength(1_745_849);
    const rejected: string[] = [];
    for (const [postcode] of rows) {
      const canonical = parsePostcode(postcode);
      const messy = parsePostcode(postcode!.replace(' ', '').toLowerCase());
      if (!canonical.ok || canonical.postcode !== postcode || !messy.ok || messy.postcode !== postcode) {
        rejected.push(postcode!);
      }
    }
    expect(rejected.slice(0, 20)).toEqual([]);
    expect(rejected).toHaveLength(0);
  }, 120_000);

  it('normalisePostcode leaves every canonical postcode unchanged', () => {
    expect(rows.filter(([postcode]) => normalisePostcode(postcode!) !== postcode).length).toBe(0);
  });

  it('keys every one distinctly, and the key index finds each as typed, compact and lower-case', () => {
    const index = new PostcodeKeyIndex<number>(rows.length);
    rows.forEach(([postcode], i) => {
      index.set(postcode!, i);
    });
    expect(index.size).toBe(rows.length); // no two postcodes share a key
    const missed = rows.filter(([postcode], i) => {
      const messy = postcode!.replace(' ', i % 2 === 0 ? '' : '\u00a0').toLowerCase();
      return index.get(postcode!) !== i || index.get(messy) !== i;
    });
    expect(missed.slice(0, 5)).toEqual([]);
  }, 120_000);

  it('round-trips through the directory format with every record intact', () => {
    const records: PostcodeRecord[] = rows.map(([postcode, lat, lng]) => ({
      postcode: postcode!,
      location: lat === '' ? null : { lat: Number(lat), lng: Number(lng) },
      status: 'live',
    }));
    const encoded = encodeDirectoryCsv(records);
    const directory = PostcodeDirectory.fromCsv(encoded);
    expect(directory.counts).toEqual({
      total: 1_745_849,
      live: 1_745_849,
      terminated: 0,
      withoutLocation: 836,
    });
    const mismatches = records.filter((r) => {
      const got = directory.get(r.postcode);
      return got?.location?.lat !== r.location?.lat || got?.location?.lng !== r.location?.lng;
    });
    expect(mismatches.slice(0, 5)).toEqual([]);
    let previous = '';
    let inOrder = 0;
    for (const record of directory) {
      if (record.postcode > previous) inOrder++;
      previous = record.postcode;
    }
    expect(inOrder).toBe(records.length); // iteration is in strictly increasing postcode order
  }, 120_000);
});

describe.each([
  ['gloucestershire-postcodes.csv', 22_019],
  ['gloucestershire-postcodes-2014.csv', 20_412],
])('Code-Point import of %s (headed variant)', (file, expectedRows) => {
  it('converts every row to within 1e-6° of the lat/lng published beside its eastings/northings', async () => {
    const { records, summary } = await importPostcodes(data(file), { format: 'codepoint' });
    expect(summary).toMatchObject({
      rowsRead: expectedRows,
      imported: expectedRows,
      rejected: 0,
      withoutLocation: 0,
    });
    const published = new Map(readRows(readFileSync(data(file), 'utf8')).map((row) => [row.postcode, row]));
    expect(published.size).toBe(expectedRows);
    let worst = 0;
    for (const record of records) {
      const row = published.get(record.postcode)!;
      expect(row, record.postcode).toBeDefined();
      worst = Math.max(
        worst,
        Math.abs(record.location!.lat - Number(row.lat)),
        Math.abs(record.location!.lng - Number(row.lng)),
      );
    }
    expect(worst).toBeLessThanOrEqual(1e-6);
  }, 120_000);
});
