// An area's polygon layers indexed for point lookups, and their stored form: the version part
// `index`, written once at publish (docs/storage.md "Version parts"). Serving reads it back as views
// onto the bytes (sections.ts): no GeoJSON parse and no index build on an area's first point lookup,
// which on the national sample cost ~12 ms of CPU per area (Cornwall 200 ms) on the one server thread.
//
// Per layer: its features' ids and names in index order (sorted by id, so the index's "lowest index
// wins" tie rule means "lowest id wins") and the built PolygonIndex as its snapshot arrays. Decoding
// gives an index that answers exactly as the one built from the layer (PolygonIndex.fromSnapshot).
import { LAYER_NAMES, type Layer, type LayerName } from '../model.js';
import { decodeSections, encodeSections, type SectionArray } from '../routing/sections.js';
import { PolygonIndex, type PolygonIndexOptions, type PolygonIndexStats } from '../spatial/polygon-index.js';
import { compareIds } from './ids.js';

export const AREA_INDEX_KIND = 'area-index/1';

/** One polygon layer with its index and its features' ids and names in index order. */
export class IndexedLayer {
  constructor(
    private readonly index: PolygonIndex,
    readonly ids: readonly string[],
    readonly names: readonly string[],
  ) {}

  static build(layer: Layer | undefined, options: PolygonIndexOptions = {}): IndexedLayer | null {
    if (!layer || layer.features.length === 0) return null;
    const features = [...layer.features].sort((a, b) => compareIds(a.properties.id, b.properties.id));
    return new IndexedLayer(
      PolygonIndex.build(
        features.map((f) => f.geometry),
        options,
      ),
      features.map((f) => f.properties.id),
      features.map((f) => f.properties.name),
    );
  }

  locateId(lng: number, lat: number): string | null {
    const i = this.index.locate(lng, lat);
    return i < 0 ? null : this.ids[i]!;
  }

  match(lng: number, lat: number): { id: string | null; onBoundary: boolean; candidateIds: string[] } {
    const m = this.index.match(lng, lat);
    return {
      id: m.index < 0 ? null : this.ids[m.index]!,
      onBoundary: m.onBoundary,
      candidateIds: m.candidates.map((i) => this.ids[i]!),
    };
  }

  contains(lng: number, lat: number): boolean {
    return this.index.locate(lng, lat) >= 0;
  }

  get indexBytes(): number {
    return this.index.stats().typedArrayBytes;
  }

  snapshot() {
    return this.index.snapshot();
  }
}

/** An area's indexed layers (a layer the version lacks, or with no features, is absent). */
export type IndexedLayers = Readonly<Partial<Record<LayerName, IndexedLayer>>>;

interface StoredLayer {
  readonly ids: readonly string[];
  readonly names: readonly string[];
  readonly boundaryToleranceDeg: number;
  readonly paddedBounds: readonly [number, number, number, number];
  readonly stats: PolygonIndexStats;
}

type IndexMeta = Readonly<Partial<Record<LayerName, StoredLayer>>>;

/**
 * Builds every layer's index (what `encodeAreaIndex` stores and `AreaLocator` queries); `options` as
 * PolygonIndex.build takes them (a one-pass grid, a checkpoint for a caller with a deadline).
 */
export function buildIndexedLayers(
  layers: Readonly<Partial<Record<LayerName, Layer>>>,
  options: PolygonIndexOptions = {},
): IndexedLayers {
  const out: Partial<Record<LayerName, IndexedLayer>> = {};
  for (const name of LAYER_NAMES) {
    const indexed = IndexedLayer.build(layers[name], options);
    if (indexed) out[name] = indexed;
  }
  return out;
}

/** The stored form of built layers: typed arrays as they are, ids and names in the header. */
export function encodeAreaIndex(layers: IndexedLayers): Uint8Array {
  const meta: Partial<Record<LayerName, StoredLayer>> = {};
  const sections: Record<string, SectionArray> = {};
  for (const name of LAYER_NAMES) {
    const layer = layers[name];
    if (!layer) continue;
    const s = layer.snapshot();
    meta[name] = {
      ids: layer.ids,
      names: layer.names,
      boundaryToleranceDeg: s.boundaryToleranceDeg,
      paddedBounds: s.paddedBounds,
      stats: s.stats,
    };
    sections[`${name}.xy`] = s.xy;
    sections[`${name}.nodes`] = s.nodes;
    sections[`${name}.cells`] = s.cells;
    sections[`${name}.leaves`] = s.leaves;
  }
  return encodeSections(AREA_INDEX_KIND, meta, sections);
}

/**
 * Layers from bytes written by `encodeAreaIndex` (views onto them, not copies). The store checks a
 * part's SHA-256 before handing it out; malformed bytes throw InvalidRequestError or RangeError.
 */
export function decodeAreaIndex(bytes: Uint8Array): IndexedLayers {
  const d = decodeSections<IndexMeta>(bytes, AREA_INDEX_KIND);
  const out: Partial<Record<LayerName, IndexedLayer>> = {};
  for (const name of LAYER_NAMES) {
    const m = d.meta[name];
    if (!m) continue;
    const index = PolygonIndex.fromSnapshot({
      size: m.ids.length,
      boundaryToleranceDeg: m.boundaryToleranceDeg,
      paddedBounds: m.paddedBounds,
      stats: m.stats,
      xy: d.section(`${name}.xy`, 'f64'),
      nodes: d.section(`${name}.nodes`, 'f64'),
      cells: d.section(`${name}.cells`, 'i32'),
      leaves: d.section(`${name}.leaves`, 'i32'),
    });
    out[name] = new IndexedLayer(index, m.ids, m.names);
  }
  return out;
}
