import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { isGzip, readDirectoryFile, writeDirectoryFile } from '../../functions/adapters/directory-file.js';
import type { PostcodeRecord } from '../../functions/core/model.js';
import { DIRECTORY_CSV_HEADER, DirectoryFormatError } from '../../functions/core/postcode-directory.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'postcode-directory-file-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const records: PostcodeRecord[] = [
  { postcode: 'GL50 1AD', location: { lat: 51.893627, lng: -2.077393 }, status: 'live' },
  {
    postcode: 'GL1 1DA',
    location: { lat: 51.863968, lng: -2.237056 },
    status: 'terminated',
    terminated: '2018-06',
  },
  { postcode: 'AB43 1AJ', location: null, status: 'live' },
];
const expectedText = `${DIRECTORY_CSV_HEADER}
AB43 1AJ,,,live,
GL1 1DA,51.863968,-2.237056,terminated,2018-06
GL50 1AD,51.893627,-2.077393,live,
`;

describe('directory files', () => {
  it('writes gzip when the name ends in .gz and reads it back', async () => {
    const file = path.join(tmp, 'postcodes.csv.gz');
    await writeDirectoryFile(file, records);
    const bytes = readFileSync(file);
    expect(isGzip(bytes)).toBe(true);
    expect(gunzipSync(bytes).toString('utf8')).toBe(expectedText);
    const directory = await readDirectoryFile(file);
    expect(directory.size).toBe(3);
    for (const record of records) expect(directory.get(record.postcode)).toEqual(record);
  });

  it('writes plain text otherwise, and leaves no temporary file behind', async () => {
    const dir = mkdtempSync(path.join(tmp, 'plain-'));
    const file = path.join(dir, 'postcodes.csv');
    await writeDirectoryFile(file, records);
    expect(readFileSync(file, 'utf8')).toBe(expectedText);
    expect(readdirSync(dir)).toEqual(['postcodes.csv']);
    expect((await readDirectoryFile(file)).counts).toEqual({
      total: 3,
      live: 2,
      terminated: 1,
      withoutLocation: 1,
    });
  });

  it('recognises gzip by content when reading, whatever the name', async () => {
    const file = path.join(tmp, 'renamed.csv');
    writeFileSync(file, gzipSync(expectedText));
    expect((await readDirectoryFile(file)).get('GL1 1DA')).toEqual(records[1]);
  });

  it('names the file and the line of bad content', async () => {
    const file = path.join(tmp, 'bad.csv.gz');
    writeFileSync(file, gzipSync(`${expectedText}GL1 1DA,51.8,-2.2,live,\n`));
    const error = await readDirectoryFile(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DirectoryFormatError);
    expect((error as DirectoryFormatError).message).toBe(
      `${file}: lines 3 and 5 are both GL1 1DA: a directory lists each postcode once. ` +
        'Remove one of them, or rebuild the file with `catchments import-postcodes`.',
    );
    expect((error as DirectoryFormatError).line).toBe(5);
  });

  it('refuses to write invalid records and leaves nothing behind', async () => {
    const dir = mkdtempSync(path.join(tmp, 'invalid-'));
    const bad = [{ postcode: 'gl1 1ad', location: null, status: 'live' } as PostcodeRecord];
    await expect(writeDirectoryFile(path.join(dir, 'postcodes.csv.gz'), bad)).rejects.toThrow(
      /canonical form/,
    );
    expect(readdirSync(dir)).toEqual([]);
  });
});
