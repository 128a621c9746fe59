// One sweep line over the edges of a feature's rings, O(n log n): every place where two edges meet other
// than at the vertex two consecutive edges share, and the innermost ring around each ring. The validity
// rules (validity.ts) are read off these findings.
//
// Shamos–Hoey with exact predicates: vertices are visited in (lng, lat) order; an edge is in the sweep's
// ordered set (a splay tree) from its left end to its right end; only edges that become neighbours in
// that set are tested against each other. If any two edges cross at a point inside both, the leftmost
// such crossing is found before the sweep passes it; edges that only touch (at a vertex) never swap, so
// the set stays ordered through them. A crossing inside two edges swaps them, so the sweep stops at the
// first one (as GEOS's IsValidOp reports the first problem it meets). At each vertex the boundaries
// passing through that point are listed — shared vertices, and vertices lying inside another edge (met
// when that edge and one of the vertex's edges are neighbours, which they are at or before the vertex
// unless a crossing comes first) — so touches and crossings through vertices are seen too.
//
// Nesting: when the sweep reaches the leftmost vertex of a ring, the edge just below the ring's lower
// edge tells which ring the new ring lies in: the ring of that edge if its interior is above the edge,
// else that ring's own parent. So ring containment costs no point-in-polygon test.
import { SplayTreeSet } from 'splaytree-ts';
import type { BudgetMeter } from '../overlay/budget.js';
import { orientSign } from '../overlay/predicates.js';

/**
 * The rings of one feature, flat: vertex i < n is followed by next[i]; no ring has repeated neighbours.
 * The arrays may be longer than n (reused scratch space).
 */
export interface SweepRings {
  readonly n: number;
  readonly xs: Float64Array;
  readonly ys: Float64Array;
  readonly next: Int32Array;
  readonly prev: Int32Array;
  readonly ringOf: Int32Array;
  readonly rings: number;
  /** Per ring: its polygon (part of a MultiPolygon), and 1 for a hole. */
  readonly ringPart: Int32Array;
  readonly ringHole: Uint8Array;
}

/**
 * One pass of a boundary through a point: the ring, the positions it comes from (a) and goes to (b), and
 * whether the ring runs counter-clockwise (then what it encloses is on the left of a → point → b).
 */
export interface Pass {
  readonly ring: number;
  readonly ax: number;
  readonly ay: number;
  readonly bx: number;
  readonly by: number;
  readonly ccw: boolean;
}

export interface SweepListener {
  /** Edges e and f (by start vertex) cross at (x, y), inside both. The sweep stops after this. */
  crossing(e: number, f: number, x: number, y: number): void;
  /** Edges e and f run along each other from (x, y) on. */
  overlap(e: number, f: number, x: number, y: number): void;
  /** Two or more boundary passes meet at (x, y). */
  point(x: number, y: number, passes: readonly Pass[]): void;
}

export interface SweepResult {
  /** False when a crossing stopped the sweep early: nesting is then unknown. */
  readonly complete: boolean;
  /** The innermost ring containing each ring, −1 for none (valid only when complete). */
  readonly parent: Int32Array;
  /** +1 when the ring runs counter-clockwise, −1 clockwise. */
  readonly orientation: Int8Array;
}

const before = (ax: number, ay: number, bx: number, by: number) => ax < bx || (ax === bx && ay < by);

type TypedArray = Float64Array | Int32Array | Uint8Array;
const pool = new Map<string, TypedArray>();

/**
 * A typed array of at least n elements, reused from one feature to the next (a feature's check allocates
 * nothing per vertex; checks run one at a time, never nested). Contents are stale: callers write first.
 */
export function scratch<T extends TypedArray>(name: string, n: number, type: new (n: number) => T): T {
  const have = pool.get(name) as T | undefined;
  if (have && have.length >= n) return have;
  const made = new type(Math.max(n, 2 * (have?.length ?? 32)));
  pool.set(name, made);
  return made;
}

/**
 * Edges as the sweep sees them: left and right end (lexicographic in (lng, lat)) of edge e (= its start
 * vertex), and the order of two edges present at the current vertex (−1: e below f). The edge that
 * started later is placed by the side of the earlier one its left end (or, on it, its right end) lies;
 * collinear edges by id.
 */
class SweepEdges {
  readonly lx: Float64Array;
  readonly ly: Float64Array;
  readonly rx: Float64Array;
  readonly ry: Float64Array;
  /** Whether edge e runs left to right (its start vertex is its left end). */
  readonly forward: Uint8Array;

  constructor(R: SweepRings) {
    const n = R.n;
    this.lx = scratch('lx', n, Float64Array);
    this.ly = scratch('ly', n, Float64Array);
    this.rx = scratch('rx', n, Float64Array);
    this.ry = scratch('ry', n, Float64Array);
    this.forward = scratch('forward', n, Uint8Array);
    for (let e = 0; e < n; e++) {
      const w = R.next[e]!;
      const f = before(R.xs[e]!, R.ys[e]!, R.xs[w]!, R.ys[w]!);
      const [a, b] = f ? [e, w] : [w, e];
      this.lx[e] = R.xs[a]!;
      this.ly[e] = R.ys[a]!;
      this.rx[e] = R.xs[b]!;
      this.ry[e] = R.ys[b]!;
      this.forward[e] = f ? 1 : 0;
    }
  }

  readonly compare = (e: number, f: number): number => {
    if (e === f) return 0;
    const { lx, ly, rx, ry } = this;
    if (lx[e] === lx[f] && ly[e] === ly[f]) {
      const o = orientSign(lx[e]!, ly[e]!, rx[e]!, ry[e]!, rx[f]!, ry[f]!);
      return o > 0 ? -1 : o < 0 ? 1 : e - f;
    }
    if (before(lx[e]!, ly[e]!, lx[f]!, ly[f]!)) {
      let o = orientSign(lx[e]!, ly[e]!, rx[e]!, ry[e]!, lx[f]!, ly[f]!);
      if (o === 0) o = orientSign(lx[e]!, ly[e]!, rx[e]!, ry[e]!, rx[f]!, ry[f]!);
      return o > 0 ? -1 : o < 0 ? 1 : e - f;
    }
    let o = orientSign(lx[f]!, ly[f]!, rx[f]!, ry[f]!, lx[e]!, ly[e]!);
    if (o === 0) o = orientSign(lx[f]!, ly[f]!, rx[f]!, ry[f]!, rx[e]!, ry[e]!);
    return o > 0 ? 1 : o < 0 ? -1 : e - f;
  };
}

/** Where a vertex of one edge lies inside another edge: the point and the edge passing through it. */
interface Contact {
  readonly x: number;
  readonly y: number;
  readonly through: number;
}

export function sweepRings(R: SweepRings, budget: BudgetMeter, listener: SweepListener): SweepResult {
  const { xs, ys, next, prev, ringOf } = R;
  const n = R.n;
  const parent = new Int32Array(R.rings).fill(-1);
  const orientation = new Int8Array(R.rings).fill(1);
  // Each ring's leftmost vertex, and its orientation there (exact: the ring turns there).
  const ringMin = new Int32Array(R.rings).fill(-1);
  for (let v = 0; v < n; v++) {
    const r = ringOf[v]!;
    const m = ringMin[r]!;
    if (m < 0 || before(xs[v]!, ys[v]!, xs[m]!, ys[m]!)) ringMin[r] = v;
  }
  for (let r = 0; r < R.rings; r++) {
    const v = ringMin[r]!;
    if (v >= 0) orientation[r] = ringTurn(R, v) >= 0 ? 1 : -1;
  }
  const E = new SweepEdges(R);
  const { lx, ly, rx, ry, forward } = E;
  const order = scratch('order', n, Int32Array).subarray(0, n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((i, j) => xs[i]! - xs[j]! || ys[i]! - ys[j]!);
  // The edges crossing the sweep line: a splay tree to find where an edge goes, and the same order as a
  // doubly linked list for its neighbours.
  const tree = new SplayTreeSet<number>(E.compare);
  const above = scratch('above', n, Int32Array).fill(-1, 0, n);
  const below = scratch('below', n, Int32Array).fill(-1, 0, n);
  let lowest = -1;
  // Vertices found inside other edges, by point, until the sweep gets there.
  const contacts = new Map<string, Contact[]>();
  let stopped = false;

  // Tests two neighbours; crossings and overlaps are reported, a vertex inside the other edge is kept
  // for its point, a shared vertex is its own point already.
  const test = (s: number, t: number): void => {
    if (s < 0 || t < 0 || stopped) return;
    if (next[s] === t || next[t] === s) return; // consecutive edges meet at their shared vertex
    const o1 = orientSign(lx[s]!, ly[s]!, rx[s]!, ry[s]!, lx[t]!, ly[t]!);
    const o2 = orientSign(lx[s]!, ly[s]!, rx[s]!, ry[s]!, rx[t]!, ry[t]!);
    if (o1 === o2 && o1 !== 0) return;
    const o3 = orientSign(lx[t]!, ly[t]!, rx[t]!, ry[t]!, lx[s]!, ly[s]!);
    const o4 = orientSign(lx[t]!, ly[t]!, rx[t]!, ry[t]!, rx[s]!, ry[s]!);
    if (o3 === o4 && o3 !== 0) return;
    if (o1 === 0 && o2 === 0) {
      // Collinear: a shared stretch when the later left end comes before the earlier right end.
      const [fx, fy] = before(lx[s]!, ly[s]!, lx[t]!, ly[t]!) ? [lx[t]!, ly[t]!] : [lx[s]!, ly[s]!];
      const [tx, ty] = before(rx[s]!, ry[s]!, rx[t]!, ry[t]!) ? [rx[s]!, ry[s]!] : [rx[t]!, ry[t]!];
      if (before(fx, fy, tx, ty)) listener.overlap(s, t, fx, fy);
      return;
    }
    if (o1 !== 0 && o2 !== 0 && o3 !== 0 && o4 !== 0) {
      const d = (rx[s]! - lx[s]!) * (ry[t]! - ly[t]!) - (ry[s]! - ly[s]!) * (rx[t]! - lx[t]!);
      const k = ((lx[t]! - lx[s]!) * (ry[t]! - ly[t]!) - (ly[t]! - ly[s]!) * (rx[t]! - lx[t]!)) / d;
      listener.crossing(s, t, lx[s]! + k * (rx[s]! - lx[s]!), ly[s]! + k * (ry[s]! - ly[s]!));
      stopped = true;
      return;
    }
    // One end lies on the other edge: inside it (a T), unless it is that edge's end too (a shared vertex).
    const ends: [number, number, number][] = [];
    if (o1 === 0) ends.push([lx[t]!, ly[t]!, s]);
    if (o2 === 0) ends.push([rx[t]!, ry[t]!, s]);
    if (o3 === 0) ends.push([lx[s]!, ly[s]!, t]);
    if (o4 === 0) ends.push([rx[s]!, ry[s]!, t]);
    for (const [x, y, through] of ends) {
      if ((x === lx[through] && y === ly[through]) || (x === rx[through] && y === ry[through])) continue;
      const key = `${x},${y}`;
      const list = contacts.get(key) ?? [];
      if (!list.some((c) => c.through === through)) list.push({ x, y, through });
      contacts.set(key, list);
    }
  };

  const unlink = (e: number) => {
    const a = above[e]!;
    const b = below[e]!;
    if (b >= 0) above[b] = a;
    else lowest = a;
    if (a >= 0) below[a] = b;
    above[e] = -1;
    below[e] = -1;
  };
  const linkAbove = (e: number, b: number) => {
    const a = b >= 0 ? above[b]! : lowest;
    below[e] = b;
    above[e] = a;
    if (b >= 0) above[b] = e;
    else lowest = e;
    if (a >= 0) below[a] = e;
  };

  const passes: Pass[] = [];
  const removals: number[] = [];
  const insertions: number[] = [];
  const starting: number[] = [];
  for (let g = 0; g < n && !stopped; ) {
    const v0 = order[g]!;
    const px = xs[v0]!;
    const py = ys[v0]!;
    let h = g;
    while (h < n && xs[order[h]!] === px && ys[order[h]!] === py) h++;
    removals.length = 0;
    insertions.length = 0;
    starting.length = 0;
    for (let k = g; k < h; k++) {
      const v = order[k]!;
      budget.tick();
      const p = prev[v]!;
      (forward[v] ? insertions : removals).push(v);
      (forward[p] ? removals : insertions).push(p);
      if (ringMin[ringOf[v]!] === v) starting.push(ringOf[v]!);
    }
    for (const e of removals) {
      const a = above[e]!;
      const b = below[e]!;
      unlink(e);
      tree.delete(e);
      test(b, a);
    }
    for (const e of insertions) {
      tree.add(e);
      linkAbove(e, tree.lastBefore(e) ?? -1);
      test(e, below[e]!);
      test(e, above[e]!);
    }
    if (stopped) break;
    // The boundaries passing through this point: its vertices, and edges it lies inside.
    const touching = contacts.size > 0 ? contacts.get(`${px},${py}`) : undefined;
    if (h - g > 1 || touching) {
      passes.length = 0;
      for (let k = g; k < h; k++) {
        const v = order[k]!;
        const p = prev[v]!;
        const q = next[v]!;
        const r = ringOf[v]!;
        passes.push({ ring: r, ax: xs[p]!, ay: ys[p]!, bx: xs[q]!, by: ys[q]!, ccw: orientation[r]! > 0 });
      }
      for (const c of touching ?? []) {
        const e = c.through;
        const r = ringOf[e]!;
        const w = next[e]!;
        passes.push({ ring: r, ax: xs[e]!, ay: ys[e]!, bx: xs[w]!, by: ys[w]!, ccw: orientation[r]! > 0 });
      }
      if (touching) contacts.delete(`${px},${py}`);
      listener.point(px, py, passes);
    }
    // Rings whose leftmost vertex is here, bottom up: the edge below each tells which ring holds it.
    if (starting.length > 0) {
      const lower = (r: number) => {
        const v = ringMin[r]!;
        return E.compare(v, prev[v]!) < 0 ? v : prev[v]!;
      };
      starting.sort((r1, r2) => E.compare(lower(r1), lower(r2)));
      const onLine = (f: number, e: number) =>
        orientSign(lx[e]!, ly[e]!, rx[e]!, ry[e]!, lx[f]!, ly[f]!) === 0 &&
        orientSign(lx[e]!, ly[e]!, rx[e]!, ry[e]!, rx[f]!, ry[f]!) === 0;
      const enclosesAbove = (f: number) => (forward[f] === 1) === orientation[ringOf[f]!]! > 0;
      for (const r of starting) {
        // The ring's inside starts just above its lower edge e. Edges of other rings along e (shared
        // edges, ordered against e only by id) are crossed at the same height: start below all of
        // them, leave the rings they close from below, and enter those that open above — the ring
        // is inside such a ring, unless that is another part's exterior filling a hole exactly.
        const e = lower(r);
        let bottom = e;
        while (below[bottom]! >= 0 && onLine(below[bottom]!, e)) bottom = below[bottom]!;
        let top = e;
        while (above[top]! >= 0 && onLine(above[top]!, e)) top = above[top]!;
        const b = below[bottom]!;
        let inside = b < 0 ? -1 : enclosesAbove(b) ? ringOf[b]! : parent[ringOf[b]!]!;
        for (let f = bottom; ; f = above[f]!) {
          const q = ringOf[f]!;
          if (q !== r && !enclosesAbove(f) && inside === q) inside = parent[q]!;
          if (f === top) break;
        }
        for (let f = bottom; ; f = above[f]!) {
          const q = ringOf[f]!;
          const islandInHole = R.ringHole[r] === 1 && R.ringHole[q] === 0 && R.ringPart[q] !== R.ringPart[r];
          if (q !== r && enclosesAbove(f) && !islandInHole) inside = q;
          if (f === top) break;
        }
        parent[r] = inside;
      }
    }
    g = h;
  }
  return { complete: !stopped, parent, orientation };
}

/** Orientation sign at a ring's extreme vertex v (prev → v → next), by the shoelace sum if flat there. */
function ringTurn(R: SweepRings, v: number): number {
  const { xs, ys, next, prev, ringOf } = R;
  const p = prev[v]!;
  const q = next[v]!;
  const o = orientSign(xs[p]!, ys[p]!, xs[v]!, ys[v]!, xs[q]!, ys[q]!);
  if (o !== 0) return o;
  let sum = 0;
  let u = v;
  do {
    const w = next[u]!;
    sum += (xs[u]! - xs[v]!) * (ys[w]! - ys[v]!) - (xs[w]! - xs[v]!) * (ys[u]! - ys[v]!);
    u = w;
  } while (u !== v && ringOf[u] === ringOf[v]);
  return Math.sign(sum);
}
