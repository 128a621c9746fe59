// `catchments impact` on two boundary-set folders (the Fixtureshire fixture: ward W5 moves from
// hub-b to hub-c, test/fixtures/impact/README.md): the report, --json, --moves, exit codes. The
// remote form (a service's draft) is exercised end to end in test/e2e/analysis-api.test.ts.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RedrawImpact } from '../../functions/core/impact/redraw-impact.js';
import { runCatchments } from '../support/cli.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/impact', import.meta.url));
const FROM = path.join(FIXTURE, 'from');
const TO = path.join(FIXTURE, 'to');

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'catchments-impact-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe('catchments impact --from <dir> --to <dir>', () => {
  it('prints a readable report, moves first, and exits 0 when the redraw is publishable', async () => {
    const r = await runCatchments('impact', '--from', FROM, '--to', TO);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Validation: PUBLISHABLE/);
    expect(r.stdout).toMatch(/Hubs: 3 postcodes change hub \(2 live\)/);
    expect(r.stdout).toMatch(/Beeton Family Hub\s+Ceeford Family Hub\s+3\s+2/);
    expect(r.stdout).toMatch(/hub-b\s+Beeton Family Hub\s+5\s+3\s+−2\s+−40\.0%/);
    expect(r.stdout).toMatch(/catchments ↔ coc-teams\s+1\.000\s+0\.900\s+−0\.100/);
    expect(r.stdout).toMatch(/TS5 1AA\s+hub-b\s+hub-c/);
  });

  it('prints the full result with --json and writes the moves as GeoJSON points', async () => {
    const moves = path.join(scratch, 'moves.geojson');
    const r = await runCatchments('impact', '--from', FROM, '--to', TO, '--json', '--moves', moves);
    expect(r.code).toBe(0);
    const impact = JSON.parse(r.stdout) as RedrawImpact;
    expect(impact.schema).toBe(1);
    expect(impact.from.label).toBe(FROM);
    expect(impact.hubs.matrix).toEqual([{ from: 'hub-b', to: 'hub-c', postcodes: 3, live: 2 }]);
    const fc = JSON.parse(await readFile(moves, 'utf8')) as {
      features: { geometry: { coordinates: number[] }; properties: { postcode: string; toHub: string } }[];
    };
    expect(fc.features.map((f) => f.properties.postcode)).toEqual(['TS5 1AA', 'TS5 2AA', 'TS5 3AA']);
    expect(fc.features[0]!.geometry.coordinates).toEqual([-1.885, 51.15]);
  });

  it('exits 1 when validation errors would block publishing', async () => {
    const broken = path.join(scratch, 'broken');
    await cp(TO, broken, { recursive: true });
    // hub-c also claims ward W2 (lng −1.9..−1.8, lat 51.0..51.1): two catchments overlap.
    const catchments = JSON.parse(await readFile(path.join(broken, 'catchments.geojson'), 'utf8'));
    const c = catchments.features.find((f: { properties: { id: string } }) => f.properties.id === 'hub-c');
    c.geometry.coordinates = [
      [
        [-1.9, 51.0],
        [-1.7, 51.0],
        [-1.7, 51.2],
        [-1.9, 51.2],
        [-1.9, 51.0],
      ],
    ];
    await writeFile(path.join(broken, 'catchments.geojson'), JSON.stringify(catchments));
    const r = await runCatchments(
      'impact',
      '--from',
      FROM,
      '--to',
      broken,
      '--postcodes',
      path.join(FROM, 'postcodes.csv'),
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/Validation: NOT publishable/);
    expect(r.stdout).toMatch(/error \[catchment-overlap\]/);
  });

  it('exits 2 on bad usage', async () => {
    const missing = await runCatchments('impact', '--from', FROM);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--to is required/);
    const mixed = await runCatchments('impact', '--from', '3', '--to', TO);
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toMatch(/two boundary-set folders/);
    const noFrom = await runCatchments('impact', '--to', TO);
    expect(noFrom.code).toBe(2);
    expect(noFrom.stderr).toMatch(/--from is missing/);
    const badVersion = await runCatchments(
      'impact',
      '--area',
      'x',
      '--token',
      'x'.repeat(20),
      '--to',
      'nonsense',
    );
    expect(badVersion.code).toBe(2);
    expect(badVersion.stderr).toMatch(/neither a folder nor a version/);
    const badListed = await runCatchments('impact', '--from', FROM, '--to', TO, '--max-listed', '-3');
    expect(badListed.code).toBe(2);
  });
});
