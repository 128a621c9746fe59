// Boundary sets for the store, service and API tests: the Testshire fixture (answers known) and
// "editions" of it whose content differs in ways an answer shows, so a test can tell which
// version produced an answer from its content alone.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { readBoundarySetDir } from '../../functions/adapters/boundary-set-files.js';
import { assignAll } from '../../functions/application/boundary-set-service.js';
import type { VersionCandidate } from '../../functions/application/ports/boundary-store.js';
import { versionCounts } from '../../functions/core/boundary-set/counts.js';
import { AreaLocator } from '../../functions/core/lookup/area-lookup.js';
import { encodeAssignmentTable } from '../../functions/core/lookup/assignment-table.js';
import type { BoundarySet, Layer } from '../../functions/core/model.js';
import { PostcodeDirectory } from '../../functions/core/postcode-directory.js';
import { encodeAreaDigest } from '../../functions/core/routing/area-digest.js';
import { TESTSHIRE_DIR } from './fixtures.js';

export async function testshireSet(): Promise<BoundarySet> {
  return readBoundarySetDir(TESTSHIRE_DIR, null);
}

export async function testshireDirectoryCsv(): Promise<string> {
  return gunzipSync(await readFile(path.join(TESTSHIRE_DIR, 'postcodes.csv.gz'))).toString('utf8');
}

/**
 * Edition k of Testshire: every site and unit name ends in "(E<k>)", and in even editions the two
 * hubs swap catchments (so TE1 1AA is served by hub-b, TE2 2AA by hub-a). An answer's version
 * therefore determines its hub id and every name in it.
 */
export function edition(set: BoundarySet, k: number): BoundarySet {
  const tag = ` (E${k})`;
  const rename = (layer: Layer | undefined, swap: boolean): Layer | undefined =>
    layer && {
      ...layer,
      features: layer.features.map((f) => ({
        ...f,
        properties: {
          ...f.properties,
          id: swap ? swapHub(f.properties.id) : f.properties.id,
          name: `${f.properties.name}${tag}`,
        },
      })),
    };
  return {
    ...set,
    layers: {
      ...set.layers,
      outline: set.layers.outline,
      catchments: rename(set.layers.catchments, k % 2 === 0)!,
      'hv-patches': rename(set.layers['hv-patches'], false),
      'coc-teams': rename(set.layers['coc-teams'], false),
    },
    sites: set.sites.map((s) => ({ ...s, name: `${s.name}${tag}` })),
  };
}

function swapHub(id: string): string {
  return id === 'hub-a' ? 'hub-b' : id === 'hub-b' ? 'hub-a' : id;
}

/** The hub an edition assigns to a Testshire postcode inside a catchment. */
export function expectedHub(k: number, postcode: 'TE1 1AA' | 'TE2 2AA'): string {
  const base = postcode === 'TE1 1AA' ? 'hub-a' : 'hub-b';
  return k % 2 === 0 ? swapHub(base) : base;
}

/** A publishable candidate for the store port (what the service would hand it). */
export function candidateOf(
  set: BoundarySet,
  directoryCsv: string | null,
  meta: Partial<VersionCandidate['meta']> = {},
): VersionCandidate {
  const rows = assignAll(set, directoryCsv ? PostcodeDirectory.fromCsv(directoryCsv) : null);
  return {
    set: { ...set, version: null },
    assignments: encodeAssignmentTable(rows),
    digest: encodeAreaDigest(set, rows, null),
    index: AreaLocator.build(set).encodeIndex(),
    meta: {
      publishedAt: '2026-11-23T10:00:00.000Z',
      publishedBy: 'test',
      message: 'test publish',
      basedOn: null,
      counts: versionCounts(set, rows),
      hubChanges: 0,
      directoryStamp: null,
      draft: null,
      ...meta,
    },
  };
}
