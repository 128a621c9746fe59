// Seeding an embedded store from area folders on first start (local runs only). Kept apart from
// open-store.ts so the Lambda bundles, which never seed, do not carry the layer checks and proj4.
//
// The first start is one step that a crash at any moment can resume, because each part of it is
// idempotent and the step is marked done only at the end:
//   for each area folder: skip it if the area already has an active version (then only tidy a
//   leftover seed draft); else load its postcode directory (a no-op when the same content is there),
//   replace any half-made draft with the folder's set and publish it as version 1;
//   then sweep what a crashed attempt left behind and write the "seeded" mark.
// Until the mark exists every start resumes; once it exists the store is left alone (another data
// folder later does not add areas to a store that is in use).
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

/** Who the seed acts as in the history: drafts and versions it makes are by "seed". */
export const SEED_AUTHOR = 'seed';

/** Where a store keeps the mark that its first start finished (the embedded store implements it). */
export interface SeedMark {
  seededAt(): Promise<string | null>;
  markSeeded(at: string, areas: readonly string[]): Promise<void>;
}

/**
 * First start: publish every area folder of `dataDir` as version 1 (author "seed"), with its
 * postcode directory, resuming whatever an interrupted first start left. Returns the areas seeded
 * by this call.
 */
export async function seedStore(
  service: BoundarySetService,
  store: BoundaryStore & SeedMark,
  dataDir: string = SAMPLE_DATA_DIR,
  logger?: Logger,
): Promise<string[]> {
  if ((await store.seededAt()) !== null) return [];
  // Items but no mark: a first start was interrupted (or the store predates the mark).
  const resuming = (await store.pointers()).length > 0;
  const seeded: string[] = [];
  const areas: string[] = [];
  for (const dir of listAreaDirs(dataDir)) {
    const set = await readBoundarySetDir(dir, null);
    const area = set.area.id;
    areas.push(area);
    if ((await store.pointer(area))?.active != null) {
      await removePublishedSeedDraft(store, area);
      continue;
    }
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
      await service.putDirectory(area, csv, SEED_AUTHOR);
    }
    const message = set.area.illustrative ? 'Illustrative sample area' : `Seeded from ${path.basename(dir)}`;
    const header = await service.importSet(
      { ...set, layers: { ...layers, outline: layers.outline!, catchments: layers.catchments! } },
      SEED_AUTHOR,
      message,
    );
    logger?.info('seeded area', { area, version: header.version, postcodes: header.counts.postcodes });
    seeded.push(area);
  }
  if (resuming && seeded.length > 0) logger?.warn('resumed a first start that was interrupted', { seeded });
  if (resuming) {
    // Blobs a killed attempt staged but never committed: nothing else runs during the first start,
    // so every unreferenced blob is one of those.
    for (const area of areas) await store.sweep(area, { now: Date.now(), olderThanMs: -1 });
  }
  await store.markSeeded(new Date().toISOString(), areas);
  return seeded;
}

/** A seed draft that was published but not yet deleted when the first start was killed. */
async function removePublishedSeedDraft(store: BoundaryStore, area: string): Promise<void> {
  const draft = await store.draftMeta(area);
  if (!draft || draft.createdBy !== SEED_AUTHOR) return;
  const published =
    draft.publishedAs !== null || (await store.versions(area)).some((v) => v.draft?.id === draft.draftId);
  if (published) await store.deleteDraft(area);
}
