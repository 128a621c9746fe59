// The PMTiles basemap fixture (scripts/make-pmtiles-fixture.ts) read back by the pmtiles package —
// the reader MapLibre's protocol uses — as the independent check of the archive layout, and its
// tiles decoded by @mapbox/vector-tile as the check of the MVT encoding.
import { VectorTile } from '@mapbox/vector-tile';
import Pbf from 'pbf';
import { PMTiles, type RangeResponse, type Source, TileType, zxyToTileId } from 'pmtiles';
import { describe, expect, it } from 'vitest';
import { FIXTURE_ZOOMS, makePmtilesFixture, tileId } from '../../scripts/make-pmtiles-fixture.js';

class BufferSource implements Source {
  constructor(private readonly bytes: Buffer) {}
  getKey(): string {
    return 'fixture.pmtiles';
  }
  async getBytes(offset: number, length: number): Promise<RangeResponse> {
    const slice = this.bytes.subarray(offset, offset + length);
    return { data: slice.buffer.slice(slice.byteOffset, slice.byteOffset + slice.byteLength) as ArrayBuffer };
  }
}

const fixture = makePmtilesFixture();

describe('PMTiles basemap fixture', () => {
  it('numbers tiles along the Hilbert curve as the pmtiles package does', () => {
    for (const [z, x, y] of [
      [0, 0, 0],
      [1, 1, 0],
      [6, 31, 21],
      [10, 505, 342],
      [11, 1013, 683],
    ] as const) {
      expect(tileId(z, x, y), `${z}/${x}/${y}`).toBe(zxyToTileId(z, x, y));
    }
  });

  it('is a PMTiles v3 archive of vector tiles over the sample area, every tile readable', async () => {
    const archive = new PMTiles(new BufferSource(fixture.bytes));
    const header = await archive.getHeader();
    expect(header).toMatchObject({
      specVersion: 3,
      tileType: TileType.Mvt,
      minZoom: FIXTURE_ZOOMS.min,
      maxZoom: FIXTURE_ZOOMS.max,
      numAddressedTiles: fixture.tiles.length,
    });
    // Gloucestershire, roughly.
    expect(header.minLon).toBeGreaterThan(-3);
    expect(header.maxLon).toBeLessThan(-1.5);
    expect(header.minLat).toBeGreaterThan(51.4);
    expect(header.maxLat).toBeLessThan(52.2);
    expect(
      ((await archive.getMetadata()) as { vector_layers: { id: string }[] }).vector_layers.map((l) => l.id),
    ).toEqual(['earth', 'landuse', 'water', 'roads']);
    const layersSeen = new Set<string>();
    for (const key of fixture.tiles) {
      const [z, x, y] = key.split('/').map(Number) as [number, number, number];
      const tile = await archive.getZxy(z, x, y);
      expect(tile, key).toBeDefined();
      const decoded = new VectorTile(new Pbf(new Uint8Array(tile!.data)));
      const names = Object.keys(decoded.layers);
      expect(names.length, key).toBeGreaterThan(0);
      for (const name of names) {
        layersSeen.add(name);
        expect(decoded.layers[name]!.length, `${key} ${name}`).toBeGreaterThan(0);
        expect(decoded.layers[name]!.feature(0).properties.kind).toBeTypeOf('string');
      }
    }
    expect([...layersSeen].sort()).toEqual(['earth', 'landuse', 'roads', 'water']);
    // A tile outside the area is absent, not an error.
    expect(await archive.getZxy(FIXTURE_ZOOMS.max, 0, 0)).toBeUndefined();
  });

  it('is deterministic: the same bytes every time', () => {
    expect(makePmtilesFixture().bytes.equals(fixture.bytes)).toBe(true);
  });
});
