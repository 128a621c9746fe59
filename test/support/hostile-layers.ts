// Hostile but legal catchment geometries, generated (never committed): the shapes issue 15 found froze
// the service, each under the upload caps (50,000 positions per feature), all valid OGC geometry but the
// self-crossing star. Each
// fills a 0.1° × 0.1° box centred on (cx, cy) (default: near Gloucester), or the middle of it.
// The one module for tests, benchmarks and `npm run load` (HOSTILE_KINDS: the four of issue 15).
import type { MultiPolygon, Polygon, Position } from 'geojson';
import type { Layer } from '../../functions/core/model.js';
import { bboxCentre } from '../../functions/core/national-sample/district-graph.js';

export interface Centre {
  readonly cx: number;
  readonly cy: number;
}

const GLOUCESTER: Centre = { cx: -2.24, cy: 51.86 };

/** A star: n vertices alternating between two radii (0.2 km and 5 km) around one centre. */
export function star(n: number, { cx: CX, cy: CY }: Centre = GLOUCESTER): Polygon {
  const ring: Position[] = [];
  for (let i = 0; i < n; i++) {
    const a = (2 * Math.PI * i) / n;
    const r = i % 2 === 0 ? 0.05 : 0.002;
    ring.push([CX + r * Math.cos(a), CY + 0.6 * r * Math.sin(a)]);
  }
  ring.push(ring[0]!);
  return { type: 'Polygon', coordinates: [ring] };
}

/** A sawtooth: a 10 km strip whose top edge zigzags through n − 2 vertices (long, thin teeth). */
export function sawtooth(n: number, { cx: CX, cy: CY }: Centre = GLOUCESTER): Polygon {
  const teeth = n - 2;
  const ring: Position[] = [
    [CX - 0.05, CY - 0.01],
    [CX + 0.05, CY - 0.01],
  ];
  for (let i = 0; i < teeth; i++) {
    const x = CX + 0.05 - (0.1 * i) / (teeth - 1);
    ring.push([x, i % 2 === 0 ? CY + 0.03 : CY]);
  }
  ring.push(ring[0]!);
  return { type: 'Polygon', coordinates: [ring] };
}

/** A checkerboard of k small squares: parts touching their diagonal neighbours at corners only. */
export function checkerboard(k: number, { cx: CX, cy: CY }: Centre = GLOUCESTER): MultiPolygon {
  const side = Math.ceil(Math.sqrt(2 * k));
  // Grid lines computed once, so touching corners are the same doubles.
  const xs = Array.from({ length: side + 1 }, (_, i) => CX - 0.05 + (0.1 * i) / side);
  const ys = Array.from({ length: side + 1 }, (_, j) => CY - 0.05 + (0.1 * j) / side);
  const parts: Position[][][] = [];
  for (let i = 0; i < side && parts.length < k; i++) {
    for (let j = i % 2; j < side && parts.length < k; j += 2) {
      parts.push([
        [
          [xs[i]!, ys[j]!],
          [xs[i + 1]!, ys[j]!],
          [xs[i + 1]!, ys[j + 1]!],
          [xs[i]!, ys[j + 1]!],
          [xs[i]!, ys[j]!],
        ],
      ]);
    }
  }
  return { type: 'MultiPolygon', coordinates: parts };
}

/** A 10 km square with k small triangular holes in a grid (4 positions each). */
export function holes(k: number, { cx: CX, cy: CY }: Centre = GLOUCESTER): Polygon {
  const side = Math.ceil(Math.sqrt(k));
  const d = 0.1 / (side + 1);
  const shell: Position[] = [
    [CX - 0.05, CY - 0.05],
    [CX + 0.05, CY - 0.05],
    [CX + 0.05, CY + 0.05],
    [CX - 0.05, CY + 0.05],
    [CX - 0.05, CY - 0.05],
  ];
  const rings: Position[][] = [shell];
  for (let i = 0; i < side && rings.length <= k; i++) {
    for (let j = 0; j < side && rings.length <= k; j++) {
      const x = CX - 0.05 + (i + 0.5) * d;
      const y = CY - 0.05 + (j + 0.5) * d;
      rings.push([
        [x, y],
        [x, y + d / 2],
        [x + d / 2, y],
        [x, y],
      ]);
    }
  }
  return { type: 'Polygon', coordinates: rings };
}

/** A circle of n vertices: the plain 50,000-vertex polygon. */
export function circle(n: number, { cx: CX, cy: CY }: Centre = GLOUCESTER): Polygon {
  const ring: Position[] = [];
  for (let i = 0; i < n; i++) {
    const a = (2 * Math.PI * i) / n;
    ring.push([CX + 0.05 * Math.cos(a), CY + 0.03 * Math.sin(a)]);
  }
  ring.push(ring[0]!);
  return { type: 'Polygon', coordinates: [ring] };
}

/** A star polygon {n/⌊n/2⌋}: every vertex joined to the nearly opposite one, about n²/4 self-crossings. */
export function selfCrossingStar(n: number, { cx: CX, cy: CY }: Centre = GLOUCESTER): Polygon {
  const k = Math.floor(n / 2);
  const ring: Position[] = [];
  for (let i = 0; i < n; i++) {
    const a = (2 * Math.PI * ((i * k) % n)) / n;
    ring.push([CX + 0.04 * Math.cos(a), CY + 0.03 * Math.sin(a)]);
  }
  ring.push(ring[0]!);
  return { type: 'Polygon', coordinates: [ring] };
}

/** The four hostile catchments of issue 15, at the sizes it names. */
export const HOSTILE_SHAPES = {
  star: (centre?: Centre) => star(8000, centre),
  sawtooth: (centre?: Centre) => sawtooth(49_999, centre),
  parts: (centre?: Centre) => checkerboard(10_000, centre),
  holes: (centre?: Centre) => holes(10_000, centre),
} as const;
export type HostileKind = keyof typeof HOSTILE_SHAPES;
export const HOSTILE_KINDS = Object.keys(HOSTILE_SHAPES) as HostileKind[];

/** The layer with its first feature's geometry replaced by the hostile one, centred on its box. */
export function withHostileFeature(layer: Layer, kind: HostileKind): Layer {
  const [first, ...rest] = layer.features;
  if (!first) throw new Error('the layer has no feature to replace');
  const [cx, cy] = bboxCentre(first.geometry);
  const geometry = HOSTILE_SHAPES[kind]({ cx, cy });
  return { ...layer, features: [{ ...first, geometry }, ...rest] };
}

export function vertexCount(geometry: Polygon | MultiPolygon): number {
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  return polygons.reduce((n, rings) => n + rings.reduce((m, ring) => m + ring.length, 0), 0);
}
