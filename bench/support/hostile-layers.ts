// The four hostile catchment geometries of issue 15, each within the upload caps (50,000 vertices
// a feature) and each a valid polygon, so only the cost of checking them is hostile:
//   star      - one ring of 8,000 vertices alternating between two radii
//   sawtooth  - one ring of 50,000 positions: a comb of thin teeth
//   parts     - a MultiPolygon of 10,000 small disjoint squares
//   holes     - a square with 10,000 small triangular holes
// Used by `npm run load` (hostile uploads while lookups are probed) and the HTTP tests.
import type { MultiPolygon, Polygon, Position } from 'geojson';
import type { Layer } from '../../functions/core/model.js';

export type HostileKind = 'star' | 'sawtooth' | 'parts' | 'holes';
export const HOSTILE_KINDS: readonly HostileKind[] = ['star', 'sawtooth', 'parts', 'holes'];

/** Half the side of the box each geometry fills, in degrees (~5.5 km north-south). */
const SIZE = 0.05;

export function hostileGeometry(
  kind: HostileKind,
  [cx, cy]: readonly [number, number],
): Polygon | MultiPolygon {
  switch (kind) {
    case 'star':
      return { type: 'Polygon', coordinates: [closed(star(8000, cx, cy))] };
    case 'sawtooth':
      return { type: 'Polygon', coordinates: [closed(sawtooth(49_999, cx, cy))] };
    case 'parts':
      return { type: 'MultiPolygon', coordinates: squares(100, cx, cy).map((ring) => [closed(ring)]) };
    case 'holes': {
      const outer: Position[] = [
        [cx - SIZE, cy - SIZE],
        [cx + SIZE, cy - SIZE],
        [cx + SIZE, cy + SIZE],
        [cx - SIZE, cy + SIZE],
      ];
      return { type: 'Polygon', coordinates: [closed(outer), ...triangles(100, cx, cy).map(closed)] };
    }
  }
}

/** The layer with the first feature's geometry replaced by the hostile one (centred on its box). */
export function withHostileFeature(layer: Layer, kind: HostileKind): Layer {
  const [first, ...rest] = layer.features;
  if (!first) throw new Error('the layer has no feature to replace');
  const centre = centreOf(first.geometry);
  return { ...layer, features: [{ ...first, geometry: hostileGeometry(kind, centre) }, ...rest] };
}

export function vertexCount(geometry: Polygon | MultiPolygon): number {
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  return polygons.reduce((n, rings) => n + rings.reduce((m, ring) => m + ring.length, 0), 0);
}

function centreOf(geometry: Polygon | MultiPolygon): [number, number] {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  for (const rings of polygons)
    for (const [x, y] of rings[0] ?? []) {
      minX = Math.min(minX, x!);
      maxX = Math.max(maxX, x!);
      minY = Math.min(minY, y!);
      maxY = Math.max(maxY, y!);
    }
  return [(minX + maxX) / 2, (minY + maxY) / 2];
}

function closed(ring: Position[]): Position[] {
  return [...ring, ring[0]!];
}

/** `n` vertices (n even) alternating between radius SIZE and SIZE/2, counter-clockwise. */
function star(n: number, cx: number, cy: number): Position[] {
  return Array.from({ length: n }, (_, i) => {
    const angle = (2 * Math.PI * i) / n;
    const r = i % 2 === 0 ? SIZE : SIZE / 2;
    return [cx + r * Math.cos(angle), cy + r * Math.sin(angle)];
  });
}

/** A comb of `n` vertices: a bottom edge, then `n - 2` zig-zagging between the comb's back and tooth tips. */
function sawtooth(n: number, cx: number, cy: number): Position[] {
  const teeth = n - 2;
  const ring: Position[] = [
    [cx - SIZE, cy - SIZE],
    [cx + SIZE, cy - SIZE],
  ];
  for (let i = 0; i < teeth; i++) {
    const x = cx + SIZE - (2 * SIZE * i) / (teeth - 1);
    ring.push([x, i % 2 === 0 ? cy + SIZE : cy]);
  }
  return ring;
}

/** k × k small squares on a grid, apart from each other. */
function squares(k: number, cx: number, cy: number): Position[][] {
  const step = (2 * SIZE) / k;
  const out: Position[][] = [];
  for (let i = 0; i < k; i++)
    for (let j = 0; j < k; j++) {
      const x = cx - SIZE + i * step;
      const y = cy - SIZE + j * step;
      out.push([
        [x, y],
        [x + step / 2, y],
        [x + step / 2, y + step / 2],
        [x, y + step / 2],
      ]);
    }
  return out;
}

/** k × k small triangles strictly inside the square, apart from each other and from its edge. */
function triangles(k: number, cx: number, cy: number): Position[][] {
  const step = (2 * SIZE) / (k + 1);
  const out: Position[][] = [];
  for (let i = 0; i < k; i++)
    for (let j = 0; j < k; j++) {
      const x = cx - SIZE + (i + 0.5) * step;
      const y = cy - SIZE + (j + 0.5) * step;
      // Clockwise: holes run the other way from their shell.
      out.push([
        [x, y],
        [x, y + step / 2],
        [x + step / 2, y],
      ]);
    }
  return out;
}
