// Every area the service knows, at their active versions, plus the postcode directory, with each
// directory postcode's answer precomputed once (DESIGN: a postcode lookup is a precomputed answer;
// point-in-polygon runs only for coordinates). Immutable: a new version means a new catalog, swapped
// in whole, so a request never sees a mix of two versions.
import { AreaNotFoundError, PostcodeNotFoundError, PostcodeWithoutLocationError } from '../errors.js';
import type { LatLng, PostcodeRecord } from '../model.js';
import { assertPostcode } from '../postcode.js';
import type { AreaLookup, Assignment } from './area-lookup.js';

/** A point resolved against the catalog: which area answered, and where the point falls in it. */
export interface PointResolution {
  readonly lookup: AreaLookup;
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

export class LookupCatalog {
  private readonly byId: ReadonlyMap<string, AreaLookup>;
  private readonly postcodes: ReadonlyMap<string, PrecomputedEntry>;
  private readonly etags = new Map<AreaLookup, string>();

  private constructor(
    readonly areas: readonly AreaLookup[],
    directory: PostcodeSource,
    /** Identifies the directory's content (e.g. its import date or checksum); part of every ETag. */
    readonly directoryStamp: string,
  ) {
    this.byId = new Map(areas.map((a) => [a.area.id, a]));
    const postcodes = new Map<string, PrecomputedEntry>();
    for (const record of directory.records()) {
      postcodes.set(
        record.postcode,
        record.location ? { record, ...this.resolvePoint(record.location) } : { record, lookup: null },
      );
    }
    this.postcodes = postcodes;
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
      [...areas].sort((a, b) => (a.area.id < b.area.id ? -1 : a.area.id > b.area.id ? 1 : 0)),
      directory,
      directoryStamp,
    );
  }

  /**
   * Strong validator for answers from one area: changes whenever its version or the directory
   * changes, so caches revalidate after a publish.
   */
  etagFor(lookup: AreaLookup): string {
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
    // Directory keys are canonical postcodes, so input that is exactly a key needs no normalising:
    // the common case (apps sending stored postcodes) costs a single map read.
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
    for (const entry of this.postcodes.values()) if (entry.lookup !== null) yield entry;
  }

  get postcodeCount(): number {
    return this.postcodes.size;
  }
}
