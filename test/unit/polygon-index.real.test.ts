// PolygonIndex on real boundaries, against independent oracles:
// (1) Ordnance Survey's own ward assignment of 2014 postcodes (Code-Point Open) on the WD13 ward polygons;
// (2) turf booleanPointInPolygon on every England LSOA whose bbox holds the point, for 200k real postcodes
//     and for 50k LSOA vertices (points exactly on shared boundaries).
// Reads the folder in CATCHMENTS_REAL_DATA (vitest.config.ts only collects *.real.test.ts when it is set).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { Feature, FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import { describe, expect, it } from 'vitest';
import { PolygonIndex } from '../../functions/core/spatial/polygon-index.js';
import { turfContaining } from '../support/turf-oracle.js';

const dataDir = process.env.CATCHMENTS_REAL_DATA ?? '';
const SAMPLE = 200_000;
const SEED = 20240531;

type Area = Polygon | MultiPolygon;

function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Splits a simple CSV (no quoted commas in these files) into rows of named columns. */
function readCsv(text: string): { header: string[]; rows: string[][] } {
  const lines = text.split('\n').filter((l) => l.length > 0);
  return { header: lines[0]!.split(','), rows: lines.slice(1).map((l) => l.split(',')) };
}

describe('PolygonIndex on real boundaries', () => {
  it('assigns 2014 postcodes to the ward Code-Point gives them (>= 99.9%)', () => {
    const wards = JSON.parse(
      readFileSync(path.join(dataDir, 'gloucestershire-wards.geojson'), 'utf8'),
    ) as FeatureCollection<Area, { WD13CD: string }>;
    const features = [...wards.features].sort((a, b) =>
      a.properties.WD13CD.localeCompare(b.properties.WD13CD),
    );
    expect(features).toHaveLength(142);
    const index = PolygonIndex.build(features.map((f) => f.geometry));
    const codes = new Set(features.map((f) => f.properties.WD13CD));

    const { header, rows } = readCsv(
      readFileSync(path.join(dataDir, 'gloucestershire-postcodes-2014.csv'), 'utf8'),
    );
    const col = (name: string) => {
      const i = header.indexOf(name);
      expect(i, `column ${name}`).toBeGreaterThanOrEqual(0);
      return i;
    };
    const [iPostcode, iLat, iLng, iWard] = [col('postcode'), col('lat'), col('lng'), col('admin_ward_code')];

    let considered = 0;
    let agree = 0;
    const mismatches: string[] = [];
    for (const row of rows) {
      const ward = row[iWard]!;
      if (!codes.has(ward)) continue;
      considered++;
      const at = index.locate(Number(row[iLng]), Number(row[iLat]));
      const got = at >= 0 ? features[at]!.properties.WD13CD : '(none)';
      if (got === ward) agree++;
      else mismatches.push(`${row[iPostcode]}: OS ${ward}, index ${got}`);
    }
    console.info(
      `wards: ${agree} of ${considered} postcodes (${((100 * agree) / considered).toFixed(3)}%) in the ward OS ` +
        `assigned; the rest:\n  ${mismatches.join('\n  ')}`,
    );
    expect(considered).toBe(19_718);
    expect(agree / considered).toBeGreaterThanOrEqual(0.999);
    // Every miss is one of the boundary postcodes the data README lists for exact point-in-polygon.
    const known = new Set(
      'GL14 3DQ,GL16 8NF,GL18 1NE,GL18 2DS,GL19 3AZ,GL19 3BB,GL5 1HF,GL5 1LN,GL50 3LL,GL52 2JL,GL53 7NE,GL54 5AG,GL6 7LR,GL7 1ED'.split(
        ',',
      ),
    );
    expect(mismatches.filter((m) => !known.has(m.split(':')[0]!))).toEqual([]);
  });

  it('agrees 100% with turf booleanPointInPolygon on England LSOAs: 200k postcodes, 50k boundary vertices', () => {
    const layer = JSON.parse(
      gunzipSync(readFileSync(path.join(dataDir, 'england-lsoa.geojson.gz'))).toString('utf8'),
    ) as FeatureCollection<Area, { LSOA11CD: string }>;
    const features: Feature<Area, { LSOA11CD: string }>[] = layer.features;
    expect(features).toHaveLength(32_844);
    const index = PolygonIndex.build(features.map((f) => f.geometry));
    // The coarser grid `catchments assign` builds must answer the same (its allocation-free form).
    const onePass = PolygonIndex.build(
      features.map((f) => f.geometry),
      { use: 'one-pass' },
    );

    // The turf oracle, over every feature whose bbox holds the point (test/support/turf-oracle.ts).
    const turfAt = turfContaining(features);

    // A seeded sample of real postcode points (rows without coordinates skipped).
    const csv = gunzipSync(readFileSync(path.join(dataDir, 'gb-postcodes.csv.gz'))).toString('utf8');
    const { header, rows } = readCsv(csv);
    const [iLat, iLng] = [header.indexOf('lat'), header.indexOf('lng')];
    const usable = rows.filter((r) => r[iLat] !== '' && r[iLng] !== '' && r[iLat] !== undefined);
    expect(usable.length).toBeGreaterThan(1_700_000);
    const rand = mulberry32(SEED);

    const disagreements: string[] = [];
    let inEngland = 0;
    let onBoundary = 0;
    for (let k = 0; k < SAMPLE; k++) {
      const row = usable[Math.floor(rand() * usable.length)]!;
      const x = Number(row[iLng]);
      const y = Number(row[iLat]);
      const expected = turfAt(x, y);
      const got = index.match(x, y);
      const assigned = got.index < 0 ? -1 : got.index * 2 + (got.onBoundary ? 1 : 0);
      if (
        got.candidates.join() !== expected.join() ||
        index.locate(x, y) !== (expected[0] ?? -1) ||
        onePass.assignment(x, y) !== assigned
      ) {
        disagreements.push(`${row[0]} (${x}, ${y}): turf [${expected}] index [${got.candidates}]`);
      }
      if (got.index >= 0) inEngland++;
      if (got.onBoundary) onBoundary++;
    }
    console.info(
      `England LSOAs: ${SAMPLE} points, ${inEngland} in an LSOA, ${onBoundary} on a boundary, ` +
        `${disagreements.length} disagreements with turf${disagreements.length ? `:\n  ${disagreements.slice(0, 50).join('\n  ')}` : ''}`,
    );
    expect(inEngland).toBeGreaterThan(150_000);
    expect(disagreements).toEqual([]);

    // Points exactly on boundaries: LSOA vertices, almost all shared by two or more LSOAs, so nearly
    // every answer goes through the tie rule. turf's exact predicates count them in every LSOA that
    // has them on its boundary; so must the index (and locate() must pick the lowest).
    const onEdge: string[] = [];
    let shared = 0;
    for (let k = 0; k < 50_000; k++) {
      const f = features[Math.floor(rand() * features.length)]!;
      const polygons = f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates;
      const rings = polygons.flat();
      const ring = rings[Math.floor(rand() * rings.length)]!;
      const [x, y] = ring[Math.floor(rand() * (ring.length - 1))] as [number, number];
      const expected = turfAt(x, y);
      const got = index.match(x, y);
      if (
        got.candidates.join() !== expected.join() ||
        index.locate(x, y) !== expected[0] ||
        !got.onBoundary
      ) {
        onEdge.push(
          `${f.properties.LSOA11CD} vertex (${x}, ${y}): turf [${expected}] index ${JSON.stringify(got)}`,
        );
      }
      if (expected.length > 1) shared++;
    }
    console.info(
      `England LSOA vertices: 50000 checked, ${shared} shared by 2+ LSOAs, ${onEdge.length} disagreements`,
    );
    expect(shared).toBeGreaterThan(40_000);
    expect(onEdge.slice(0, 20)).toEqual([]);
  }, 120_000);
});
