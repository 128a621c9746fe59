// Result loops of the overlay and the union, cleaned at ε = 0 (the perturbation's shift set to zero).
//
// Seams. Under the shift, two features that share a stretch of boundary either overlap by ε or part by
// ε. When they part, both boundaries are on the result's boundary (a union's, or a difference's): at
// ε = 0 the stretch is walked once each way, a seam of zero width. Taken as a chain of directed edges,
// the limit boundary is the sum of the pieces, and a stretch walked both ways sums to nothing; so seams
// are removed by cancelling edges against opposite ones over the same stretch, and what remains is
// chained into loops again.
//
// T-junctions. The two sides of a seam come from different features, whose vertices along it need not
// coincide: a corner of one feature in the interior of its neighbour's edge (GIS snapping makes them all
// the time) leaves one long edge on one side and two short ones on the other, which no whole-edge match
// cancels. So cancelling is done on a common subdivision: edges are first matched whole (the usual case,
// shared vertices), then each surviving edge is split at the end points of the surviving edges that run
// back along it (same line, opposite direction: exact orientation tests on the loops' own doubles), and
// the pieces are matched again. One pass is enough: edges over the same stretch lie on one line, so
// every end point inside the stretch splits the edges of both sides.
//
// Pinches. A loop can pass through a point twice (a gap touching the union's boundary at a corner):
// it is cut there into loops that pass each point once, so the gap is a hole of its own.
import Flatbush from 'flatbush';
import type { Position } from 'geojson';
import type { Loop } from './pair.js';
import { orientSign } from './predicates.js';

export interface SeamlessLoops {
  readonly loops: Loop[];
  /** For each output loop, the input loops its edges came from (ascending). */
  readonly sources: number[][];
}

/** Directed edges, struct-of-arrays; pieces of split edges are appended. */
interface Edges {
  x1: number[];
  y1: number[];
  x2: number[];
  y2: number[];
  p1: Position[];
  p2: Position[];
  owner: number[];
  /** The edge after this one in its loop (before any split). */
  succ: number[];
  /** First piece of a split edge, else -1. */
  firstPiece: number[];
  /** Not cancelled, not split. */
  live: Uint8Array;
}

/** Up to this many surviving edges are scanned directly for T-junctions, without a box index. */
const SCAN_ALL = 64;

/** Loops with, per vertex, the input loop whose edge starts there. */
interface Chained {
  readonly loops: Loop[];
  readonly owners: number[][];
}

/**
 * Result loops taken at ε = 0, cleaned: seams cancelled (`cancelSeams`), then every loop that passes
 * through a point twice split there into simple loops (`splitPinches`).
 */
export function cleanLoops(loops: readonly Loop[]): SeamlessLoops {
  const chained = cancelSeams(loops) ?? {
    loops: [...loops],
    owners: loops.map((loop, i) => new Array<number>(loop.xy.length / 2).fill(i)),
  };
  return splitPinches(chained);
}

/**
 * Splits each loop at the points it passes more than once into loops that pass each point once: the
 * same walk cut into pieces, so areas add up. Where a gap touches the union's boundary at a point, or two
 * parts of a result touch at a corner, the walk can make one loop of both; cut, an inward lobe
 * (clockwise) is the hole it is and an outward one a part of its own.
 */
function splitPinches(chained: Chained): SeamlessLoops {
  const out: Loop[] = [];
  const sources: number[][] = [];
  const emit = (xy: number[], lnglat: Position[], owners: number[]) => {
    out.push({ xy, lnglat });
    sources.push([...new Set(owners)].sort((a, b) => a - b));
  };
  chained.loops.forEach((loop, n) => {
    const m = loop.xy.length / 2;
    const owners = chained.owners[n]!;
    if (!passesTwice(loop.xy)) {
      emit(loop.xy, loop.lnglat, owners);
      return;
    }
    const seen = new Map<string, number>();
    const xy: number[] = [];
    const lnglat: Position[] = [];
    const own: number[] = [];
    for (let i = 0; i < m; i++) {
      const x = loop.xy[2 * i]!;
      const y = loop.xy[2 * i + 1]!;
      const k = `${x},${y}`;
      const at = seen.get(k);
      if (at === undefined) {
        seen.set(k, xy.length / 2);
        xy.push(x, y);
        lnglat.push(loop.lnglat[i]!);
        own.push(owners[i]!);
        continue;
      }
      // Back at a point of the walk: what was walked since is a loop of its own.
      if (at < xy.length / 2 - 1) {
        for (let j = at + 1; j < xy.length / 2; j++) seen.delete(`${xy[2 * j]},${xy[2 * j + 1]}`);
        emit(xy.slice(2 * at), lnglat.slice(at), own.slice(at));
        xy.length = 2 * at + 2;
        lnglat.length = at + 1;
        own.length = at + 1;
      }
      own[at] = owners[i]!;
    }
    emit(xy, lnglat, own);
  });
  return { loops: out, sources };
}

/** Lexicographic order of points (exact: the difference of two distinct doubles is never 0). */
const comparePoints = (ax: number, ay: number, bx: number, by: number): number => ax - bx || ay - by;

/** Whether a loop has a point twice (sorted, then neighbours compared: no string keys on the hot path). */
function passesTwice(xy: readonly number[]): boolean {
  const m = xy.length / 2;
  const ids = Array.from({ length: m }, (_, i) => i);
  ids.sort((i, j) => comparePoints(xy[2 * i]!, xy[2 * i + 1]!, xy[2 * j]!, xy[2 * j + 1]!));
  for (let k = 1; k < m; k++) {
    const i = ids[k - 1]!;
    const j = ids[k]!;
    if (xy[2 * i] === xy[2 * j] && xy[2 * i + 1] === xy[2 * j + 1]) return true;
  }
  return false;
}

/**
 * Cancels the seams of `loops` (edges walked once each way over the same stretch, at identical or
 * T-junction vertices) and chains what remains into loops again. Returns null when nothing cancels,
 * so callers keep their loops as they are.
 */
function cancelSeams(loops: readonly Loop[]): Chained | null {
  const E: Edges = {
    x1: [],
    y1: [],
    x2: [],
    y2: [],
    p1: [],
    p2: [],
    owner: [],
    succ: [],
    firstPiece: [],
    live: new Uint8Array(0),
  };
  loops.forEach((loop, owner) => {
    const m = loop.xy.length / 2;
    const first = E.x1.length;
    for (let i = 0; i < m; i++) {
      const j = i + 1 < m ? i + 1 : 0;
      const x1 = loop.xy[2 * i]!;
      const y1 = loop.xy[2 * i + 1]!;
      const x2 = loop.xy[2 * j]!;
      const y2 = loop.xy[2 * j + 1]!;
      if (x1 === x2 && y1 === y2) continue;
      E.x1.push(x1);
      E.y1.push(y1);
      E.x2.push(x2);
      E.y2.push(y2);
      E.p1.push(loop.lnglat[i]!);
      E.p2.push(loop.lnglat[j]!);
      E.owner.push(owner);
      E.succ.push(E.x1.length);
      E.firstPiece.push(-1);
    }
    if (E.x1.length > first) E.succ[E.x1.length - 1] = first;
  });
  E.live = new Uint8Array(E.x1.length).fill(1);
  let cancelled = cancelReversePairs(E);
  if (splitAtTJunctions(E)) cancelled += cancelReversePairs(E);
  if (cancelled === 0) return null;
  return chain(E);
}

/**
 * Cancels live edges against live edges over the same two points the other way, pairwise: edges are
 * sorted by their end points as an unordered pair, so each group of equal ones is one stretch.
 */
function cancelReversePairs(E: Edges): number {
  const ids: number[] = [];
  for (let e = 0; e < E.x1.length; e++) if (E.live[e]) ids.push(e);
  const n = E.x1.length;
  const forward = new Uint8Array(n);
  const lo = new Float64Array(2 * n);
  const hi = new Float64Array(2 * n);
  for (const e of ids) {
    const f = comparePoints(E.x1[e]!, E.y1[e]!, E.x2[e]!, E.y2[e]!) < 0;
    forward[e] = f ? 1 : 0;
    lo[2 * e] = f ? E.x1[e]! : E.x2[e]!;
    lo[2 * e + 1] = f ? E.y1[e]! : E.y2[e]!;
    hi[2 * e] = f ? E.x2[e]! : E.x1[e]!;
    hi[2 * e + 1] = f ? E.y2[e]! : E.y1[e]!;
  }
  const order = (i: number, j: number) =>
    comparePoints(lo[2 * i]!, lo[2 * i + 1]!, lo[2 * j]!, lo[2 * j + 1]!) ||
    comparePoints(hi[2 * i]!, hi[2 * i + 1]!, hi[2 * j]!, hi[2 * j + 1]!);
  ids.sort(order);
  let cancelled = 0;
  for (let a = 0; a < ids.length; ) {
    let b = a + 1;
    while (b < ids.length && order(ids[a]!, ids[b]!) === 0) b++;
    if (b - a > 1) {
      const ahead = ids.slice(a, b).filter((e) => forward[e] === 1);
      const back = ids.slice(a, b).filter((e) => forward[e] === 0);
      for (let k = 0; k < Math.min(ahead.length, back.length); k++) {
        E.live[ahead[k]!] = 0;
        E.live[back[k]!] = 0;
        cancelled++;
      }
    }
    a = b;
  }
  return cancelled;
}

/**
 * Splits each live edge at the end points of the live edges that run along it the other way (on its
 * line, opposite direction) and lie strictly inside it; the pieces are appended, live, and the split
 * edges retired. Edges that merely touch are left whole, so no loop gains a junction it did not have.
 * Returns whether anything was split.
 */
function splitAtTJunctions(E: Edges): boolean {
  const live: number[] = [];
  for (let e = 0; e < E.x1.length; e++) if (E.live[e]) live.push(e);
  if (live.length < 3) return false;
  // Edges whose boxes hold a point: a box index, or for a few edges (most pair results) all of them.
  let near: (x: number, y: number) => readonly number[];
  if (live.length <= SCAN_ALL) {
    const all = live.map((_, c) => c);
    near = () => all;
  } else {
    const index = new Flatbush(live.length);
    for (const e of live) {
      index.add(
        Math.min(E.x1[e]!, E.x2[e]!),
        Math.min(E.y1[e]!, E.y2[e]!),
        Math.max(E.x1[e]!, E.x2[e]!),
        Math.max(E.y1[e]!, E.y2[e]!),
      );
    }
    index.finish();
    near = (x, y) => index.search(x, y, x, y);
  }
  const splits = new Map<number, { x: number; y: number; p: Position }[]>();
  // End point (x, y) of edge f: split the edges f runs back along that hold it strictly inside.
  const probe = (f: number, x: number, y: number, p: Position) => {
    const fx1 = E.x1[f]!;
    const fy1 = E.y1[f]!;
    const fx2 = E.x2[f]!;
    const fy2 = E.y2[f]!;
    for (const c of near(x, y)) {
      const e = live[c]!;
      if (e === f) continue;
      const ax = E.x1[e]!;
      const ay = E.y1[e]!;
      const bx = E.x2[e]!;
      const by = E.y2[e]!;
      if ((x === ax && y === ay) || (x === bx && y === by)) continue;
      if ((bx - ax) * (fx2 - fx1) + (by - ay) * (fy2 - fy1) >= 0) continue;
      if (x < Math.min(ax, bx) || x > Math.max(ax, bx) || y < Math.min(ay, by) || y > Math.max(ay, by))
        continue;
      // In the edge's box, on its line and not an end point: strictly inside; f's other end on the line too.
      if (orientSign(ax, ay, bx, by, x, y) !== 0) continue;
      const [ox, oy] = x === fx1 && y === fy1 ? [fx2, fy2] : [fx1, fy1];
      if (orientSign(ax, ay, bx, by, ox, oy) !== 0) continue;
      const list = splits.get(e);
      if (!list) splits.set(e, [{ x, y, p }]);
      else if (!list.some((s) => s.x === x && s.y === y)) list.push({ x, y, p });
    }
  };
  for (const f of live) {
    probe(f, E.x1[f]!, E.y1[f]!, E.p1[f]!);
    probe(f, E.x2[f]!, E.y2[f]!, E.p2[f]!);
  }
  if (splits.size === 0) return false;
  const grown = E.x1.length + [...splits.values()].reduce((s, points) => s + points.length + 1, 0);
  const liveAll = new Uint8Array(grown);
  liveAll.set(E.live);
  for (const [e, points] of splits) {
    const x1 = E.x1[e]!;
    const y1 = E.y1[e]!;
    const dx = E.x2[e]! - x1;
    const dy = E.y2[e]! - y1;
    // Points on the edge's line, ordered along it by the coordinate that varies most: exact on doubles.
    const along =
      Math.abs(dx) >= Math.abs(dy)
        ? (s: { x: number; y: number }) => s.x * Math.sign(dx)
        : (s: { x: number; y: number }) => s.y * Math.sign(dy);
    points.sort((p, q) => along(p) - along(q));
    liveAll[e] = 0;
    E.firstPiece[e] = E.x1.length;
    let fx = x1;
    let fy = y1;
    let fp = E.p1[e]!;
    const ends = [...points, { x: E.x2[e]!, y: E.y2[e]!, p: E.p2[e]! }];
    ends.forEach((s, i) => {
      const piece = E.x1.length;
      E.x1.push(fx);
      E.y1.push(fy);
      E.x2.push(s.x);
      E.y2.push(s.y);
      E.p1.push(fp);
      E.p2.push(s.p);
      E.owner.push(E.owner[e]!);
      E.succ.push(i + 1 < ends.length ? piece + 1 : E.succ[e]!);
      E.firstPiece.push(-1);
      liveAll[piece] = 1;
      fx = s.x;
      fy = s.y;
      fp = s.p;
    });
  }
  E.live = liveAll;
  return true;
}

/**
 * Chains the live edges end to start into loops. Each edge is followed by its own successor when that
 * survived, so loops that only touch stay as they were; where a seam was cancelled, by the sharpest left
 * turn among the edges leaving the point (closing the loop counts as one of them).
 */
function chain(E: Edges): Chained {
  const n = E.x1.length;
  // Live edges sorted by start point; the ones leaving a point are a run found by binary search.
  const starts: number[] = [];
  for (let e = 0; e < n; e++) if (E.live[e]) starts.push(e);
  starts.sort((i, j) => comparePoints(E.x1[i]!, E.y1[i]!, E.x1[j]!, E.y1[j]!));
  const leaving = (x: number, y: number): number[] => {
    let a = 0;
    let b = starts.length;
    while (a < b) {
      const mid = (a + b) >> 1;
      const e = starts[mid]!;
      if (comparePoints(E.x1[e]!, E.y1[e]!, x, y) < 0) a = mid + 1;
      else b = mid;
    }
    const out: number[] = [];
    for (let k = a; k < starts.length; k++) {
      const e = starts[k]!;
      if (E.x1[e] !== x || E.y1[e] !== y) break;
      out.push(e);
    }
    return out;
  };
  const used = new Uint8Array(n);
  const successor = (e: number): number => {
    let s = E.succ[e]!;
    while (E.firstPiece[s]! >= 0) s = E.firstPiece[s]!;
    return s;
  };
  const loops: Loop[] = [];
  const owners: number[][] = [];
  for (let e0 = 0; e0 < n; e0++) {
    if (!E.live[e0] || used[e0]) continue;
    const loop: Loop = { xy: [], lnglat: [] };
    const own: number[] = [];
    let e = e0;
    for (let guard = 0; guard <= n; guard++) {
      used[e] = 1;
      loop.xy.push(E.x1[e]!, E.y1[e]!);
      loop.lnglat.push(E.p1[e]!);
      own.push(E.owner[e]!);
      const next = successor(e);
      if (next === e0) break;
      if (E.live[next] && !used[next]) {
        e = next;
        continue;
      }
      const options = leaving(E.x2[e]!, E.y2[e]!).filter((j) => !used[j]);
      if (options.length === 0) break;
      if (E.x2[e] === E.x1[e0] && E.y2[e] === E.y1[e0]) options.push(e0);
      const din = Math.atan2(E.y2[e]! - E.y1[e]!, E.x2[e]! - E.x1[e]!);
      let best = options[0]!;
      let bestTurn = Number.NEGATIVE_INFINITY;
      for (const j of options) {
        let turn = Math.atan2(E.y2[j]! - E.y1[j]!, E.x2[j]! - E.x1[j]!) - din;
        while (turn <= -Math.PI) turn += 2 * Math.PI;
        while (turn > Math.PI) turn -= 2 * Math.PI;
        if (turn > bestTurn) {
          bestTurn = turn;
          best = j;
        }
      }
      if (best === e0) break;
      e = best;
    }
    loops.push(loop);
    owners.push(own);
  }
  return { loops, owners };
}
