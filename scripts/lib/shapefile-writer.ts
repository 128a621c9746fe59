// A small ESRI Shapefile writer (polygons, text attributes), for test fixtures: the .shp/.shx
// geometry, the .dbf attribute table (dBase III), a .prj and a .cpg, zipped as councils send them.
// Written from the format's specification (ESRI Shapefile Technical Description, 1998), independently
// of the reader the service uses (shpjs), so a fixture tests the reader rather than mirroring it.
// Deterministic: the same input gives the same bytes (fixed dates, sorted zip entries).
import { zipSync } from 'fflate';
import type { Feature, FeatureCollection, MultiPolygon, Polygon, Position } from 'geojson';

export const BNG_PRJ =
  'PROJCS["British_National_Grid",GEOGCS["GCS_OSGB_1936",DATUM["D_OSGB_1936",SPHEROID["Airy_1849",6377563.396,299.3249646]],' +
  'PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",400000.0],' +
  'PARAMETER["False_Northing",-100000.0],PARAMETER["Central_Meridian",-2.0],PARAMETER["Scale_Factor",0.9996012717],' +
  'PARAMETER["Latitude_Of_Origin",49.0],UNIT["Meter",1.0]]';

export const WGS84_PRJ =
  'GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]';

const POLYGON = 5;

/** Signed area (shoelace): > 0 for counter-clockwise rings in x/y. */
function signedArea(ring: readonly Position[]): number {
  let sum = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    sum += (ring[j]![0]! - ring[i]![0]!) * (ring[j]![1]! + ring[i]![1]!);
  }
  return sum / 2;
}

/** Shapefile ring order: exteriors clockwise, holes counter-clockwise. */
function shapefileRings(geometry: Polygon | MultiPolygon): Position[][] {
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  const rings: Position[][] = [];
  for (const polygon of polygons) {
    polygon.forEach((ring, i) => {
      const clockwise = signedArea(ring) < 0;
      const wantClockwise = i === 0;
      rings.push(clockwise === wantClockwise ? ring : [...ring].reverse());
    });
  }
  return rings;
}

function shpAndShx(geometries: readonly (Polygon | MultiPolygon)[]): { shp: Uint8Array; shx: Uint8Array } {
  const records = geometries.map((g) => {
    const rings = shapefileRings(g);
    const points = rings.flat();
    const content = new DataView(new ArrayBuffer(44 + 4 * rings.length + 16 * points.length));
    let [minX, minY, maxX, maxY] = [Infinity, Infinity, -Infinity, -Infinity];
    for (const [x, y] of points) {
      minX = Math.min(minX, x!);
      minY = Math.min(minY, y!);
      maxX = Math.max(maxX, x!);
      maxY = Math.max(maxY, y!);
    }
    content.setInt32(0, POLYGON, true);
    for (const [i, v] of [minX, minY, maxX, maxY].entries()) content.setFloat64(4 + 8 * i, v, true);
    content.setInt32(36, rings.length, true);
    content.setInt32(40, points.length, true);
    let start = 0;
    rings.forEach((ring, i) => {
      content.setInt32(44 + 4 * i, start, true);
      start += ring.length;
    });
    const base = 44 + 4 * rings.length;
    points.forEach(([x, y], i) => {
      content.setFloat64(base + 16 * i, x!, true);
      content.setFloat64(base + 16 * i + 8, y!, true);
    });
    return { content: new Uint8Array(content.buffer), box: [minX, minY, maxX, maxY] };
  });
  const shpLength = 100 + records.reduce((n, r) => n + 8 + r.content.length, 0);
  const shp = new Uint8Array(shpLength);
  const shx = new Uint8Array(100 + 8 * records.length);
  const box = records.reduce(
    (b, r) => [
      Math.min(b[0]!, r.box[0]!),
      Math.min(b[1]!, r.box[1]!),
      Math.max(b[2]!, r.box[2]!),
      Math.max(b[3]!, r.box[3]!),
    ],
    [Infinity, Infinity, -Infinity, -Infinity],
  );
  for (const [file, bytes] of [
    [shp, shpLength],
    [shx, shx.length],
  ] as const) {
    const header = new DataView(file.buffer);
    header.setInt32(0, 9994, false);
    header.setInt32(24, bytes / 2, false);
    header.setInt32(28, 1000, true);
    header.setInt32(32, POLYGON, true);
    for (const [i, v] of box.entries()) header.setFloat64(36 + 8 * i, v, true);
  }
  const shpView = new DataView(shp.buffer);
  const shxView = new DataView(shx.buffer);
  let offset = 100;
  records.forEach((r, i) => {
    shpView.setInt32(offset, i + 1, false);
    shpView.setInt32(offset + 4, r.content.length / 2, false);
    shp.set(r.content, offset + 8);
    shxView.setInt32(100 + 8 * i, offset / 2, false);
    shxView.setInt32(104 + 8 * i, r.content.length / 2, false);
    offset += 8 + r.content.length;
  });
  return { shp, shx };
}

/** A dBase III table of text (C) fields, UTF-8 (said by the .cpg), each as wide as its longest value. */
function dbf(fields: readonly string[], rows: readonly (readonly string[])[]): Uint8Array {
  const encoder = new TextEncoder();
  const encoded = rows.map((row) => row.map((v) => encoder.encode(v)));
  const widths = fields.map((_, i) => Math.max(1, ...encoded.map((row) => row[i]!.length)));
  const headerLength = 32 + 32 * fields.length + 1;
  const recordLength = 1 + widths.reduce((a, b) => a + b, 0);
  const out = new Uint8Array(headerLength + recordLength * rows.length + 1);
  const view = new DataView(out.buffer);
  out[0] = 0x03;
  out.set([125, 1, 1], 1); // last update 2025-01-01, fixed so the bytes are deterministic
  view.setUint32(4, rows.length, true);
  view.setUint16(8, headerLength, true);
  view.setUint16(10, recordLength, true);
  fields.forEach((name, i) => {
    const at = 32 + 32 * i;
    out.set(encoder.encode(name.slice(0, 10)), at);
    out[at + 11] = 'C'.charCodeAt(0);
    out[at + 16] = widths[i]!;
  });
  out[headerLength - 1] = 0x0d;
  encoded.forEach((row, r) => {
    let at = headerLength + r * recordLength;
    out[at++] = 0x20; // not deleted
    row.forEach((value, i) => {
      out.fill(0x20, at, at + widths[i]!);
      out.set(value, at);
      at += widths[i]!;
    });
  });
  out[out.length - 1] = 0x1a;
  return out;
}

export interface ShapefileZipOptions {
  /** The base name of the files inside the zip. */
  readonly name: string;
  /** The .prj text (BNG_PRJ, WGS84_PRJ), or null for none. */
  readonly prj: string | null;
  /** Attribute columns, from each feature's properties (as text). */
  readonly fields: readonly string[];
  /** Maps each position before writing (e.g. WGS84 to BNG). */
  readonly project?: (position: Position) => Position;
}

/** A zipped Shapefile of a polygon layer. */
export function shapefileZip(
  layer: FeatureCollection<Polygon | MultiPolygon>,
  options: ShapefileZipOptions,
): Uint8Array {
  const project = options.project ?? ((p: Position) => p);
  const geometries = layer.features.map((f: Feature<Polygon | MultiPolygon>): Polygon | MultiPolygon =>
    f.geometry.type === 'Polygon'
      ? { type: 'Polygon', coordinates: f.geometry.coordinates.map((r) => r.map(project)) }
      : {
          type: 'MultiPolygon',
          coordinates: f.geometry.coordinates.map((p) => p.map((r) => r.map(project))),
        },
  );
  const { shp, shx } = shpAndShx(geometries);
  const table = dbf(
    options.fields,
    layer.features.map((f) => options.fields.map((name) => String(f.properties?.[name] ?? ''))),
  );
  const mtime = new Date(2025, 0, 1); // local time, as zip stores it: the same bytes in every time zone
  const files: Record<string, [Uint8Array, { mtime: Date }]> = {
    [`${options.name}.cpg`]: [new TextEncoder().encode('UTF-8'), { mtime }],
    [`${options.name}.dbf`]: [table, { mtime }],
    [`${options.name}.shp`]: [shp, { mtime }],
    [`${options.name}.shx`]: [shx, { mtime }],
  };
  if (options.prj !== null) files[`${options.name}.prj`] = [new TextEncoder().encode(options.prj), { mtime }];
  return zipSync(files, { level: 9 });
}
