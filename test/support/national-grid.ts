// Synthetic national-sample inputs: districts as grids of square "LSOAs" (neighbours share whole
// edges, so the adjacency of the generator sees them) with postcodes placed inside the squares.
import { gzipSync } from 'node:zlib';
import type { PostcodeRow, RoutingLsoa } from '../../functions/core/national-sample/postcode-routing.js';

export interface GridDistrict {
  /** District code, e.g. `E07000001`. */
  readonly code: string;
  /** District name, the prefix of its LSOA names. */
  readonly name: string;
  readonly cols: number;
  readonly rows: number;
  /** South-west corner of the grid (degrees) and the side of a square (degrees). */
  readonly lng0: number;
  readonly lat0: number;
  readonly cell?: number;
  /** Squares left out (holes in the grid, or water splitting the district). */
  readonly skip?: (col: number, row: number) => boolean;
  /** Postcodes in each square (default 4). */
  readonly postcodesPerCell?: (col: number, row: number) => number;
}

const INWARD_LETTERS = 'ABDEFGHJLNPQRSTUWXYZ';

/** A valid canonical postcode, unique for each i < 396,000. */
export function syntheticPostcode(i: number): string {
  const a = Math.floor(i / 990);
  return (
    `TE${1 + (i % 99)} ${Math.floor(i / 99) % 10}` +
    `${INWARD_LETTERS[Math.floor(a / 20) % 20]}${INWARD_LETTERS[a % 20]}`
  );
}

const r6 = (x: number) => Math.round(x * 1e6) / 1e6;

export interface GridData {
  readonly lsoas: RoutingLsoa[];
  readonly postcodes: PostcodeRow[];
}

/** The LSOAs and postcodes of some grid districts; LSOA codes are `<district>-<col>-<row>`. */
export function gridData(districts: readonly GridDistrict[], firstPostcode = 0): GridData {
  const lsoas: RoutingLsoa[] = [];
  const postcodes: PostcodeRow[] = [];
  let next = firstPostcode;
  for (const d of districts) {
    const cell = d.cell ?? 0.01;
    let n = 0;
    for (let row = 0; row < d.rows; row++) {
      for (let col = 0; col < d.cols; col++) {
        if (d.skip?.(col, row)) continue;
        const x0 = r6(d.lng0 + col * cell);
        const y0 = r6(d.lat0 + row * cell);
        const x1 = r6(d.lng0 + (col + 1) * cell);
        const y1 = r6(d.lat0 + (row + 1) * cell);
        n++;
        lsoas.push({
          code: `${d.code}-${String(col).padStart(2, '0')}-${String(row).padStart(2, '0')}`,
          name: `${d.name} ${String(n).padStart(3, '0')}A`,
          district: d.code,
          geometry: {
            type: 'Polygon',
            coordinates: [
              [
                [x0, y0],
                [x1, y0],
                [x1, y1],
                [x0, y1],
                [x0, y0],
              ],
            ],
          },
        });
        const count = d.postcodesPerCell?.(col, row) ?? 4;
        for (let k = 0; k < count; k++) {
          // Spread over the square's interior, never on its edges.
          const fx = 0.15 + (0.7 * ((k * 7) % 11)) / 10;
          const fy = 0.15 + (0.7 * ((k * 3) % 7)) / 6;
          postcodes.push({
            postcode: syntheticPostcode(next++),
            lat: r6(y0 + fy * (y1 - y0)),
            lng: r6(x0 + fx * (x1 - x0)),
            district: d.code,
          });
        }
      }
    }
  }
  return { lsoas, postcodes };
}

/** The files the command reads: the LSOA layer (gzipped GeoJSON) and the postcode CSV (gzipped). */
export function gridFiles(
  data: GridData,
  extraRows: readonly string[] = [],
): { lsoas: Buffer; postcodes: Buffer } {
  const features = data.lsoas.map((l) => ({
    type: 'Feature',
    properties: { LSOA11CD: l.code, LSOA11NM: l.name, lad: l.district },
    geometry: l.geometry,
  }));
  const csv = [
    'postcode,lat,lng,admin_district_code',
    ...data.postcodes.map((p) => `${p.postcode},${p.lat},${p.lng},${p.district ?? ''}`),
    ...extraRows,
  ].join('\n');
  return {
    lsoas: gzipSync(JSON.stringify({ type: 'FeatureCollection', features })),
    postcodes: gzipSync(`${csv}\n`),
  };
}
