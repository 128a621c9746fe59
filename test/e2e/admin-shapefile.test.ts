// Zipped Shapefile uploads to the admin API (PUT …/draft/layers/{layer}, Content-Type: application/zip)
// over real HTTP: decoded server-side by the adapter the CLI uses, reprojected from British National
// Grid by the same layer checks, refused with a problem+json that says what to send instead. Every
// response is checked against the OpenAPI document; `catchments draft put-layer` sends a zip as is.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { zipSync } from 'fflate';
import type { FeatureCollection, MultiPolygon, Polygon, Position } from 'geojson';
import proj4 from 'proj4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BNG_PROJ4 } from '../../functions/core/geo/bng.js';
import type { BoundarySet } from '../../functions/core/model.js';
import type { LocalApp } from '../../functions/local-app.js';
import { BNG_PRJ, shapefileZip, WGS84_PRJ } from '../../scripts/lib/shapefile-writer.js';
import { testshireSet } from '../support/boundary-sets.js';
import { runCatchments } from '../support/cli.js';
import { FIXTURE_AREAS_DIR } from '../support/fixtures.js';
import { type CallResult, call, startTestApp } from '../support/local-app.js';

const TOKEN = 'test-admin-token-shapefile-0123';
const auth = { Authorization: `Bearer ${TOKEN}` };
const ADMIN = '/v1/admin/areas/testshire';
const toBng = proj4('EPSG:4326', BNG_PROJ4);
const bng = (p: Position): Position => toBng.forward([p[0]!, p[1]!]).map((v) => Math.round(v * 1000) / 1000);

let app: LocalApp;
let set: BoundarySet;
let catchments: FeatureCollection<Polygon | MultiPolygon>;
beforeAll(async () => {
  app = await startTestApp({ CATCHMENTS_DATA_DIR: FIXTURE_AREAS_DIR, CATCHMENTS_ADMIN_TOKEN: TOKEN });
  set = await testshireSet();
  catchments = set.layers.catchments as FeatureCollection<Polygon | MultiPolygon>;
});
afterAll(async () => {
  await app.close();
});

async function ok(url: string, init?: RequestInit): Promise<CallResult> {
  const r = await call(app, url, init);
  expect(r.contractProblems, `${init?.method ?? 'GET'} ${url}`).toEqual([]);
  return r;
}

const putZip = (zip: Uint8Array, query = 'idProperty=id') =>
  ok(`${ADMIN}/draft/layers/catchments?${query}`, {
    method: 'PUT',
    headers: { ...auth, 'Content-Type': 'application/zip' },
    body: zip,
  });

const firstPosition = (fc: FeatureCollection<Polygon | MultiPolygon>): Position => {
  const g = fc.features[0]!.geometry;
  return g.type === 'Polygon' ? g.coordinates[0]![0]! : g.coordinates[0]![0]![0]!;
};

describe('PUT a draft layer as a zipped Shapefile', () => {
  beforeAll(async () => {
    const created = await ok(`${ADMIN}/draft`, {
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'application/json' },
      body: JSON.stringify({ replace: true }),
    });
    expect(created.status).toBe(201);
  });

  it('reads a British National Grid Shapefile and stores the layer in WGS84', async () => {
    const zip = shapefileZip(catchments, {
      name: 'catchments',
      prj: BNG_PRJ,
      fields: ['id', 'name'],
      project: bng,
    });
    const put = await putZip(zip);
    expect(put.status, put.text).toBe(200);
    const stored = (await ok(`${ADMIN}/draft/layers/catchments`, { headers: auth }))
      .json as FeatureCollection<Polygon | MultiPolygon>;
    expect(stored.features.map((f) => f.properties!.id)).toEqual(
      catchments.features.map((f) => f.properties!.id),
    );
    const [lng, lat] = firstPosition(stored);
    const [lng0, lat0] = firstPosition(catchments);
    // Millimetre-rounded BNG and back: within 1e-7° (~1 cm) of the original.
    expect(Math.abs(lng! - lng0!)).toBeLessThan(1e-7);
    expect(Math.abs(lat! - lat0!)).toBeLessThan(1e-7);
  });

  it('refuses a zip that is not one Shapefile layer with a 400 that says what to send', async () => {
    const notShapefile = await putZip(zipSync({ 'readme.txt': new TextEncoder().encode('hello') }));
    expect(notShapefile.status).toBe(400);
    expect(notShapefile.json).toMatchObject({
      type: '/problems/invalid-request',
      status: 400,
      detail: expect.stringContaining('no .shp file'),
    });
    expect((notShapefile.json as { detail: string }).detail).toContain(
      '.shp, .shx, .dbf and .prj in one .zip',
    );
    const notZip = await putZip(new TextEncoder().encode('{"type": "FeatureCollection"}'));
    expect(notZip.status).toBe(400);
    expect((notZip.json as { detail: string }).detail).toContain('not a zip archive');
  });

  it('refuses a ?crs= that contradicts the .prj, and an unknown .prj', async () => {
    const zip = shapefileZip(catchments, { name: 'c', prj: BNG_PRJ, fields: ['id', 'name'], project: bng });
    const contradicts = await putZip(zip, 'idProperty=id&crs=EPSG:4326');
    expect(contradicts.status).toBe(400);
    expect((contradicts.json as { detail: string }).detail).toContain(
      '.prj says EPSG:27700 but ?crs= says EPSG:4326',
    );
    const mercator = shapefileZip(catchments, {
      name: 'c',
      prj: 'PROJCS["WGS_1984_Web_Mercator_Auxiliary_Sphere",GEOGCS["GCS_WGS_1984"]]',
      fields: ['id', 'name'],
    });
    const unknown = await putZip(mercator);
    expect(unknown.status).toBe(400);
    expect((unknown.json as { detail: string }).detail).toContain('WGS_1984_Web_Mercator_Auxiliary_Sphere');
  });

  it('runs the same layer checks as for GeoJSON: 422 with located problems', async () => {
    const zip = shapefileZip(catchments, { name: 'c', prj: WGS84_PRJ, fields: ['name'] });
    const noIds = await putZip(zip);
    expect(noIds.status).toBe(422);
    expect(noIds.json).toMatchObject({ type: '/problems/invalid-geometry' });
    expect((noIds.json as { problems: { kind: string }[] }).problems[0]!.kind).toBe('missing-id');
  });

  it('is what `catchments draft put-layer` sends for a .zip', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'put-zip-'));
    writeFileSync(
      path.join(dir, 'catchments.zip'),
      shapefileZip(catchments, { name: 'catchments', prj: BNG_PRJ, fields: ['id', 'name'], project: bng }),
    );
    const run = await runCatchments(
      'draft',
      'put-layer',
      'catchments',
      path.join(dir, 'catchments.zip'),
      '--id-property',
      'id',
      '--url',
      app.url,
      '--token',
      TOKEN,
      '--area',
      'testshire',
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`layer catchments\\s+${catchments.features.length} features`));
  });
});
