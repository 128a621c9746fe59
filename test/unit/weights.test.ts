// Weights and capacity (functions/core/weights, the impact's weighted figures): on Fixtureshire with
// an lsoa11 column (test/fixtures/weights/README.md), every figure has a hand-derived answer; a
// property test checks that weighted caseloads always add up to the file's total minus what is
// reported unmatched; the directory carries census columns through its text format.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { readBoundarySetDir } from '../../functions/adapters/boundary-set-files.js';
import { readDirectoryFile } from '../../functions/adapters/directory-file.js';
import {
  parseCapacityCsv,
  parseWeightsCsv,
  readCapacityFile,
  readWeightsFile,
} from '../../functions/adapters/weights-file.js';
import { decodeCensusCode, encodeCensusCode } from '../../functions/core/census.js';
import { InvalidRequestError } from '../../functions/core/errors.js';
import { computeRedrawImpact } from '../../functions/core/impact/redraw-impact.js';
import type { UnitChanges } from '../../functions/core/impact/unit-changes.js';
import type { BoundarySet, Layer, PostcodeRecord } from '../../functions/core/model.js';
import {
  decodeDirectoryCsv,
  encodeDirectoryCsv,
  PostcodeDirectory,
} from '../../functions/core/postcode-directory.js';
import { loadsByLayer, readCapacityTable } from '../../functions/core/weights/capacity.js';
import { layerCensusSource, resolveWeights } from '../../functions/core/weights/resolve.js';
import { readWeightsTable, type WeightsTable } from '../../functions/core/weights/weights-table.js';

const IMPACT = fileURLToPath(new URL('../fixtures/impact', import.meta.url));
const WEIGHTS = fileURLToPath(new URL('../fixtures/weights', import.meta.url));

let from: BoundarySet;
let to: BoundarySet;
let records: PostcodeRecord[];
let lsoaBirths: WeightsTable;
beforeAll(async () => {
  from = await readBoundarySetDir(path.join(IMPACT, 'from'), 1);
  to = await readBoundarySetDir(path.join(IMPACT, 'to'), null);
  records = [...(await readDirectoryFile(path.join(WEIGHTS, 'postcodes.csv')))];
  lsoaBirths = await readWeightsFile(path.join(WEIGHTS, 'births-lsoa.csv'), {
    key: 'lsoa',
    column: 'births',
  });
});

const unit = (changes: Omit<UnitChanges, 'moved'> | null, id: string) =>
  changes!.units.find((u) => u.id === id)!;

describe('the postcode directory with census columns', () => {
  it('reads and writes lsoa11 (and any census column) beside the fixed five', () => {
    const directory = PostcodeDirectory.fromCsv(
      'postcode,lat,lng,status,terminated,oa11,lsoa11\n' +
        'GL1 1AA,51.8,-2.2,live,,E00112233,E01022380\n' +
        'GL1 1AB,51.8,-2.2,terminated,2019-03,,E01022380\n' +
        'GL1 1AD,,,live,,,\n',
    );
    expect(directory.censusColumns).toEqual(['oa11', 'lsoa11']);
    expect(directory.get('GL1 1AA')!.census).toEqual({ oa11: 'E00112233', lsoa11: 'E01022380' });
    expect(directory.get('GL1 1AB')).toEqual({
      postcode: 'GL1 1AB',
      location: { lat: 51.8, lng: -2.2 },
      status: 'terminated',
      terminated: '2019-03',
      census: { lsoa11: 'E01022380' },
    });
    expect(directory.get('GL1 1AD')!.census).toBeUndefined();
    const text = encodeDirectoryCsv(directory.records());
    expect(text.split('\n')[0]).toBe('postcode,lat,lng,status,terminated,oa11,lsoa11');
    expect(text.split('\n')[1]).toBe('GL1 1AA,51.800000,-2.200000,live,,E00112233,E01022380');
    expect(decodeDirectoryCsv(text)).toEqual([...directory.records()]);
    // Records without census codes keep the five-column format exactly.
    expect(encodeDirectoryCsv([{ postcode: 'GL1 1AA', location: null, status: 'live' }])).toBe(
      'postcode,lat,lng,status,terminated\nGL1 1AA,,,live,\n',
    );
  });

  it('refuses census columns out of order, unknown ones, bad codes and missing cells, with the line', () => {
    const bad = (text: string) => {
      try {
        PostcodeDirectory.fromCsv(text);
      } catch (error) {
        return (error as Error).message;
      }
      throw new Error('accepted');
    };
    expect(bad('postcode,lat,lng,status,terminated,lsoa11,oa11\n')).toMatch(
      /line 1: .*census columns may follow/,
    );
    expect(bad('postcode,lat,lng,status,terminated,msoa11\n')).toMatch(/line 1/);
    expect(bad('postcode,lat,lng,status,terminated,lsoa11\nGL1 1AA,,,live,,95AA01S1\n')).toMatch(
      /line 2: GL1 1AA: lsoa11 must be a census code/,
    );
    expect(bad('postcode,lat,lng,status,terminated,lsoa11\nGL1 1AA,,,live,\n')).toMatch(
      /line 2: expected 6 columns/,
    );
    expect(bad('postcode,lat,lng,status,terminated,lsoa11\nGL1 1AA,,,live,,E01000001,x\n')).toMatch(
      /line 2: expected 6 columns/,
    );
    expect(() =>
      PostcodeDirectory.fromRecords([
        { postcode: 'GL1 1AA', location: null, status: 'live', census: { lsoa11: 'nope' } },
      ]),
    ).toThrow(/lsoa11 must be a census code/);
  });

  it('encodes every code shape exactly in a double', () => {
    fc.assert(
      fc.property(fc.constantFrom(...'ABEKLMNSWZ'), fc.integer({ min: 0, max: 99_999_999 }), (letter, n) => {
        const code = `${letter}${String(n).padStart(8, '0')}`;
        expect(decodeCensusCode(encodeCensusCode(code))).toBe(code);
      }),
    );
    expect(Number.isNaN(encodeCensusCode('e01022380'))).toBe(true);
  });
});

describe('reading a weights file', () => {
  it('finds the key column by name, normalises codes, keeps malformed keys apart and totals every row', () => {
    expect(lsoaBirths.keyColumn).toBe('lsoa11');
    expect(lsoaBirths.column).toBe('births');
    expect(lsoaBirths.total).toBe(110);
    expect(lsoaBirths.rows.map((r) => r.code)).toEqual([
      'E01000001',
      'E01000002',
      'E01000005',
      'E01000003',
      'E01000008',
      'E01000009',
      'E01999999',
    ]);
    expect(lsoaBirths.malformed).toEqual([{ code: 'Total', weight: 50, row: 8 }]);
    const t = readWeightsTable(['LSOA11CD', 'Births 2023'], [[' e01000001 ', '3.5']], {
      key: 'lsoa11',
      column: 'births 2023',
    });
    expect(t.rows).toEqual([{ code: 'E01000001', weight: 3.5, row: 1 }]);
  });

  it('refuses what it cannot honestly count, naming the row and what to do', () => {
    const read = (rows: string[][], spec = { key: 'postcode' as const, column: 'births' }) => {
      try {
        readWeightsTable(['postcode', 'births'], rows, spec);
      } catch (error) {
        expect(error).toBeInstanceOf(InvalidRequestError);
        return (error as Error).message;
      }
      throw new Error('accepted');
    };
    expect(read([['GL1 1AA', '*']])).toMatch(
      /row 1 \(GL1 1AA\): births is "\*", not a number ≥ 0\. A suppressed/,
    );
    expect(read([['GL1 1AA', '']])).toMatch(/births is empty/);
    expect(read([['GL1 1AA', '-1']])).toMatch(/not a number ≥ 0/);
    expect(read([['GL1 1AA', '1e999']])).toMatch(/not a number ≥ 0/);
    expect(
      read([
        ['GL1 1AA', '1'],
        ['gl11aa', '2'],
      ]),
    ).toMatch(/rows 1 and 2 are both GL1 1AA/);
    expect(read([])).toMatch(/no rows/);
    expect(read([['GL1 1AA', '1']], { key: 'postcode', column: 'cases' })).toMatch(
      /no column "cases" \(its columns: postcode, births\)/,
    );
    expect(() =>
      readWeightsTable(['code', 'births'], [['E01000001', '1']], { key: 'lsoa', column: 'births' }),
    ).toThrow(/no column of LSOA codes/);
    expect(() =>
      readWeightsTable(['lsoa11cd', 'lsoa21cd', 'births'], [['E01000001', 'E01000001', '1']], {
        key: 'lsoa',
        column: 'births',
      }),
    ).toThrow(/2 columns that could hold the LSOA codes \(lsoa11cd, lsoa21cd\)/);
  });

  it('reads CSV text from a request body with the CSV module (delimiter detected), and reports unreadable CSV', async () => {
    const t = await parseWeightsCsv('postcode;births\r\n"TS1 1AA";2\r\n', {
      key: 'postcode',
      column: 'births',
    });
    expect(t.rows).toEqual([{ code: 'TS1 1AA', weight: 2, row: 1 }]);
    await expect(
      parseWeightsCsv('postcode,births\n"TS1 1AA,2\n', { key: 'postcode', column: 'births' }),
    ).rejects.toThrow(InvalidRequestError);
    await expect(parseCapacityCsv('unit_id,capacity\nhub-a,0\n')).rejects.toThrow(
      /capacity is "0"; give a number above 0/,
    );
  });
});

describe('putting weights on postcodes', () => {
  it('spreads an LSOA weight equally over its live located postcodes and reports every unmatched row', () => {
    const { byPostcode, report } = resolveWeights(lsoaBirths, records);
    expect(byPostcode.get('TS1 1AA')).toBe(2);
    expect(byPostcode.get('TS4 2AA')).toBe(3);
    expect(byPostcode.get('TS5 1AA')).toBe(3);
    expect(byPostcode.has('TS5 3AA')).toBe(false); // terminated: nobody lives there
    expect(byPostcode.get('TS8 1AA')).toBe(5); // outside the area, but a real postcode
    expect(report).toMatchObject({
      key: 'lsoa',
      censusSource: 'lsoa11',
      rows: 8,
      total: 110,
      matched: { rows: 5, weight: 49, postcodes: 21 },
      unmatched: {
        rows: 3,
        weight: 61,
        byReason: {
          malformed: { rows: 1, weight: 50 },
          unknown: { rows: 2, weight: 11 },
          terminated: { rows: 0, weight: 0 },
          'no-location': { rows: 0, weight: 0 },
        },
        listedTruncated: false,
      },
    });
    expect(report.unmatched.listed.map((u) => [u.code, u.reason])).toEqual([
      ['Total', 'malformed'],
      ['E01000009', 'unknown'],
      ['E01999999', 'unknown'],
    ]);
  });

  it('puts postcode weights on their postcode, and says why the others cannot be placed', async () => {
    const table = await readWeightsFile(path.join(WEIGHTS, 'births-postcode.csv'), {
      key: 'postcode',
      column: 'births',
    });
    const { byPostcode, report } = resolveWeights(table, records, { maxListed: 2 });
    expect([...byPostcode]).toEqual([
      ['TS1 1AA', 1],
      ['TS5 1AA', 2],
      ['TS8 1AA', 7],
    ]);
    expect(report.matched).toEqual({ rows: 3, weight: 10, postcodes: 3 });
    expect(report.unmatched.byReason).toEqual({
      malformed: { rows: 1, weight: 6 },
      unknown: { rows: 1, weight: 5 },
      terminated: { rows: 1, weight: 3 },
      'no-location': { rows: 1, weight: 4 },
    });
    expect(report.unmatched.listed.map((u) => u.code)).toEqual(['not a postcode', 'TS7 7AA']);
    expect(report.unmatched.listedTruncated).toBe(true);
  });

  it('asks for census codes the directory does not carry, or for the census when it carries two', async () => {
    const plain = [...(await readDirectoryFile(path.join(IMPACT, 'from', 'postcodes.csv')))];
    expect(() => resolveWeights(lsoaBirths, plain)).toThrow(
      /no LSOA \(lsoa11 or lsoa21\) column \(Code-Point Open carries none\)\. Load a directory imported from ONSPD or NSPL/,
    );
    const both = records.map((r) => ({
      ...r,
      census: { ...r.census, lsoa21: r.census?.lsoa11 ?? 'E01000000' },
    }));
    expect(() => resolveWeights(lsoaBirths, both)).toThrow(/both lsoa11 and lsoa21: name the census/);
    const t21 = readWeightsTable(['lsoa21', 'births'], [['E01000001', '8']], {
      key: 'lsoa21',
      column: 'births',
    });
    expect(resolveWeights(t21, both).report).toMatchObject({
      censusSource: 'lsoa21',
      matched: { weight: 8 },
    });
  });

  it('takes census codes from a census layer’s polygons (the lookup’s point-in-polygon) for a Code-Point directory', async () => {
    const plain = [...(await readDirectoryFile(path.join(IMPACT, 'from', 'postcodes.csv')))];
    const wards = JSON.parse(await readFile(path.join(IMPACT, 'wards.geojson'), 'utf8')) as Layer;
    const census: Layer = {
      ...wards,
      features: wards.features.map((f, i) => ({
        ...f,
        properties: { ...f.properties, id: `E0100000${i + 1}` },
      })),
    };
    const table = readWeightsTable(['lsoa', 'births'], [['E01000005', '10']], {
      key: 'lsoa',
      column: 'births',
    });
    const source = layerCensusSource(census, 'wards.geojson', plain);
    const { byPostcode, report } = resolveWeights(table, plain, { census: source });
    // The fifth ward (W5) has two live postcodes: 5 births each.
    expect([...byPostcode]).toEqual([
      ['TS5 1AA', 5],
      ['TS5 2AA', 5],
    ]);
    expect(report.censusSource).toBe('layer:wards.geojson');
    expect(() => layerCensusSource(wards, 'wards.geojson', plain)).toThrow(
      /feature id "W1", not a census code/,
    );
  });
});

describe('the redraw impact with births per LSOA and capacities (hand-computed)', () => {
  it('gives each hub, patch and team its births before and after, beside the postcode counts', () => {
    const r = computeRedrawImpact(from, to, records, { weights: resolveWeights(lsoaBirths, records) });
    expect(unit(r.hubs, 'hub-a')).toMatchObject({ before: 6, after: 6, weight: { before: 14, after: 14 } });
    expect(unit(r.hubs, 'hub-b')).toMatchObject({
      before: 5,
      after: 3,
      weight: { before: 12, after: 6, change: -6, changeShare: -0.5 },
    });
    expect(unit(r.hubs, 'hub-c')).toMatchObject({ weight: { before: 18, after: 24, change: 6 } });
    expect(r.hubs.matrix).toEqual([{ from: 'hub-b', to: 'hub-c', postcodes: 3, live: 2, weight: 6 }]);
    expect(r.hubs.weighted!.none).toEqual({ before: 5, after: 5 });
    expect(r.hubs.weighted!.balance.after).toMatchObject({
      units: 3,
      weight: 44,
      min: { id: 'hub-b', weight: 6 },
      max: { id: 'hub-c', weight: 24 },
      maxMinRatio: 4,
    });
    expect(Object.fromEntries(r.hvPatches!.units.map((u) => [u.id, u.weight!.after]))).toEqual({
      'hv-a': 14,
      'hv-b1': 6,
      'hv-b2': 6,
      'hv-c': 18,
    });
    expect(Object.fromEntries(r.cocTeams!.units.map((u) => [u.id, u.weight!.before]))).toEqual({
      'coc-east': 18,
      'coc-west': 26,
    });
    expect(r.weights).toMatchObject({ total: 110, matched: { weight: 49 }, unmatched: { weight: 61 } });
    // The unweighted answer has none of it.
    const plain = computeRedrawImpact(from, to, records, { alignment: false });
    expect(plain.weights).toBeNull();
    expect(plain.hubs.weighted).toBeNull();
    expect(plain.hubs.units.every((u) => u.weight === undefined)).toBe(true);
  });

  it('weights alignment by births: W5’s 6 of the 44 births in the area sit in hub-c but team coc-west', () => {
    const r = computeRedrawImpact(from, to, records, { weights: resolveWeights(lsoaBirths, records) });
    const pair = r.alignment!.pairs.find((p) => p.name === 'catchments-teams')!;
    expect(pair.before).toBe(1);
    expect(pair.after).toBeCloseTo(1 - 6 / 44, 12);
    expect(r.alignment!.agreement.after).toBeCloseTo(38 / 44, 12);
  });

  it('sets caseload against capacity per unit before and after, flagging over (> 100%) and under (< 80%)', async () => {
    const capacity = await readCapacityFile(path.join(WEIGHTS, 'capacity.csv'));
    const r = computeRedrawImpact(from, to, records, {
      weights: resolveWeights(lsoaBirths, records),
      capacity,
      alignment: false,
    });
    const load = (c: Omit<UnitChanges, 'moved'> | null, id: string) => {
      const u = c!.capacity!.units.find((x) => x.id === id)!;
      return [u.capacity, u.before?.share, u.before?.flag, u.after?.share, u.after?.flag];
    };
    expect(load(r.hubs, 'hub-a')).toEqual([20, 0.7, 'under', 0.7, 'under']);
    expect(load(r.hubs, 'hub-b')).toEqual([10, 1.2, 'over', 0.6, 'under']);
    expect(load(r.hubs, 'hub-c')).toEqual([20, 0.9, 'within', 1.2, 'over']);
    expect(r.hubs.capacity).toMatchObject({
      measure: 'births',
      underShare: 0.8,
      withoutCapacity: [],
      over: { before: 1, after: 1 },
      under: { before: 1, after: 2 },
    });
    expect(load(r.hvPatches, 'hv-b2')).toEqual([5, 1.2, 'over', 1.2, 'over']);
    expect(r.hvPatches!.capacity!.withoutCapacity).toEqual(['hv-a', 'hv-b1', 'hv-c']);
    expect(r.cocTeams!.capacity!.units[0]!.after).toEqual({ caseload: 26, share: 26 / 30, flag: 'within' });
    expect(r.capacity).toMatchObject({ measure: 'births', rows: 6, unknown: [{ unit: 'hv-x', row: 6 }] });

    // A higher lower share flags coc-west under; without weights capacity counts live postcodes.
    const strict = computeRedrawImpact(from, to, records, {
      weights: resolveWeights(lsoaBirths, records),
      capacity,
      underShare: 0.9,
      alignment: false,
    });
    expect(strict.cocTeams!.capacity!.units[0]!.after!.flag).toBe('under');
    const byPostcodes = computeRedrawImpact(from, to, records, { capacity, alignment: false });
    expect(byPostcodes.capacity!.measure).toBe('live postcodes');
    expect(byPostcodes.hubs.capacity!.units.find((u) => u.id === 'hub-c')!.after).toEqual({
      caseload: 11,
      share: 11 / 20,
      flag: 'under',
    });
  });

  it('refuses a capacity id that is a unit of two layers unless the file names the layer', () => {
    const ambiguous: BoundarySet = {
      ...to,
      layers: {
        ...to.layers,
        'hv-patches': {
          ...to.layers['hv-patches']!,
          features: to.layers['hv-patches']!.features.map((f) =>
            f.properties.id === 'hv-a' ? { ...f, properties: { ...f.properties, id: 'hub-a' } } : f,
          ),
        },
      },
    };
    const capacity = readCapacityTable(['unit_id', 'capacity'], [['hub-a', '10']]);
    expect(() => computeRedrawImpact(from, ambiguous, records, { capacity, alignment: false })).toThrow(
      /hub-a is a unit of catchments and hv-patches; add a layer column/,
    );
  });
});

describe('caseload against capacity in one state (alignment)', () => {
  it('flags each unit of each layer by hand-computed shares, with layer names as a planner writes them', () => {
    const capacity = readCapacityTable(
      ['layer', 'unit_id', 'capacity'],
      [
        ['HV-Patch', 'p1', '10'], // alias of hv-patches, any case
        ['hv-patches', 'p2', '4'],
        ['coc-team', 't1', '20'],
        ['coc-teams', 'p1', '50'], // p1 is no team: reported, not used
        ['', 'nowhere', '5'],
      ],
    );
    const { layers, unknown } = loadsByLayer(
      [
        {
          layer: 'hv-patches',
          units: [
            { id: 'p1', name: 'P1', weight: 12.5 },
            { id: 'p2', name: 'P2', weight: 3 },
            { id: 'p3', name: 'P3', weight: 7 },
          ],
        },
        { layer: 'coc-teams', units: [{ id: 't1', name: 'T1', weight: 15.5 }] },
      ],
      capacity,
      { measure: 'births', underShare: 0.8 },
    );
    const patches = layers.get('hv-patches')!;
    // p1 12.5/10 = 1.25 over; p2 3/4 = 0.75 under; p3 has no capacity.
    expect(patches.units.map((u) => [u.id, u.load.share, u.load.flag])).toEqual([
      ['p1', 1.25, 'over'],
      ['p2', 0.75, 'under'],
    ]);
    expect(patches).toMatchObject({ measure: 'births', withoutCapacity: ['p3'], over: 1, under: 1 });
    // t1 15.5/20 = 0.775: under at 0.8.
    expect(layers.get('coc-teams')!.units[0]!.load).toEqual({ caseload: 15.5, share: 0.775, flag: 'under' });
    expect(unknown.map((e) => e.row)).toEqual([4, 5]);
  });
});

describe('weighted totals add up (property)', () => {
  it('Σ unit weights + weight in no unit = the file’s total − what is reported unmatched, in every layer, before and after', () => {
    const postcodes = records.map((r) => r.postcode);
    const codes = ['E01000001', 'E01000002', 'E01000003', 'E01000005', 'E01000008', 'E01000009', 'E01234567'];
    const key = fc.oneof(
      fc.constantFrom(...postcodes, 'TS7 7AA', 'nonsense', 'TOTAL'),
      fc.constantFrom(...codes),
    );
    const rowsArb = fc.uniqueArray(fc.tuple(key, fc.double({ min: 0, max: 1e4, noNaN: true })), {
      minLength: 1,
      maxLength: 30,
      selector: ([k]) => k.toUpperCase().replace(/\s/g, ''),
    });
    fc.assert(
      fc.property(rowsArb, fc.boolean(), (rows, byLsoa) => {
        const kept = rows.filter(([k]) => byLsoa === /^E0/.test(k));
        if (kept.length === 0) return;
        const table = readWeightsTable(
          ['key', 'w'],
          kept.map(([k, w]) => [k, String(w)]),
          { key: byLsoa ? 'lsoa' : 'postcode', column: 'w', keyColumn: 'key' },
        );
        const weights = resolveWeights(table, records);
        const expected = table.total - weights.report.unmatched.weight;
        expect(weights.report.matched.weight).toBeCloseTo(expected, 6);
        const r = computeRedrawImpact(from, to, records, { weights, alignment: false });
        for (const layer of [r.hubs, r.hvPatches!, r.cocTeams!] as Omit<UnitChanges, 'moved'>[]) {
          for (const side of ['before', 'after'] as const) {
            const inUnits = layer.units.reduce((s, u) => s + u.weight![side], 0);
            const total = inUnits + layer.weighted!.none[side];
            expect(Math.abs(total - expected)).toBeLessThanOrEqual(1e-9 * Math.max(1, expected));
          }
        }
      }),
      { numRuns: 60 },
    );
  });
});
