// Writes the illustrative planning files of the sample area into data/planning/: births per LSOA and
// a capacity per HV patch, for trying weights and capacity (docs/impact.md, docs/planner-guide.md).
// ILLUSTRATIVE, NOT REAL BIRTHS: each LSOA's figure is its live postcodes in the sample directory
// times a factor between 0.15 and 0.45 fixed by a hash of its code; each patch's capacity is its
// births (so computed) times a factor between 0.95 and 1.35 fixed by a hash of its id. Deterministic:
// no clock, no Math.random, sorted rows; reads only data/gloucestershire.
//
//   npx tsx scripts/make-sample-weights.ts [--data data]
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { readAreaDirectories, readBoundarySetDir } from '../functions/adapters/boundary-set-files.js';
import { AreaLookup } from '../functions/core/lookup/area-lookup.js';
import { resolveWeights } from '../functions/core/weights/resolve.js';
import { readWeightsTable } from '../functions/core/weights/weights-table.js';

export const BIRTHS_FILE = 'births-per-lsoa-illustrative.csv';
export const CAPACITY_FILE = 'hv-patch-capacity-illustrative.csv';

/** FNV-1a, 32 bit (as scripts/lib/sample-area/build.ts): a fixed hash, so figures never shift. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** A factor in [low, high) fixed by `key`, in steps of 0.01. */
function factor(key: string, low: number, high: number): number {
  const steps = Math.round((high - low) * 100);
  return low + (hash(key) % steps) / 100;
}

export async function makeSampleWeights(dataDir: string): Promise<Map<string, string>> {
  const areaDir = path.join(dataDir, 'gloucestershire');
  const records = [...(await readAreaDirectories([areaDir])).directory.records()];
  const postcodesPerLsoa = new Map<string, number>();
  for (const r of records) {
    const lsoa = r.census?.lsoa11;
    if (r.status === 'live' && r.location && lsoa)
      postcodesPerLsoa.set(lsoa, (postcodesPerLsoa.get(lsoa) ?? 0) + 1);
  }
  const births = [...postcodesPerLsoa]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([lsoa, n]) => [lsoa, Math.round(n * factor(`births:${lsoa}`, 0.15, 0.45))] as const);

  // Births per HV patch of the sample as published, the way the impact counts them.
  const set = await readBoundarySetDir(areaDir, 1);
  const table = readWeightsTable(
    ['lsoa11', 'births'],
    births.map(([c, b]) => [c, String(b)]),
    {
      key: 'lsoa11',
      column: 'births',
    },
  );
  const { byPostcode } = resolveWeights(table, records);
  const lookup = AreaLookup.build(set);
  const perPatch = new Map<string, number>();
  for (const r of records) {
    const w = byPostcode.get(r.postcode);
    if (!w || !r.location) continue;
    const patch = lookup.assign(r.location.lng, r.location.lat).hvPatchId;
    if (patch) perPatch.set(patch, (perPatch.get(patch) ?? 0) + w);
  }
  const patches = set.layers['hv-patches']!.features.map((f) => f.properties.id).sort();
  const capacity = patches.map(
    (id) => [id, Math.round((perPatch.get(id) ?? 0) * factor(`capacity:${id}`, 0.95, 1.35))] as const,
  );
  return new Map([
    [BIRTHS_FILE, `lsoa11,births\n${births.map(([c, b]) => `${c},${b}`).join('\n')}\n`],
    [
      CAPACITY_FILE,
      `layer,unit_id,capacity\n${capacity.map(([id, c]) => `hv-patches,${id},${c}`).join('\n')}\n`,
    ],
  ]);
}

async function main(argv: readonly string[]): Promise<void> {
  const at = argv.indexOf('--data');
  const dataDir = at >= 0 ? argv[at + 1]! : 'data';
  const files = await makeSampleWeights(dataDir);
  const outDir = path.join(dataDir, 'planning');
  mkdirSync(outDir, { recursive: true });
  for (const [name, text] of files) {
    writeFileSync(path.join(outDir, name), text);
    console.log(`wrote ${path.join(outDir, name)} (${text.split('\n').length - 2} rows)`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main(process.argv.slice(2));
