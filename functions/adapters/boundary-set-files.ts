// Boundary sets stored as plain files: one folder per area holding `area.json` (area + sites),
// one GeoJSON file per layer (or a zipped Shapefile, e.g. `hv-patches.zip`, as a GIS team exports
// it) and `postcodes.csv.gz` (the area's postcode directory). This is the format of the sample area
// in data/ and of `catchments impact --from <dir>`. Every feature's id is its `id` property.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkLayer } from '../core/layer-validation.js';
import type { AreaInfo, BoundarySet, Layer, LayerName, PostcodeRecord, Site } from '../core/model.js';
import { PostcodeDirectory } from '../core/postcode-directory.js';
import { readDirectoryFile } from './directory-file.js';
import { readLayerFile } from './layer-file.js';

/** The sample area shipped with the project (data/), used when no data folder is configured. */
export const SAMPLE_DATA_DIR = fileURLToPath(new URL('../../data', import.meta.url));

const LAYER_FILES: Readonly<Record<LayerName, string>> = {
  outline: 'outline.geojson',
  catchments: 'catchments.geojson',
  'hv-patches': 'hv-patches.geojson',
  'coc-teams': 'coc-teams.geojson',
  'spoke-catchments': 'spoke-catchments.geojson',
};

async function readJson(file: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as unknown;
  } catch (error) {
    throw new Error(`Cannot read ${file}: ${(error as Error).message}`);
  }
}

function asLayer(value: unknown, file: string): Layer {
  const fc = value as Layer;
  if (fc?.type !== 'FeatureCollection' || !Array.isArray(fc.features)) {
    throw new Error(`${file} is not a GeoJSON FeatureCollection`);
  }
  for (const [i, f] of fc.features.entries()) {
    if (typeof f?.properties?.id !== 'string')
      throw new Error(`${file}: feature #${i} has no string properties.id`);
  }
  return fc;
}

/** A zipped Shapefile layer of a folder, through the upload checks (reprojecting BNG), without caps. */
async function readZippedLayer(file: string): Promise<Layer> {
  const { json, crs } = await readLayerFile(file).catch((error: Error) => {
    throw new Error(`Cannot read ${file}: ${error.message}`);
  });
  const unlimited = Number.MAX_SAFE_INTEGER;
  const checked = checkLayer(json, {
    idProperty: 'id',
    ...(crs ? { crs } : {}),
    limits: { maxFeatures: unlimited, maxVerticesPerLayer: unlimited, maxVerticesPerPolygon: unlimited },
  });
  if (!checked.layer) {
    const shown = checked.problems.slice(0, 3).map((p) => `${p.kind}: ${p.message}`);
    throw new Error(`${file} cannot be used: ${shown.join('; ')}`);
  }
  return checked.layer;
}

/** Reads one area folder. `version` is the published version the folder stands for (1 by default). */
export async function readBoundarySetDir(dir: string, version: number | null = 1): Promise<BoundarySet> {
  const meta = (await readJson(path.join(dir, 'area.json'))) as { area: AreaInfo; sites: Site[] };
  if (!meta?.area?.id || !Array.isArray(meta.sites)) {
    throw new Error(`${path.join(dir, 'area.json')} must hold {"area": {...}, "sites": [...]}`);
  }
  const layers: Partial<Record<LayerName, Layer>> = {};
  for (const [name, file] of Object.entries(LAYER_FILES) as [LayerName, string][]) {
    const full = path.join(dir, file);
    const zipped = full.replace(/\.geojson$/, '.zip');
    if (existsSync(full)) layers[name] = asLayer(await readJson(full), full);
    else if (existsSync(zipped)) layers[name] = await readZippedLayer(zipped);
  }
  if (!layers.outline || !layers.catchments)
    throw new Error(`${dir} needs outline.geojson and catchments.geojson (or .zip Shapefiles)`);
  return {
    area: meta.area,
    version,
    layers: { ...layers, outline: layers.outline, catchments: layers.catchments },
    sites: meta.sites,
  };
}

/** Area folders under a data folder: every sub-folder holding an area.json. */
export function listAreaDirs(dataDir: string): string[] {
  return readdirSync(dataDir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(path.join(dataDir, e.name, 'area.json')))
    .map((e) => path.join(dataDir, e.name))
    .sort();
}

export interface LoadedDirectory {
  readonly directory: PostcodeDirectory;
  /** Short content hash of the directory files: changes when any postcode changes. */
  readonly stamp: string;
}

/** Merges the postcode directories of the given area folders (a postcode listed twice keeps the first). */
export async function readAreaDirectories(areaDirs: readonly string[]): Promise<LoadedDirectory> {
  const hash = createHash('sha256');
  const seen = new Set<string>();
  const records: PostcodeRecord[] = [];
  for (const dir of areaDirs) {
    const file = path.join(dir, 'postcodes.csv.gz');
    if (!existsSync(file)) continue;
    hash.update(await readFile(file));
    for (const record of (await readDirectoryFile(file)).records()) {
      if (seen.has(record.postcode)) continue;
      seen.add(record.postcode);
      records.push(record);
    }
  }
  return { directory: PostcodeDirectory.fromRecords(records), stamp: hash.digest('hex').slice(0, 10) };
}
