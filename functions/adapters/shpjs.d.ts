// Types for the parts of `shpjs` (ships no types) that the Shapefile adapter uses: decoding a .shp
// (without a projection, so coordinates come back as stored) and a .dbf (with its .cpg encoding).
declare module 'shpjs' {
  import type { Geometry } from 'geojson';
  export function parseShp(shp: ArrayBufferView | ArrayBuffer): (Geometry | null)[];
  export function parseDbf(dbf: ArrayBufferView | ArrayBuffer, cpg?: string): Record<string, unknown>[];
}
