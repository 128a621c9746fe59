// Seeding an empty embedded store from area folders (local runs only). Kept apart from
// open-store.ts so the Lambda bundles, which never seed, do not carry the layer checks and proj4.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import type { BoundarySetService } from '../../application/boundary-set-service.js';
import type { BoundaryStore } from '../../application/ports/boundary-store.js';
import { checkLayer } from '../../core/layer-validation.js';
import { LAYER_NAMES, type Layer, type LayerName } from '../../core/model.js';
import type { Logger } from '../../http/logger.js';
import { listAreaDirs, readBoundarySetDir, SAMPLE_DATA_DIR } from '../boundary-set-files.js';
import { isGzip } from '../directory-file.js';

const gunzipAsync = promisify(gunzip);

/**
 * First start with an empty store: publish every area folder of `dataDir` as version 1 (author
 * "seed"), with its postcode directory. A store that knows any area is left alone. Returns the
 * areas seeded.
 */
export async function seedStore(
  service: BoundarySetService,
  store: BoundaryStore,
  dataDir: string = SAMPLE_DATA_DIR,
  logger?: Logger,
): Promise<string[]> {
  if ((await store.pointers()).length > 0) return [];
  const seeded: string[] = [];
  for (const dir of listAreaDirs(dataDir)) {
    const set = await readBoundarySetDir(dir, null);
    // The files were written by our own tools, but the seed takes the same path as an upload.
    const layers: Partial<Record<LayerName, Layer>> = {};
    for (const name of LAYER_NAMES) {
      const layer = set.layers[name];
      if (!layer) continue;
      const checked = checkLayer(layer, { idProperty: 'id' });
      if (!checked.layer)
        throw new Error(`${dir}: the ${name} layer fails its checks: ${checked.problems[0]?.message}`);
      layers[name] = checked.layer;
    }
    const directoryFile = path.join(dir, 'postcodes.csv.gz');
    if (existsSync(directoryFile)) {
      const raw = await readFile(directoryFile);
      const csv = (isGzip(raw) ? await gunzipAsync(raw) : raw).toString('utf8');
      await service.putDirectory(set.area.id, csv, 'seed');
    }
    const message = set.area.illustrative ? 'Illustrative sample area' : `Seeded from ${path.basename(dir)}`;
    const header = await service.importSet(
      { ...set, layers: { ...layers, outline: layers.outline!, catchments: layers.catchments! } },
      'seed',
      message,
    );
    logger?.info('seeded area', {
      area: set.area.id,
      version: header.version,
      postcodes: header.counts.postcodes,
    });
    seeded.push(set.area.id);
  }
  return seeded;
}
