// The national sample on the real open data: `catchments national-sample` builds four real
// districts (Cheltenham; the City of London; Medway, which the Medway estuary cuts in two; East
// Hertfordshire, whose LSOAs leave a 0.55 m² sliver hole in the dissolved outline) into a
// temporary store, an independent in-process build gives the same content, and the local app serving
// that store answers a sample of each district's postcodes over HTTP with a hub of that district.
// Oracles: the postcode file's own `admin_district_code` (OS's, not our point-in-polygon) and the LSOA
// holding each point by turf `booleanPointInPolygon` over the LSOA layer read separately.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { booleanPointInPolygon, point } from '@turf/turf';
import type { Feature } from 'geojson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadNationalSample } from '../../functions/adapters/national-sample/load.js';
import { fingerprintOf } from '../../functions/adapters/national-sample/publish.js';
import { EmbeddedBoundaryStore } from '../../functions/adapters/store/embedded-boundary-store.js';
import type { AreaGeometry } from '../../functions/core/model.js';
import { buildDistrictArea } from '../../functions/core/national-sample/district-area.js';
import type { LocalApp } from '../../functions/local-app.js';
import { runCatchments } from '../support/cli.js';
import { realDataDir } from '../support/fixtures.js';
import { call, startTestApp } from '../support/local-app.js';

const DISTRICTS: Record<string, string> = {
  E07000078: 'e07000078-cheltenham',
  E09000001: 'e09000001-city-of-london',
  E06000035: 'e06000035-medway',
  E07000097: 'e07000097-east-hertfordshire',
};
const CODES = Object.keys(DISTRICTS);
/** A district not built: its postcodes are in no area's directory. */
const GLOUCESTER = 'E07000081';
/** Postcodes asked per district, spread evenly over the district's rows of the postcode file. */
const SAMPLE = 150;

let storeDir: string;
let app: LocalApp;
let report: { totals: Record<string, number>; areas: { summary: { areaId: string; hubs: number } }[] };
/** Area id → the fingerprints of the content the second, independent build made. */
const rebuilt = new Map<string, string>();
/** Area id → hub id → the LSOA codes of its catchment, as published. */
const catchmentLsoas = new Map<string, Map<string, Set<string>>>();

beforeAll(async () => {
  storeDir = mkdtempSync(path.join(tmpdir(), 'national-sample-real-'));
  const run = await runCatchments(
    'national-sample',
    '--source',
    realDataDir(),
    '--store',
    storeDir,
    '--districts',
    CODES.join(','),
    '--json',
  );
  if (run.code !== 0) throw new Error(`national-sample exited ${run.code}: ${run.stderr}`);
  report = JSON.parse(run.stdout);

  // The second build: in this process, districts asked in another order.
  const sample = await loadNationalSample(
    {
      lsoaFile: path.join(realDataDir(), 'england-lsoa.geojson.gz'),
      postcodeFile: path.join(realDataDir(), 'gb-postcodes.csv.gz'),
    },
    { kind: 'codes', codes: [...CODES].reverse() },
  );
  for (const code of sample.districts) {
    const area = buildDistrictArea(sample.inputFor(code));
    rebuilt.set(area.set.area.id, fingerprintOf(area));
  }

  const store = await EmbeddedBoundaryStore.open(storeDir);
  for (const areaId of Object.values(DISTRICTS)) {
    const { set } = await store.version(areaId, 1);
    catchmentLsoas.set(
      areaId,
      new Map(
        set.layers.catchments.features.map((f) => [f.properties.id, new Set(f.properties.lsoas as string[])]),
      ),
    );
  }
  await store.close();
  app = await startTestApp({ CATCHMENTS_STORE_DIR: storeDir });
}, 240_000);

afterAll(async () => {
  await app?.close();
  rmSync(storeDir, { recursive: true, force: true });
});

/**
 * District codes the postcode file has newer than the 2011 LSOAs': East Hertfordshire is E07000242
 * there (recoded in 2019), E07000097 on the LSOA layer.
 */
const RECODED: Record<string, string> = { E07000242: 'E07000097' };

/** The rows of gb-postcodes.csv.gz whose own district code is one of ours, read without the generator's code. */
function oracleRows(): Map<string, { postcode: string; lat: number; lng: number }[]> {
  const text = gunzipSync(readFileSync(path.join(realDataDir(), 'gb-postcodes.csv.gz'))).toString('utf8');
  const rows = new Map(
    [...CODES, GLOUCESTER].map((c) => [c, [] as { postcode: string; lat: number; lng: number }[]]),
  );
  for (const line of text.split('\n')) {
    const [postcode, lat, lng, district] = line.split(',');
    const list = rows.get(RECODED[district ?? ''] ?? district ?? '');
    if (list && lat) list.push({ postcode: postcode!, lat: Number(lat), lng: Number(lng) });
  }
  return rows;
}

/** The districts' LSOAs from the layer (one feature per line), read without the generator's code. */
function oracleLsoas(): Map<string, Feature<AreaGeometry, { LSOA11CD: string; lad: string }>[]> {
  const text = gunzipSync(readFileSync(path.join(realDataDir(), 'england-lsoa.geojson.gz'))).toString('utf8');
  const out = new Map(
    CODES.map((c) => [c, [] as Feature<AreaGeometry, { LSOA11CD: string; lad: string }>[]]),
  );
  for (const line of text.split('\n')) {
    if (!line.startsWith('{"type":"Feature"')) continue;
    const f = JSON.parse(line.replace(/,$/, '')) as Feature<AreaGeometry, { LSOA11CD: string; lad: string }>;
    out.get(f.properties.lad)?.push(f);
  }
  return out;
}

describe('national sample on the real data', () => {
  it('builds and publishes the three districts, and an independent build gives the same content', async () => {
    expect(report.areas.map((a) => a.summary.areaId).sort()).toEqual(Object.values(DISTRICTS).sort());
    expect(report.totals.hubs).toBeGreaterThanOrEqual(3 * 3);
    for (const areaId of Object.values(DISTRICTS)) {
      const history = await app.service.history(areaId);
      expect(history.versions).toHaveLength(1);
      expect(history.versions[0]!.message).toContain(`content ${rebuilt.get(areaId)}`);
    }
  });

  it('lists the areas as illustrative, with the licence attributions', async () => {
    const r = await call(app, '/v1/areas');
    expect(r.status).toBe(200);
    const areas = (r.json as { areas: { id: string; illustrative: boolean; attribution: string[] }[] }).areas;
    expect(areas.map((a) => a.id).sort()).toEqual(Object.values(DISTRICTS).sort());
    for (const a of areas) {
      expect(a.illustrative).toBe(true);
      expect(a.attribution.join(' ')).toMatch(/Open Government Licence.*Royal Mail/s);
    }
  });

  let rows: ReturnType<typeof oracleRows>;
  beforeAll(() => {
    rows = oracleRows();
  });

  it("answers a sample of each district's postcodes with a hub of that district, in the catchment of the postcode's LSOA", async () => {
    const lsoas = oracleLsoas();
    for (const code of CODES) {
      const areaId = DISTRICTS[code]!;
      const all = rows.get(code)!;
      expect(all.length).toBeGreaterThan(1_000);
      const step = Math.floor(all.length / SAMPLE);
      let checkedLsoa = 0;
      let elsewhere = 0;
      for (let i = 0; i < SAMPLE; i++) {
        const p = all[i * step]!;
        const here = lsoas.get(code)!.find((f) => booleanPointInPolygon(point([p.lng, p.lat]), f));
        const r = await call(app, `/v1/postcodes/${encodeURIComponent(p.postcode)}`);
        if (!here) {
          // OS puts it in this district, the 2011 LSOAs in a neighbouring one (a few on district edges).
          elsewhere++;
          continue;
        }
        expect(r.status, p.postcode).toBe(200);
        expect(r.contractProblems).toEqual([]);
        const body = r.json as {
          area: string;
          match: string;
          hub: { id: string } | null;
          hvPatch: { id: string } | null;
          cocTeam: { id: string } | null;
        };
        expect(body.area, p.postcode).toBe(areaId);
        expect(['inside', 'boundary'], p.postcode).toContain(body.match);
        expect(body.hub!.id.startsWith(`hub-${code.toLowerCase()}-`)).toBe(true);
        expect(body.hvPatch!.id.startsWith(`hv-${code.toLowerCase()}-`)).toBe(true);
        expect(body.cocTeam!.id.startsWith(`coc-${code.toLowerCase()}-`)).toBe(true);
        if (body.match === 'inside') {
          expect(
            catchmentLsoas.get(areaId)!.get(body.hub!.id)!.has(here.properties.LSOA11CD),
            p.postcode,
          ).toBe(true);
          checkedLsoa++;
        }
      }
      expect(elsewhere).toBeLessThanOrEqual(SAMPLE / 100);
      expect(checkedLsoa).toBeGreaterThan(SAMPLE * 0.95);
    }
  });

  it('does not answer postcodes of districts it did not build', async () => {
    const gloucester = rows.get(GLOUCESTER)!;
    expect(gloucester.length).toBeGreaterThan(1_000);
    for (const p of gloucester.filter((_, i) => i % 500 === 0)) {
      const r = await call(app, `/v1/postcodes/${encodeURIComponent(p.postcode)}`);
      expect(r.status, p.postcode).toBe(404);
    }
  });
});
