// The CSV module (functions/adapters/csv.ts, functions/core/csv-cell.ts) through the CLI users run:
// each case the issue names is a test here — quoted multi-line fields, a BOM, `;` and tab
// delimiters detected or given, errors with the line number (on both reading paths), formula
// defusing in what is written, `-` for standard input and output, a quiet exit on a closed pipe,
// and --out written whole or not at all.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { detectDelimiter, openInput, readCsv } from '../../functions/adapters/csv.js';
import { csvCell, csvLine, defuseCell, isFormulaLike, isPlainNumber } from '../../functions/core/csv-cell.js';
import { CATCHMENTS_BIN, runCatchments, runCatchmentsWith } from '../support/cli.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'csv-'));
const file = (name: string, content: string | Buffer) => {
  const p = path.join(tmp, name);
  writeFileSync(p, content);
  return p;
};
// Two squares side by side: A = lng -2.3..-2.2, B = lng -2.2..-2.1, lat 51.8..51.9.
const square = (id: string, x0: number) => ({
  type: 'Feature',
  properties: { id },
  geometry: {
    type: 'Polygon',
    coordinates: [
      [
        [x0, 51.8],
        [x0 + 0.1, 51.8],
        [x0 + 0.1, 51.9],
        [x0, 51.9],
        [x0, 51.8],
      ],
    ],
  },
});
const layer = file(
  'squares.geojson',
  JSON.stringify({ type: 'FeatureCollection', features: [square('A', -2.3), square('B', -2.2)] }),
);
const assign = (points: string, ...rest: string[]) =>
  runCatchments('assign', '--polygons', layer, '--id-property', 'id', '--points', points, ...rest);

/** Rows of a CSV as an independent reader (csv-parse, given the delimiter) sees them. */
const rows = (text: string, delimiter = ',') => parse(text, { delimiter }) as string[][];

describe('reading', () => {
  it('keeps quoted fields whole: delimiters, doubled quotes and line breaks inside them', async () => {
    const points = file(
      'quoted.csv',
      'name,lat,lng\n"Smith, J",51.85,-2.25\n"say ""hi""",51.85,-2.15\n"two\nlines",51.85,-2.25\n',
    );
    const run = await assign(points);
    expect(run.code, run.stderr).toBe(0);
    expect(rows(run.stdout)).toEqual([
      ['name', 'lat', 'lng', 'assigned_id', 'match'],
      ['Smith, J', '51.85', '-2.25', 'A', 'inside'],
      ['say "hi"', '51.85', '-2.15', 'B', 'inside'],
      ['two\nlines', '51.85', '-2.25', 'A', 'inside'],
    ]);
  });

  it('reads a UTF-8 BOM as nothing, so the first column keeps its name', async () => {
    const run = await assign(file('bom.csv', '\uFEFFlat,lng\n51.85,-2.25\n'));
    expect(run.code, run.stderr).toBe(0);
    expect(rows(run.stdout)[0]).toEqual(['lat', 'lng', 'assigned_id', 'match']);
  });

  it('detects ; and tab delimiters from the header, writes the output with the same one', async () => {
    const semicolon = await assign(file('semi.csv', 'name;lat;lng\nx;51.85;-2.25\n'));
    expect(semicolon.code, semicolon.stderr).toBe(0);
    expect(rows(semicolon.stdout, ';')).toEqual([
      ['name', 'lat', 'lng', 'assigned_id', 'match'],
      ['x', '51.85', '-2.25', 'A', 'inside'],
    ]);
    const tab = await assign(file('tab.tsv', 'name\tlat\tlng\n"a\tb"\t51.85\t-2.15\n'));
    expect(tab.code, tab.stderr).toBe(0);
    expect(rows(tab.stdout, '\t')[1]).toEqual(['a\tb', '51.85', '-2.15', 'B', 'inside']);
    expect(detectDelimiter('"a;b",c,d')).toBe(',');
    expect(detectDelimiter('postcode')).toBe(',');
  });

  it('takes the delimiter given with --delimiter', async () => {
    // A header with more commas than semicolons, in a semicolon file: detection alone would pick ','.
    const points = file('given.csv', 'name, with commas, lots;lat;lng\nx;51.85;-2.25\n');
    const run = await assign(points, '--delimiter', ';');
    expect(run.code, run.stderr).toBe(0);
    expect(rows(run.stdout, ';')[1]).toEqual(['x', '51.85', '-2.25', 'A', 'inside']);
    expect((await assign(points, '--delimiter', '|')).stderr).toContain('--delimiter is , ; or tab');
  });

  it('stops with the line number on a broken file, whichever reader had it', async () => {
    // The split path (no quote so far): a row with a field too few.
    const short = await assign(file('short.csv', 'name,lat,lng\na,51.85,-2.25\nb,51.85\n'));
    expect(short.code).toBe(2);
    expect(short.stderr).toContain('short.csv line 3: the row has 2 fields but the header has 3');
    // csv-parse takes over at the first quote; its line numbers count from the file's start.
    const plain = Array.from({ length: 5000 }, (_, i) => `p${i},51.85,-2.25`).join('\n');
    const late = await assign(
      file('late.csv', `name,lat,lng\n${plain}\n"q",51.85,-2.25\n"open,51.85,-2.25\nz,1,2\n`),
    );
    expect(late.code).toBe(2);
    expect(late.stderr).toMatch(/late\.csv line 500[34]: a quoted field is never closed/);
    const wide = await assign(file('wide.csv', `name,lat,lng\n${plain}\n"q",51.85,-2.25,extra\n`));
    expect(wide.code).toBe(2);
    expect(wide.stderr).toContain('wide.csv line 5002: the row has 4 fields but the header has 3');
    const stray = await assign(file('stray.csv', 'name,lat,lng\n"a"x,51.85,-2.25\n'));
    expect(stray.code).toBe(2);
    expect(stray.stderr).toContain('stray.csv line 2: a closing quote is followed by other characters');
    expect((await assign(file('empty.csv', ''))).stderr).toContain(
      'empty.csv is empty: expected a header row',
    );
  });

  it('reads gzip whatever the file is called, and - as standard input (gzip too)', async () => {
    const csv = 'lat,lng\n51.85,-2.25\n51.85,-2.15\n';
    const gz = await assign(file('points.data', gzipSync(csv)));
    expect(gz.code, gz.stderr).toBe(0);
    expect(rows(gz.stdout).map((r) => r[2])).toEqual(['assigned_id', 'A', 'B']);
    const stdin = await runCatchmentsWith(
      { stdin: gzipSync(csv) },
      ...['assign', '--polygons', layer, '--id-property', 'id', '--points', '-', '--out', '-'],
    );
    expect(stdin.code, stdin.stderr).toBe(0);
    expect(stdin.stdout).toBe(gz.stdout);
    // The summary goes to stderr when the rows go to standard output.
    expect(stdin.stderr).toContain('2 rows in');
  });

  it('streams rows in batches through the module API', async () => {
    const source = await openInput('-', Readable.from([Buffer.from('a;b\n1;2\n'), Buffer.from('3;4\n')]));
    const table = await readCsv(source);
    expect(table.header).toEqual(['a', 'b']);
    expect(table.delimiter).toBe(';');
    const seen: string[][] = [];
    for await (const batch of table.batches()) seen.push(...batch.rows);
    expect(seen).toEqual([
      ['1', '2'],
      ['3', '4'],
    ]);
  });
});

describe('writing', () => {
  it('defuses formula-like cells in every row written, and leaves plain numbers alone', async () => {
    const points = file(
      'formulas.csv',
      'name,lat,lng\n=1+1,51.85,-2.25\n+44 1632,51.85,-2.25\n-1+1,51.85,-2.25\n@SUM(A1),51.85,-2.25\n"\tx",51.85,-2.25\n"\ry",51.85,-2.25\n-2.5,51.85,-2.25\n',
    );
    const run = await assign(points);
    expect(run.code, run.stderr).toBe(0);
    expect(rows(run.stdout).map((r) => r[0])).toEqual([
      'name',
      "'=1+1",
      "'+44 1632",
      "'-1+1",
      "'@SUM(A1)",
      "'\tx",
      "'\ry",
      '-2.5',
    ]);
    // The longitude column stays a number.
    expect(rows(run.stdout)[1]![2]).toBe('-2.25');
  });

  it('encodes cells: quoting only when needed, with the delimiter in use', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('a,b', ';')).toBe('a,b');
    expect(csvCell('a;b', ';')).toBe('"a;b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
    expect(csvLine(['a', '', '-3', '-x'])).toBe("a,,-3,'-x");
    for (const number of ['-2.2437', '+44', '1e5', '-.5', '+1.5E-3'])
      expect(isFormulaLike(number), number).toBe(false);
    for (const formula of ['=1', '+A1', '-A1', '@x', '\t1', '\r1', '-', '+']) {
      expect(isFormulaLike(formula), formula).toBe(true);
      expect(defuseCell(formula)).toBe(`'${formula}`);
    }
  });

  it('tells plain numbers exactly as the regular expression it replaces does', () => {
    const oracle = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
    const numberish = fc.stringMatching(/^[-+.eE0-9x ]{0,8}$/);
    fc.assert(
      fc.property(fc.oneof(numberish, fc.string()), (text) => {
        expect(isPlainNumber(text), JSON.stringify(text)).toBe(oracle.test(text));
      }),
      { numRuns: 20_000 },
    );
    for (const text of ['1.', '.5', '.', '', '-', '1e', '1e+', '1e+5', '-0.0E-01', '5.e3', '.e3', '1 '])
      expect(isPlainNumber(text), text).toBe(oracle.test(text));
  });

  it('writes --out whole or not at all: a broken input leaves an earlier file as it was', async () => {
    const out = file('kept.csv', 'earlier answer\n');
    const broken = file('broken.csv', 'name,lat,lng\na,51.85,-2.25\n"b,51.85,-2.25\n');
    const run = await assign(broken, '--out', out);
    expect(run.code).toBe(2);
    expect(readFileSync(out, 'utf8')).toBe('earlier answer\n');
    expect(readdirSync(tmp).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const good = await assign(file('good.csv', 'lat,lng\n51.85,-2.25\n'), '--out', out);
    expect(good.code, good.stderr).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe('lat,lng,assigned_id,match\n51.85,-2.25,A,inside\n');
    expect(existsSync(out)).toBe(true);
  });

  it('exits quietly, with 0, when the reader of standard output goes away (| head -1)', () => {
    const many = file(
      'many.csv',
      `lat,lng\n${Array.from({ length: 200_000 }, (_, i) => `51.85,${(-2.3 + (i % 200) / 1000).toFixed(3)}`).join('\n')}\n`,
    );
    const result = spawnSync(
      'bash',
      [
        '--norc',
        '--noprofile',
        '-c',
        `node "$0" assign --polygons "$1" --id-property id --points "$2" | head -1; echo "exit \${PIPESTATUS[0]}" >&2`,
        CATCHMENTS_BIN,
        layer,
        many,
      ],
      { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } },
    );
    expect(result.stdout).toBe('lat,lng,assigned_id,match\n');
    expect(result.stderr).not.toContain('EPIPE');
    expect(result.stderr).toMatch(/^exit 0$/m);
    expect(result.stderr).not.toMatch(/error|Error/);
  });
});

describe('the CLI', () => {
  it('prints its version', async () => {
    const packageJson = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    const run = await runCatchments('--version');
    expect(run).toEqual({ code: 0, stdout: `catchments ${packageJson.version}\n`, stderr: '' });
    expect(execFileSync(process.execPath, [CATCHMENTS_BIN, '-V'], { encoding: 'utf8' })).toBe(run.stdout);
  });
});
