// The postcodes a version of an area is published with (its precomputed answers): every postcode of
// the area's own directory, as before, plus — when the store holds a national directory — every
// national postcode inside the set's extent (outline and catchments) that the set answers for
// (a match other than `outside`). A postcode in both keeps the area's own row.
//
// The assignment runs as a job (analysis-jobs.ts `checkDraft`, in a worker thread locally): the
// service reads the directories here and hands the job the area's own directory as text and only
// the national postcodes within the draft's extent, so the serving thread neither parses a CSV nor
// copies the country to a worker.
import { AreaLookup } from '../core/lookup/area-lookup.js';
import type { AssignmentRow } from '../core/lookup/assignment-table.js';
import type { BoundarySet, Layer, LayerName } from '../core/model.js';
import type { PostcodeDirectory } from '../core/postcode-directory.js';
import { postcodeFromKey } from '../core/postcode-key.js';
import { type BBox, bboxOf } from '../core/routing/area-digest.js';
import { decodeDirectoryColumns } from '../core/routing/directory-columns.js';
import type { DirectoryColumns } from '../core/routing/national-routing.js';
import type { DirectoryText } from './analysis-jobs.js';
import type { BoundaryStore } from './ports/boundary-store.js';

/** The postcodes an area's answers are computed from, parsed (what `assignAreaPostcodes` takes). */
export interface AreaDirectories {
  readonly own: PostcodeDirectory | null;
  readonly national: DirectoryColumns | null;
}

/** The same as stored: the area's own directory as text, the national one as its columns. */
export interface StoredAreaDirectories {
  readonly own: DirectoryText | null;
  readonly national: DirectoryColumns | null;
  /** Names the directories' content (the area's own stamp, `+` the national one when there is one). */
  readonly stamp: string | null;
}

/** Areas' own directories kept (text, a few MB each): the areas being drafted or analysed now. */
const OWN_DIRECTORIES_KEPT = 4;

export class AreaPostcodes {
  private national: { readonly stamp: string; readonly columns: Promise<DirectoryColumns | null> } | null =
    null;
  private readonly own = new Map<
    string,
    { readonly stamp: string; readonly text: Promise<DirectoryText | null> }
  >();

  constructor(private readonly store: BoundaryStore) {}

  async forArea(area: string): Promise<StoredAreaDirectories> {
    const state = await this.store.servingState();
    const ownStamp = state.pointers.find((p) => p.area === area)?.directoryStamp ?? null;
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
    const own = ownStamp ? await this.ownDirectory(area, ownStamp) : null;
    const stamp = nationalStamp ? `${own?.stamp ?? '-'}+${nationalStamp}` : (own?.stamp ?? null);
    return { own, national, stamp };
  }

  /** The area's own directory, read once per content stamp (its pointer names the stamp). */
  private ownDirectory(area: string, stamp: string): Promise<DirectoryText | null> {
    const cached = this.own.get(area);
    if (cached?.stamp === stamp) return cached.text;
    const text = this.store.directory(area);
    text.catch(() => this.own.delete(area));
    this.own.delete(area);
    this.own.set(area, { stamp, text });
    while (this.own.size > OWN_DIRECTORIES_KEPT) this.own.delete(this.own.keys().next().value!);
    return text;
  }
}

/** The extent of sets' answers: their outlines and catchments (a catchment may reach past the outline). */
function answerExtent(...layerSets: readonly Partial<Record<LayerName, Layer>>[]): BBox | null {
  const geometries = layerSets.flatMap((layers) =>
    [...(layers.outline?.features ?? []), ...(layers.catchments?.features ?? [])].map((f) => f.geometry),
  );
  return geometries.length > 0 ? bboxOf(geometries) : null;
}

/**
 * The national postcodes inside the bounding box of a draft's outline and catchments (every one a
 * version of it could answer for), as columns of their own: a county's share of the country.
 */
export function nationalWithinDraft(
  national: DirectoryColumns,
  layers: Partial<Record<LayerName, Layer>>,
): DirectoryColumns {
  return nationalWithin(national, [layers]);
}

/**
 * The national postcodes inside the bounding box of several sets' outlines and catchments (a redraw's
 * before and after): every postcode either could answer for.
 */
export function nationalWithin(
  national: DirectoryColumns,
  layerSets: readonly Partial<Record<LayerName, Layer>>[],
): DirectoryColumns {
  const extent = answerExtent(...layerSets);
  const picked: number[] = [];
  if (extent) {
    const [x0, y0, x1, y1] = extent;
    const { lat, lng } = national;
    for (let i = 0; i < lat.length; i++) {
      const y = lat[i]!;
      const x = lng[i]!;
      if (x >= x0 && x <= x1 && y >= y0 && y <= y1) picked.push(i); // NaN (no location) falls out too
    }
  }
  const pick = <T extends Float64Array | Uint16Array>(from: T, to: T): T => {
    picked.forEach((i, j) => {
      to[j] = from[i]!;
    });
    return to;
  };
  return {
    keys: pick(national.keys, new Float64Array(picked.length)),
    lat: pick(national.lat, new Float64Array(picked.length)),
    lng: pick(national.lng, new Float64Array(picked.length)),
    status: pick(national.status, new Uint16Array(picked.length)),
    months: national.months,
  };
}

/** Postcodes assigned between two calls of the caller's checkpoint. */
const POSTCODES_PER_CHECKPOINT = 1024;

/**
 * Every postcode the set answers for, assigned with its index, sorted by postcode. The index serves
 * this one pass and is dropped (built 'one-pass': a coarser grid, the same answers). `checkpoint` is
 * called now and then while indexing and assigning; a caller with a deadline throws from it.
 */
export function assignAreaPostcodes(
  set: BoundarySet,
  directories: AreaDirectories,
  checkpoint: () => void = () => {},
): AssignmentRow[] {
  const { own, national } = directories;
  if (!own && !national) return [];
  const lookup = AreaLookup.build(set, { use: 'one-pass', checkpoint });
  const rows: AssignmentRow[] = [];
  let n = 0;
  for (const record of own?.records() ?? []) {
    if (++n % POSTCODES_PER_CHECKPOINT === 0) checkpoint();
    if (!record.location) continue;
    const { lat, lng } = record.location;
    rows.push({ postcode: record.postcode, lat, lng, assignment: lookup.assign(lng, lat) });
  }
  const extent = answerExtent(set.layers);
  if (national && extent) {
    const [x0, y0, x1, y1] = extent;
    const { keys, lat, lng } = national;
    for (let i = 0; i < keys.length; i++) {
      const y = lat[i]!;
      const x = lng[i]!;
      if (!(x >= x0 && x <= x1 && y >= y0 && y <= y1)) continue; // NaN (no location) falls out too
      if (++n % POSTCODES_PER_CHECKPOINT === 0) checkpoint();
      const postcode = postcodeFromKey(keys[i]!);
      if (own?.has(postcode)) continue;
      const assignment = lookup.assign(x, y);
      if (assignment.match !== 'outside') rows.push({ postcode, lat: y, lng: x, assignment });
    }
    rows.sort((a, b) => (a.postcode < b.postcode ? -1 : a.postcode > b.postcode ? 1 : 0));
  }
  return rows;
}
