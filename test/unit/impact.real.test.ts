// Redraw impact on the sample area with a real ward moved between hubs: the sample's catchments are
// dissolves of whole 2013 wards (data/README.md), so a draft can move one ward — rebuilt from the real
// ward polygons of CATCHMENTS_REAL_DATA exactly as the sample generator builds catchments (6 dp, turf
// union) — and the postcodes that change hub must be the sample postcodes inside that ward, counted
// independently with turf's point-in-polygon.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { booleanPointInPolygon, featureCollection, union } from '@turf/turf';
import type { Feature, MultiPolygon, Polygon, Position } from 'geojson';
import { beforeAll, describe, expect, it } from 'vitest';
import { readAreaDirectories, readBoundarySetDir } from '../../functions/adapters/boundary-set-files.js';
import { computeRedrawImpact } from '../../functions/core/impact/redraw-impact.js';
import { compareIds } from '../../functions/core/lookup/area-lookup.js';
import type { BoundarySet, PostcodeRecord } from '../../functions/core/model.js';
import { realDataDir, SAMPLE_DIR } from '../support/fixtures.js';

type Ward = Feature<Polygon, { WD13CD: string; WD13NM: string }>;

/** As scripts/lib/sample-area does: 6 dp, consecutive duplicates removed. */
function round6(ring: Position[]): Position[] {
  const out: Position[] = [];
  for (const [x, y] of ring) {
    const p = [Math.round(x! * 1e6) / 1e6, Math.round(y! * 1e6) / 1e6];
    const last = out[out.length - 1];
    if (!last || last[0] !== p[0] || last[1] !== p[1]) out.push(p);
  }
  return out;
}

function dissolve(wards: readonly Ward[]): Polygon | MultiPolygon {
  if (wards.length === 1) return wards[0]!.geometry;
  return union(featureCollection([...wards]))!.geometry;
}

let sample: BoundarySet;
let records: PostcodeRecord[];
let wards: Map<string, Ward>;
beforeAll(async () => {
  sample = await readBoundarySetDir(path.join(SAMPLE_DIR, 'gloucestershire'), 1);
  records = [...(await readAreaDirectories([path.join(SAMPLE_DIR, 'gloucestershire')])).directory];
  const raw = JSON.parse(
    await readFile(path.join(realDataDir(), 'gloucestershire-wards.geojson'), 'utf8'),
  ) as { features: Ward[] };
  wards = new Map(
    raw.features.map((f) => [
      f.properties.WD13CD,
      { ...f, geometry: { type: 'Polygon', coordinates: f.geometry.coordinates.map(round6) } },
    ]),
  );
});

/** Wards of a catchment feature (the sample lists them). */
const wardsOf = (f: BoundarySet['layers']['catchments']['features'][number]) =>
  (f.properties.wards as string[]).map((code) => wards.get(code)!);

/** Two wards are neighbours when they share two or more vertices (the sample's rule). */
function neighbours(a: Ward, b: Ward): boolean {
  const key = (p: Position) => `${p[0]},${p[1]}`;
  const set = new Set(a.geometry.coordinates[0]!.map(key));
  let shared = 0;
  for (const p of b.geometry.coordinates[0]!.slice(0, -1)) if (set.has(key(p)) && ++shared >= 2) return true;
  return false;
}

describe('redraw impact of moving one real ward between two hubs (sample area)', () => {
  it('moves exactly the postcodes inside the ward, from its old hub to its new one', () => {
    const catchments = [...sample.layers.catchments.features].sort((p, q) =>
      compareIds(p.properties.id, q.properties.id),
    );
    // The first ward (catchments and wards in id order) that borders another hub's catchment.
    let choice: { a: string; b: string; ward: Ward } | undefined;
    for (const A of catchments) {
      const own = wardsOf(A);
      if (own.length < 2) continue;
      for (const w of [...own].sort((p, q) => compareIds(p.properties.WD13CD, q.properties.WD13CD))) {
        const B = catchments.find((c) => c !== A && wardsOf(c).some((x) => neighbours(w, x)));
        if (B) {
          choice = { a: A.properties.id, b: B.properties.id, ward: w };
          break;
        }
      }
      if (choice) break;
    }
    expect(choice).toBeDefined();
    const { a, b, ward } = choice!;
    const draft: BoundarySet = {
      ...sample,
      version: null,
      layers: {
        ...sample.layers,
        catchments: {
          ...sample.layers.catchments,
          features: sample.layers.catchments.features.map((f) => {
            if (f.properties.id === a) {
              const rest = wardsOf(f).filter((w) => w !== ward);
              return {
                ...f,
                geometry: dissolve(rest),
                properties: { ...f.properties, wards: rest.map((w) => w.properties.WD13CD) },
              };
            }
            if (f.properties.id === b) {
              const more = [...wardsOf(f), ward];
              return {
                ...f,
                geometry: dissolve(more),
                properties: { ...f.properties, wards: more.map((w) => w.properties.WD13CD).sort() },
              };
            }
            return f;
          }),
        },
      },
    };
    const r = computeRedrawImpact(sample, draft, records, { maxListed: 100_000, alignment: false });
    const inWard = records
      .filter((p) => p.location && booleanPointInPolygon([p.location.lng, p.location.lat], ward))
      .map((p) => p.postcode)
      .sort(compareIds);
    expect(inWard.length).toBeGreaterThan(0);
    expect(r.hubs.moved.map((m) => m.postcode).sort(compareIds)).toEqual(inWard);
    expect(r.hubs.matrix).toEqual([
      {
        from: a,
        to: b,
        postcodes: inWard.length,
        live: r.hubs.moved.filter((m) => m.status === 'live').length,
      },
    ]);
    expect(r.validation.errors).toBe(0);
    const units = Object.fromEntries(r.hubs.units.map((u) => [u.id, u]));
    expect(units[a]!.change).toBe(-r.hubs.changedLive);
    expect(units[b]!.change).toBe(r.hubs.changedLive);
  });
});
