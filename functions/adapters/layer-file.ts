// Boundary layer files, whatever form they come in: GeoJSON (plain or gzip) or a zipped Shapefile
// (functions/adapters/shapefile.ts), told apart by their first bytes rather than their names. The
// CLI's commands and the admin API's layer upload both decode through here, so a layer gets the
// same reading, and then the same checks (functions/core/layer-validation.ts), on every path.
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import type { LayerCrs } from '../core/layer-validation.js';
import { decodeZippedShapefile, isZip, type ShapefileLimits } from './shapefile.js';

export type LayerFileFormat = 'geojson' | 'shapefile';

/** The bytes are not a layer we can read; the message says what to send instead. */
export class LayerFileError extends Error {
  readonly code = 'unreadable-layer';
  constructor(message: string) {
    super(message);
    this.name = 'LayerFileError';
  }
}

export interface DecodedLayer {
  /** The parsed GeoJSON (unchecked: run checkLayer on it). */
  readonly json: unknown;
  readonly format: LayerFileFormat;
  /** The CRS the file itself declares (a Shapefile's .prj); undefined when it says none. */
  readonly crs: LayerCrs | undefined;
}

/** Decodes a layer from its bytes: gzip is unpacked first, then a zip is a Shapefile, else JSON. */
export function decodeLayerBytes(bytes: Uint8Array, limits?: ShapefileLimits): DecodedLayer {
  let data = bytes;
  if (data[0] === 0x1f && data[1] === 0x8b) {
    try {
      data = gunzipSync(data);
    } catch (error) {
      throw new LayerFileError(`The file looks gzipped but cannot be unpacked: ${(error as Error).message}.`);
    }
  }
  if (isZip(data)) {
    const shapefile = decodeZippedShapefile(data, limits);
    return { json: shapefile.collection, format: 'shapefile', crs: shapefile.crs };
  }
  const text = Buffer.from(data.buffer, data.byteOffset, data.byteLength)
    .toString('utf8')
    .replace(/^\uFEFF/, '');
  try {
    return { json: JSON.parse(text) as unknown, format: 'geojson', crs: undefined };
  } catch (error) {
    const hint = /^\s*</.test(text)
      ? ' It looks like XML or HTML: is it KML or GML? Export the layer as GeoJSON or a zipped Shapefile.'
      : ' Send GeoJSON, or a zipped Shapefile (.shp, .shx, .dbf and .prj in one .zip).';
    throw new LayerFileError(`It is not JSON (${(error as Error).message}).${hint}`);
  }
}

/** Reads and decodes a layer file; file-system errors keep their codes (ENOENT...). */
export async function readLayerFile(path: string, limits?: ShapefileLimits): Promise<DecodedLayer> {
  return decodeLayerBytes(await readFile(path), limits);
}
