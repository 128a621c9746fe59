// Writes the zipped Shapefile fixtures in test/fixtures/shapefile/ from the sample area's layers
// (data/gloucestershire, themselves made of real wards): the HV patches and CoC teams in British
// National Grid, as a council's GIS team would export them, and the catchments in WGS84.
// Deterministic; test/unit/shapefile.test.ts checks the committed files match this script's output.
//
//   npx tsx scripts/make-shapefile-fixtures.ts
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FeatureCollection, MultiPolygon, Polygon, Position } from 'geojson';
import proj4 from 'proj4';
import { BNG_PROJ4 } from '../functions/core/geo/bng.js';
import { BNG_PRJ, shapefileZip, WGS84_PRJ } from './lib/shapefile-writer.js';

const REPO = fileURLToPath(new URL('..', import.meta.url));
export const SHAPEFILE_FIXTURES_DIR = join(REPO, 'test', 'fixtures', 'shapefile');
const SAMPLE = join(REPO, 'data', 'gloucestershire');

const toBng = proj4('EPSG:4326', BNG_PROJ4);
/** WGS84 to British National Grid metres, to the millimetre as GIS exports store them. */
const bng = (p: Position): Position => toBng.forward([p[0]!, p[1]!]).map((v) => Math.round(v * 1000) / 1000);

function layer(name: string): FeatureCollection<Polygon | MultiPolygon> {
  return JSON.parse(readFileSync(join(SAMPLE, `${name}.geojson`), 'utf8')) as FeatureCollection<
    Polygon | MultiPolygon
  >;
}

/** File name -> bytes of every fixture. */
export function shapefileFixtures(): Record<string, Uint8Array> {
  return {
    'hv-patches-bng.zip': shapefileZip(layer('hv-patches'), {
      name: 'hv_patches',
      prj: BNG_PRJ,
      fields: ['id', 'name'],
      project: bng,
    }),
    'coc-teams-bng.zip': shapefileZip(layer('coc-teams'), {
      name: 'coc_teams',
      prj: BNG_PRJ,
      fields: ['id', 'name'],
      project: bng,
    }),
    'catchments-wgs84.zip': shapefileZip(layer('catchments'), {
      name: 'catchments',
      prj: WGS84_PRJ,
      fields: ['id', 'name'],
    }),
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const [name, bytes] of Object.entries(shapefileFixtures())) {
    writeFileSync(join(SHAPEFILE_FIXTURES_DIR, name), bytes);
    console.log(`${name}: ${bytes.length.toLocaleString('en-GB')} bytes`);
  }
}
