// The figures a version's history entry carries: what the set holds and how many postcodes it
// answers, so a planner can see at a glance what a publish changed.
import type { AssignmentRow } from '../lookup/assignment-table.js';
import type { BoundarySet } from '../model.js';

export interface VersionCounts {
  readonly hubs: number;
  readonly spokes: number;
  readonly catchments: number;
  readonly hvPatches: number;
  readonly cocTeams: number;
  readonly spokeCatchments: number;
  /** Located directory postcodes in the version's assignment table. */
  readonly postcodes: number;
  /** Of those, postcodes in a gap of the area's catchments (no hub assigned). */
  readonly postcodesInGaps: number;
}

export function versionCounts(set: BoundarySet, rows: readonly AssignmentRow[]): VersionCounts {
  return {
    hubs: set.sites.filter((s) => s.kind === 'hub').length,
    spokes: set.sites.filter((s) => s.kind === 'spoke').length,
    catchments: set.layers.catchments.features.length,
    hvPatches: set.layers['hv-patches']?.features.length ?? 0,
    cocTeams: set.layers['coc-teams']?.features.length ?? 0,
    spokeCatchments: set.layers['spoke-catchments']?.features.length ?? 0,
    postcodes: rows.length,
    postcodesInGaps: rows.filter((r) => r.assignment.match === 'gap').length,
  };
}
