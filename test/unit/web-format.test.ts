// The web pages' pure helpers (web/src/lib): words for distances, opening hours and ages; bounding
// boxes; and reading a redraw impact report into what the planner's panels show.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { readBoundarySetDir } from '../../functions/adapters/boundary-set-files.js';
import { readDirectoryFile } from '../../functions/adapters/directory-file.js';
import { computeRedrawImpact } from '../../functions/core/impact/redraw-impact.js';
import {
  clock,
  describeOpeningHours,
  formatAges,
  formatArea,
  formatChange,
  formatDistance,
  formatPercent,
  joinWords,
  safeHttpUrl,
  telHref,
} from '../../web/src/lib/format.js';
import { bboxOf, padPoint, unionBbox } from '../../web/src/lib/geo.js';
import { type RedrawImpact, readImpact } from '../../web/src/lib/impact.js';

const IMPACT_FIXTURE = fileURLToPath(new URL('../fixtures/impact', import.meta.url));

describe('formatting', () => {
  it('says distances in metres or kilometres, with miles', () => {
    expect(formatDistance(0)).toBe('0 m (under 0.1 miles)');
    expect(formatDistance(268)).toBe('270 m (0.2 miles)');
    expect(formatDistance(1609.344)).toBe('1.6 km (1.0 mile)');
    expect(formatDistance(12_950)).toBe('13 km (8.0 miles)');
    expect(formatDistance(-1)).toBe('');
  });

  it('reads the opening-hours forms the sites use, and refuses what it cannot read', () => {
    expect(describeOpeningHours('Mo-Th 08:30-17:00; Fr 08:30-16:30')).toEqual([
      { days: 'Monday to Thursday', hours: '8:30am to 5pm' },
      { days: 'Friday', hours: '8:30am to 4:30pm' },
    ]);
    expect(describeOpeningHours('Mo,We 09:30-14:30')).toEqual([
      { days: 'Monday and Wednesday', hours: '9:30am to 2:30pm' },
    ]);
    expect(describeOpeningHours('Tu,Th,Sa 09:00-12:00,13:00-16:00; PH off')).toEqual([
      { days: 'Tuesday, Thursday and Saturday', hours: '9am to midday and 1pm to 4pm' },
      { days: 'Bank holidays', hours: 'Closed' },
    ]);
    for (const bad of [
      '',
      '24/7',
      'Mo-Fr',
      'Fr-Mo 09:00-17:00',
      'Mo 9-5',
      'Xx 09:00-10:00',
      'Mo 25:00-26:00',
    ]) {
      expect(describeOpeningHours(bad), bad).toBeNull();
    }
  });

  it('writes clock times the way people say them', () => {
    expect(clock(0, 0)).toBe('midnight');
    expect(clock(12, 0)).toBe('midday');
    expect(clock(9, 5)).toBe('9:05am');
    expect(clock(17, 0)).toBe('5pm');
    expect(clock(24, 1)).toBeNull();
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }), (hh, mm) => {
        const text = clock(hh, mm)!;
        return /^(midnight|midday|\d{1,2}(:\d{2})?(am|pm))$/.test(text);
      }),
    );
  });

  it('formats ages, counts, changes, shares, areas, lists and links', () => {
    expect(formatAges({ min: 0, max: 19, sendMaxAge: 25 })).toBe(
      '0 to 19 (up to 25 with special educational needs and disabilities)',
    );
    expect(formatAges({ min: 0, max: 5 })).toBe('0 to 5');
    expect(formatChange(130)).toBe('+130');
    expect(formatChange(-1234)).toBe('\u22121,234');
    expect(formatChange(0)).toBe('0');
    expect(formatPercent(0.95342)).toBe('95.3%');
    expect(formatPercent(null)).toBe('–');
    expect(formatArea(2_655_033_045)).toBe('2655 km²');
    expect(formatArea(41_000)).toBe('4.1 ha');
    expect(formatArea(350.4)).toBe('350 m²');
    expect(joinWords(['a', 'b', 'c'])).toBe('a, b and c');
    expect(telHref('01632 960001')).toBe('tel:01632960001');
    expect(safeHttpUrl('https://example.org/x')).toBe('https://example.org/x');
    expect(safeHttpUrl('javascript:alert(1)')).toBeNull();
    expect(safeHttpUrl('not a url')).toBeNull();
  });
});

describe('bounding boxes', () => {
  it('covers every position of any geometry, and unions', () => {
    expect(
      bboxOf({
        type: 'FeatureCollection',
        features: [
          { type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: [-2, 51] } },
          {
            type: 'Feature',
            properties: {},
            geometry: {
              type: 'MultiPolygon',
              coordinates: [
                [
                  [
                    [-3, 50],
                    [-1, 50],
                    [-1, 52],
                    [-3, 50],
                  ],
                ],
              ],
            },
          },
          { type: 'Feature', properties: {}, geometry: null as unknown as GeoJSON.Point },
        ],
      }),
    ).toEqual([-3, 50, -1, 52]);
    expect(bboxOf({ type: 'FeatureCollection', features: [] })).toBeNull();
    expect(unionBbox([0, 0, 1, 1], null)).toEqual([0, 0, 1, 1]);
    expect(unionBbox([0, 0, 1, 1], [-1, 0.5, 0.5, 2])).toEqual([-1, 0, 1, 2]);
    const [w, s, e, n] = padPoint(-2, 51.5, 1000);
    expect(n - s).toBeCloseTo(2000 / 111_320, 6);
    expect(e - w).toBeGreaterThan(n - s);
  });
});

describe('impact reports, as the planner reads them', () => {
  // Fixtureshire (test/fixtures/impact/README.md): ward W5 moves from hub-b to hub-c, with answers
  // derived by hand there; the report is computed by the service's own engine, not written here.
  let report: RedrawImpact;
  beforeAll(async () => {
    const from = await readBoundarySetDir(join(IMPACT_FIXTURE, 'from'), 1);
    const to = await readBoundarySetDir(join(IMPACT_FIXTURE, 'to'), null);
    report = computeRedrawImpact(from, to, [
      ...(await readDirectoryFile(join(IMPACT_FIXTURE, 'from', 'postcodes.csv'))),
    ]);
  });

  it('shows the moved postcodes, the from -> to table and the caseload (live postcodes) per hub', () => {
    const view = readImpact(report);
    expect(view.movedCount).toBe(3);
    expect(view.moved.map((m) => [m.postcode, m.fromHub, m.toHub])).toEqual([
      ['TS5 1AA', 'hub-b', 'hub-c'],
      ['TS5 2AA', 'hub-b', 'hub-c'],
      ['TS5 3AA', 'hub-b', 'hub-c'],
    ]);
    expect(view.truncated).toBe(false);
    expect(view.flows).toEqual([{ from: 'hub-b', to: 'hub-c', postcodes: 3 }]);
    expect(view.caseload.map((c) => [c.id, c.before, c.after])).toEqual([
      ['hub-a', 6, 6],
      ['hub-b', 5, 3],
      ['hub-c', 9, 11],
    ]);
    expect(view.caseload[1]!.name).toBe('Beeton Family Hub');
    expect(view.balance).toEqual({
      before: { max: 9, min: 5, ratio: 9 / 5 },
      after: { max: 11, min: 3, ratio: 11 / 3 },
    });
    expect(view.units).toEqual([
      { layer: 'hv-patches', postcodes: 0, flows: [] },
      { layer: 'coc-teams', postcodes: 0, flows: [] },
    ]);
    expect(view.publishable).toBe(true);
  });

  it('shows coterminosity before and after for each pair of layers', () => {
    const pairs = Object.fromEntries(readImpact(report).alignment.map((p) => [p.pair, p]));
    expect(pairs['catchments:coc-teams']).toMatchObject({ before: 1 });
    expect(pairs['catchments:coc-teams']!.after).toBeCloseTo(0.9, 12);
    expect(pairs['hv-patches:coc-teams']).toMatchObject({ before: 1, after: 1 });
  });

  it('derives nothing from an empty redraw', () => {
    const view = readImpact({ ...report, hubs: { ...report.hubs, changed: 0, moved: [], matrix: [] } });
    expect(view).toMatchObject({ movedCount: 0, moved: [], flows: [] });
  });
});
