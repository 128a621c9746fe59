// Areas loaded from the store on first use, kept in one bounded LRU cache keyed by (area, version):
// "area X at version N" for any N, the active one or an older one (versions are immutable, so a
// cached version is always right). Two tiers per version, loaded independently:
//
// - answers: the area description, sites and digest (a few hundred KB): postcode answers;
// - locator: the sites and the polygon indexes stored at publish (the `index` part, typed arrays
//   used as read: no GeoJSON parse, no index build): coordinate lookups;
// - geometry: the polygon layers as GeoJSON with their indexes: hub catchments, layers, history.
// A version published before stored indexes existed has no `index` part: its locator is its
// geometry tier, indexes built on load as before.
import { AreaLocator, AreaLookup, AreaSites } from '../../core/lookup/area-lookup.js';
import { decodeAssignmentTable } from '../../core/lookup/assignment-table.js';
import {
  type AreaInfo,
  type BoundarySet,
  LAYER_NAMES,
  type Layer,
  type LayerName,
  type Site,
} from '../../core/model.js';
import { AreaDigest, encodeAreaDigest } from '../../core/routing/area-digest.js';
import type { BoundaryStore } from '../ports/boundary-store.js';
import type { Logger } from '../ports/logger.js';
import { AreaCache, type CacheStats } from './area-cache.js';
import type { AreaAnswers, AreaSource } from './national-resolver.js';

const UTF8 = new TextDecoder();
const LAYER_PARTS = LAYER_NAMES.map((name) => `layer:${name}`);
/** Parsed GeoJSON takes several times its text in the heap (arrays of doubles): a measured ~4x. */
const PARSED_JSON_FACTOR = 4;

type Loaded =
  | { readonly kind: 'answers'; readonly value: AreaAnswers; readonly bytes: number }
  | { readonly kind: 'locator'; readonly value: AreaLocator; readonly bytes: number }
  | {
      readonly kind: 'geometry';
      readonly value: AreaLookup;
      readonly bytes: number;
    };

export class StoreAreaSource implements AreaSource {
  private readonly cache: AreaCache<Loaded>;

  constructor(
    private readonly store: BoundaryStore,
    budgetBytes: number,
    private readonly logger?: Logger,
  ) {
    this.cache = new AreaCache<Loaded>(budgetBytes, (loaded) => loaded.bytes);
  }

  async answers(area: string, version: number): Promise<AreaAnswers> {
    const loaded = await this.cache.get(`${area}@${version}:answers`, () => this.loadAnswers(area, version));
    return (loaded as Extract<Loaded, { kind: 'answers' }>).value;
  }

  /** The answers tier if it is loaded already (the hot path, without a promise). */
  loadedAnswers(area: string, version: number): AreaAnswers | undefined {
    const loaded = this.cache.peek(`${area}@${version}:answers`);
    return loaded?.kind === 'answers' ? loaded.value : undefined;
  }

  async locator(area: string, version: number): Promise<AreaLocator> {
    const loaded = await this.cache.get(`${area}@${version}:locator`, () => this.loadLocator(area, version));
    return (loaded as Extract<Loaded, { kind: 'locator' }>).value;
  }

  async geometry(area: string, version: number): Promise<AreaLookup> {
    const loaded = await this.cache.get(`${area}@${version}:geometry`, () =>
      this.loadGeometry(area, version),
    );
    return (loaded as Extract<Loaded, { kind: 'geometry' }>).value;
  }

  stats(): CacheStats {
    return this.cache.stats();
  }

  /** A tier just loaded, logged with its size and load time. */
  private logged(loaded: Loaded, area: string, version: number, started: number): Loaded {
    this.logger?.debug(`area ${loaded.kind} loaded`, {
      area,
      version,
      bytes: loaded.bytes,
      ms: Math.round(performance.now() - started),
    });
    return loaded;
  }

  private async loadAnswers(area: string, version: number): Promise<Loaded> {
    const started = performance.now();
    const parts = await this.store.versionParts(area, version, ['area', 'sites', 'digest']);
    const areaInfo = json<AreaInfo>(parts, 'area', area, version);
    const sites = json<Site[]>(parts, 'sites', area, version);
    let digestBytes = parts.get('digest');
    if (!digestBytes) {
      // A version published before digests existed: derive it once from the whole version.
      const stored = await this.store.version(area, version);
      digestBytes = encodeAreaDigest(
        stored.set,
        decodeAssignmentTable(stored.assignments),
        stored.header.directoryStamp,
      );
      this.logger?.warn('area version has no digest: derived on load (publish it again to store one)', {
        area,
        version,
      });
    }
    const digest = new AreaDigest(digestBytes);
    const value: AreaAnswers = {
      digest,
      sites: new AreaSites(areaInfo, version, sites, (id) => digest.unitName(id)),
    };
    const bytes = digest.byteLength + (parts.get('sites')?.length ?? 0) * PARSED_JSON_FACTOR;
    return this.logged({ kind: 'answers', value, bytes }, area, version, started);
  }

  private async loadLocator(area: string, version: number): Promise<Loaded> {
    const started = performance.now();
    const parts = await this.store.versionParts(area, version, ['area', 'sites', 'index']);
    const index = parts.get('index');
    if (!index) {
      // Published before stored indexes: the geometry tier (indexes built from the layers) stands in.
      const value = await this.geometry(area, version);
      return { kind: 'locator', value, bytes: 0 };
    }
    const value = AreaLocator.fromIndex(
      json<AreaInfo>(parts, 'area', area, version),
      version,
      json<Site[]>(parts, 'sites', area, version),
      index,
    );
    const bytes = index.byteLength + (parts.get('sites')?.length ?? 0) * PARSED_JSON_FACTOR;
    return this.logged({ kind: 'locator', value, bytes }, area, version, started);
  }

  private async loadGeometry(area: string, version: number): Promise<Loaded> {
    const started = performance.now();
    const parts = await this.store.versionParts(area, version, ['area', 'sites', 'index', ...LAYER_PARTS]);
    const layers: Partial<Record<LayerName, Layer>> = {};
    let text = 0;
    for (const name of LAYER_NAMES) {
      const bytes = parts.get(`layer:${name}`);
      if (!bytes) continue;
      layers[name] = JSON.parse(UTF8.decode(bytes)) as Layer;
      text += bytes.length;
    }
    if (!layers.outline || !layers.catchments) {
      throw new Error(`Version ${version} of ${area} lacks its outline or catchments layer`);
    }
    const set: BoundarySet = {
      area: json<AreaInfo>(parts, 'area', area, version),
      version,
      layers: { ...layers, outline: layers.outline, catchments: layers.catchments },
      sites: json<Site[]>(parts, 'sites', area, version),
    };
    const index = parts.get('index');
    const lookup = index ? AreaLookup.withIndex(set, index) : AreaLookup.build(set);
    const bytes = text * PARSED_JSON_FACTOR + lookup.indexBytes();
    return this.logged({ kind: 'geometry', value: lookup, bytes }, area, version, started);
  }
}

function json<T>(parts: ReadonlyMap<string, Uint8Array>, name: string, area: string, version: number): T {
  const bytes = parts.get(name);
  if (!bytes) throw new Error(`Version ${version} of ${area} lacks its ${name} part`);
  return JSON.parse(UTF8.decode(bytes)) as T;
}
