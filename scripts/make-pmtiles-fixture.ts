// A small PMTiles basemap for the tests and screenshots: vector tiles (MVT) in the Protomaps basemap
// layout (earth, landuse, water, roads), made from the sample area's own polygons, written in the
// PMTiles v3 layout (https://github.com/protomaps/PMTiles/blob/main/spec/v3/spec.md). Deterministic:
// the same input gives the same bytes. Not a real map — the "roads" are lines from each spoke to its
// hub, "water" two catchments — just real tiles that MapLibre's pmtiles protocol reads and draws.
//
//   npx tsx scripts/make-pmtiles-fixture.ts <out.pmtiles>
//
// geojson-vt slices the features into tiles and vt-pbf encodes them (both Mapbox's); the archive
// layout is written here (a header, one uncompressed root directory, the tiles), since the pmtiles
// package only reads. The tests read it back with that package as the independent check.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Feature, FeatureCollection } from 'geojson';
import geojsonvt from 'geojson-vt';
import vtpbf from 'vt-pbf';

const SAMPLE = fileURLToPath(new URL('../data/gloucestershire/', import.meta.url));
export const FIXTURE_ZOOMS = { min: 6, max: 11 } as const;

interface Site {
  id: string;
  kind: 'hub' | 'spoke';
  hubId?: string;
  location: { lat: number; lng: number };
}

/** The layers of the fixture, from the sample area's files. */
export function fixtureLayers(): Record<string, FeatureCollection> {
  const read = (name: string) => JSON.parse(readFileSync(join(SAMPLE, name), 'utf8')) as FeatureCollection;
  const outline = read('outline.geojson');
  const catchments = read('catchments.geojson');
  const sites = (JSON.parse(readFileSync(join(SAMPLE, 'area.json'), 'utf8')) as { sites: Site[] }).sites;
  const hubs = new Map(sites.filter((s) => s.kind === 'hub').map((s) => [s.id, s]));
  const roads: Feature[] = sites
    .filter((s) => s.kind === 'spoke' && s.hubId && hubs.has(s.hubId))
    .map((s) => {
      const hub = hubs.get(s.hubId!)!;
      return {
        type: 'Feature',
        properties: { kind: 'major_road' },
        geometry: {
          type: 'LineString',
          coordinates: [
            [s.location.lng, s.location.lat],
            [hub.location.lng, hub.location.lat],
          ],
        },
      };
    });
  const sorted = [...catchments.features].sort((a, b) =>
    String(a.properties?.id).localeCompare(String(b.properties?.id)),
  );
  return {
    earth: {
      type: 'FeatureCollection',
      features: outline.features.map((f) => ({ ...f, properties: { kind: 'earth' } })),
    },
    landuse: {
      type: 'FeatureCollection',
      features: sorted.slice(0, 3).map((f) => ({ ...f, properties: { kind: 'park' } })),
    },
    water: {
      type: 'FeatureCollection',
      features: sorted.slice(3, 5).map((f) => ({ ...f, properties: { kind: 'water' } })),
    },
    roads: { type: 'FeatureCollection', features: roads },
  };
}

/** Tile ids along the Hilbert curve, zoom by zoom (PMTiles v3 spec, "TileID"). */
export function tileId(z: number, x: number, y: number): number {
  let base = 0;
  for (let i = 0; i < z; i++) base += 4 ** i;
  const n = 2 ** z;
  let d = 0;
  let rx: number;
  let ry: number;
  let tx = x;
  let ty = y;
  for (let s = n / 2; s >= 1; s /= 2) {
    rx = (tx & s) > 0 ? 1 : 0;
    ry = (ty & s) > 0 ? 1 : 0;
    d += s * s * ((3 * rx) ^ ry);
    // Rotate the quadrant.
    if (ry === 0) {
      if (rx === 1) {
        tx = s - 1 - tx;
        ty = s - 1 - ty;
      }
      [tx, ty] = [ty, tx];
    }
  }
  return base + d;
}

function varint(out: number[], value: number): void {
  let v = value;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
}

interface Entry {
  readonly id: number;
  readonly offset: number;
  readonly length: number;
}

/** A directory (spec §4): ids as deltas, run lengths, lengths, offsets (0 = right after the previous). */
function directory(entries: readonly Entry[]): Buffer {
  const out: number[] = [];
  varint(out, entries.length);
  let last = 0;
  for (const e of entries) {
    varint(out, e.id - last);
    last = e.id;
  }
  for (const _ of entries) varint(out, 1);
  for (const e of entries) varint(out, e.length);
  entries.forEach((e, i) => {
    const previous = entries[i - 1];
    varint(out, previous && e.offset === previous.offset + previous.length ? 0 : e.offset + 1);
  });
  return Buffer.from(out);
}

function lonLatToTile(lng: number, lat: number, z: number): [number, number] {
  const n = 2 ** z;
  const x = Math.floor(((lng + 180) / 360) * n);
  const rad = (lat * Math.PI) / 180;
  const y = Math.floor(((1 - Math.log(Math.tan(rad) + 1 / Math.cos(rad)) / Math.PI) / 2) * n);
  return [Math.min(n - 1, Math.max(0, x)), Math.min(n - 1, Math.max(0, y))];
}

export interface Fixture {
  readonly bytes: Buffer;
  readonly bounds: [number, number, number, number];
  /** Tiles written, by `z/x/y`. */
  readonly tiles: readonly string[];
}

export function makePmtilesFixture(): Fixture {
  const layers = fixtureLayers();
  const indexes = Object.fromEntries(
    Object.entries(layers).map(([name, fc]) => [
      name,
      geojsonvt(fc, {
        maxZoom: FIXTURE_ZOOMS.max,
        indexMaxZoom: FIXTURE_ZOOMS.max,
        extent: 4096,
        buffer: 64,
      }),
    ]),
  );
  let bounds: [number, number, number, number] = [180, 90, -180, -90];
  for (const f of layers.earth!.features) {
    const visit = (c: unknown): void => {
      if (typeof (c as number[])[0] === 'number') {
        const [lng, lat] = c as [number, number];
        bounds = [
          Math.min(bounds[0], lng),
          Math.min(bounds[1], lat),
          Math.max(bounds[2], lng),
          Math.max(bounds[3], lat),
        ];
      } else for (const inner of c as unknown[]) visit(inner);
    };
    visit((f.geometry as { coordinates: unknown }).coordinates);
  }
  const tiles: { id: number; key: string; data: Buffer }[] = [];
  for (let z = FIXTURE_ZOOMS.min; z <= FIXTURE_ZOOMS.max; z++) {
    const [x0, y0] = lonLatToTile(bounds[0], bounds[3], z);
    const [x1, y1] = lonLatToTile(bounds[2], bounds[1], z);
    for (let x = x0; x <= x1; x++) {
      for (let y = y0; y <= y1; y++) {
        const parts: Record<string, unknown> = {};
        for (const [name, index] of Object.entries(indexes)) {
          const tile = index.getTile(z, x, y);
          if (tile && tile.features.length > 0) parts[name] = tile;
        }
        if (Object.keys(parts).length === 0) continue;
        tiles.push({
          id: tileId(z, x, y),
          key: `${z}/${x}/${y}`,
          data: Buffer.from(vtpbf.fromGeojsonVt(parts, { version: 2 })),
        });
      }
    }
  }
  tiles.sort((a, b) => a.id - b.id);
  const entries: Entry[] = [];
  let offset = 0;
  for (const t of tiles) {
    entries.push({ id: t.id, offset, length: t.data.length });
    offset += t.data.length;
  }
  const root = directory(entries);
  const metadata = Buffer.from(
    JSON.stringify({
      name: 'family-hub-catchments test basemap',
      attribution: 'Test basemap from the illustrative sample area',
      vector_layers: Object.keys(layers).map((id) => ({ id, fields: { kind: 'String' } })),
    }),
  );
  const HEADER = 127;
  const header = Buffer.alloc(HEADER);
  header.write('PMTiles', 0, 'ascii');
  header.writeUInt8(3, 7);
  const u64 = (at: number, v: number) => header.writeBigUInt64LE(BigInt(v), at);
  u64(8, HEADER); // root directory
  u64(16, root.length);
  u64(24, HEADER + root.length); // metadata
  u64(32, metadata.length);
  u64(40, HEADER + root.length + metadata.length); // no leaf directories
  u64(48, 0);
  u64(56, HEADER + root.length + metadata.length); // tile data
  u64(64, offset);
  u64(72, tiles.length); // addressed tiles
  u64(80, tiles.length); // tile entries
  u64(88, tiles.length); // tile contents
  header.writeUInt8(1, 96); // clustered: tiles in id order
  header.writeUInt8(1, 97); // internal compression: none
  header.writeUInt8(1, 98); // tile compression: none
  header.writeUInt8(1, 99); // tile type: MVT
  header.writeUInt8(FIXTURE_ZOOMS.min, 100);
  header.writeUInt8(FIXTURE_ZOOMS.max, 101);
  const e7 = (v: number) => Math.round(v * 1e7);
  header.writeInt32LE(e7(bounds[0]), 102);
  header.writeInt32LE(e7(bounds[1]), 106);
  header.writeInt32LE(e7(bounds[2]), 110);
  header.writeInt32LE(e7(bounds[3]), 114);
  header.writeUInt8(FIXTURE_ZOOMS.min + 2, 118);
  header.writeInt32LE(e7((bounds[0] + bounds[2]) / 2), 119);
  header.writeInt32LE(e7((bounds[1] + bounds[3]) / 2), 123);
  return {
    bytes: Buffer.concat([header, root, metadata, ...tiles.map((t) => t.data)]),
    bounds,
    tiles: tiles.map((t) => t.key),
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const out = process.argv[2];
  if (!out) {
    console.error('usage: npx tsx scripts/make-pmtiles-fixture.ts <out.pmtiles>');
    process.exit(2);
  }
  const fixture = makePmtilesFixture();
  writeFileSync(out, fixture.bytes);
  console.log(`${out}: ${fixture.tiles.length} tiles, ${fixture.bytes.length.toLocaleString('en-GB')} bytes`);
}
