import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PostcodeRecord } from '../../functions/core/model.js';
import {
  DIRECTORY_CSV_HEADER,
  DirectoryFormatError,
  decodeDirectoryCsv,
  encodeDirectoryCsv,
  PostcodeDirectory,
  roundCoordinate,
} from '../../functions/core/postcode-directory.js';

const live: PostcodeRecord = {
  postcode: 'GL1 1AD',
  location: { lat: 51.865133, lng: -2.243699 },
  status: 'live',
};
const terminated: PostcodeRecord = {
  postcode: 'GL1 1DA',
  location: { lat: 51.863968, lng: -2.237056 },
  status: 'terminated',
  terminated: '2018-06',
};
const noLocation: PostcodeRecord = { postcode: 'AB43 1AJ', location: null, status: 'live' };
const terminatedUndated: PostcodeRecord = { postcode: 'GL2 9ZZ', location: null, status: 'terminated' };
const sample = [live, terminated, noLocation, terminatedUndated];

const sampleCsv = [
  DIRECTORY_CSV_HEADER,
  'AB43 1AJ,,,live,',
  'GL1 1AD,51.865133,-2.243699,live,',
  'GL1 1DA,51.863968,-2.237056,terminated,2018-06',
  'GL2 9ZZ,,,terminated,',
  '',
].join('\n');

function decodeError(text: string): DirectoryFormatError {
  try {
    PostcodeDirectory.fromCsv(text);
  } catch (error) {
    expect(error).toBeInstanceOf(DirectoryFormatError);
    return error as DirectoryFormatError;
  }
  throw new Error('expected the text to be rejected');
}

describe('PostcodeDirectory', () => {
  const directory = PostcodeDirectory.fromRecords(sample);

  it('finds records by canonical postcode and counts them', () => {
    expect(directory.size).toBe(4);
    expect(directory.get('GL1 1AD')).toEqual(live);
    expect(directory.get('GL1 1DA')).toEqual(terminated);
    expect(directory.get('AB43 1AJ')).toEqual(noLocation);
    expect(directory.get('GL2 9ZZ')).toStrictEqual(terminatedUndated);
    expect(directory.get('GL1 1AE')).toBeUndefined();
    expect(directory.get('gl1 1ad')).toBeUndefined(); // get() takes canonical postcodes only
    expect(directory.has('GL1 1AD')).toBe(true);
    expect(directory.counts).toEqual({ total: 4, live: 2, terminated: 2, withoutLocation: 2 });
  });

  it('iterates every record in postcode order', () => {
    const sorted = [noLocation, live, terminated, terminatedUndated];
    expect([...directory]).toStrictEqual(sorted);
    expect([...directory.records()].map((r) => r.postcode)).toEqual([
      'AB43 1AJ',
      'GL1 1AD',
      'GL1 1DA',
      'GL2 9ZZ',
    ]);
  });

  it('answers undefined for anything that is not a canonical postcode, without throwing', () => {
    for (const query of [
      '',
      'GL11AD',
      'GL1  1AD',
      'GL1 1ad',
      'ＧＬ１ １ＡＤ',
      'GL1 1AD ',
      'x'.repeat(1000),
    ]) {
      expect(directory.get(query)).toBeUndefined();
      expect(directory.has(query)).toBe(false);
    }
  });

  it('keeps malformed, well-formed-but-unknown and known-terminated postcodes apart', () => {
    expect(directory.lookup('GL1')).toEqual({
      outcome: 'malformed',
      reason: expect.stringMatching(/first half/),
    });
    expect(directory.lookup('GL1 1AC')).toEqual({
      outcome: 'malformed',
      reason: expect.stringMatching(/never C/),
    });
    expect(directory.lookup(42)).toEqual({ outcome: 'malformed', reason: 'a postcode must be text' });
    expect(directory.lookup('gl1 1ae')).toEqual({ outcome: 'unknown', postcode: 'GL1 1AE' });
    expect(directory.lookup(' gl1\u00a01da ')).toEqual({ outcome: 'terminated', record: terminated });
    expect(directory.lookup('GL29ZZ')).toEqual({ outcome: 'terminated', record: terminatedUndated });
    expect(directory.lookup('ＧＬ１ １ＡＤ')).toEqual({ outcome: 'live', record: live });
    expect(directory.lookup('ab43 1aj')).toEqual({ outcome: 'live', record: noLocation });
  });

  it('rejects duplicates, naming both records', () => {
    expect(() => PostcodeDirectory.fromRecords([live, terminated, { ...live, status: 'live' }])).toThrow(
      /records #0 and #2 are both GL1 1AD: a directory lists each postcode once\. Remove one of them/,
    );
  });

  it('rejects malformed records', () => {
    const bad = (record: unknown) => () => PostcodeDirectory.fromRecords([record as PostcodeRecord]);
    expect(bad({ ...live, postcode: 'gl1 1ad' })).toThrow(
      /record #0: "gl1 1ad" is not a postcode in canonical form/,
    );
    expect(bad({ ...live, location: { lat: 91, lng: 0 } })).toThrow(/location must be WGS84 degrees/);
    expect(bad({ ...live, location: { lat: Number.NaN, lng: 0 } })).toThrow(/location must be WGS84 degrees/);
    expect(bad({ ...live, status: 'dead' })).toThrow(/status must be live or terminated/);
    expect(bad({ ...live, terminated: '2018-06' })).toThrow(/a live postcode has no termination date/);
    expect(bad({ ...terminated, terminated: '201806' })).toThrow(/terminated must be YYYY-MM/);
  });

  it('builds from any iterable, growing past its first guess', () => {
    function* many(): Generator<PostcodeRecord> {
      for (let i = 0; i < 3000; i++) {
        const d = String(i).padStart(4, '0');
        yield {
          postcode: `GL${d.slice(0, 2)} ${d[2]}A${'ABD'[Number(d[3]) % 3]}`,
          location: null,
          status: 'live',
        };
      }
    }
    const unique = new Map([...many()].map((r) => [r.postcode, r]));
    const built = PostcodeDirectory.fromRecords(unique.values());
    expect(built.size).toBe(unique.size);
    for (const [postcode, record] of unique) expect(built.get(postcode)).toEqual(record);
  });
});

describe('encodeDirectoryCsv / decodeDirectoryCsv', () => {
  it('writes the documented format: header, sorted rows, 6 decimals, empty cells for no location', () => {
    expect(encodeDirectoryCsv(sample)).toBe(sampleCsv);
  });

  it('rounds to 6 decimals and never writes negative zero', () => {
    const text = encodeDirectoryCsv([
      { postcode: 'GL1 1AD', location: { lat: 51.12345649, lng: -0.0000001 }, status: 'live' },
    ]);
    expect(text).toBe(`${DIRECTORY_CSV_HEADER}\nGL1 1AD,51.123456,0.000000,live,\n`);
  });

  it('reads back what it wrote', () => {
    expect(decodeDirectoryCsv(sampleCsv)).toEqual([noLocation, live, terminated, terminatedUndated]);
    expect([...PostcodeDirectory.fromCsv(sampleCsv)]).toEqual(decodeDirectoryCsv(sampleCsv));
  });

  it('refuses to encode a postcode twice', () => {
    expect(() => encodeDirectoryCsv([live, terminated, live])).toThrow(/GL1 1AD is listed twice/);
  });

  it('accepts CRLF line ends, a BOM, rows in any order and trailing blank lines', () => {
    const text = `\ufeff${DIRECTORY_CSV_HEADER}\r\nGL1 1DA,51.863968,-2.237056,terminated,2018-06\r\nAB43 1AJ,,,live,\r\n\r\n\n`;
    expect(decodeDirectoryCsv(text)).toEqual([noLocation, terminated]); // always in postcode order
    expect(decodeDirectoryCsv(DIRECTORY_CSV_HEADER)).toEqual([]);
    expect(decodeDirectoryCsv(`${DIRECTORY_CSV_HEADER}\nGL1 1AD,51.865133,-2.243699,live,`)).toEqual([live]);
  });

  it('rejects duplicates with both line numbers and what to do', () => {
    const error = decodeError(`${sampleCsv}GL1 1AD,51,-2,live,\n`);
    expect(error.message).toBe(
      'lines 3 and 6 are both GL1 1AD: a directory lists each postcode once. ' +
        'Remove one of them, or rebuild the file with `catchments import-postcodes`.',
    );
  });

  it.each([
    [
      'postcode,lat,lng,status\n',
      1,
      /line 1: a postcode directory starts with the header "postcode,lat,lng,status,terminated", found "postcode,lat,lng,status"/,
    ],
    ['', 1, /line 1: a postcode directory starts with the header/],
    [`${DIRECTORY_CSV_HEADER}\nGL1 1AD,51.865133,-2.243699,live\n`, 2, /line 2: expected 5 columns/],
    [`${DIRECTORY_CSV_HEADER}\nGL1 1AD,51.865133,-2.243699,live,,\n`, 2, /line 2: expected 5 columns/],
    [
      `${DIRECTORY_CSV_HEADER}\ngl1 1ad,51.865133,-2.243699,live,\n`,
      2,
      /line 2: "gl1 1ad" is not a postcode in canonical form/,
    ],
    [`${DIRECTORY_CSV_HEADER}\nGL11AD,51.865133,-2.243699,live,\n`, 2, /not a postcode in canonical form/],
    [
      `${DIRECTORY_CSV_HEADER}\nGL1 1AD,51.865133,,live,\n`,
      2,
      /lat and lng must both be given or both be empty/,
    ],
    [`${DIRECTORY_CSV_HEADER}\nGL1 1AD,51.86x,-2.24,live,\n`, 2, /lat\/lng must be decimal degrees/],
    [`${DIRECTORY_CSV_HEADER}\nGL1 1AD,1e5,-2.24,live,\n`, 2, /lat\/lng must be decimal degrees/],
    [
      `${DIRECTORY_CSV_HEADER}\nGL1 1AD,91.0,-2.24,live,\n`,
      2,
      /lat\/lng must be decimal degrees \(lat -90\.\.90/,
    ],
    [
      `${DIRECTORY_CSV_HEADER}\nGL1 1AD,51.8,-2.2,Live,\n`,
      2,
      /status must be live or terminated, found "Live"/,
    ],
    [
      `${DIRECTORY_CSV_HEADER}\nGL1 1AD,51.8,-2.2,terminated,2018-13\n`,
      2,
      /terminated must be YYYY-MM or empty/,
    ],
    [
      `${DIRECTORY_CSV_HEADER}\nGL1 1AD,51.8,-2.2,live,2018-06\n`,
      2,
      /a live postcode cannot have a termination date/,
    ],
    [
      `${DIRECTORY_CSV_HEADER}\nGL1 1AD,51.8,-2.2,live,\n\nGL1 1AE,51.8,-2.2,live,\n`,
      3,
      /line 3: blank line inside/,
    ],
  ])('rejects malformed content: %j', (text, line, message) => {
    const error = decodeError(text);
    expect(error.message).toMatch(message);
    expect(error.line).toBe(line);
  });

  // Records as the importers make them: full-precision coordinates, any order.
  const recordArb = fc
    .tuple(
      fc.constantFrom('GL', 'NP', 'B', 'EC', 'W'),
      fc.integer({ min: 0, max: 99 }),
      fc.constantFrom('', 'A'),
      fc.integer({ min: 0, max: 9 }),
      fc.constantFrom(...'ABDEFGHJLNPQRSTUWXYZ'.split('')),
      fc.constantFrom(...'ABDEFGHJLNPQRSTUWXYZ'.split('')),
      fc.option(
        fc.record({
          lat: fc.double({ min: -90, max: 90, noNaN: true }),
          lng: fc.double({ min: -180, max: 180, noNaN: true }),
        }),
      ),
      fc.option(fc.tuple(fc.integer({ min: 1980, max: 2099 }), fc.integer({ min: 1, max: 12 })), {
        nil: undefined,
      }),
      fc.boolean(),
    )
    .map(([area, district, letter, d, a, b, location, month, isTerminated]): PostcodeRecord => {
      const outward = letter && area.length === 1 ? `${area}${district % 10}${letter}` : `${area}${district}`;
      const postcode = `${outward} ${d}${a}${b}`;
      if (!isTerminated) return { postcode, location, status: 'live' };
      return month
        ? {
            postcode,
            location,
            status: 'terminated',
            terminated: `${month[0]}-${String(month[1]).padStart(2, '0')}`,
          }
        : { postcode, location, status: 'terminated' };
    });
  const recordsArb = fc.uniqueArray(recordArb, { selector: (r) => r.postcode, maxLength: 60 });

  it('round-trips any records (coordinates rounded to 6 decimals, rows sorted)', () => {
    fc.assert(
      fc.property(recordsArb, (records) => {
        const text = encodeDirectoryCsv(records);
        const expected = records
          .map((r) => ({
            ...r,
            location: r.location && {
              lat: roundCoordinate(r.location.lat),
              lng: roundCoordinate(r.location.lng),
            },
          }))
          .sort((x, y) => (x.postcode < y.postcode ? -1 : 1));
        const decoded = decodeDirectoryCsv(text);
        expect(decoded).toStrictEqual(expected);
        expect(encodeDirectoryCsv(decoded)).toBe(text);
        const directory = PostcodeDirectory.fromCsv(text);
        for (const record of expected) expect(directory.get(record.postcode)).toStrictEqual(record);
      }),
      { numRuns: 300 },
    );
  });

  it('decodes coordinates exactly as Number() parses them', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -89_999_999, max: 89_999_999 }),
        fc.integer({ min: 0, max: 9 }),
        (micro, extra) => {
          const lat = `${micro < 0 ? '-' : ''}${Math.floor(Math.abs(micro) / 1e6)}.${String(Math.abs(micro) % 1e6).padStart(6, '0')}${extra || ''}`;
          const [record] = decodeDirectoryCsv(`${DIRECTORY_CSV_HEADER}\nGL1 1AD,${lat},-2.5,live,\n`);
          expect(Object.is(record!.location!.lat, Number(lat) === 0 ? 0 : Number(lat))).toBe(true);
        },
      ),
    );
  });
});
