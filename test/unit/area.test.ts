import { area as turfArea } from '@turf/turf';
import geodesicLib from 'geographiclib-geodesic';
import type { Polygon, Position } from 'geojson';
import { describe, expect, it } from 'vitest';
import {
  EqualAreaProjection,
  geometryAreaM2,
  polygonAreaM2,
  signedRingAreaM2,
  WGS84_SURFACE_M2,
} from '../../functions/core/geo/area.js';

// The independent oracle: GeographicLib's geodesic polygon area (Karney), the algorithm behind PostGIS
// ST_Area(geography).
const WGS84 = geodesicLib.Geodesic.WGS84;
function geographicLibArea(ring: readonly Position[]): number {
  const p = WGS84.Polygon(false);
  for (const [lng, lat] of ring.slice(0, -1)) p.AddPoint(lat!, lng!);
  return Math.abs(p.Compute(false, true).area ?? Number.NaN);
}

const rect = (x0: number, y0: number, x1: number, y1: number): Position[] => [
  [x0, y0],
  [x1, y0],
  [x1, y1],
  [x0, y1],
  [x0, y0],
];

describe('EqualAreaProjection', () => {
  it('maps the whole ellipsoid to the published WGS84 surface area (510,065,621.7 km²)', () => {
    expect(WGS84_SURFACE_M2 / 1e6).toBeCloseTo(510_065_621.724, 2);
  });

  it('inverts its own forward mapping to 1e-12 degrees', () => {
    const p = new EqualAreaProjection(-2, 52);
    for (const [lng, lat] of [
      [-2.238, 51.864],
      [1.7, 52.9],
      [-5.7, 50.06],
      [10, -33.9],
      [179.9, 89.5],
    ] as const) {
      const [l, b] = p.inverse(p.x(lng), p.y(lat));
      expect(Math.abs(l - lng)).toBeLessThan(1e-12);
      expect(Math.abs(b - lat)).toBeLessThan(1e-12);
    }
  });

  it('refuses an origin that is not WGS84 degrees', () => {
    expect(() => new EqualAreaProjection(0, 95)).toThrow(RangeError);
  });
});

describe('geometryAreaM2 (geodesic edges)', () => {
  it('agrees with GeographicLib to 1e-8 on polygons from 30 m to 70 km across', () => {
    for (const size of [0.0004, 0.004, 0.04, 0.4, 1]) {
      // A skewed quadrilateral, so no symmetry hides an error.
      const ring: Position[] = [
        [-2.2, 51.8],
        [-2.2 + size, 51.8 + size * 0.1],
        [-2.2 + size * 1.2, 51.8 + size * 0.9],
        [-2.2 - size * 0.1, 51.8 + size * 0.7],
        [-2.2, 51.8],
      ];
      const ours = geometryAreaM2({ type: 'Polygon', coordinates: [ring] });
      // The 30 m one is 1,000 m²: 1e-8 is 1e-5 m², float noise of either method.
      expect(Math.abs(ours / geographicLibArea(ring) - 1)).toBeLessThan(1e-8);
    }
  });

  it("is about 0.38% above turf's spherical area in Gloucestershire", () => {
    const polygon: Polygon = { type: 'Polygon', coordinates: [rect(-2.3, 51.7, -2.1, 51.9)] };
    expect(turfArea(polygon) / geometryAreaM2(polygon) - 1).toBeCloseTo(-0.0038, 3);
  });

  it('subtracts holes and adds MultiPolygon parts, whatever the ring orientation', () => {
    const outer = rect(0, 51, 0.04, 51.04);
    const hole = rect(0.01, 51.01, 0.03, 51.03);
    const whole = geometryAreaM2({ type: 'Polygon', coordinates: [outer] });
    const inner = geometryAreaM2({ type: 'Polygon', coordinates: [hole] });
    const withHole: Polygon = { type: 'Polygon', coordinates: [outer, [...hole].reverse()] };
    expect(geometryAreaM2(withHole)).toBeCloseTo(whole - inner, 6);
    // Same answer with the hole wound the "wrong" way and the exterior clockwise.
    expect(polygonAreaM2([[...outer].reverse(), hole])).toBeCloseTo(whole - inner, 6);
    expect(
      geometryAreaM2({ type: 'MultiPolygon', coordinates: [[outer], [rect(0.1, 51, 0.14, 51.04)]] }),
    ).toBeCloseTo(2 * whole, 3);
    expect(signedRingAreaM2(outer)).toBeGreaterThan(0);
    expect(signedRingAreaM2([...outer].reverse())).toBeLessThan(0);
  });

  it('lng/lat edges differ from geodesic edges by the bow of long edges only', () => {
    // A 3.4 km east-west edge at 52°N: straight in lng/lat it follows the parallel, the geodesic bows
    // ~0.3 m north of it: hundreds of m² (a rectangle would hide it, its north and south bows cancelling).
    const long: Polygon = {
      type: 'Polygon',
      coordinates: [
        [
          [-2.05, 52],
          [-2, 52],
          [-2.025, 51.99],
          [-2.05, 52],
        ],
      ],
    };
    const geodesic = geometryAreaM2(long);
    const lngLat = geometryAreaM2(long, { edges: 'lnglat' });
    expect(Math.abs(geodesic - lngLat)).toBeGreaterThan(200);
    expect(Math.abs(geodesic / lngLat - 1)).toBeLessThan(2e-4);
    expect(Math.abs(geodesic / geographicLibArea(long.coordinates[0]!) - 1)).toBeLessThan(1e-9);
  });

  it('lng/lat edges: the area of the polygon densified along its straight lng/lat edges (GeographicLib)', () => {
    // Cut every edge into 2,000 pieces along the straight line in (lng, lat): the geodesics between the
    // pieces' ends then hug that line (a piece's bow shrinks with its length cubed), so GeographicLib's
    // area of the densified ring converges to the area with straight lng/lat edges.
    const densify = (ring: readonly Position[], k: number): Position[] => {
      const out: Position[] = [];
      for (let i = 0; i + 1 < ring.length; i++) {
        const [x0, y0] = ring[i]! as [number, number];
        const [x1, y1] = ring[i + 1]! as [number, number];
        for (let j = 0; j < k; j++) out.push([x0 + ((x1 - x0) * j) / k, y0 + ((y1 - y0) * j) / k]);
      }
      out.push(ring[ring.length - 1]!);
      return out;
    };
    const rings: Position[][] = [
      // 3-30 km edges in every direction, from Gloucestershire to the north of Scotland.
      [
        [-2.05, 52],
        [-2, 52],
        [-2.025, 51.99],
        [-2.05, 52],
      ],
      [
        [-2.3, 51.7],
        [-1.9, 51.75],
        [-2.0, 51.95],
        [-2.35, 51.9],
        [-2.3, 51.7],
      ],
      [
        [-5.1, 58.3],
        [-4.7, 58.5],
        [-4.9, 58.62],
        [-5.1, 58.3],
      ],
    ];
    for (const ring of rings) {
      const ours = Math.abs(signedRingAreaM2(ring, { edges: 'lnglat' }));
      expect(Math.abs(ours / geographicLibArea(densify(ring, 2000)) - 1)).toBeLessThan(1e-9);
    }
  });

  it('gives 0 for degenerate rings instead of failing', () => {
    expect(geometryAreaM2({ type: 'Polygon', coordinates: [] })).toBe(0);
    expect(signedRingAreaM2([[0, 51]])).toBe(0);
    expect(
      geometryAreaM2({
        type: 'Polygon',
        coordinates: [
          [
            [0, 51],
            [0.01, 51],
            [0, 51],
          ],
        ],
      }),
    ).toBe(0);
  });
});
