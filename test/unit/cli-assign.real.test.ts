// `catchments assign` on real data, checked against an independent oracle: Code-Point Open 2014's
// own ward for each postcode (assigned by OS, not by our geometry).
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { runCatchments } from '../support/cli.js';
import { realDataDir } from '../support/fixtures.js';

describe('catchments assign on real Gloucestershire data', () => {
  it('agrees with Code-Point 2014 ward codes for >= 99.9% of in-county postcodes', async () => {
    const data = realDataDir();
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'assign-')), 'assigned.csv');
    const run = await runCatchments(
      'assign',
      '--polygons',
      path.join(data, 'gloucestershire-wards.geojson'),
      '--id-property',
      'WD13CD',
      '--points',
      path.join(data, 'gloucestershire-postcodes-2014.csv'),
      '--out',
      out,
      '--json',
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const summary = JSON.parse(run.stdout) as { rows: number; matches: Record<string, number> };
    expect(summary.rows).toBe(20_412);

    const wards = new Set(
      (
        JSON.parse(readFileSync(path.join(data, 'gloucestershire-wards.geojson'), 'utf8')) as {
          features: { properties: { WD13CD: string } }[];
        }
      ).features.map((f) => f.properties.WD13CD),
    );
    const [header, ...rows] = parse(readFileSync(out)) as string[][];
    const oracle = header!.indexOf('admin_ward_code');
    const assigned = header!.indexOf('assigned_id');
    let considered = 0;
    let agree = 0;
    for (const fields of rows) {
      if (!wards.has(fields[oracle]!)) continue; // GL postcodes in other counties
      considered++;
      if (fields[assigned] === fields[oracle]) agree++;
    }
    expect(considered).toBe(19_718);
    // Code-Point's own assignment disagrees with exact point-in-polygon for 14 of 19,718 (data README).
    expect(agree / considered).toBeGreaterThanOrEqual(0.999);
    expect(agree).toBeGreaterThanOrEqual(19_700);
  });

  it('reads British National Grid columns as well', async () => {
    const data = realDataDir();
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'assign-')), 'assigned.csv');
    const run = await runCatchments(
      'assign',
      '--polygons',
      path.join(data, 'gloucestershire-districts.geojson'),
      '--id-property',
      'LAD13CD',
      '--points',
      path.join(data, 'gloucestershire-postcodes.csv'),
      '--easting',
      'eastings',
      '--northing',
      'northings',
      '--out',
      out,
      '--json',
    );
    expect(run.code).toBe(0);
    const [header, ...rows] = parse(readFileSync(out)) as string[][];
    const district = header!.indexOf('admin_district_code');
    const assigned = header!.indexOf('assigned_id');
    let inCounty = 0;
    let agree = 0;
    for (const f of rows) {
      if (!/^E0700008[0-3]$|^E0700007[89]$/.test(f[district]!)) continue;
      inCounty++;
      if (f[assigned] === f[district]) agree++;
    }
    expect(inCounty).toBe(21_289);
    // The README lists 2 in-county postcodes whose LSOA-based district differs from Code-Point's.
    expect(agree).toBeGreaterThanOrEqual(21_280);
  });
});
