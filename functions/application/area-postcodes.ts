// The postcodes a version of an area is published with (its precomputed answers): every postcode of
// the area's own directory, as before, plus — when the store holds a national directory — every
// national postcode inside the set's extent (outline and catchments) that the set answers for
// (a match other than `outside`). A postcode in both keeps the area's own row.
import { AreaLookup } from '../core/lookup/area-lookup.js';
import type { AssignmentRow } from '../core/lookup/assignment-table.js';
import type { BoundarySet } from '../core/model.js';
import { PostcodeDirectory } from '../core/postcode-directory.js';
import { postcodeFromKey } from '../core/postcode-key.js';
import { bboxOf } from '../core/routing/area-digest.js';
import { decodeDirectoryColumns } from '../core/routing/directory-columns.js';
import type { DirectoryColumns } from '../core/routing/national-routing.js';
import type { BoundaryStore } from './ports/boundary-store.js';

export interface AreaDirectories {
  readonly own: PostcodeDirectory | null;
  readonly national: DirectoryColumns | null;
  /** Names the directories' content (the area's own stamp, `+` the national one when there is one). */
  readonly stamp: string | null;
}

export class AreaPostcodes {
  private national: { readonly stamp: string; readonly columns: Promise<DirectoryColumns | null> } | null =
    null;

  constructor(private readonly store: BoundaryStore) {}

  async forArea(area: string): Promise<AreaDirectories> {
    const [own, state] = await Promise.all([this.store.directory(area), this.store.servingState()]);
    const nationalStamp = state.nationalDirectory?.stamp ?? null;
    let national: DirectoryColumns | null = null;
    if (nationalStamp) {
      // Kept per container while its stamp holds: 1.7 M postcodes decode in well under a second, but not for free.
      if (this.national?.stamp !== nationalStamp) {
        const columns = this.store
          .nationalDirectory()
          .then((d) => (d ? decodeDirectoryColumns(d.bytes) : null));
        columns.catch(() => {
          this.national = null;
        });
        this.national = { stamp: nationalStamp, columns };
      }
      national = await this.national.columns;
    }
    const stamp = nationalStamp ? `${own?.stamp ?? '-'}+${nationalStamp}` : (own?.stamp ?? null);
    return { own: own ? PostcodeDirectory.fromCsv(own.csv) : null, national, stamp };
  }
}

/** Every postcode the set answers for, assigned with its index, sorted by postcode. */
export function assignAreaPostcodes(set: BoundarySet, directories: AreaDirectories): AssignmentRow[] {
  const { own, national } = directories;
  if (!own && !national) return [];
  const lookup = AreaLookup.build(set);
  const rows: AssignmentRow[] = [];
  for (const record of own?.records() ?? []) {
    if (!record.location) continue;
    const { lat, lng } = record.location;
    rows.push({ postcode: record.postcode, lat, lng, assignment: lookup.assign(lng, lat) });
  }
  if (national) {
    const [x0, y0, x1, y1] = bboxOf([
      ...set.layers.outline.features.map((f) => f.geometry),
      ...set.layers.catchments.features.map((f) => f.geometry),
    ]);
    const { keys, lat, lng } = national;
    for (let i = 0; i < keys.length; i++) {
      const y = lat[i]!;
      const x = lng[i]!;
      if (!(x >= x0 && x <= x1 && y >= y0 && y <= y1)) continue; // NaN (no location) falls out too
      const postcode = postcodeFromKey(keys[i]!);
      if (own?.has(postcode)) continue;
      const assignment = lookup.assign(x, y);
      if (assignment.match !== 'outside') rows.push({ postcode, lat: y, lng: x, assignment });
    }
    rows.sort((a, b) => (a.postcode < b.postcode ? -1 : a.postcode > b.postcode ? 1 : 0));
  }
  return rows;
}
