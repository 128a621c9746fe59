// What happens at a point where several boundary passes meet (shared vertices, vertices on edges): the
// arms of the passes cut the small circle around the point into gaps, and each ring has a winding number
// in each gap, so each gap is inside or outside what each ring encloses. From that, exactly and with any
// number of shared (collinear) arms:
// - a ring whose winding number takes three values around the point: it crosses or folds over itself;
// - a gap enclosed by a hole but not by its exterior, or by two holes of one polygon: rings cross;
// - a gap inside two polygons' interiors (exterior minus holes): the parts overlap;
// - otherwise the passes only touch.
// Crossing tests that look only at whether two passes interleave get shared arms wrong (a hole running
// along an island's edge and then across it), which is why gaps are counted instead.
import { orientSign } from '../overlay/predicates.js';
import type { Pass } from './edge-sweep.js';

export type StarFinding =
  | { readonly kind: 'self-crossing'; readonly ring: number }
  | { readonly kind: 'rings-cross'; readonly ring: number; readonly other: number }
  | { readonly kind: 'parts-overlap'; readonly part: number; readonly other: number };

export interface RingRoles {
  readonly partOf: (ring: number) => number;
  readonly isHole: (ring: number) => boolean;
}

/** The violations among passes meeting at (x, y); an empty list when they only touch. */
export function analyseStar(x: number, y: number, passes: readonly Pass[], roles: RingRoles): StarFinding[] {
  // Every arm's direction, sorted counter-clockwise (exact); equal directions share a slot.
  const arms: [number, number][] = [];
  for (const p of passes) arms.push([p.ax, p.ay], [p.bx, p.by]);
  const order = arms.map((_, i) => i).sort((i, j) => compareAngles(x, y, arms[i]!, arms[j]!));
  const slot = new Int32Array(arms.length);
  let m = 0;
  order.forEach((a, k) => {
    if (k > 0 && compareAngles(x, y, arms[order[k - 1]!]!, arms[a]!) !== 0) m++;
    slot[a] = m;
  });
  m++;
  if (m < 2) return [];
  // Gap g runs counter-clockwise from direction g to direction g + 1 (cyclically). Walking round the
  // point counter-clockwise, a ring's winding number goes up by one across each arm it leaves the point
  // by (its left side is the counter-clockwise one) and down by one across each arm it arrives by.
  const rings = [...new Set(passes.map((p) => p.ring))];
  const winding = new Map<number, Int32Array>();
  for (const r of rings) {
    const delta = new Int32Array(m);
    passes.forEach((p, k) => {
      if (p.ring !== r) return;
      delta[slot[2 * k]!]!--;
      delta[slot[2 * k + 1]!]!++;
    });
    const w = new Int32Array(m);
    let acc = 0;
    for (let g = 0; g < m; g++) {
      acc += delta[g]!;
      w[g] = acc;
    }
    winding.set(r, w);
  }
  const findings: StarFinding[] = [];
  const seen = new Set<string>();
  const report = (f: StarFinding, key: string) => {
    if (seen.has(key)) return;
    seen.add(key);
    findings.push(f);
  };
  // What a ring encloses near the point: the gaps at its inside winding number (the higher of its two
  // values when it runs counter-clockwise). Three values or more: it crosses or folds over itself.
  const enclosed = new Map<number, (g: number) => boolean>();
  for (const r of rings) {
    const w = winding.get(r)!;
    const lo = Math.min(...w);
    const hi = Math.max(...w);
    if (hi - lo >= 2) {
      report({ kind: 'self-crossing', ring: r }, `s${r}`);
      continue;
    }
    const ccw = passes.find((p) => p.ring === r)!.ccw;
    const inside = ccw ? hi : lo;
    enclosed.set(r, (g) => hi > lo && w[g] === inside);
  }
  const parts = [...new Set(rings.map((r) => roles.partOf(r)))];
  for (let g = 0; g < m; g++) {
    const interiorOf: number[] = [];
    for (const part of parts) {
      const mine = rings.filter((r) => roles.partOf(r) === part && enclosed.has(r));
      const shell = mine.find((r) => !roles.isHole(r));
      // Without its exterior passing here, the point is inside it (or nesting reports the hole outside).
      const inShell = shell === undefined || enclosed.get(shell)!(g);
      const inHoles = mine.filter((r) => roles.isHole(r) && enclosed.get(r)!(g));
      if (inHoles.length > 0 && !inShell)
        report({ kind: 'rings-cross', ring: inHoles[0]!, other: shell! }, `r${inHoles[0]}|${shell}`);
      if (inHoles.length > 1) {
        const [a, b] = [Math.min(inHoles[0]!, inHoles[1]!), Math.max(inHoles[0]!, inHoles[1]!)];
        report({ kind: 'rings-cross', ring: a, other: b }, `r${a}|${b}`);
      }
      if (inShell && inHoles.length === 0 && mine.length > 0) interiorOf.push(part);
    }
    for (let i = 0; i < interiorOf.length; i++) {
      for (let j = i + 1; j < interiorOf.length; j++) {
        const [a, b] = [interiorOf[i]!, interiorOf[j]!];
        report({ kind: 'parts-overlap', part: a, other: b }, `p${Math.min(a, b)}|${Math.max(a, b)}`);
      }
    }
  }
  return findings;
}

/**
 * Counter-clockwise order of directions from (x, y) to u and to v, starting east (exact): the upper
 * half-plane (and due east) first, then by orientation.
 */
function compareAngles(
  x: number,
  y: number,
  u: readonly [number, number],
  v: readonly [number, number],
): number {
  const hu = half(u[0] - x, u[1] - y);
  const hv = half(v[0] - x, v[1] - y);
  if (hu !== hv) return hu - hv;
  return -orientSign(x, y, u[0], u[1], v[0], v[1]);
}

/** 0 for directions from due east up to (not including) due west, 1 for the rest. */
function half(dx: number, dy: number): number {
  return dy > 0 || (dy === 0 && dx > 0) ? 0 : 1;
}
