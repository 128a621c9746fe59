// The draft check (analysis-jobs.ts checkDraft: validation, then every postcode of the area assigned
// to the draft) on issue 15's hostile catchments in the sample area: the answers equal an independent
// oracle (turf's point-in-polygon), and both stages share one deadline, so a check that runs out of it
// ends with an error naming the stage instead of running on.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { readBoundarySetDir, SAMPLE_DATA_DIR } from '../../functions/adapters/boundary-set-files.js';
import { analysisJobs } from '../../functions/application/analysis-jobs.js';
import type { DraftSet } from '../../functions/core/boundary-set/validate.js';
import { decodeAssignmentTable } from '../../functions/core/lookup/assignment-table.js';
import type { BoundarySet } from '../../functions/core/model.js';
import { type HostileKind, withHostileFeature } from '../support/hostile-layers.js';
import { turfContaining } from '../support/turf-oracle.js';

const AREA_DIR = path.join(SAMPLE_DATA_DIR, 'gloucestershire');
let set: BoundarySet;
let directory: { stamp: string; csv: string };
beforeAll(async () => {
  set = await readBoundarySetDir(AREA_DIR);
  directory = {
    stamp: 'sample',
    csv: gunzipSync(readFileSync(path.join(AREA_DIR, 'postcodes.csv.gz'))).toString('utf8'),
  };
});

function hostileDraft(kind: HostileKind): DraftSet {
  return {
    area: set.area,
    layers: { ...set.layers, catchments: withHostileFeature(set.layers.catchments, kind) },
    sites: set.sites,
  };
}

describe('checkDraft on hostile catchments (issue 15)', () => {
  for (const kind of ['star', 'sawtooth'] as const) {
    it(`${kind}: every postcode's hub equals turf's answer, within the shared deadline`, () => {
      const draft = hostileDraft(kind);
      const started = performance.now();
      const check = analysisJobs.checkDraft({
        area: 'gloucestershire',
        draft,
        directory,
        sliverToleranceM2: 100,
        // Generous for a busy test machine (npm run load has the service's 5 s default).
        validity: { maxVertices: 500_000, maxMs: 60_000 },
      });
      expect(performance.now() - started).toBeLessThan(60_000);
      expect(check.problems.filter((p) => p.kind === 'analysis-budget-exceeded')).toEqual([]);
      const rows = decodeAssignmentTable(check.assignments!);
      expect(rows.length).toBe(check.postcodes.assigned);
      expect(rows.length).toBeGreaterThan(20_000);

      // The oracle: turf over the catchments sorted by id (the lowest id wins a tie, as lookups do).
      const catchments = [...draft.layers.catchments!.features].sort((a, b) =>
        a.properties.id < b.properties.id ? -1 : 1,
      );
      const containing = turfContaining(catchments);
      const hostileId = draft.layers.catchments!.features[0]!.properties.id;
      let inHostile = 0;
      // Turf decides the boundary exactly, the index within its 1e-9° tolerance (docs/semantics.md):
      // on a boundary, the catchments turf finds must be among those the index lists.
      for (const row of rows) {
        const ids = containing(row.lng, row.lat).map((i) => catchments[i]!.properties.id);
        const { hubId, match, boundaryHubIds } = row.assignment;
        const agrees =
          match === 'boundary' ? ids.every((id) => boundaryHubIds?.includes(id)) : hubId === (ids[0] ?? null);
        if (!agrees) {
          throw new Error(`${row.postcode}: hub ${hubId} (${match}), turf says ${ids.join(', ') || 'none'}`);
        }
        if (ids.includes(hostileId)) inHostile++;
      }
      // The hostile shape really holds postcodes (its teeth and spikes are where the index worked hard).
      expect(inHostile).toBeGreaterThan(10);
    });
  }

  it('a check whose deadline passes before the postcodes are assigned ends with an error naming that stage', () => {
    const started = performance.now();
    const check = analysisJobs.checkDraft({
      area: 'gloucestershire',
      draft: hostileDraft('sawtooth'),
      directory,
      sliverToleranceM2: 100,
      validity: { maxVertices: 500_000, maxMs: 100 },
    });
    // Validation stops at its budget, and the assignment, with nothing left of it, does not start.
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(check.publishable).toBe(false);
    expect(check.assignments).toBeNull();
    expect(check.postcodes.assigned).toBe(0);
    const stage = check.problems.find(
      (p) => p.kind === 'analysis-budget-exceeded' && /assigning the area's postcodes/.test(p.message),
    );
    expect(stage?.severity).toBe('error');
    expect(stage?.message).toMatch(/time budget \(100 ms, CATCHMENTS_VALIDITY_MAX_MS\).*Simplify/);
  });
});
