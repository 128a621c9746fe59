import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import {
  importPostcodes,
  PostcodeImportFormatError,
  type PostcodeImportResult,
  pickColumns,
} from '../../functions/adapters/postcode-import.js';
import type { PostcodeRecord } from '../../functions/core/model.js';

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/postcodes');
const fixture = (name: string) => path.join(fixtures, name);
const tmp = mkdtempSync(path.join(tmpdir(), 'postcode-import-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function tmpFile(name: string, content: string | Buffer): string {
  const file = path.join(tmp, name);
  writeFileSync(file, content);
  return file;
}

function byPostcode(result: PostcodeImportResult): Map<string, PostcodeRecord> {
  return new Map(result.records.map((r) => [r.postcode, r]));
}

/** Expected positions: the lat/lng published beside each row in gloucestershire-postcodes.csv. */
const PUBLISHED: Record<string, [number, number]> = {
  'GL1 1AD': [51.865133, -2.243699],
  'GL50 1AD': [51.893627, -2.077393],
  'GL16 8PB': [51.808116, -2.678258],
  'NP16 7AA': [51.640323, -2.658974],
  'GL1 9TD': [51.864198, -2.252117],
};

function expectNear(
  record: PostcodeRecord | undefined,
  [lat, lng]: [number, number],
  tolerance = 1e-6,
): void {
  expect(record?.location).not.toBeNull();
  expect(Math.abs(record!.location!.lat - lat)).toBeLessThanOrEqual(tolerance);
  expect(Math.abs(record!.location!.lng - lng)).toBeLessThanOrEqual(tolerance);
}

describe('Code-Point Open (product CSV, no header)', async () => {
  const result = await importPostcodes(fixture('codepoint-raw.csv'), { format: 'codepoint' });
  const records = byPostcode(result);

  it('imports the 7-character postcodes in canonical form, all live', () => {
    expect([...records.keys()]).toEqual([
      'GL1 1AD',
      'GL50 1AD',
      'GL16 8PB',
      'NP16 7AA',
      'GL1 9TD',
      'B1 1BB',
      'AB43 1AJ',
    ]);
    expect(result.records.every((r) => r.status === 'live' && r.terminated === undefined)).toBe(true);
  });

  it('converts eastings/northings to the published WGS84 positions', () => {
    for (const [postcode, expected] of Object.entries(PUBLISHED)) expectNear(records.get(postcode), expected);
    // B1 1BB's grid reference was derived from its published position to the nearest metre (~1e-5°).
    expectNear(records.get('B1 1BB'), [52.480418, -1.903454], 1e-5);
  });

  it('keeps the quality-90 row (0,0) with no location', () => {
    expect(records.get('AB43 1AJ')).toEqual({ postcode: 'AB43 1AJ', location: null, status: 'live' });
  });

  it('counts and reports every bad row with its line number', () => {
    const { rejectedExamples, ...counts } = result.summary;
    expect(counts).toEqual({
      rowsRead: 11,
      imported: 7,
      live: 7,
      terminated: 0,
      withoutLocation: 1,
      rejected: 4,
    });
    const file = fixture('codepoint-raw.csv');
    expect(rejectedExamples.map(({ file: f, line, reason }) => ({ f, line, reason }))).toEqual([
      {
        f: file,
        line: 8,
        reason: expect.stringMatching(/^postcode "GL1 1CX": the last two letters are never C/),
      },
      {
        f: file,
        line: 9,
        reason: expect.stringMatching(/^GL1 1AE: eastings\/northings must be numbers in metres, found "abc"/),
      },
      {
        f: file,
        line: 10,
        reason: 'GL1 1AG: eastings/northings (800000, 218436) are outside the British National Grid',
      },
      { f: file, line: 11, reason: 'GL1 1AD is listed twice; the first one (line 1) was imported' },
    ]);
    expect(rejectedExamples[0]!.text).toMatch(/^"GL1 1CX",10,383316/);
  });
});

describe('Code-Point Open (headed variant)', async () => {
  const result = await importPostcodes(fixture('codepoint-headed.csv'), { format: 'codepoint' });
  const records = byPostcode(result);

  it('finds the columns by name and converts eastings/northings, not the lat/lng columns', () => {
    for (const [postcode, expected] of Object.entries(PUBLISHED)) {
      if (postcode !== 'NP16 7AA') expectNear(records.get(postcode), expected);
    }
    expect(records.get('AB43 1AJ')?.location).toBeNull();
    expect(result.summary).toMatchObject({ rowsRead: 6, imported: 5, withoutLocation: 1, rejected: 1 });
    expect(result.summary.rejectedExamples[0]).toMatchObject({
      line: 7,
      reason: expect.stringMatching(/^postcode "GL50 1A"/),
    });
  });

  it('also reads OS short column names (PC, EA, NO) in any order', async () => {
    const file = tmpFile('short-names.csv', 'NO,EA,PQ,PC\n218534,383316,10,GL1 1AD\n');
    const {
      records: [record],
    } = await importPostcodes(file, { format: 'codepoint' });
    expectNear(record, PUBLISHED['GL1 1AD']!);
  });
});

describe('ONSPD', async () => {
  const result = await importPostcodes(fixture('onspd.csv'), { format: 'onspd' });
  const records = byPostcode(result);

  it('reads live, terminated and no-location postcodes', () => {
    expect(records.get('GL1 1AD')).toEqual({
      postcode: 'GL1 1AD',
      location: { lat: 51.865133, lng: -2.243699 },
      status: 'live',
    });
    expect(records.get('GL1 1DA')).toEqual({
      postcode: 'GL1 1DA',
      location: { lat: 51.863968, lng: -2.237056 },
      status: 'terminated',
      terminated: '2018-06',
    });
    expect(records.get('AB43 1AJ')).toEqual({ postcode: 'AB43 1AJ', location: null, status: 'live' });
    expect(records.get('GL2 9ZZ')).toEqual({
      postcode: 'GL2 9ZZ',
      location: null,
      status: 'terminated',
      terminated: '2005-12',
    });
  });

  it('parses quoted fields holding commas and doubled quotes without shifting columns', () => {
    expect(records.get('GL1 1AE')?.location).toEqual({ lat: 51.860097, lng: -2.248347 });
    expect(records.get('GL1 1AG')?.location).toEqual({ lat: 51.864247, lng: -2.245931 });
  });

  it('counts and reports the bad rows', () => {
    const { rejectedExamples, ...counts } = result.summary;
    expect(counts).toEqual({
      rowsRead: 11,
      imported: 8,
      live: 5,
      terminated: 3,
      withoutLocation: 2,
      rejected: 3,
    });
    expect(rejectedExamples.map((r) => [r.line, r.reason])).toEqual([
      [10, expect.stringMatching(/^postcode "GL1 1CX": the last two letters are never C/)],
      [11, 'GL1 1AH: doterm must be YYYYMM or empty, found "2018-6"'],
      [12, 'a quoted field is not closed, or a closing quote is not followed by a comma'],
    ]);
  });

  it('takes pcd when there is no pcds column', async () => {
    const file = tmpFile(
      'pcd-only.csv',
      '"pcd","doterm","lat","long"\n"GL501AD","","51.893627","-2.077393"\n"GL1  1AD","","51.865133","-2.243699"\n',
    );
    const { records: list } = await importPostcodes(file, { format: 'onspd' });
    expect(list.map((r) => r.postcode)).toEqual(['GL50 1AD', 'GL1 1AD']);
  });
});

describe('NSPL', async () => {
  const result = await importPostcodes(fixture('nspl.csv'), { format: 'nspl' });
  const records = byPostcode(result);

  it('reads a BOM, CRLF line ends and an upper-case header', () => {
    expect([...records.keys()]).toEqual(['GL1 1AD', 'GL16 8PB', 'GL1 1DA', 'GL2 9ZZ']);
    expect(records.get('GL16 8PB')?.location).toEqual({ lat: 51.808116, lng: -2.678258 });
    expect(records.get('GL1 1DA')).toMatchObject({ status: 'terminated', terminated: '2018-06' });
    expect(records.get('GL2 9ZZ')).toMatchObject({ status: 'terminated', location: null });
  });

  it('rejects a row with lat missing but long given', () => {
    expect(result.summary).toMatchObject({ rowsRead: 5, imported: 4, rejected: 1 });
    expect(result.summary.rejectedExamples[0]).toMatchObject({
      line: 6,
      reason: 'GL1 1AN: lat/long must be decimal degrees, found "", "-2.250126"',
    });
  });
});

describe('compressed input', () => {
  it('reads gzip by its magic bytes, whatever the file is called', async () => {
    const plain = await importPostcodes(fixture('onspd.csv'), { format: 'onspd' });
    const gz = tmpFile('onspd.csv.gz', gzipSync(readFileSync(fixture('onspd.csv'))));
    const disguised = tmpFile('onspd-really-gzip.csv', gzipSync(readFileSync(fixture('onspd.csv'))));
    const withoutFile = ({ records, summary }: PostcodeImportResult) => ({
      records,
      summary: { ...summary, rejectedExamples: summary.rejectedExamples.map(({ file: _f, ...row }) => row) },
    });
    expect(withoutFile(await importPostcodes(gz, { format: 'onspd' }))).toEqual(withoutFile(plain));
    expect(withoutFile(await importPostcodes(disguised, { format: 'onspd' }))).toEqual(withoutFile(plain));
    expect(plain.records).toHaveLength(8);
    const codepoint = tmpFile('cp.gz', gzipSync(readFileSync(fixture('codepoint-raw.csv'))));
    expect((await importPostcodes(codepoint, { format: 'codepoint' })).summary.imported).toBe(7);
  });

  it('fails clearly on damaged gzip data', async () => {
    const whole = gzipSync(readFileSync(fixture('onspd.csv')));
    const damaged = Buffer.from(whole);
    damaged.fill(0x55, 20, 200);
    const file = tmpFile('damaged.csv.gz', damaged);
    await expect(importPostcodes(file, { format: 'onspd' })).rejects.toThrow(/the gzip data is damaged/);
  });

  it('tells the user to unzip a zip archive', async () => {
    const file = tmpFile('codepo_gb.zip', Buffer.from('PK\u0003\u0004rest-of-a-zip'));
    await expect(importPostcodes(file, { format: 'codepoint' })).rejects.toThrow(
      /is a zip archive: unzip it first/,
    );
  });
});

describe('files not of the stated format', () => {
  it.each([
    ['onspd.csv', 'codepoint', /does not look like Code-Point Open: line 1 is neither a data row/],
    [
      'codepoint-raw.csv',
      'onspd',
      /is not an ONSPD file: its header must include the columns pcds \(or pcd or pcd2\), lat, long and doterm; found GL1 1AD, 10, 383316.*use --format codepoint/,
    ],
    [
      'codepoint-headed.csv',
      'nspl',
      /is not an NSPL file: its header must include .* found postcode, lat, lng, eastings, northings/,
    ],
  ] as const)('%s as %s', async (name, format, message) => {
    const error = await importPostcodes(fixture(name), { format }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PostcodeImportFormatError);
    expect((error as Error).message).toMatch(message);
  });

  it('names the expected Code-Point columns when the header lacks them', async () => {
    const file = tmpFile(
      'gb-like.csv',
      'postcode,lat,lng,admin_district_code\nGL1 1AD,51.865133,-2.243699,E07000081\n',
    );
    await expect(importPostcodes(file, { format: 'codepoint' })).rejects.toThrow(
      /has a header but not the Code-Point columns: expected postcode, eastings and northings, found postcode, lat, lng, admin_district_code/,
    );
  });

  it('rejects an empty file and an unknown format', async () => {
    await expect(importPostcodes(tmpFile('empty.csv', '\n\n'), { format: 'onspd' })).rejects.toThrow(
      /is empty/,
    );
    await expect(
      importPostcodes(fixture('onspd.csv'), { format: 'csv' as unknown as 'onspd' }),
    ).rejects.toThrow(/unknown format "csv": use codepoint, onspd, nspl/);
  });

  it('passes file-system errors through (missing file)', async () => {
    await expect(importPostcodes(path.join(tmp, 'missing.csv'), { format: 'onspd' })).rejects.toMatchObject({
      code: 'ENOENT',
    });
  });
});

describe('several files and progress', () => {
  it('imports Code-Point area files together, rejecting a postcode repeated in another file', async () => {
    const second = path.join(tmp, 'np.csv');
    writeFileSync(
      second,
      '"NP167AB",10,354601,193751,"E92000001","E19000002","E18000010","E10000013","E07000080","E05012175"\n"GL1 1AD",10,383316,218534,"E92000001","","","","",""\n',
    );
    const result = await importPostcodes([fixture('codepoint-raw.csv'), second], {
      format: 'codepoint',
      maxExamples: 10,
    });
    expect(result.summary).toMatchObject({ rowsRead: 13, imported: 8, rejected: 5 });
    expect(result.summary.rejectedExamples.at(-1)).toEqual({
      file: second,
      line: 2,
      reason: `GL1 1AD is listed twice; the first one (${fixture('codepoint-raw.csv')} line 1) was imported`,
      text: expect.stringMatching(/^"GL1 1AD"/),
    });
    expectNear(
      result.records.find((r) => r.postcode === 'NP16 7AB'),
      [51.640718, -2.657448],
    );
  });

  it('reports progress in rows and file bytes, and keeps only the first few examples', async () => {
    const file = tmpFile('progress.csv', `${'"GL1 1AD",10,383316,218534\n'.repeat(2500)}`);
    const calls: [number, number][] = [];
    const result = await importPostcodes(file, {
      format: 'codepoint',
      progressEvery: 1000,
      maxExamples: 3,
      onProgress: (rowsRead, bytesRead) => calls.push([rowsRead, bytesRead]),
    });
    expect(result.summary).toMatchObject({ rowsRead: 2500, imported: 1, rejected: 2499 });
    expect(result.summary.rejectedExamples.map((r) => r.line)).toEqual([2, 3, 4]);
    expect(calls.map(([rows]) => rows)).toEqual([1000, 2000, 2500]);
    expect(calls.at(-1)![1]).toBe(readFileSync(file).length);
  });
});

describe('pickColumns', () => {
  const all = (line: string, n = 10) => {
    const out = new Array<string>(n).fill('');
    const count = pickColumns(
      line,
      new Int16Array(n).map((_, i) => i),
      n - 1,
      out,
    );
    return count < 0 ? null : out.slice(0, count);
  };

  it('splits RFC 4180 lines', () => {
    expect(all('a,b,c')).toEqual(['a', 'b', 'c']);
    expect(all('"a","b,c",""')).toEqual(['a', 'b,c', '']);
    expect(all('"say ""hi""",x,')).toEqual(['say "hi"', 'x', '']);
    expect(all('')).toEqual(['']);
    expect(all(',,')).toEqual(['', '', '']);
    expect(all('"unterminated,x')).toBeNull();
    expect(all('"closed"junk,x')).toBeNull();
  });

  it('reads only the wanted columns and stops after the last', () => {
    const out = ['', ''];
    const wanted = new Int16Array([-1, 1, -1, 0]);
    expect(pickColumns('a,"b",c,d,e,f', wanted, 3, out)).toBe(4);
    expect(out).toEqual(['d', 'b']);
  });
});
