// What the public API reads: lookups, areas and validators, from whatever is being served — the
// national routing with areas loaded on first use (a store), or one in-memory catalog of every area
// (plain files: the CLI, benchmarks, unit tests). One shape, so the handler has one code path.
import { AreaNotFoundError, NotFoundError } from '../../core/errors.js';
import type { PointResolution, PostcodeResolution } from '../../core/lookup/answer.js';
import type { AreaLookup } from '../../core/lookup/area-lookup.js';
import type { LookupCatalog } from '../../core/lookup/catalog.js';
import type { AreaInfo, LatLng } from '../../core/model.js';
import type { AreaSummary } from '../ports/boundary-store.js';
import type { NationalResolver } from './national-resolver.js';

/** An area as the area list shows it. */
export interface AreaListing {
  readonly area: AreaInfo;
  readonly version: number | null;
  readonly counts: {
    readonly hubs: number;
    readonly spokes: number;
    readonly hvPatches: number;
    readonly cocTeams: number;
  };
}

export interface LookupResolver {
  /** Identifies the postcode directory's content; part of every ETag. */
  readonly directoryStamp: string;
  readonly postcodeCount: number;
  /** Served areas and their versions, in id order. */
  readonly areaVersions: readonly { readonly id: string; readonly version: number | null }[];
  /** Validator for answers spanning every area (area lists, health). */
  readonly etag: string;
  resolvePostcode(raw: string): PostcodeResolution | Promise<PostcodeResolution>;
  resolvePoint(location: LatLng): PointResolution | Promise<PointResolution>;
  /** One served area with its polygons (AreaNotFoundError for an unknown id). */
  area(id: string): AreaLookup | Promise<AreaLookup>;
  areaListings(): AreaListing[] | Promise<AreaListing[]>;
  /** Strong validator for answers from one area at one version. */
  etagFor(source: { readonly area: { readonly id: string }; readonly version: number | null }): string;
  /**
   * One area at any published version, through the same bounded cache as the active ones (point-in-
   * time answers). NotFoundError where there are no versions (plain files) or no such version.
   */
  areaAt(id: string, version: number): Promise<AreaLookup>;
  /** Every served area's hubs (id and place), without loading any area: the national hub list. */
  hubs(): readonly ServedHub[];
}

/** A hub of a served area, as the national hub list has it. */
export interface ServedHub {
  readonly area: string;
  readonly id: string;
  readonly lat: number;
  readonly lng: number;
}

function listingOf(lookup: AreaLookup): AreaListing {
  return {
    area: lookup.area,
    version: lookup.version,
    counts: {
      hubs: lookup.hubs.length,
      spokes: lookup.set.sites.filter((s) => s.kind === 'spoke').length,
      hvPatches: lookup.set.layers['hv-patches']?.features.length ?? 0,
      cocTeams: lookup.set.layers['coc-teams']?.features.length ?? 0,
    },
  };
}

/** Serves one in-memory catalog (every area loaded): plain files, benchmarks, tests. */
export function catalogResolver(catalog: LookupCatalog): LookupResolver {
  let hubList: ServedHub[] | undefined;
  return {
    directoryStamp: catalog.directoryStamp,
    get postcodeCount() {
      return catalog.postcodeCount;
    },
    areaVersions: catalog.areas.map((a) => ({ id: a.area.id, version: a.version })),
    etag: catalog.etag,
    resolvePostcode: (raw) => catalog.resolvePostcode(raw),
    resolvePoint: (location) => catalog.resolvePoint(location),
    area: (id) => catalog.area(id),
    areaListings: () => catalog.areas.map(listingOf),
    etagFor: (source) => etagOf(source.area.id, source.version, catalog.directoryStamp),
    areaAt: async (id, version) => {
      const lookup = catalog.area(id);
      if (lookup.version === version) return lookup;
      throw new NotFoundError(`Area "${id}" is served from files here, which keep no version ${version}.`);
    },
    hubs: () => {
      hubList ??= catalog.areas.flatMap((a) =>
        a.hubs.map((h) => ({ area: a.area.id, id: h.id, lat: h.location.lat, lng: h.location.lng })),
      );
      return hubList;
    },
  };
}

const etagOf = (area: string, version: number | null, stamp: string) =>
  `"${area}.v${version ?? 'draft'}.${stamp}"`;

/** Serves the national routing and the areas loaded on demand. */
export class NationalLookupResolver implements LookupResolver {
  readonly areaVersions: readonly { id: string; version: number }[];
  readonly etag: string;
  private readonly etags = new Map<string, string>();
  private hubList: ServedHub[] | undefined;

  constructor(
    private readonly resolver: NationalResolver,
    private readonly summaries: ReadonlyMap<string, AreaSummary | null>,
  ) {
    const { snapshot } = resolver;
    this.areaVersions = snapshot.areas.map((a) => ({ id: a.id, version: a.version }));
    this.etag = `"${this.areaVersions.map((a) => `${a.id}.v${a.version}`).join('+')}.${this.directoryStamp}"`;
  }

  get directoryStamp(): string {
    return this.resolver.routing.directoryStamp;
  }

  get postcodeCount(): number {
    return this.resolver.routing.postcodeCount;
  }

  resolvePostcode(raw: string): PostcodeResolution | Promise<PostcodeResolution> {
    return this.resolver.resolvePostcode(raw);
  }

  resolvePoint(location: LatLng): Promise<PointResolution> {
    return this.resolver.resolvePoint(location);
  }

  area(id: string): Promise<AreaLookup> {
    const version = this.resolver.snapshot.versions.get(id);
    if (version === undefined)
      throw new AreaNotFoundError(
        id,
        this.areaVersions.map((a) => a.id),
      );
    return this.resolver.areaAt(id, version);
  }

  async areaListings(): Promise<AreaListing[]> {
    return Promise.all(
      this.areaVersions.map(async ({ id, version }) => {
        const summary = this.summaries.get(id);
        if (summary) {
          const { area, counts } = summary;
          return {
            area,
            version,
            counts: {
              hubs: counts.hubs,
              spokes: counts.spokes,
              hvPatches: counts.hvPatches,
              cocTeams: counts.cocTeams,
            },
          };
        }
        return listingOf(await this.area(id)); // a HEAD written before summaries existed
      }),
    );
  }

  areaAt(id: string, version: number): Promise<AreaLookup> {
    if (!this.resolver.snapshot.versions.has(id)) {
      throw new AreaNotFoundError(
        id,
        this.areaVersions.map((a) => a.id),
      );
    }
    return this.resolver.areaAt(id, version);
  }

  hubs(): readonly ServedHub[] {
    this.hubList ??= this.buildHubList();
    return this.hubList;
  }

  /** The routing's hubs of the areas it is current for, and the stale areas' own (their digests). */
  private buildHubList(): ServedHub[] {
    const { routing, stale, versions } = this.resolver.snapshot;
    const out: ServedHub[] = [];
    routing.areas.forEach((a, i) => {
      if (!this.resolver.snapshot.trusts(i) || !versions.has(a.id)) return;
      for (const h of routing.hubsOf(i)) out.push({ area: a.id, id: h.id, lat: h.lat, lng: h.lng });
    });
    for (const [area, digest] of stale)
      for (const h of digest.hubs) out.push({ area, id: h.id, lat: h.lat, lng: h.lng });
    return out;
  }

  etagFor(source: { readonly area: { readonly id: string }; readonly version: number | null }): string {
    const key = `${source.area.id}@${source.version}`;
    let etag = this.etags.get(key);
    if (etag === undefined) {
      etag = etagOf(source.area.id, source.version, this.directoryStamp);
      this.etags.set(key, etag);
    }
    return etag;
  }
}
