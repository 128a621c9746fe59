// Zipped Shapefiles in: the fixtures (the sample area's HV patches and CoC teams exported to British
// National Grid by scripts/make-shapefile-fixtures.ts, with a writer independent of the reader) must
// validate and align to the same answers as the GeoJSON they came from, through the CLI users run.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { unzipSync, zipSync } from 'fflate';
import type { FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import proj4 from 'proj4';
import { describe, expect, it } from 'vitest';
import { decodeLayerBytes } from '../../functions/adapters/layer-file.js';
import { crsOfPrj, decodeZippedShapefile, ShapefileError } from '../../functions/adapters/shapefile.js';
import type { AlignmentResult } from '../../functions/core/alignment/align.js';
import { BNG_PROJ4 } from '../../functions/core/geo/bng.js';
import { checkLayer } from '../../functions/core/layer-validation.js';
import { BNG_PRJ, shapefileZip, WGS84_PRJ } from '../../scripts/lib/shapefile-writer.js';
import { SHAPEFILE_FIXTURES_DIR, shapefileFixtures } from '../../scripts/make-shapefile-fixtures.js';
import { runCatchments } from '../support/cli.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const sample = (name: string) => path.join(repo, 'data', 'gloucestershire', name);
const fixture = (name: string) => path.join(SHAPEFILE_FIXTURES_DIR, name);
const tmp = mkdtempSync(path.join(tmpdir(), 'shapefile-'));
const square: FeatureCollection<Polygon> = {
  type: 'FeatureCollection',
  features: [
    {
      type: 'Feature',
      properties: { id: 'sq', name: 'Square' },
      geometry: {
        type: 'Polygon',
        coordinates: [
          [
            [-2.3, 51.8],
            [-2.2, 51.8],
            [-2.2, 51.9],
            [-2.3, 51.9],
            [-2.3, 51.8],
          ],
        ],
      },
    },
  ],
};

describe('the Shapefile fixtures', () => {
  it('are what scripts/make-shapefile-fixtures.ts writes (no drift)', () => {
    for (const [name, bytes] of Object.entries(shapefileFixtures())) {
      expect(Buffer.from(bytes).equals(readFileSync(fixture(name))), name).toBe(true);
    }
  });
});

describe('decodeZippedShapefile', () => {
  it('reads the geometry as stored, the attributes, and the CRS from the .prj', () => {
    const decoded = decodeZippedShapefile(readFileSync(fixture('hv-patches-bng.zip')));
    expect(decoded.crs).toBe('EPSG:27700');
    expect(decoded.layerName).toBe('hv_patches');
    const original = JSON.parse(readFileSync(sample('hv-patches.geojson'), 'utf8')) as FeatureCollection;
    expect(decoded.collection.features.map((f) => f.properties)).toEqual(
      original.features.map((f) => ({ id: f.properties!.id, name: f.properties!.name })),
    );
    const [x, y] = (decoded.collection.features[0]!.geometry as Polygon).coordinates[0]![0]!;
    // Eastings and northings in metres, in Gloucestershire.
    expect(x).toBeGreaterThan(350_000);
    expect(x).toBeLessThan(430_000);
    expect(y).toBeGreaterThan(190_000);
    expect(y).toBeLessThan(250_000);
  });

  it('reprojects through the layer checks to within a centimetre of the GeoJSON', () => {
    const decoded = decodeLayerBytes(readFileSync(fixture('coc-teams-bng.zip')));
    const checked = checkLayer(decoded.json, { idProperty: 'id', crs: decoded.crs! });
    const original = JSON.parse(readFileSync(sample('coc-teams.geojson'), 'utf8')) as FeatureCollection<
      Polygon | MultiPolygon
    >;
    const positions = (fc: FeatureCollection<Polygon | MultiPolygon>) =>
      fc.features.flatMap((f) =>
        (f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates).flat(2),
      );
    const ours = positions(checked.layer! as FeatureCollection<Polygon | MultiPolygon>);
    const theirs = positions(original);
    // Same vertices; rings may start elsewhere or run the other way, so compare as sets of points.
    expect(ours.length).toBe(theirs.length);
    const key = (p: number[]) => `${p[0]!.toFixed(6)},${p[1]!.toFixed(6)}`;
    const theirKeys = new Set(theirs.map(key));
    const off = ours.filter((p) => !theirKeys.has(key(p)));
    // 6 decimals (~0.1 m) agree for all but a few vertices sitting on a rounding edge.
    expect(off.length).toBeLessThan(ours.length * 0.01);
  });

  it('recognises the .prj of British National Grid and of WGS84, and refuses any other', () => {
    expect(crsOfPrj(BNG_PRJ)).toBe('EPSG:27700');
    expect(
      crsOfPrj(
        'PROJCRS["OSGB36 / British National Grid",BASEGEOGCRS["OSGB36",DATUM["Ordnance Survey of Great Britain 1936"]],ID["EPSG",27700]]',
      ),
    ).toBe('EPSG:27700');
    expect(crsOfPrj(WGS84_PRJ)).toBe('EPSG:4326');
    expect(() =>
      crsOfPrj('PROJCS["WGS_1984_Web_Mercator_Auxiliary_Sphere",GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984"]]]'),
    ).toThrow(/"WGS_1984_Web_Mercator_Auxiliary_Sphere".*British National Grid.*WGS84/);
  });

  it('says what is wrong with a zip that is not one Shapefile layer', () => {
    const good = shapefileZip(square, { name: 'sq', prj: WGS84_PRJ, fields: ['id', 'name'] });
    expect(decodeZippedShapefile(good).collection.features).toHaveLength(1);
    const parts = unzipSync(good);
    const without = (drop: string) =>
      zipSync(Object.fromEntries(Object.entries(parts).filter(([n]) => !n.endsWith(drop))));
    expect(() => decodeZippedShapefile(without('.shp'))).toThrow(/no \.shp file/);
    expect(() => decodeZippedShapefile(without('.dbf'))).toThrow(/no sq\.dbf/);
    const two = zipSync({
      ...parts,
      'other.shp': parts['sq.shp']!,
      'other.dbf': parts['sq.dbf']!,
    });
    expect(() => decodeZippedShapefile(two)).toThrow(/2 layers \(.*\); send one layer per upload/);
    expect(() => decodeZippedShapefile(good, { maxUnzippedBytes: 100 })).toThrow(ShapefileError);
    try {
      decodeZippedShapefile(good, { maxUnzippedBytes: 100 });
    } catch (error) {
      expect((error as ShapefileError).tooLarge).toBe(true);
    }
    const damaged = good.slice(0, good.length - 40);
    expect(() => decodeZippedShapefile(damaged)).toThrow(ShapefileError);
    // No .prj: the coordinates are read as they are, and the caller's CRS (or WGS84) applies.
    expect(decodeZippedShapefile(without('.prj')).crs).toBeUndefined();
  });
});

describe('catchments with a zipped Shapefile in British National Grid', () => {
  it('validates as the GeoJSON does', async () => {
    const zip = await runCatchments(
      'validate',
      fixture('hv-patches-bng.zip'),
      '--id-property',
      'id',
      '--json',
    );
    const geojson = await runCatchments(
      'validate',
      sample('hv-patches.geojson'),
      '--id-property',
      'id',
      '--json',
    );
    expect(zip.code).toBe(0);
    expect(JSON.parse(zip.stdout)).toEqual(JSON.parse(geojson.stdout));
    expect(JSON.parse(zip.stdout)).toMatchObject({ problems: [], features: 40 });
  });

  it('aligns to the same answers as the GeoJSON (pairs, postcodes, best fits, scores)', async () => {
    const align = async (a: string, b: string) => {
      const run = await runCatchments(
        'align',
        '--a',
        a,
        '--a-id',
        'id',
        '--b',
        b,
        '--b-id',
        'id',
        '--points',
        sample('postcodes.csv.gz'),
        '--filter',
        'status=live',
        '--json',
      );
      expect(run.stderr).toBe('');
      return JSON.parse(run.stdout) as AlignmentResult;
    };
    const fromZip = await align(fixture('hv-patches-bng.zip'), fixture('coc-teams-bng.zip'));
    const fromGeojson = await align(sample('hv-patches.geojson'), sample('coc-teams.geojson'));
    expect(fromZip.misalignedPieces).toBe(fromGeojson.misalignedPieces);
    expect(fromZip.scores.coterminosity).toBeCloseTo(fromGeojson.scores.coterminosity!, 9);
    expect(fromZip.scores.aInB.byArea).toBeCloseTo(fromGeojson.scores.aInB.byArea!, 6);
    const units = (r: AlignmentResult) => r.unitsA.map((u) => [u.id, u.bestFit, u.nested, u.postcodes]);
    expect(units(fromZip)).toEqual(units(fromGeojson));
    expect(fromZip.fixes.map((f) => f.summary)).toEqual(fromGeojson.fixes.map((f) => f.summary));
  });

  it('reads the CRS from the .prj, and refuses a --crs that contradicts it', async () => {
    const agree = await runCatchments(
      'validate',
      fixture('coc-teams-bng.zip'),
      '--id-property',
      'id',
      '--crs',
      'EPSG:27700',
    );
    expect(agree.code).toBe(0);
    const contradict = await runCatchments(
      'validate',
      fixture('coc-teams-bng.zip'),
      '--id-property',
      'id',
      '--crs',
      'EPSG:4326',
    );
    expect(contradict.code).toBe(2);
    expect(contradict.stderr).toContain('its .prj says EPSG:27700 but --crs says EPSG:4326');
  });

  it('assigns points to a zipped layer as to the GeoJSON', async () => {
    const points = path.join(tmp, 'points.csv');
    writeFileSync(
      points,
      'name,lat,lng\nGL50 1AD,51.8975,-2.0742\nGL1 1AD,51.865133,-2.243699\nsea,51.5,-3.5\n',
    );
    const run = async (layer: string) =>
      (await runCatchments('assign', '--polygons', layer, '--id-property', 'id', '--points', points)).stdout;
    expect(await run(fixture('hv-patches-bng.zip'))).toBe(await run(sample('hv-patches.geojson')));
    expect(await run(fixture('catchments-wgs84.zip'))).toBe(await run(sample('catchments.geojson')));
  });

  it('reads zipped Shapefiles in boundary-set folders: impact gives the same answers', async () => {
    // The `to` redraw of test/fixtures/impact with every layer exported to a BNG Shapefile.
    const dir = mkdtempSync(path.join(tmpdir(), 'impact-zip-'));
    const impact = path.join(repo, 'test', 'fixtures', 'impact');
    writeFileSync(path.join(dir, 'area.json'), readFileSync(path.join(impact, 'to', 'area.json')));
    const toBng = proj4('EPSG:4326', BNG_PROJ4);
    for (const layer of ['outline', 'catchments', 'hv-patches', 'coc-teams']) {
      const collection = JSON.parse(readFileSync(path.join(impact, 'to', `${layer}.geojson`), 'utf8'));
      writeFileSync(
        path.join(dir, `${layer}.zip`),
        shapefileZip(collection, {
          name: layer,
          prj: BNG_PRJ,
          fields: ['id', 'name'],
          project: (p) => toBng.forward([p[0]!, p[1]!]),
        }),
      );
    }
    const run = async (to: string) => {
      const r = await runCatchments('impact', '--from', path.join(impact, 'from'), '--to', to, '--json');
      expect(r.code, r.stderr).toBe(0);
      return JSON.parse(r.stdout) as Record<string, unknown>;
    };
    const zipped = await run(dir);
    const geojson = await run(path.join(impact, 'to'));
    expect(zipped.validation).toMatchObject({ publishable: true, errors: 0 });
    for (const key of ['postcodes', 'hubs', 'hvPatches', 'cocTeams'])
      expect(zipped[key], key).toEqual(geojson[key]);
  });
});
