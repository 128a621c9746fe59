// Real Gloucestershire layers and postcodes from CATCHMENTS_REAL_DATA (*.real.test.ts only),
// passed through the same layer checks an upload gets, and turned into boundary sets.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { checkLayer } from '../../functions/core/layer-validation.js';
import type { BoundarySet, Layer, PostcodeRecord, Site } from '../../functions/core/model.js';
import { PostcodeDirectory } from '../../functions/core/postcode-directory.js';
import { realDataDir, SAMPLE_DIR } from './fixtures.js';

export async function realLayer(file: string, idProperty: string, nameProperty?: string): Promise<Layer> {
  const raw = JSON.parse(await readFile(path.join(realDataDir(), file), 'utf8')) as unknown;
  const checked = checkLayer(raw, { idProperty, ...(nameProperty ? { nameProperty } : {}) });
  if (!checked.layer) throw new Error(`${file}: ${checked.problems[0]?.message}`);
  return checked.layer;
}

/** The 22,019 real postcodes (Code-Point Open 2025) as a directory. */
export async function realDirectory(): Promise<PostcodeDirectory> {
  const text = await readFile(path.join(realDataDir(), 'gloucestershire-postcodes.csv'), 'utf8');
  const records: PostcodeRecord[] = [];
  for (const line of text.split('\n').slice(1)) {
    if (!line) continue;
    const [postcode, lat, lng] = line.split(',');
    records.push({ postcode: postcode!, location: { lat: Number(lat), lng: Number(lng) }, status: 'live' });
  }
  return PostcodeDirectory.fromRecords(records);
}

/** One hub per catchment feature, at the middle of its first ring's bounding box. */
export function hubsFor(layer: Layer): Site[] {
  return layer.features.map((f) => {
    const ring = (f.geometry.type === 'Polygon' ? f.geometry.coordinates[0] : f.geometry.coordinates[0]![0])!;
    const xs = ring.map((p) => p[0]!);
    const ys = ring.map((p) => p[1]!);
    return {
      id: f.properties.id,
      kind: 'hub',
      name: `${f.properties.name} hub`,
      address: `${f.properties.name} (test site)`,
      postcode: 'GL1 1AD',
      location: {
        lng: (Math.min(...xs) + Math.max(...xs)) / 2,
        lat: (Math.min(...ys) + Math.max(...ys)) / 2,
      },
      operator: 'Test operator',
      services: ['early-years'],
      ages: { min: 0, max: 19 },
      contact: {},
      openingHours: 'Mo-Fr 09:00-17:00',
    };
  });
}

/**
 * Every real layer in one set: the sample county outline, MSOAs as hub catchments (75), LSOAs as
 * HV patches (373), 2013 wards as CoC teams (142) and output areas as spoke catchments (2,001).
 */
export async function realGloucestershireSet(): Promise<BoundarySet> {
  const outline = JSON.parse(
    await readFile(path.join(SAMPLE_DIR, 'gloucestershire', 'outline.geojson'), 'utf8'),
  ) as Layer;
  const catchments = await realLayer('gloucestershire-msoa.geojson', 'MSOA11CD', 'MSOA11NM');
  return {
    area: {
      id: 'gloucestershire',
      name: 'Gloucestershire (real layers)',
      illustrative: true,
      attribution: [],
    },
    version: null,
    layers: {
      outline,
      catchments,
      'hv-patches': await realLayer('gloucestershire-lsoa.geojson', 'LSOA11CD', 'LSOA11NM'),
      'coc-teams': await realLayer('gloucestershire-wards.geojson', 'WD13CD', 'WD13NM'),
      'spoke-catchments': await realLayer('gloucestershire-oa.geojson', 'OA11CD'),
    },
    sites: hubsFor(catchments),
  };
}
