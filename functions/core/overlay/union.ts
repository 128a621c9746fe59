// The union of all features of one layer, exactly, by the same boundary walk as the pair overlay: a
// piece of a feature's boundary is on the union's boundary when it lies inside no other feature.
//
// Feature k is treated as shifted by k·δ (predicates.ts), so every pair of features has a non-zero
// relative shift and all degeneracies (shared edges and vertices, three features meeting at a point)
// resolve consistently. Along each ring the crossings with every other feature are ordered, and a count
// of the features containing the current point is carried along (entering +1, leaving −1, started by
// exact point-in-polygon tests at the ring's first vertex). Runs with count 0 are union boundary; they
// chain crossing to crossing into loops: counter-clockwise loops are the union's outer boundaries,
// clockwise loops its holes — the gaps of a layer meant to tile an area. Features parted by the shift
// leave zero-width seams between their loops, at ε = 0; they are cancelled, T-junctions included, and
// loops passing a point twice cut there (seams.ts), so the geometry is the union's own boundary.
import Flatbush from 'flatbush';
import type { MultiPolygon } from 'geojson';
import { lngLatLengthM, signedFlatRingAreaM2 } from '../geo/area.js';
import type { BudgetMeter } from './budget.js';
import { boxIndex, candidatesOf } from './layers.js';
import {
  dedupLoop,
  edgeCoords,
  findPairCrossings,
  type Loop,
  loopsToMultiPolygon,
  pointInFeature,
  runArea,
} from './pair.js';
import { compareAlongEdge } from './predicates.js';
import { DEFAULT_OVERLAY_LIMITS, type OverlayLimits, type PreparedLayer, ringTotal } from './prepared.js';
import { cleanLoops } from './seams.js';

export interface UnionLoop {
  /**
   * Signed area, m²: positive for an outer boundary; for a hole, minus the area it encloses that no
   * feature covers (features lying inside it, islands, are netted out).
   */
  readonly areaM2: number;
  /** Length in metres. */
  readonly perimeterM: number;
  /** Ids of the features whose boundaries make up the loop. */
  readonly features: readonly string[];
  readonly ring: [number, number][];
}

export interface UnionResult {
  readonly status: 'ok' | 'inconsistent' | 'too-complex';
  /** Area of the union, m². */
  readonly areaM2: number;
  readonly geometry: MultiPolygon;
  readonly outer: readonly UnionLoop[];
  readonly holes: readonly UnionLoop[];
  /** Features whose boundaries broke the walk (overlapping parts, self-crossing rings), when status is not ok. */
  readonly problemFeatures: readonly string[];
}

interface Incidence {
  /** Crossing id. */
  readonly k: number;
  /** This ring's feature, the other feature. */
  readonly f: number;
  readonly g: number;
  readonly edge: number;
  readonly t: number;
  /** This feature's boundary enters g here. */
  readonly enters: boolean;
  /** Index of the same crossing's incidence on g's ring. */
  twin: number;
  /** The run from here to the next incidence on this ring is union boundary. */
  counted: boolean;
}

const MIN_LOOP_M2 = 1e-4;

/**
 * Union of every feature of a prepared layer. A broken invariant gives a status; throws only
 * AnalysisBudgetExceededError, when a budget is given and runs out.
 */
export function unionLayer(
  L: PreparedLayer,
  limits: OverlayLimits = DEFAULT_OVERLAY_LIMITS,
  budget?: BudgetMeter,
): UnionResult {
  const index = boxIndex(L);
  const inc: Incidence[] = [];
  // Crossing points: degrees, and the equal-area plane for area terms.
  const pt: CrossingPoints = { lng: [], lat: [], x: [], y: [] };
  const problem = new Set<number>();
  let crossingCount = 0;
  for (let f = 0; f < L.size; f++) {
    for (const g of candidatesOf(L, f, index, L.size)) {
      if (g <= f) continue;
      const found = findPairCrossings(L, f, L, g, g - f, limits.maxCrossingsPerPair, budget);
      if (!found) return failed(L, 'too-complex', [f, g]);
      const C = found.crossings;
      for (let c = 0; c < C.n; c++) {
        const k = crossingCount++;
        pt.lng.push(C.lng[c]!);
        pt.lat.push(C.lat[c]!);
        pt.x.push(C.px[c]!);
        pt.y.push(C.py[c]!);
        const ia = inc.length;
        inc.push({
          k,
          f,
          g,
          edge: C.aEdge[c]!,
          t: C.tA[c]!,
          enters: C.aEnters[c] === 1,
          twin: ia + 1,
          counted: false,
        });
        inc.push({
          k,
          f: g,
          g: f,
          edge: C.bEdge[c]!,
          t: C.tB[c]!,
          enters: C.aEnters[c] === 0,
          twin: ia,
          counted: false,
        });
      }
    }
  }
  // Order the incidences along each ring.
  const order = inc.map((_, i) => i);
  order.sort((i, j) => {
    const a = inc[i]!;
    const b = inc[j]!;
    const d = a.edge - b.edge;
    if (d !== 0) return d;
    const dt = a.t - b.t;
    if (dt > 1e-7 || dt < -1e-7) return dt;
    // At (or within float noise of) one point: the exact order under the perturbation, feature k being
    // shifted by k·δ, so the other edge's relative shift is g − f.
    const e = edgeCoords(L, a.edge);
    return (
      compareAlongEdge(
        e,
        edgeCoords(L, inc[a.twin]!.edge),
        a.g - a.f,
        edgeCoords(L, inc[b.twin]!.edge),
        b.g - b.f,
      ) || i - j
    );
  });
  const pos = new Int32Array(inc.length);
  order.forEach((i, p) => {
    pos[i] = p;
  });
  const ringFirst = new Map<number, number>();
  const ringLast = new Map<number, number>();
  order.forEach((i, p) => {
    const r = L.ringOf[inc[i]!.edge]!;
    if (!ringFirst.has(r)) ringFirst.set(r, p);
    ringLast.set(r, p);
  });
  const nextOf = (i: number): number => {
    const p = pos[i]!;
    const r = L.ringOf[inc[i]!.edge]!;
    return order[p === ringLast.get(r) ? ringFirst.get(r)! : p + 1]!;
  };

  // Walk each ring with the count of features containing the current point.
  const outerLoops: Loop[] = [];
  const loopFeatures: Set<number>[] = [];
  let area = 0;
  for (let r = 0; r < L.ringStart.length; r++) {
    budget?.tick();
    const f = L.ringFeature[r]!;
    const v0 = L.ringStart[r]!;
    const x0 = L.lng[v0]!;
    const y0 = L.lat[v0]!;
    const box = L.ringBox;
    const partners = index
      .search(box[4 * r]!, box[4 * r + 1]!, box[4 * r + 2]!, box[4 * r + 3]!)
      .filter((g) => g !== f && g < L.size);
    const inside = new Set<number>();
    for (const g of partners) if (pointInFeature(L, g, x0, y0, f - g)) inside.add(g);
    const first = ringFirst.get(r);
    if (first === undefined) {
      if (inside.size === 0) {
        area += ringTotal(L, r);
        const loop: Loop = { xy: [], lnglat: [] };
        for (let i = 0; i < L.ringSize[r]!; i++) {
          loop.xy.push(L.lng[v0 + i]!, L.lat[v0 + i]!);
          loop.lnglat.push([L.lng[v0 + i]!, L.lat[v0 + i]!]);
        }
        outerLoops.push(loop);
        loopFeatures.push(new Set([f]));
      }
      continue;
    }
    const last = ringLast.get(r)!;
    const atStart = new Set(inside);
    for (let p = first; p <= last; p++) {
      const it = inc[order[p]!]!;
      if (it.enters) {
        if (inside.has(it.g)) problem.add(f).add(it.g);
        inside.add(it.g);
      } else {
        if (!inside.has(it.g)) problem.add(f).add(it.g);
        inside.delete(it.g);
      }
      it.counted = inside.size === 0;
    }
    // Around the ring and back to its first vertex: the same features must contain it.
    if (inside.size !== atStart.size || [...inside].some((g) => !atStart.has(g))) problem.add(f);
  }
  if (problem.size > 0) return failed(L, 'inconsistent', [...problem]);

  // Area of the counted runs, then the loops they chain into.
  const visited = new Uint8Array(inc.length);
  for (let i = 0; i < inc.length; i++) {
    const it = inc[i]!;
    if (!it.counted) continue;
    const j = nextOf(i);
    const to = inc[j]!;
    const same = it.edge === to.edge && pos[j]! > pos[i]!;
    area += runArea(
      L,
      it.edge,
      pt.x[it.k]!,
      pt.y[it.k]!,
      pt.lat[it.k]!,
      to.edge,
      pt.x[to.k]!,
      pt.y[to.k]!,
      pt.lat[to.k]!,
      same,
    );
  }
  for (let i0 = 0; i0 < inc.length; i0++) {
    if (visited[i0] || !inc[i0]!.counted) continue;
    const loop: Loop = { xy: [], lnglat: [] };
    const features = new Set<number>();
    let i = i0;
    for (let guard = 0; guard <= inc.length; guard++) {
      visited[i] = 1;
      const it = inc[i]!;
      features.add(it.f);
      const j = nextOf(i);
      appendRun(L, loop, it, inc[j]!, pt, pos[j]! > pos[i]!);
      const twin = inc[j]!.twin;
      if (!inc[twin]!.counted) return failed(L, 'inconsistent', [it.f, inc[j]!.g]);
      i = twin;
      if (i === i0) break;
    }
    if (i !== i0) return failed(L, 'inconsistent', [...features]);
    outerLoops.push(loop);
    loopFeatures.push(features);
  }
  return finish(L, outerLoops, loopFeatures, area);
}

interface Node {
  readonly loop: Loop;
  readonly features: Set<number>;
  readonly area: number;
  readonly perimeter: number;
  readonly box: [number, number, number, number];
  parent: number;
  children: number[];
  dropped: boolean;
}

function pointInLoop(xy: readonly number[], px: number, py: number): boolean {
  let inside = false;
  const m = xy.length / 2;
  for (let i = 0, j = m - 1; i < m; j = i++) {
    const xi = xy[2 * i]!;
    const yi = xy[2 * i + 1]!;
    const xj = xy[2 * j]!;
    const yj = xy[2 * j + 1]!;
    if (yi > py !== yj > py && px < ((xj - xi) * (py - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** A point well inside a loop: the middle of the widest run of the horizontal line through its middle. */
function probe(xy: readonly number[], box: readonly number[]): [number, number] {
  const y = box[1]! + (box[3]! - box[1]!) * 0.5000000123;
  const xs: number[] = [];
  const m = xy.length / 2;
  for (let i = 0, j = m - 1; i < m; j = i++) {
    const yi = xy[2 * i + 1]!;
    const yj = xy[2 * j + 1]!;
    if (yi > y !== yj > y) xs.push(xy[2 * i]! + ((y - yi) * (xy[2 * j]! - xy[2 * i]!)) / (yj - yi));
  }
  xs.sort((a, b) => a - b);
  let best = -1;
  let at: [number, number] = [xy[0]!, xy[1]!];
  for (let i = 0; i + 1 < xs.length; i += 2) {
    if (xs[i + 1]! - xs[i]! > best) {
      best = xs[i + 1]! - xs[i]!;
      at = [(xs[i]! + xs[i + 1]!) / 2, y];
    }
  }
  return at;
}

/**
 * Loops to the union's outer boundaries and holes. The perturbation can leave a zero-width moat: a
 * clockwise loop around a feature whose neighbours all part from it by ε, with that feature's own loop
 * inside. So loops are nested into a containment tree, and a hole is measured net of what lies directly
 * inside it; a hole its children fill exactly (net below MIN_LOOP_M2) is merged away with them.
 */
function finish(
  L: PreparedLayer,
  rawLoops: readonly Loop[],
  rawFeatures: readonly Set<number>[],
  area: number,
): UnionResult {
  const clean = cleanLoops(rawLoops.map(dedupLoop));
  const seamless = clean.loops;
  const loopFeatures = clean.sources.map((from) => new Set(from.flatMap((i) => [...rawFeatures[i]!])));
  const nodes: Node[] = [];
  seamless.forEach((raw, n) => {
    const loop = dedupLoop(raw);
    const m = loop.xy.length / 2;
    if (m < 3) return;
    let perimeter = 0;
    const box: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
    for (let i = 0; i < m; i++) {
      const j = i + 1 < m ? i + 1 : 0;
      const x = loop.xy[2 * i]!;
      const y = loop.xy[2 * i + 1]!;
      perimeter += lngLatLengthM(x, y, loop.xy[2 * j]!, loop.xy[2 * j + 1]!);
      box[0] = Math.min(box[0], x);
      box[1] = Math.min(box[1], y);
      box[2] = Math.max(box[2], x);
      box[3] = Math.max(box[3], y);
    }
    const area = signedFlatRingAreaM2(loop.xy, L.projection);
    if (Math.abs(area) < MIN_LOOP_M2) return;
    nodes.push({
      loop,
      features: loopFeatures[n]!,
      area,
      perimeter,
      box,
      parent: -1,
      children: [],
      dropped: false,
    });
  });
  // Parent = the smallest larger loop containing a point well inside the loop; candidates from a box
  // index (a layer with 10,000 holes has 10,000 loops).
  const bySize = nodes.map((_, i) => i).sort((i, j) => Math.abs(nodes[i]!.area) - Math.abs(nodes[j]!.area));
  const rank = new Int32Array(nodes.length);
  bySize.forEach((i, r) => {
    rank[i] = r;
  });
  const boxes = new Flatbush(Math.max(1, nodes.length));
  for (const n of nodes) boxes.add(n.box[0], n.box[1], n.box[2], n.box[3]);
  if (nodes.length === 0) boxes.add(0, 0, 0, 0);
  boxes.finish();
  for (const a of bySize) {
    const child = nodes[a]!;
    const [px, py] = probe(child.loop.xy, child.box);
    const around = boxes
      .search(child.box[0], child.box[1], child.box[2], child.box[3])
      .filter((b) => b < nodes.length && rank[b]! > rank[a]!)
      .sort((p, q) => rank[p]! - rank[q]!);
    for (const b of around) {
      const cb = nodes[b]!.box;
      if (cb[0] > child.box[0] || cb[1] > child.box[1] || cb[2] < child.box[2] || cb[3] < child.box[3])
        continue;
      if (pointInLoop(nodes[b]!.loop.xy, px, py)) {
        child.parent = b;
        nodes[b]!.children.push(a);
        break;
      }
    }
  }
  const net = (i: number) => -nodes[i]!.area - nodes[i]!.children.reduce((s, c) => s + nodes[c]!.area, 0);
  const drop = (i: number) => {
    nodes[i]!.dropped = true;
  };
  for (let i = 0; i < nodes.length; i++) {
    const n = nodes[i]!;
    if (n.area >= 0 || n.dropped) continue;
    if (net(i) < MIN_LOOP_M2) {
      // The hole is exactly filled by its children: neither it nor they are boundaries of the union;
      // the children's own holes move up to this hole's parent.
      drop(i);
      for (const c of n.children) {
        drop(c);
        for (const g of nodes[c]!.children) nodes[g]!.parent = n.parent;
      }
    }
  }
  const outer: UnionLoop[] = [];
  const holes: UnionLoop[] = [];
  const kept: Loop[] = [];
  nodes.forEach((n, i) => {
    if (n.dropped) return;
    kept.push(n.loop);
    const record: UnionLoop = {
      areaM2: n.area < 0 ? -Math.max(0, net(i)) : n.area,
      perimeterM: n.perimeter,
      features: [...n.features].sort((a, b) => a - b).map((f) => L.ids[f]!),
      ring: [
        ...n.loop.lnglat.map((p) => [p[0]!, p[1]!] as [number, number]),
        [n.loop.lnglat[0]![0]!, n.loop.lnglat[0]![1]!],
      ],
    };
    (n.area > 0 ? outer : holes).push(record);
  });
  return {
    status: 'ok',
    areaM2: area,
    geometry: loopsToMultiPolygon(kept, L.projection),
    outer,
    holes,
    problemFeatures: [],
  };
}

function failed(
  L: PreparedLayer,
  status: 'inconsistent' | 'too-complex',
  features: readonly number[],
): UnionResult {
  return {
    status,
    areaM2: 0,
    geometry: { type: 'MultiPolygon', coordinates: [] },
    outer: [],
    holes: [],
    problemFeatures: [...new Set(features)].sort((a, b) => a - b).map((f) => L.ids[f]!),
  };
}

interface CrossingPoints {
  readonly lng: number[];
  readonly lat: number[];
  readonly x: number[];
  readonly y: number[];
}

function appendRun(
  L: PreparedLayer,
  loop: Loop,
  from: Incidence,
  to: Incidence,
  pt: CrossingPoints,
  forward: boolean,
): void {
  const lng = pt.lng[from.k]!;
  const lat = pt.lat[from.k]!;
  loop.xy.push(lng, lat);
  loop.lnglat.push([lng, lat]);
  if (from.edge === to.edge && forward) return;
  let w = L.next[from.edge]!;
  for (let g = 0; g <= L.ringSize[L.ringOf[w]!]!; g++) {
    loop.xy.push(L.lng[w]!, L.lat[w]!);
    loop.lnglat.push([L.lng[w]!, L.lat[w]!]);
    if (w === to.edge) break;
    w = L.next[w]!;
  }
}
