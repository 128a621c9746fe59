// Zipped Shapefiles, as councils' GIS teams hand them over: a .zip holding one layer's .shp, .dbf,
// .prj (and .shx, .cpg). Decoded to a GeoJSON FeatureCollection with the coordinates as stored, and
// the CRS the .prj names, so the layer checks (functions/core/layer-validation.ts) reproject British
// National Grid exactly as they do for a GeoJSON upload with crs EPSG:27700, and check the result
// the same way. shpjs decodes the geometry (rings to Polygon/MultiPolygon) and attributes; fflate
// unzips. shpjs's own reprojection is not used: proj4 given a .prj without TOWGS84 parameters skips
// the OSGB36 → WGS84 datum shift, putting every point ~100 m out.
import { strFromU8, unzipSync } from 'fflate';
import type { FeatureCollection, Geometry } from 'geojson';
import { parseDbf, parseShp } from 'shpjs';
import type { LayerCrs } from '../core/layer-validation.js';

/** The zip is not a Shapefile we can read (the message says what to send instead). */
export class ShapefileError extends Error {
  readonly code = 'invalid-shapefile';
  constructor(
    message: string,
    /** True when the zip was refused for its unpacked size. */
    readonly tooLarge = false,
  ) {
    super(message);
    this.name = 'ShapefileError';
  }
}

export interface DecodedShapefile {
  readonly collection: FeatureCollection<Geometry | null>;
  /** From the .prj; undefined when the zip has none (the caller's CRS, or the default, applies). */
  readonly crs: LayerCrs | undefined;
  /** The layer's name inside the zip (the .shp's base name). */
  readonly layerName: string;
}

export interface ShapefileLimits {
  /** Refuse zips whose files would unpack to more than this (declared sizes): zip bombs. */
  readonly maxUnzippedBytes: number;
}

/** True when the bytes start like a zip archive (PK\x03\x04, or PK\x05\x06 for an empty one). */
export function isZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && (bytes[2] === 3 || bytes[2] === 5);
}

const PARTS = /\.(shp|shx|dbf|prj|cpg)$/i;

export function decodeZippedShapefile(
  bytes: Uint8Array,
  limits: ShapefileLimits = { maxUnzippedBytes: Number.POSITIVE_INFINITY },
): DecodedShapefile {
  let declared = 0;
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes, {
      filter: (file) => {
        if (!PARTS.test(file.name) || file.name.includes('__MACOSX/')) return false;
        declared += file.originalSize;
        if (declared > limits.maxUnzippedBytes) {
          throw new ShapefileError(
            `The zip unpacks to more than ${limits.maxUnzippedBytes.toLocaleString('en-GB')} bytes, the limit for one layer. Send a smaller layer, or simplify it.`,
            true,
          );
        }
        return true;
      },
    });
  } catch (error) {
    if (error instanceof ShapefileError) throw error;
    throw new ShapefileError(
      `The zip cannot be unpacked (${(error as Error).message}). Send it again, zipped with a standard tool.`,
    );
  }
  const shps = Object.keys(files).filter((name) => /\.shp$/i.test(name));
  if (shps.length === 0) {
    throw new ShapefileError(
      `The zip holds no .shp file${Object.keys(files).length > 0 ? ` (found ${Object.keys(files).join(', ')})` : ''}. Zip the layer's .shp, .shx, .dbf and .prj together, or send GeoJSON.`,
    );
  }
  if (shps.length > 1) {
    throw new ShapefileError(
      `The zip holds ${shps.length} layers (${shps.join(', ')}); send one layer per upload.`,
    );
  }
  const shpName = shps[0]!;
  const base = shpName.slice(0, -4);
  const part = (ext: string) => {
    const name = Object.keys(files).find((n) => n.toLowerCase() === `${base.toLowerCase()}.${ext}`);
    return name === undefined ? undefined : files[name];
  };
  const dbf = part('dbf');
  if (!dbf) {
    throw new ShapefileError(
      `The zip has ${shpName} but no ${base}.dbf, which holds the features' ids and names. Zip the .dbf with it.`,
    );
  }
  const prj = part('prj');
  const cpg = part('cpg');
  const crs = prj === undefined ? undefined : crsOfPrj(strFromU8(prj));

  let geometries: (Geometry | null)[];
  let records: Record<string, unknown>[];
  try {
    geometries = parseShp(files[shpName]!);
    records = parseDbf(dbf, cpg === undefined ? undefined : strFromU8(cpg).trim());
  } catch (error) {
    throw new ShapefileError(
      `${shpName} cannot be read (${(error as Error).message}). Export the layer again.`,
    );
  }
  if (geometries.length !== records.length) {
    throw new ShapefileError(
      `${shpName} has ${geometries.length} shapes but ${base}.dbf has ${records.length} rows: the files are from different exports. Export the layer again.`,
    );
  }
  return {
    collection: {
      type: 'FeatureCollection',
      features: geometries.map((geometry, i) => ({ type: 'Feature', geometry, properties: records[i]! })),
    },
    crs,
    layerName: base.split('/').pop()!,
  };
}

/**
 * The CRS a .prj (ESRI WKT) names: British National Grid or WGS84 longitude/latitude. Anything
 * else is refused with its name, since guessing a projection would move every boundary.
 */
export function crsOfPrj(wkt: string): LayerCrs {
  const text = wkt.trim();
  const name = /^\s*(PROJCS|PROJCRS|GEOGCS|GEOGCRS)\s*\[\s*"([^"]*)"/i.exec(text);
  if (/^\s*PROJ(CS|CRS)\b/i.test(text)) {
    if (
      /British[_ ]National[_ ]Grid|OSGB[_ ]?(1936|36)[_ ]?\/?[_ ]?British|"EPSG"\s*,\s*"?27700"?\]/i.test(
        text,
      )
    ) {
      return 'EPSG:27700';
    }
  } else if (/^\s*GEOG(CS|CRS)\b/i.test(text) && /WGS[_ ]?(19)?84/i.test(text)) {
    return 'EPSG:4326';
  }
  throw new ShapefileError(
    `The layer's .prj names ${name ? `"${name[2]}"` : 'a coordinate system that is not recognised'}; ` +
      'send it in British National Grid (EPSG:27700) or WGS84 longitude/latitude (EPSG:4326): re-project it in your GIS first.',
  );
}
