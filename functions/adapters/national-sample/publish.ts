// Publishing one generated district into a store, the way first-start seeding publishes the sample
// area (seed-store.ts): the layers through the upload checks, the postcode directory, then a draft
// validated and published atomically by the BoundarySetService — so an interrupted run never leaves
// a half-published area served (the store switches the active pointer with one conditional write).
//
// Re-runs resume: each version's message carries a fingerprint of the generated content, and an
// area whose active version has the same fingerprint is left as it is. Areas of the same id that
// this generator did not publish are never overwritten (`foreignAreas`).
import { createHash } from 'node:crypto';
import type { BoundarySetService } from '../../application/boundary-set-service.js';
import type { BoundaryStore } from '../../application/ports/boundary-store.js';
import { checkLayer } from '../../core/layer-validation.js';
import { LAYER_NAMES, type Layer, type LayerName } from '../../core/model.js';
import type { DistrictArea } from '../../core/national-sample/district-area.js';

/** `publishedBy` of every version the generator publishes. */
export const NATIONAL_SAMPLE_AUTHOR = 'national-sample';

export type PublishOutcome = 'published' | 'updated' | 'unchanged';

/** A short content hash of everything published for the area: its set and its directory. */
export function fingerprintOf(area: DistrictArea): string {
  return createHash('sha256')
    .update(JSON.stringify(area.set))
    .update('\n')
    .update(area.directoryCsv)
    .digest('hex')
    .slice(0, 16);
}

function messageFor(fingerprint: string): string {
  return `Illustrative national sample (content ${fingerprint})`;
}

/**
 * Areas among `areaIds` that the store already holds but this generator did not publish (their
 * active version's author is someone else): publishing would replace a planner's work.
 */
export async function foreignAreas(
  store: BoundaryStore,
  areaIds: readonly string[],
): Promise<{ area: string; publishedBy: string }[]> {
  const wanted = new Set(areaIds);
  const out: { area: string; publishedBy: string }[] = [];
  for (const pointer of await store.pointers()) {
    if (!wanted.has(pointer.area) || pointer.active === null) continue;
    const header = (await store.versions(pointer.area)).find((v) => v.version === pointer.active);
    if (header && header.publishedBy !== NATIONAL_SAMPLE_AUTHOR) {
      out.push({ area: pointer.area, publishedBy: header.publishedBy });
    }
  }
  return out;
}

/** Publishes the area unless its active version already holds exactly this content. */
export async function publishDistrictArea(
  service: BoundarySetService,
  store: BoundaryStore,
  area: DistrictArea,
): Promise<PublishOutcome> {
  const id = area.set.area.id;
  const fingerprint = fingerprintOf(area);
  const pointer = await store.pointer(id);
  if (pointer?.active != null) {
    const header = (await store.versions(id)).find((v) => v.version === pointer.active);
    if (header?.message === messageFor(fingerprint)) return 'unchanged';
  }
  // The same path as an upload: every layer through the layer checks.
  const layers: Partial<Record<LayerName, Layer>> = {};
  for (const name of LAYER_NAMES) {
    const layer = area.set.layers[name];
    if (!layer) continue;
    const checked = checkLayer(layer, { idProperty: 'id' });
    if (!checked.layer)
      throw new Error(`${id}: the ${name} layer fails its checks: ${checked.problems[0]?.message}`);
    layers[name] = checked.layer;
  }
  await service.putDirectory(id, area.directoryCsv, NATIONAL_SAMPLE_AUTHOR);
  await service.importSet(
    { ...area.set, layers: { ...layers, outline: layers.outline!, catchments: layers.catchments! } },
    NATIONAL_SAMPLE_AUTHOR,
    messageFor(fingerprint),
  );
  return pointer?.active != null ? 'updated' : 'published';
}
