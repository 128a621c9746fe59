// The illustrative planning files in data/planning/ (made up, data/planning/README.md): regenerated
// from the committed sample directory byte for byte, and each LSOA's figure checked against its live
// postcodes counted straight from the directory's text (births = postcodes × a factor in [0.15, 0.45)).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { BIRTHS_FILE, CAPACITY_FILE, makeSampleWeights } from '../../scripts/make-sample-weights.js';

const DATA = fileURLToPath(new URL('../../data', import.meta.url));
const committed = (name: string) => readFileSync(`${DATA}/planning/${name}`, 'utf8');

describe('the illustrative planning files', () => {
  it('regenerate byte for byte (run `npm run sample-weights` after changing the sample area)', async () => {
    const files = await makeSampleWeights(DATA);
    expect([...files.keys()].sort()).toEqual([BIRTHS_FILE, CAPACITY_FILE].sort());
    for (const [name, text] of files) expect(text, `${name} drifted from its script`).toBe(committed(name));
  });

  it('give every LSOA with live postcodes a figure within its factor range, and every HV patch a capacity', () => {
    const live = new Map<string, number>();
    const rows = gunzipSync(readFileSync(`${DATA}/gloucestershire/postcodes.csv.gz`)).toString('utf8');
    for (const line of rows.trim().split('\n').slice(1)) {
      const f = line.split(',');
      if (f[3] === 'live' && f[1] !== '' && f[6]) live.set(f[6], (live.get(f[6]) ?? 0) + 1);
    }
    const births = committed(BIRTHS_FILE).trim().split('\n');
    expect(births[0]).toBe('lsoa11,births');
    expect(births.length - 1).toBe(live.size);
    for (const line of births.slice(1)) {
      const [code, value] = line.split(',') as [string, string];
      const n = live.get(code)!;
      expect(Number(value), code).toBeGreaterThanOrEqual(Math.round(n * 0.15));
      expect(Number(value), code).toBeLessThanOrEqual(Math.round(n * 0.45));
    }
    const patches = (
      JSON.parse(readFileSync(`${DATA}/gloucestershire/hv-patches.geojson`, 'utf8')) as {
        features: { properties: { id: string } }[];
      }
    ).features.map((f) => f.properties.id);
    const capacity = committed(CAPACITY_FILE).trim().split('\n');
    expect(capacity[0]).toBe('layer,unit_id,capacity');
    expect(
      capacity
        .slice(1)
        .map((l) => l.split(',')[1])
        .sort(),
    ).toEqual([...patches].sort());
    expect(capacity.slice(1).every((l) => /^hv-patches,[a-z0-9-]+,[1-9]\d*$/.test(l))).toBe(true);
  });
});
