// `catchments national-sample` end to end on synthetic open-data files: publishing into a store
// folder, resuming, subsets, and clear refusals for bad usage, bad sources and foreign areas.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateNationalSample } from '../../functions/adapters/national-sample/generate.js';
import { EmbeddedBoundaryStore } from '../../functions/adapters/store/embedded-boundary-store.js';
import { BoundarySetService } from '../../functions/application/boundary-set-service.js';
import { commands } from '../../functions/cli/commands/index.js';
import { runCli } from '../../functions/cli/framework.js';
import { runCatchments } from '../support/cli.js';
import { FaultyTable } from '../support/faulty-table.js';
import { gridData, gridFiles } from '../support/national-grid.js';

const DISTRICTS = [
  {
    code: 'E07000901',
    name: 'Gridshire Vale',
    cols: 8,
    rows: 6,
    lng0: -2.2,
    lat0: 51.8,
    postcodesPerCell: () => 30,
  },
  {
    code: 'E07000902',
    name: 'Two Banks',
    cols: 7,
    rows: 5,
    lng0: -2.12,
    lat0: 51.8,
    skip: (c: number) => c === 3,
  },
  { code: 'E09000903', name: 'Little Ward', cols: 3, rows: 2, lng0: -2.2, lat0: 51.86 },
];

let dir: string;
let source: string;
const store = (name: string) => path.join(dir, name);
const data = gridData(DISTRICTS);

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'national-sample-cli-'));
  source = path.join(dir, 'open-data');
  const files = gridFiles(data, [
    'TE99 9ZZ,,,E07000901', // no location: not in any directory
    'NOT A POSTCODE,51.81,-2.19,E07000901',
    'HS1 2AA,58.2,-6.39,S12000013', // outside every LSOA, far away
  ]);
  writeFileSync(path.join(dir, 'lsoas.geojson.gz'), files.lsoas);
  writeFileSync(path.join(dir, 'postcodes.csv.gz'), files.postcodes);
  // The --source layout.
  mkdirSync(source);
  writeFileSync(path.join(source, 'england-lsoa.geojson.gz'), files.lsoas);
  writeFileSync(path.join(source, 'gb-postcodes.csv.gz'), files.postcodes);
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('catchments national-sample', () => {
  it('publishes one area per district into the store, and reports the counts', async () => {
    const run = await runCatchments('national-sample', '--source', source, '--store', store('all'));
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/areas\s+3\n\s+published\s+3\n/);
    expect(run.stdout).toMatch(/postcodes\s+[\d,]+\n/);
    expect(run.stdout).toContain('1 without a location, 1 rejected');
    expect(run.stdout).toContain(`CATCHMENTS_STORE_DIR=${path.resolve(store('all'))} npm start`);

    const opened = await EmbeddedBoundaryStore.open(store('all'));
    const pointers = await opened.pointers();
    expect(pointers.map((p) => [p.area, p.active])).toEqual([
      ['e07000901-gridshire-vale', 1],
      ['e07000902-two-banks', 1],
      ['e09000903-little-ward', 1],
    ]);
    // Marked as seeded: a first `npm start` on this store leaves it as it is (no sample area added).
    expect(await opened.seededAt()).not.toBeNull();
    const v = await opened.version('e07000901-gridshire-vale', 1);
    expect(v.set.area.illustrative).toBe(true);
    expect(v.header.counts.postcodes).toBe(data.postcodes.filter((p) => p.district === 'E07000901').length);
    await opened.close();
  });

  it('resumes: a second run leaves every area as it is', async () => {
    const run = await runCatchments('national-sample', '--source', source, '--store', store('all'), '--json');
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.outcomes).toEqual({ published: 0, updated: 0, unchanged: 3 });
    expect(report.totals.areas).toBe(3);
    expect(report.totals.hubs).toBeGreaterThanOrEqual(7);
  });

  it('builds a subset: the first n by code, or the codes given, from explicit files', async () => {
    const files = [
      '--lsoas',
      path.join(dir, 'lsoas.geojson.gz'),
      '--postcodes',
      path.join(dir, 'postcodes.csv.gz'),
    ];
    const first = await runCatchments(
      'national-sample',
      ...files,
      '--store',
      store('first'),
      '--districts',
      '2',
      '--json',
    );
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout).areas.map((a: { summary: { code: string } }) => a.summary.code)).toEqual([
      'E07000901',
      'E07000902',
    ]);
    const codes = await runCatchments(
      'national-sample',
      ...files,
      '--store',
      store('codes'),
      '--districts',
      'e09000903, E07000901',
      '--json',
    );
    expect(codes.code).toBe(0);
    expect(
      JSON.parse(codes.stdout).areas.map((a: { summary: { areaId: string } }) => a.summary.areaId),
    ).toEqual(['e07000901-gridshire-vale', 'e09000903-little-ward']);
  });

  it('refuses bad usage and unusable sources with exit code 2 and a message saying what to do', async () => {
    const cases: [string[], RegExp][] = [
      [['--source', source], /--store is required/],
      [['--store', store('x')], /say where the open data is: --source <dir>/],
      [['--source', path.join(dir, 'nowhere'), '--store', store('x')], /the LSOA layer .* does not exist/],
      [
        ['--source', source, '--store', store('x'), '--districts', '0'],
        /--districts takes a count of at least 1/,
      ],
      [
        ['--source', source, '--store', store('x'), '--districts', 'Cheltenham'],
        /give a count \(e\.g\. 3\) or district codes/,
      ],
      [
        ['--source', source, '--store', store('x'), '--districts', 'E07000999'],
        /E07000999 is not a district of the LSOA layer/,
      ],
    ];
    for (const [args, message] of cases) {
      const run = await runCatchments('national-sample', ...args);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr).toMatch(message);
    }
  });

  it('refuses a postcode file without coordinates columns, and an LSOA layer without district codes', async () => {
    const badCsv = path.join(dir, 'bad.csv.gz');
    writeFileSync(badCsv, gzipSync('postcode,eastings,northings\nGL50 1AD,394000,222000\n'));
    const lsoas = path.join(dir, 'lsoas.geojson.gz');
    let run = await runCatchments(
      'national-sample',
      '--lsoas',
      lsoas,
      '--postcodes',
      badCsv,
      '--store',
      store('b'),
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/the postcode file needs postcode, lat and lng/);

    const badLayer = path.join(dir, 'bad.geojson');
    writeFileSync(
      badLayer,
      JSON.stringify({
        type: 'FeatureCollection',
        features: [
          { type: 'Feature', properties: { LSOA21CD: 'E01000001' }, geometry: data.lsoas[0]!.geometry },
        ],
      }),
    );
    const csv = path.join(dir, 'postcodes.csv.gz');
    run = await runCatchments(
      'national-sample',
      '--lsoas',
      badLayer,
      '--postcodes',
      csv,
      '--store',
      store('b'),
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/lacks string properties "LSOA11CD", "LSOA11NM" and "lad".*--lsoa-id/);
    run = await runCatchments(
      'national-sample',
      '--lsoas',
      badLayer,
      '--postcodes',
      csv,
      '--store',
      store('b'),
      '--lsoa-id',
      'LSOA21CD',
    );
    expect(run.stderr).toMatch(/lacks string properties "LSOA21CD"/);
  });

  it('never overwrites an area someone else published in the store', async () => {
    const opened = await EmbeddedBoundaryStore.open(store('foreign'));
    const service = new BoundarySetService({
      store: opened,
      events: { publish: async () => {} },
      sliverToleranceM2: 100,
    });
    const first = await runCatchments(
      'national-sample',
      '--source',
      source,
      '--store',
      store('seeded'),
      '--districts',
      '1',
    );
    expect(first.code).toBe(0);
    const seeded = await EmbeddedBoundaryStore.open(store('seeded'));
    const mine = await seeded.version('e07000901-gridshire-vale', 1);
    await seeded.close();
    await service.importSet(mine.set, 'planner@example.org', 'A planner redraws the network');
    await opened.close();

    let run = await runCatchments('national-sample', '--source', source, '--store', store('foreign'));
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/e07000901-gridshire-vale by planner@example.org.*never overwrites/);
    const after = await EmbeddedBoundaryStore.open(store('foreign'));
    expect((await after.pointers()).map((p) => p.area)).toEqual(['e07000901-gridshire-vale']);
    await after.close();

    // The other districts can still go there, with a note that the store holds another area.
    run = await runCatchments(
      'national-sample',
      '--source',
      source,
      '--store',
      store('foreign'),
      '--districts',
      'E07000902',
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/the store also holds 1 other area \(e07000901-gridshire-vale\)/);
  });

  it('resumes after a crash part-way: the area that failed was never served, the re-run publishes it', async () => {
    let faulty: FaultyTable | null = null;
    const opened = await EmbeddedBoundaryStore.open(store('crash'), {
      wrapTable: (table) => {
        faulty = new FaultyTable(table);
        return faulty;
      },
    });
    const service = new BoundarySetService({
      store: opened,
      events: { publish: async () => {} },
      sliverToleranceM2: 100,
    });
    const sources = {
      lsoaFile: path.join(source, 'england-lsoa.geojson.gz'),
      postcodeFile: path.join(source, 'gb-postcodes.csv.gz'),
    };
    // The commit of the second area (its HEAD write) fails, as if the process died there.
    faulty!.arm((op) => op.method === 'put' && op.sk === 'e07000902-two-banks#HEAD');
    const first = await generateNationalSample({
      sources,
      selection: { kind: 'all' },
      service,
      store: opened,
    });
    expect(first.failures.map((f) => f.district)).toEqual(['E07000902']);
    expect(first.failures[0]!.message).toMatch(/simulated crash/);
    expect(first.outcomes).toEqual({ published: 2, updated: 0, unchanged: 0 });
    expect((await opened.pointer('e07000902-two-banks'))?.active ?? null).toBeNull();

    faulty!.disarm();
    const again = await generateNationalSample({
      sources,
      selection: { kind: 'all' },
      service,
      store: opened,
    });
    expect(again.failures).toEqual([]);
    expect(again.outcomes).toEqual({ published: 1, updated: 0, unchanged: 2 });
    expect((await opened.pointer('e07000902-two-banks'))?.active).toBe(1);
    await opened.close();
  });

  it('draws progress on stderr in a terminal: postcodes read, then areas published', async () => {
    let stderr = '';
    const code = await runCli(commands, ['national-sample', '--source', source, '--store', store('tty')], {
      stdout: { write: () => true },
      stderr: { write: (t: string) => (stderr += t) },
      interactive: true,
      env: {},
    });
    expect(code).toBe(0);
    expect(stderr).toMatch(/Reading postcodes \[#+\] 100% [\d.]+ MB of [\d.]+ MB in /);
    expect(stderr).toMatch(/Publishing areas \[#+\] 100% 3 of 3 in /);
  });
});
