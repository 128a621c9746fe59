// `catchments impact` and `catchments align` with a planner's weights and capacities, as users run
// them: on Fixtureshire (every figure hand-derived in test/fixtures/weights/README.md), on a redraw
// of the sample area with the illustrative births per LSOA (checked against an independent recount:
// turf's point-in-polygon and the LSOA births spread by hand), and every misuse ends in exit 2 with
// what to do. The remote form (POST to a service) is in test/e2e/analysis-api.test.ts.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bbox, booleanPointInPolygon } from '@turf/turf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAreaDirectories, readBoundarySetDir } from '../../functions/adapters/boundary-set-files.js';
import type { RedrawImpact } from '../../functions/core/impact/redraw-impact.js';
import type { UnitChanges } from '../../functions/core/impact/unit-changes.js';
import type { LayerFeature } from '../../functions/core/model.js';
import type { LayerLoads } from '../../functions/core/weights/capacity.js';
import { runCatchments } from '../support/cli.js';
import { mergePatches } from '../support/redraws.js';

const IMPACT = fileURLToPath(new URL('../fixtures/impact', import.meta.url));
const WEIGHTS = fileURLToPath(new URL('../fixtures/weights', import.meta.url));
const DATA = fileURLToPath(new URL('../../data', import.meta.url));
const SAMPLE = path.join(DATA, 'gloucestershire');
const BIRTHS = path.join(DATA, 'planning', 'births-per-lsoa-illustrative.csv');
const CAPACITY = path.join(DATA, 'planning', 'hv-patch-capacity-illustrative.csv');
const fixtureWeights = [
  '--postcodes',
  path.join(WEIGHTS, 'postcodes.csv'),
  '--weights',
  path.join(WEIGHTS, 'births-lsoa.csv'),
  '--weights-key',
  'lsoa',
  '--weights-column',
  'births',
];

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'catchments-weights-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

const unit = (c: Omit<UnitChanges, 'moved'> | null, id: string) => c!.units.find((u) => u.id === id)!;

describe('catchments impact with weights and capacity (Fixtureshire, hand-derived)', () => {
  const from = path.join(IMPACT, 'from');
  const to = path.join(IMPACT, 'to');

  it('gives births per hub before and after against capacity, and the rows it could not place', async () => {
    const args = ['impact', '--from', from, '--to', to, ...fixtureWeights];
    const capacity = ['--capacity', path.join(WEIGHTS, 'capacity.csv')];
    const r = JSON.parse((await runCatchments(...args, ...capacity, '--json')).stdout) as RedrawImpact;
    expect(unit(r.hubs, 'hub-b').weight).toEqual({ before: 12, after: 6, change: -6, changeShare: -0.5 });
    expect(unit(r.hubs, 'hub-c').weight).toMatchObject({ before: 18, after: 24, change: 6 });
    const load = (id: string) => r.hubs.capacity!.units.find((u) => u.id === id)!;
    expect([load('hub-b').before, load('hub-b').after]).toEqual([
      { caseload: 12, share: 1.2, flag: 'over' },
      { caseload: 6, share: 0.6, flag: 'under' },
    ]);
    expect(load('hub-c').after).toEqual({ caseload: 24, share: 1.2, flag: 'over' });
    expect(r.weights).toMatchObject({ total: 110, matched: { weight: 49, postcodes: 21 } });
    expect(r.weights!.unmatched.listed.map((u) => [u.row, u.code, u.reason])).toEqual([
      [8, 'Total', 'malformed'],
      [6, 'E01000009', 'unknown'],
      [7, 'E01999999', 'unknown'],
    ]);
    expect(r.capacity!.unknown.map((e) => e.unit)).toEqual(['hv-x']);
    // The alignment scores are weighted by births, and say so (not `postcodes`).
    expect(r.alignment!.before).toMatchObject({ basis: 'weights', weightColumn: 'births' });
    expect(r.alignment!.after).toMatchObject({ basis: 'weights', weightColumn: 'births' });

    const text = await runCatchments(...args, ...capacity);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/Weights: births by lsoa .* 110 in all; 49 placed on 21 live postcodes/);
    expect(text.stdout).toMatch(/- row 8: Total 50 \(malformed\)/);
    expect(text.stdout).toMatch(/hub-b\s+Beeton Family Hub\s+5\s+3\s+−2\s+−40\.0%\s+12\s+6\s+−6/);
    expect(text.stdout).toMatch(/hub-b\s+10\s+12 \(120\.0%\)\s+OVER\s+6 \(60\.0%\)\s+UNDER/);
    expect(text.stdout).toMatch(/Capacity rows naming no hub, patch or team \(not used\): row 6 hv-x/);
    // --under moves the lower line: at 0.9 coc-west (26 of 30) is under.
    const strict = JSON.parse((await runCatchments(...args, ...capacity, '--under', '0.9', '--json')).stdout);
    expect(strict.cocTeams.capacity.units[0].after.flag).toBe('under');
  });

  it('refuses each misuse with exit 2 and what to do', async () => {
    const bad = async (file: string, text: string) => {
      await writeFile(path.join(scratch, file), text);
      return path.join(scratch, file);
    };
    // The fixture's births file with one option changed.
    const births = (option: string, value: string) => {
      const args = fixtureWeights.slice(2);
      args[args.indexOf(option) + 1] = value;
      return args;
    };
    const cases: [string[], RegExp][] = [
      [['--weights', path.join(WEIGHTS, 'births-lsoa.csv')], /--weights needs --weights-key/],
      [[...births('--weights-key', 'msoa')], /--weights-key must be one of/],
      [[...births('--weights-column', 'count')], /births|count/],
      [
        ['--weights', await bad('star.csv', 'lsoa11,births\nE01000001,*\n'), ...fixtureWeights.slice(4)],
        /row 1 \(E01000001\): births is "\*"/,
      ],
      [
        [
          '--weights',
          await bad('twice.csv', 'lsoa11,births\nE01000001,1\nE01000001,2\n'),
          ...fixtureWeights.slice(4),
        ],
        /rows 1 and 2 are both E01000001/,
      ],
      [
        ['--weights', await bad('quote.csv', 'lsoa11,births\n"E01000001,1\n'), ...fixtureWeights.slice(4)],
        /quote\.csv line \d+: a quoted field is never closed/,
      ],
      [['--capacity', await bad('cap.csv', 'unit_id,capacity\nhub-a,-3\n')], /Capacity row 1 \(hub-a\)/],
      [['--capacity', path.join(WEIGHTS, 'capacity.csv'), '--under', '2'], /--under must be in \(0, 1\]/],
      [['--under', '0.5'], /--under goes with --capacity/],
      [['--weights-key', 'lsoa'], /--weights-key goes with --weights/],
      [[...births('--weights-key', 'oa')], /no column of OA codes/],
      // A file that is not there: the option and path named in words, not Node's ENOENT.
      [
        ['--weights', path.join(scratch, 'no-such-births.csv'), ...fixtureWeights.slice(4)],
        /--weights \S*no-such-births\.csv: cannot read it: no such file/,
      ],
      [
        ['--capacity', path.join(scratch, 'no-such-capacity.csv')],
        /--capacity \S*no-such-capacity\.csv: cannot read it: no such file/,
      ],
      [['--capacity', scratch], /--capacity \S+: cannot read it: it is a folder/],
    ];
    for (const [extra, message] of cases) {
      const r = await runCatchments(
        'impact',
        '--from',
        from,
        '--to',
        to,
        '--postcodes',
        fixtureWeights[1]!,
        ...extra,
      );
      expect(r.code, extra.join(' ')).toBe(2);
      expect(r.stderr, extra.join(' ')).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
      expect(r.stderr).not.toMatch(/ENOENT|EISDIR/);
    }
  });
});

describe('catchments align with weights and capacity', () => {
  it('weighs each unit by births and sets it against its capacity (Fixtureshire, hand-derived)', async () => {
    const from = path.join(IMPACT, 'from');
    const r = await runCatchments(
      'align',
      ...['--a', path.join(from, 'hv-patches.geojson'), '--a-id', 'id'],
      ...['--b', path.join(from, 'coc-teams.geojson'), '--b-id', 'id'],
      ...fixtureWeights,
      ...['--capacity', path.join(WEIGHTS, 'capacity.csv'), '--json'],
    );
    const out = JSON.parse(r.stdout) as {
      scores: { basis: string; weightColumn?: string };
      unitsA: { id: string; weight: number }[];
      capacity: { layers: Record<string, LayerLoads>; unknown: { row: number }[] };
    };
    expect(out.scores).toMatchObject({ basis: 'weights', weightColumn: 'births' });
    expect(Object.fromEntries(out.unitsA.map((u) => [u.id, u.weight]))).toEqual({
      'hv-a': 14,
      'hv-b1': 6,
      'hv-b2': 6,
      'hv-c': 18,
    });
    expect(out.capacity.layers['hv-patches']!.units).toEqual([
      {
        id: 'hv-b2',
        name: 'Beeton North patch',
        capacity: 5,
        load: { caseload: 6, share: 1.2, flag: 'over' },
      },
    ]);
    expect(out.capacity.layers['coc-teams']!.units[0]!.load).toEqual({
      caseload: 26,
      share: 26 / 30,
      flag: 'within',
    });
    // The hub rows name no unit of these two layers: reported, not used.
    expect(out.capacity.unknown.map((e) => e.row)).toEqual([1, 2, 3, 6]);
    const needs = await runCatchments(
      'align',
      ...['--a', path.join(from, 'hv-patches.geojson'), '--a-id', 'id'],
      ...['--b', path.join(from, 'coc-teams.geojson'), '--b-id', 'id'],
      ...fixtureWeights.slice(2),
    );
    expect(needs.code).toBe(2);
    expect(needs.stderr).toMatch(/--weights needs --postcodes <directory>/);
  });
});

describe('a redraw of the sample area with the illustrative births per LSOA', () => {
  it('shows births per HV patch before and after against capacity, matching an independent recount', async () => {
    // The redraw: hv-stroud-2 joins hv-stroud-1 (one patch where there were two).
    const sample = await readBoundarySetDir(SAMPLE, 1);
    const redraw = path.join(scratch, 'stroud-merged');
    await cp(SAMPLE, redraw, { recursive: true });
    const merged = mergePatches(sample, 'hv-stroud-1', 'hv-stroud-2');
    await writeFile(path.join(redraw, 'hv-patches.geojson'), JSON.stringify(merged.layers['hv-patches']));
    const r = await runCatchments(
      'impact',
      ...['--from', SAMPLE, '--to', redraw, '--json'],
      ...['--weights', BIRTHS, '--weights-key', 'lsoa', '--weights-column', 'births', '--capacity', CAPACITY],
    );
    expect(r.stderr).toBe('');
    const impact = JSON.parse(r.stdout) as RedrawImpact;

    // Independent recount: each LSOA's births spread equally over its live located postcodes, each
    // postcode in the patch turf finds it in (the lowest id on a shared edge).
    const records = [...(await readAreaDirectories([SAMPLE])).directory.records()];
    const births = new Map(
      (await readFile(BIRTHS, 'utf8'))
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => l.split(','))
        .map(([code, n]) => [code!, Number(n)]),
    );
    const live = records.filter(
      (p) => p.status === 'live' && p.location && births.has(p.census?.lsoa11 ?? ''),
    );
    const perLsoa = new Map<string, number>();
    for (const p of live) perLsoa.set(p.census!.lsoa11!, (perLsoa.get(p.census!.lsoa11!) ?? 0) + 1);
    const patches = [...sample.layers['hv-patches']!.features].sort((a, b) =>
      a.properties.id < b.properties.id ? -1 : 1,
    );
    const boxes = new Map<LayerFeature, number[]>(patches.map((f) => [f, bbox(f)]));
    const recount = new Map<string, number>();
    for (const p of live) {
      const { lng, lat } = p.location!;
      const patch = patches.find((f) => {
        const [w, s, e, n] = boxes.get(f)!;
        return lng >= w! && lng <= e! && lat >= s! && lat <= n! && booleanPointInPolygon([lng, lat], f);
      });
      if (!patch) continue;
      const share = births.get(p.census!.lsoa11!)! / perLsoa.get(p.census!.lsoa11!)!;
      recount.set(patch.properties.id, (recount.get(patch.properties.id) ?? 0) + share);
    }
    const capacity = new Map(
      (await readFile(CAPACITY, 'utf8'))
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => l.split(','))
        .map(([, id, c]) => [id!, Number(c)]),
    );

    const loads = impact.hvPatches!.capacity!;
    expect(loads.measure).toBe('births');
    for (const u of loads.units) {
      expect(u.capacity, u.id).toBe(capacity.get(u.id));
      expect(u.before!.caseload, u.id).toBeCloseTo(recount.get(u.id) ?? 0, 6);
      const flag = (share: number) => (share > 1 ? 'over' : share < 0.8 ? 'under' : 'within');
      expect(u.before!.flag, u.id).toBe(flag(u.before!.caseload / u.capacity));
      if (u.after) expect(u.after.flag, u.id).toBe(flag(u.after.caseload / u.capacity));
    }
    const stroud1 = loads.units.find((u) => u.id === 'hv-stroud-1')!;
    const stroud2 = loads.units.find((u) => u.id === 'hv-stroud-2')!;
    // The merged patch carries both patches' births against hv-stroud-1's capacity: over it.
    const both = recount.get('hv-stroud-1')! + recount.get('hv-stroud-2')!;
    expect(stroud1.after!.caseload).toBeCloseTo(both, 6);
    expect(stroud1.after!.flag).toBe('over');
    expect(stroud2).toMatchObject({ state: 'removed', after: null });
    const flagged = (state: 'before' | 'after', flag: string) =>
      loads.units.filter((u) => u[state]?.flag === flag).length;
    expect([loads.over.before, loads.over.after]).toEqual([
      flagged('before', 'over'),
      flagged('after', 'over'),
    ]);
    expect([loads.under.before, loads.under.after]).toEqual([
      flagged('before', 'under'),
      flagged('after', 'under'),
    ]);
    // The hub catchments did not move: births per hub are the same before and after.
    for (const h of impact.hubs.units) expect(h.weight!.change, h.id).toBeCloseTo(0, 9);

    const text = await runCatchments(
      'impact',
      ...['--from', SAMPLE, '--to', redraw],
      ...['--weights', BIRTHS, '--weights-key', 'lsoa', '--weights-column', 'births', '--capacity', CAPACITY],
    );
    expect(text.stdout).toMatch(/Caseload vs capacity per patch \(births; over > 100%, under < 80%\)/);
    expect(text.stdout).toMatch(
      /hv-stroud-1\s+216\s+[\d.,]+ \([\d.]+%\)\s+ok\s+[\d.,]+ \(1\d\d\.\d%\)\s+OVER/,
    );
    expect(text.stdout).toMatch(/hv-stroud-2 \(removed\)/);
  }, 60_000);
});
