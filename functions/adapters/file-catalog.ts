// Builds the lookup catalog from a data folder of area boundary sets (the embedded default store
// for local runs, demos and tests: no AWS account needed).
import { AreaLookup } from '../core/lookup/area-lookup.js';
import { LookupCatalog } from '../core/lookup/catalog.js';
import {
  listAreaDirs,
  readAreaDirectories,
  readBoundarySetDir,
  SAMPLE_DATA_DIR,
} from './boundary-set-files.js';

export async function loadFileCatalog(dataDir: string = SAMPLE_DATA_DIR): Promise<LookupCatalog> {
  const areaDirs = listAreaDirs(dataDir);
  if (areaDirs.length === 0) {
    throw new Error(
      `No area folders (with area.json) in ${dataDir}. Set CATCHMENTS_DATA_DIR to a folder of areas.`,
    );
  }
  const sets = await Promise.all(areaDirs.map((dir) => readBoundarySetDir(dir)));
  const { directory, stamp } = await readAreaDirectories(areaDirs);
  return LookupCatalog.build(
    sets.map((set) => AreaLookup.build(set)),
    directory,
    stamp,
  );
}
