// Redraw impact and alignment of an area whose postcodes come from the national directory only (a
// national-sample area): the analysis counts the same postcodes its publish assigned, checked
// against counts taken straight from the synthetic directory and the areas' boxes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedBoundaryStore } from '../../functions/adapters/store/embedded-boundary-store.js';
import { AnalysisService } from '../../functions/application/analysis-service.js';
import { assignAreaPostcodes } from '../../functions/application/area-postcodes.js';
import type { BoundaryStore } from '../../functions/application/ports/boundary-store.js';
import { versionCounts } from '../../functions/core/boundary-set/counts.js';
import { encodeAssignmentTable } from '../../functions/core/lookup/assignment-table.js';
import type { BoundarySet, PostcodeRecord } from '../../functions/core/model.js';
import { PostcodeDirectory } from '../../functions/core/postcode-directory.js';
import { encodeAreaDigest } from '../../functions/core/routing/area-digest.js';
import { encodeDirectoryColumns } from '../../functions/core/routing/directory-columns.js';
import { nationalWorld, syntheticDirectory } from '../support/national-areas.js';

function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 48271) % 2147483647;
    return state / 2147483647;
  };
}

const records = syntheticDirectory(4_000, seeded(5));
const directory = PostcodeDirectory.fromRecords(records);
const [bravo1, bravo2] = nationalWorld().editions.bravo!;

/** Live located postcodes in [x0,x1)x[y0,y1): the oracle, from the rows and the boxes alone. */
const liveIn = (x0: number, y0: number, x1: number, y1: number, rows: readonly PostcodeRecord[] = records) =>
  rows.filter(
    (r) =>
      r.status === 'live' &&
      r.location &&
      r.location.lng >= x0 &&
      r.location.lng < x1 &&
      r.location.lat >= y0 &&
      r.location.lat < y1,
  ).length;

async function publish(store: BoundaryStore, set: BoundarySet, active: number | null) {
  const rows = assignAreaPostcodes(set, { own: null, national: directory.sortedColumns() });
  await store.publish(
    set.area.id,
    {
      set: { ...set, version: null },
      assignments: encodeAssignmentTable(rows),
      digest: encodeAreaDigest(set, rows, 'national'),
      meta: {
        publishedAt: '2026-12-02T00:00:00Z',
        publishedBy: 'test',
        message: `v${set.version}`,
        basedOn: active,
        counts: versionCounts(set, rows),
        hubChanges: 0,
        directoryStamp: 'national',
        draft: null,
      },
    },
    { active },
  );
}

describe('analysis over the national directory', () => {
  let store: EmbeddedBoundaryStore;
  let analysis: AnalysisService;

  beforeAll(async () => {
    store = await EmbeddedBoundaryStore.open(':memory:');
    await store.putNationalDirectory(encodeDirectoryColumns(directory.sortedColumns()), {
      postcodes: directory.size,
      at: '2026-12-02T00:00:00Z',
      by: 'test',
    });
    // bravo has no directory of its own: every postcode it answers for is national.
    await publish(store, bravo1!, null);
    await publish(store, bravo2!, 1);
    analysis = new AnalysisService({ store, sliverToleranceM2: 100, refreshMs: 0 });
  });
  afterAll(() => store?.close());

  it("counts the national postcodes in a version's redraw impact, hub by hub", async () => {
    const impact = await analysis.versionImpact('bravo', 2, { maxListed: 10_000, threshold: 0.95 });
    // v1: b1 [1.5,2.5], b2 [2.5,3.5]; v2: b1 [2,3], b2 [3,3.5] (all y in [0,2]).
    const units = Object.fromEntries(impact.hubs.units.map((u) => [u.id, [u.before, u.after]]));
    expect(units).toEqual({
      b1: [liveIn(1.5, 0, 2.5, 2), liveIn(2, 0, 3, 2)],
      b2: [liveIn(2.5, 0, 3.5, 2), liveIn(3, 0, 3.5, 2)],
    });
    expect(units.b1![0]).toBeGreaterThan(50);
    // Moved: live postcodes of [2.5,3] (b2 -> b1) and none of [1.5,2], which leaves bravo (b1 -> none).
    expect(impact.hubs.changedLive).toBe(liveIn(2.5, 0, 3, 2) + liveIn(1.5, 0, 2, 2));
    expect(impact.directoryStamp).toMatch(/^-\+[0-9a-f]+$/);
  });

  it('counts them in alignment and in the public summary', async () => {
    const view = await analysis.versionAlignment('bravo', 1, 'catchments', 'coc-teams', 0.95);
    expect(view.alignment.a.postcodes).toBe(liveIn(1.5, 0, 3.5, 2));
    expect(view.alignment.b.postcodes).toBe(liveIn(1.5, 0, 3.5, 1));
    const summary = await analysis.activeSummary('bravo');
    expect(summary.version).toBe(2);
    expect(summary.directoryStamp).toBe(impactStamp(await store.servingState()));
  });
});

const impactStamp = (state: Awaited<ReturnType<BoundaryStore['servingState']>>) =>
  `-+${state.nationalDirectory!.stamp}`;
