// Every area the service knows, at their active versions, plus the postcode directory, with each
// directory postcode's answer precomputed once (DESIGN: a postcode lookup is a precomputed answer;
// point-in-polygon runs only for coordinates). Immutable: a new version means a new catalog, swapped
// in whole, so a request never sees a mix of two versions.
import { AreaNotFoundError, PostcodeNotFoundError, PostcodeWithoutLocationError } from '../errors.js';
import type { LatLng, PostcodeRecord } from '../model.js';
import { assertPostcode } from '../postcode.js';
import { PostcodeKeyIndex } from '../postcode-key-index.js';
import { type AreaLocator, type AreaLookup, type Assignment, compareIds } from './area-lookup.js';
import type { AssignmentRow } from './assignment-table.js';

/** A point resolved against the catalog: which area answered, and where the point falls in it. */
export interface PointResolution {
  /** The answering area's indexes and sites (the GeoJSON is not needed to answer, so not always loaded). */
  readonly lookup: AreaLocator;
  readonly assignment: Assignment;
  readonly location: LatLng;
}

export interface PostcodeResolution extends PointResolution {
  readonly record: PostcodeRecord;
}

/** A postcode directory as the catalog needs it (see functions/core/postcode-directory.ts). */
export interface PostcodeSource {
  records(): Iterable<PostcodeRecord>;
}

type PrecomputedEntry = PostcodeResolution | { readonly record: PostcodeRecord; readonly lookup: null };

/** One area at its published version, with the postcode answers stored at publish. */
export interface PrecomputedArea {
  readonly lookup: AreaLookup;
  /** The version's assignment table keyed by postcode (see assignment-table.ts). */
  readonly assignments: ReadonlyMap<string, AssignmentRow>;
}

/** How a catalog's postcode answers were obtained (for logs, tests and benchmarks). */
export interface CatalogBuildStats {
  /** Answers read from a stored assignment table: no point-in-polygon work. */
  readonly fromTable: number;
  /** Answers computed with the in-memory index (postcodes new or moved since publish). */
  readonly computed: number;
  /** Directory postcodes without a location (answered 404 postcode-without-location). */
  readonly withoutLocation: number;
}

export class LookupCatalog {
  private readonly byId: ReadonlyMap<string, AreaLookup>;
  // Read with the postcode as typed: messy input (lower case, no space, NBSP) needs no string work.
  private readonly postcodes = new PostcodeKeyIndex<PrecomputedEntry>();
  private readonly etags = new Map<AreaLocator, string>();
  readonly stats: CatalogBuildStats;

  private constructor(
    readonly areas: readonly AreaLookup[],
    directory: PostcodeSource,
    /** Identifies the directory's content (e.g. its import date or checksum); part of every ETag. */
    readonly directoryStamp: string,
    tables: readonly PrecomputedArea[] = [],
  ) {
    this.byId = new Map(areas.map((a) => [a.area.id, a]));
    const postcodes = this.postcodes;
    let fromTable = 0;
    let computed = 0;
    let withoutLocation = 0;
    for (const record of directory.records()) {
      if (!record.location) {
        withoutLocation++;
        postcodes.set(record.postcode, { record, lookup: null });
        continue;
      }
      const stored = tables.length > 0 ? storedAnswer(tables, record) : null;
      if (stored) {
        fromTable++;
        postcodes.set(record.postcode, { record, location: record.location, ...stored });
      } else {
        computed++;
        postcodes.set(record.postcode, { record, ...this.resolvePoint(record.location) });
      }
    }
    this.stats = { fromTable, computed, withoutLocation };
  }

  /**
   * Builds the catalog and precomputes every directory postcode's assignment (the slow part,
   * done once per version: ~22k postcodes take well under a second).
   */
  static build(
    areas: readonly AreaLookup[],
    directory: PostcodeSource,
    directoryStamp = 'directory',
  ): LookupCatalog {
    if (areas.length === 0) throw new Error('A lookup catalog needs at least one area');
    return new LookupCatalog(
      [...areas].sort((a, b) => compareIds(a.area.id, b.area.id)),
      directory,
      directoryStamp,
    );
  }

  /**
   * Builds the catalog from published versions and their stored assignment tables: a directory
   * postcode whose stored row has the same point is answered from the table (no polygon work);
   * one that is new or has moved since publish is assigned with the in-memory index, as is one
   * whose only stored rows say `outside` (another area may cover it). See `storedAnswer`.
   */
  static fromPrecomputed(
    areas: readonly PrecomputedArea[],
    directory: PostcodeSource,
    directoryStamp = 'directory',
  ): LookupCatalog {
    if (areas.length === 0) throw new Error('A lookup catalog needs at least one area');
    const sorted = [...areas].sort((a, b) => compareIds(a.lookup.area.id, b.lookup.area.id));
    return new LookupCatalog(
      sorted.map((a) => a.lookup),
      directory,
      directoryStamp,
      sorted,
    );
  }

  /**
   * Strong validator for answers from one area: changes whenever its version or the directory
   * changes, so caches revalidate after a publish.
   */
  etagFor(lookup: AreaLocator): string {
    let etag = this.etags.get(lookup);
    if (etag === undefined) {
      etag = `"${lookup.area.id}.v${lookup.version ?? 'draft'}.${this.directoryStamp}"`;
      this.etags.set(lookup, etag);
    }
    return etag;
  }

  /** Validator for answers spanning every area (area lists, health). */
  get etag(): string {
    return `"${this.areas.map((a) => `${a.area.id}.v${a.version ?? 'draft'}`).join('+')}.${this.directoryStamp}"`;
  }

  get areaIds(): string[] {
    return this.areas.map((a) => a.area.id);
  }

  area(id: string): AreaLookup {
    const lookup = this.byId.get(id);
    if (!lookup) throw new AreaNotFoundError(id, this.areaIds);
    return lookup;
  }

  /**
   * Resolves a point. The area is the first (by id) whose outline covers the point, else one whose
   * catchments do; outside every area, the area with the nearest hub answers with `outside`.
   */
  resolvePoint(location: LatLng): PointResolution {
    const { lng, lat } = location;
    const covering =
      this.areas.find((a) => a.covers(lng, lat)) ?? this.areas.find((a) => a.inAnyCatchment(lng, lat));
    if (covering) return { lookup: covering, assignment: covering.assign(lng, lat), location };
    let best: PointResolution | null = null;
    for (const lookup of this.areas) {
      const assignment = lookup.assign(lng, lat);
      if (
        !best ||
        (assignment.nearestHubDistanceM ?? Infinity) < (best.assignment.nearestHubDistanceM ?? Infinity)
      ) {
        best = { lookup, assignment, location };
      }
    }
    return best!;
  }

  /**
   * Resolves a postcode from its precomputed answer: one normalisation and one map read.
   * Throws InvalidPostcodeError, PostcodeNotFoundError or PostcodeWithoutLocationError, so the
   * three outcomes a caller must tell apart stay apart.
   */
  resolvePostcode(raw: string): PostcodeResolution {
    // A known postcode typed in ASCII, in any case and spacing, costs one pass and one map read;
    // everything else (unknown, malformed, full-width...) is normalised and diagnosed.
    let entry = this.postcodes.get(raw);
    if (!entry) {
      const postcode = assertPostcode(raw);
      entry = this.postcodes.get(postcode);
      if (!entry) throw new PostcodeNotFoundError(postcode);
    }
    if (entry.lookup === null) throw new PostcodeWithoutLocationError(entry.record.postcode);
    return entry;
  }

  /** The precomputed assignment of every directory postcode (for exports and redraw impact). */
  *assignments(): IterableIterator<PostcodeResolution> {
    for (const entry of this.postcodes.valuesInOrder()) if (entry.lookup !== null) yield entry;
  }

  get postcodeCount(): number {
    return this.postcodes.size;
  }
}

/**
 * The stored answer for a located directory record: the first area (by id) whose table holds the
 * postcode at the same point with a match other than `outside` (with a single area, `outside` is
 * final too). Null when no table does, so the caller assigns the point afresh: the same answer as
 * `resolvePoint` whenever areas do not overlap.
 */
function storedAnswer(
  tables: readonly PrecomputedArea[],
  record: PostcodeRecord,
): { lookup: AreaLookup; assignment: Assignment } | null {
  const { lat, lng } = record.location!;
  for (const table of tables) {
    const row = table.assignments.get(record.postcode);
    if (
      row &&
      row.lat === lat &&
      row.lng === lng &&
      (row.assignment.match !== 'outside' || tables.length === 1)
    ) {
      return { lookup: table.lookup, assignment: row.assignment };
    }
  }
  return null;
}
