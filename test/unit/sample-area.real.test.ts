// Drift check for the committed sample area: regenerate it from the shared data and compare every file
// byte for byte, then check the catchments against the source ward layer (an independent oracle: the
// ONS ward codes and district of each ward, which the generator cannot change).
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { bbox, booleanPointInPolygon } from '@turf/turf';
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Layer } from '../../functions/core/model.js';
import {
  buildSampleArea,
  OUTPUT_FILES,
  type SampleAreaOutput,
  writeSampleArea,
} from '../../scripts/lib/sample-area/build.js';

const realData = process.env.CATCHMENTS_REAL_DATA!;
const committedDir = new URL('../../data/gloucestershire/', import.meta.url);
const committed = (name: string) => readFileSync(new URL(name, committedDir));

describe('sample area against the shared data', () => {
  let outDir = '';
  let built: SampleAreaOutput;
  // ~4 s of CPU: under a busy machine's contention well past the default 10 s hook timeout.
  beforeAll(() => {
    outDir = mkdtempSync(join(tmpdir(), 'sample-area-'));
    built = buildSampleArea(realData);
    writeSampleArea(outDir, built.files);
    // About 4 s alone (it indexes the 2,001 OAs and 373 LSOAs too); far more on a busy machine.
  }, 120_000);
  afterAll(() => {
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  it('regenerates every committed file byte for byte (gzip files by content)', () => {
    expect(readdirSync(outDir).sort()).toEqual([...OUTPUT_FILES].sort());
    expect(readdirSync(committedDir).sort()).toEqual([...OUTPUT_FILES].sort());
    for (const name of OUTPUT_FILES) {
      // Gzip bytes depend on the zlib build inside Node, so compressed files compare by content.
      const unpack = (bytes: Buffer) => (name.endsWith('.gz') ? gunzipSync(bytes) : bytes);
      const fresh = unpack(readFileSync(join(outDir, name)));
      // On failure: run `npm run sample-area` and commit the result (and say why the data moved).
      expect(fresh.equals(unpack(committed(name))), `${name} drifted from the generator`).toBe(true);
    }
  });

  const sourceWards = (
    JSON.parse(readFileSync(join(realData, 'gloucestershire-wards.geojson'), 'utf8')) as {
      features: { properties: { WD13CD: string; lad: string } }[];
    }
  ).features.map((f) => f.properties);
  const layer = (name: string) => JSON.parse(committed(name).toString('utf8')) as Layer;

  it('puts every source ward in exactly one catchment, and each catchment in one district', () => {
    const catchments = layer('catchments.geojson');
    const listed = catchments.features.flatMap((f) => f.properties.wards as string[]);
    expect(listed.sort()).toEqual(sourceWards.map((w) => w.WD13CD).sort());
    const districtOf = new Map(sourceWards.map((w) => [w.WD13CD, w.lad]));
    for (const f of catchments.features) {
      const districts = new Set((f.properties.wards as string[]).map((w) => districtOf.get(w)));
      expect(districts.size, f.properties.id).toBe(1);
    }
  });

  it('has exactly one midwifery team that takes a ward across a district line', () => {
    const districtOf = new Map(sourceWards.map((w) => [w.WD13CD, w.lad]));
    const crossings = layer('coc-teams.geojson').features.flatMap((f) => {
      const counts = new Map<string, number>();
      for (const w of f.properties.wards as string[]) {
        const d = districtOf.get(w)!;
        counts.set(d, (counts.get(d) ?? 0) + 1);
      }
      // A district contributing a single ward to a team that is otherwise elsewhere.
      return [...counts.values()].filter((n) => n === 1 && counts.size > 1).map(() => f.properties.id);
    });
    expect(crossings).toHaveLength(1);
  });

  it('keeps exactly the live postcodes of the six districts', () => {
    const source = readFileSync(join(realData, 'gloucestershire-postcodes.csv'), 'utf8').trim().split('\n');
    const col = source[0]!.split(',').indexOf('admin_district_code');
    const inCounty = source.slice(1).filter((l) => /^E0700007[89]$|^E0700008[0-3]$/.test(l.split(',')[col]!));
    const directory = gunzipSync(committed('postcodes.csv.gz')).toString('utf8').trim().split('\n');
    const live = directory.filter((l) => l.split(',')[3] === 'live').map((l) => l.split(',')[0]);
    expect(live.sort()).toEqual(inCounty.map((l) => l.split(',')[0]).sort());
    expect(built.report.postcodes.live).toBe(inCounty.length);
  });

  it("gives sampled postcodes the OA and LSOA whose polygon holds them (turf's point-in-polygon as oracle)", () => {
    const polygons = (file: string, idProperty: string) =>
      (
        JSON.parse(readFileSync(join(realData, file), 'utf8')) as {
          features: Feature<Polygon | MultiPolygon, Record<string, string>>[];
        }
      ).features.map((f) => ({ id: f.properties[idProperty]!, feature: f, box: bbox(f) }));
    const containing = (layer: ReturnType<typeof polygons>, lng: number, lat: number) =>
      layer
        .filter(({ box: [w, s, e, n] }) => lng >= w && lng <= e && lat >= s && lat <= n)
        .filter(({ feature }) => booleanPointInPolygon([lng, lat], feature))
        .map(({ id }) => id);
    const oas = polygons('gloucestershire-oa.geojson', 'OA11CD');
    const lsoas = polygons('gloucestershire-lsoa.geojson', 'LSOA11CD');
    const rows = gunzipSync(committed('postcodes.csv.gz')).toString('utf8').trim().split('\n').slice(1);
    let checked = 0;
    for (let i = 0; i < rows.length; i += 97) {
      const [postcode, lat, lng, , , oa, lsoa] = rows[i]!.split(',');
      const at = [Number(lng), Number(lat)] as const;
      const expected = { oa: containing(oas, ...at), lsoa: containing(lsoas, ...at) };
      // On a shared edge either neighbour is right; outside every polygon the codes are empty.
      if (expected.oa.length === 0) expect(oa, postcode).toBe('');
      else expect(expected.oa, postcode).toContain(oa);
      if (expected.lsoa.length === 0) expect(lsoa, postcode).toBe('');
      else expect(expected.lsoa, postcode).toContain(lsoa);
      checked++;
    }
    expect(checked).toBeGreaterThan(200);
  });
});
