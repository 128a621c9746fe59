import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { readDirectoryFile } from '../../functions/adapters/directory-file.js';
import { importPostcodesCommand } from '../../functions/cli/commands/import-postcodes.js';
import { commands } from '../../functions/cli/commands/index.js';
import { type CliIO, runCli } from '../../functions/cli/framework.js';

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/postcodes');
const tmp = mkdtempSync(path.join(tmpdir(), 'import-postcodes-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function fakeIO(interactive = false) {
  let stdout = '';
  let stderr = '';
  const io: CliIO = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    interactive,
    env: {},
  };
  return { io, out: () => stdout, err: () => stderr };
}

async function run(args: string[], interactive = false) {
  const { io, out, err } = fakeIO(interactive);
  const code = await runCli([importPostcodesCommand], ['import-postcodes', ...args], io);
  return { code, stdout: out(), stderr: err() };
}

describe('catchments import-postcodes', () => {
  it('is registered with the CLI', () => {
    expect(commands).toContain(importPostcodesCommand);
  });

  it('writes <out>/postcodes.csv.gz and exits 0 when every row imports', async () => {
    const input = path.join(tmp, 'clean.csv');
    writeFileSync(
      input,
      readFileSync(path.join(fixtures, 'codepoint-raw.csv'), 'utf8').split('\r\n').slice(0, 7).join('\r\n'),
    );
    const out = path.join(tmp, 'clean-out', 'nested');
    const result = await run([input, '--format', 'codepoint', '--out', out]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/imported\s+7\n/);
    expect(result.stdout).toMatch(/without location\s+1\n/);
    expect(result.stdout).toContain(`Wrote ${path.join(out, 'postcodes.csv.gz')} (7 postcodes).`);
    const directory = await readDirectoryFile(path.join(out, 'postcodes.csv.gz'));
    expect(directory.counts).toEqual({ total: 7, live: 7, terminated: 0, withoutLocation: 1 });
    expect(directory.get('GL50 1AD')?.location?.lat).toBeCloseTo(51.893627, 6);
  });

  it('writes what it could, lists the rejected rows and exits 1 when rows were rejected', async () => {
    const out = path.join(tmp, 'onspd-out');
    const input = path.join(fixtures, 'onspd.csv');
    const result = await run([input, '--format', 'onspd', '--out', out]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/rejected\s+3\n/);
    expect(result.stdout).toContain(`${input}:11: GL1 1AH: doterm must be YYYYMM or empty, found "2018-6"`);
    const directory = await readDirectoryFile(path.join(out, 'postcodes.csv.gz'));
    expect(directory.counts).toEqual({ total: 8, live: 5, terminated: 3, withoutLocation: 2 });
  });

  it('prints the summary as JSON with --json', async () => {
    const out = path.join(tmp, 'json-out');
    const result = await run([path.join(fixtures, 'nspl.csv'), '--format', 'nspl', '--out', out, '--json']);
    expect(result.code).toBe(1);
    const parsed = JSON.parse(result.stdout);
    expect(parsed).toMatchObject({
      output: path.join(out, 'postcodes.csv.gz'),
      format: 'nspl',
      summary: { rowsRead: 5, imported: 4, live: 2, terminated: 2, withoutLocation: 1, rejected: 1 },
    });
    expect(parsed.summary.rejectedExamples[0]).toMatchObject({ line: 6 });
  });

  it('draws a progress bar only in a terminal', async () => {
    const args = [path.join(fixtures, 'nspl.csv'), '--format', 'nspl', '--out', path.join(tmp, 'progress')];
    expect((await run(args, true)).stderr).toMatch(
      /\rImporting postcodes \[#+\] 100% [\d.]+ MB of [\d.]+ MB in [\d.]+ s *\n/,
    );
    expect((await run(args, false)).stderr).toBe('');
  });

  it('exits 1 and writes nothing when nothing could be imported', async () => {
    const input = path.join(tmp, 'header-only.csv');
    writeFileSync(input, '"pcds","doterm","lat","long"\n');
    const out = path.join(tmp, 'nothing');
    const result = await run([input, '--format', 'onspd', '--out', out]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Nothing was imported, so no directory was written.');
    expect(existsSync(out)).toBe(false);
  });

  it.each([
    [['--format', 'onspd', '--out', 'x'], /give the CSV file\(s\) to import/],
    [['f.csv', '--out', 'x'], /--format is required/],
    [['f.csv', '--format', 'xls', '--out', 'x'], /--format must be one of codepoint, onspd, nspl, got "xls"/],
    [['f.csv', '--format', 'onspd'], /--out is required/],
    [
      ['/no/such/file.csv', '--format', 'onspd', '--out', 'x'],
      /cannot read \/no\/such\/file.csv: no such file/,
    ],
    [['--format', 'onspd', '--bogus'], /Unknown option '--bogus'/],
  ])('exits 2 on bad usage: %j', async (args, message) => {
    const result = await run(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  it('exits 2 and writes nothing for a file not of the stated format', async () => {
    const out = path.join(tmp, 'wrong-format');
    const result = await run([
      path.join(fixtures, 'codepoint-headed.csv'),
      '--format',
      'onspd',
      '--out',
      out,
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/is not an ONSPD file: its header must include the columns pcds/);
    expect(existsSync(out)).toBe(false);
  });
});
