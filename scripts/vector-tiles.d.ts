// Types for the two tile-making packages the PMTiles test fixture uses (neither ships its own).
declare module 'geojson-vt' {
  import type { FeatureCollection } from 'geojson';
  export interface GeoJsonVtTile {
    readonly features: readonly unknown[];
  }
  export interface GeoJsonVtIndex {
    getTile(z: number, x: number, y: number): GeoJsonVtTile | null;
  }
  export default function geojsonvt(
    data: FeatureCollection,
    options?: { maxZoom?: number; indexMaxZoom?: number; extent?: number; buffer?: number },
  ): GeoJsonVtIndex;
}

declare module 'vt-pbf' {
  const vtpbf: { fromGeojsonVt(layers: Record<string, unknown>, options?: { version?: number }): Uint8Array };
  export default vtpbf;
}
