// OGC Simple Features validity of polygons (what PostGIS ST_IsValid / GEOS check), each problem with
// its place. Decided with exact orientation predicates on the coordinates as given (edges straight in
// lng/lat, as RFC 7946 and GEOS have them), so a problem is reported only when it is really there:
// shared vertices that agree to 1e-12° are not "almost touching" anything.
//
// Rules checked (docs/alignment.md, "Validity"):
// - a ring has at least 3 distinct positions and is closed;
// - a ring is simple: no two of its edges cross, and it does not touch itself (a repeated vertex, or a
//   vertex on another of its edges, makes a pinched or inverted ring: invalid in OGC), no spikes;
// - rings of one polygon do not cross, share no edge, and touch each other at most at one point;
// - every hole lies inside its exterior, and no hole lies inside another hole;
// - the polygons of a MultiPolygon do not overlap (no crossing, no shared edge, none inside another).
// Not checked: whether touching holes disconnect the interior in more subtle chains (3+ rings).
import type { Position } from 'geojson';
import type { AreaGeometry } from '../model.js';
import { orientSign } from '../overlay/predicates.js';

export type ValidityKind =
  | 'ring-too-short'
  | 'ring-not-closed'
  | 'self-intersection'
  | 'ring-self-touch'
  | 'rings-cross'
  | 'rings-share-edge'
  | 'rings-touch-twice'
  | 'hole-outside-shell'
  | 'nested-holes'
  | 'parts-overlap'
  | 'parts-share-edge';

export interface ValidityProblem {
  readonly kind: ValidityKind;
  readonly feature: string;
  readonly message: string;
  /** Where, [lng, lat]. */
  readonly location: readonly [number, number];
}

/** At most this many problems are listed per feature (a broken 50,000-vertex ring stays readable). */
export const MAX_VALIDITY_PROBLEMS_PER_FEATURE = 20;

interface Edge {
  readonly part: number;
  readonly ring: number;
  /** Index in the cleaned ring. */
  readonly i: number;
  readonly n: number;
  readonly ax: number;
  readonly ay: number;
  readonly bx: number;
  readonly by: number;
}

function cleanRing(ring: readonly Position[]): Position[] {
  const out: Position[] = [];
  for (const p of ring) {
    const last = out[out.length - 1];
    if (!last || last[0] !== p[0] || last[1] !== p[1]) out.push(p);
  }
  if (out.length > 1 && out[0]![0] === out[out.length - 1]![0] && out[0]![1] === out[out.length - 1]![1])
    out.pop();
  return out;
}

function onSegment(ax: number, ay: number, bx: number, by: number, px: number, py: number): boolean {
  return Math.min(ax, bx) <= px && px <= Math.max(ax, bx) && Math.min(ay, by) <= py && py <= Math.max(ay, by);
}

/** Even-odd point in ring, plus whether the point is on the ring (exactly). */
function locateInRing(ring: readonly Position[], px: number, py: number): 'in' | 'out' | 'on' {
  let inside = false;
  const n = ring.length;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const [xi, yi] = ring[i]! as [number, number];
    const [xj, yj] = ring[j]! as [number, number];
    const o = orientSign(xj, yj, xi, yi, px, py);
    if (o === 0 && onSegment(xj, yj, xi, yi, px, py)) return 'on';
    if (yi > py !== yj > py) {
      // Upward edge j→i crosses the ray right of p when p is left of it.
      if (yi > yj === o > 0) inside = !inside;
    }
  }
  return inside ? 'in' : 'out';
}

/** Checks one feature's geometry; `feature` names it in the problems. */
export function checkValidity(feature: string, geometry: AreaGeometry): ValidityProblem[] {
  const problems: ValidityProblem[] = [];
  const seen = new Set<string>();
  const add = (kind: ValidityKind, x: number, y: number, message: string) => {
    if (problems.length >= MAX_VALIDITY_PROBLEMS_PER_FEATURE) return;
    const key = `${kind}|${x}|${y}`;
    if (seen.has(key)) return;
    seen.add(key);
    problems.push({ kind, feature, message, location: [x, y] });
  };
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  const rings: Position[][][] = [];
  const edges: Edge[] = [];
  polygons.forEach((poly, part) => {
    const cleaned: Position[][] = [];
    poly.forEach((raw, ring) => {
      const first = raw[0];
      const last = raw[raw.length - 1];
      if (first && last && (first[0] !== last[0] || first[1] !== last[1])) {
        add(
          'ring-not-closed',
          first[0]!,
          first[1]!,
          `Ring ${ring + 1} of part ${part + 1} does not end where it starts.`,
        );
      }
      const r = cleanRing(raw);
      if (r.length < 3) {
        if (first)
          add(
            'ring-too-short',
            first[0]!,
            first[1]!,
            `Ring ${ring + 1} of part ${part + 1} has fewer than 3 distinct positions.`,
          );
        cleaned.push([]);
        return;
      }
      cleaned.push(r);
      for (let i = 0; i < r.length; i++) {
        const a = r[i]!;
        const b = r[(i + 1) % r.length]!;
        edges.push({ part, ring, i, n: r.length, ax: a[0]!, ay: a[1]!, bx: b[0]!, by: b[1]! });
      }
    });
    rings.push(cleaned);
  });
  checkEdgePairs(edges, add);
  // Touches between two different rings of one polygon: more than one point splits the interior.
  // (Collected by checkEdgePairs through `add` with kind 'rings-touch-twice' only when needed.)
  rings.forEach((poly, part) => {
    const shell = poly[0];
    if (!shell || shell.length < 3) return;
    for (let h = 1; h < poly.length; h++) {
      const hole = poly[h]!;
      if (hole.length < 3) continue;
      const probe = hole.find((p) => locateInRing(shell, p[0]!, p[1]!) !== 'on');
      if (probe && locateInRing(shell, probe[0]!, probe[1]!) === 'out') {
        add(
          'hole-outside-shell',
          probe[0]!,
          probe[1]!,
          `Hole ${h} of part ${part + 1} lies outside its exterior ring.`,
        );
      }
      for (let k = 1; k < poly.length; k++) {
        if (k === h || poly[k]!.length < 3) continue;
        const inner = hole.find((p) => locateInRing(poly[k]!, p[0]!, p[1]!) !== 'on');
        if (inner && locateInRing(poly[k]!, inner[0]!, inner[1]!) === 'in') {
          add('nested-holes', inner[0]!, inner[1]!, `Hole ${h} of part ${part + 1} lies inside hole ${k}.`);
        }
      }
    }
  });
  // A part wholly inside another part (no crossing, so not caught above).
  for (let p = 0; p < rings.length; p++) {
    for (let q = 0; q < rings.length; q++) {
      if (p === q) continue;
      const shellP = rings[p]![0];
      const shellQ = rings[q]![0];
      if (!shellP?.length || !shellQ?.length) continue;
      const probe = shellP.find((pt) => locateInRing(shellQ, pt[0]!, pt[1]!) !== 'on');
      if (!probe || locateInRing(shellQ, probe[0]!, probe[1]!) !== 'in') continue;
      const inHole = rings[q]!.slice(1).some(
        (hole) => hole.length >= 3 && locateInRing(hole, probe[0]!, probe[1]!) !== 'out',
      );
      if (!inHole) add('parts-overlap', probe[0]!, probe[1]!, `Part ${p + 1} lies inside part ${q + 1}.`);
    }
  }
  return problems;
}

/** About this many edges per slab when pairing edges for the intersection tests. */
const EDGES_PER_SLAB = 4;

function checkEdgePairs(
  edges: readonly Edge[],
  add: (kind: ValidityKind, x: number, y: number, message: string) => void,
): void {
  const n = edges.length;
  if (n < 2) return;
  let y0 = Number.POSITIVE_INFINITY;
  let y1 = Number.NEGATIVE_INFINITY;
  for (const e of edges) {
    y0 = Math.min(y0, e.ay, e.by);
    y1 = Math.max(y1, e.ay, e.by);
  }
  const k = Math.max(1, Math.ceil(n / EDGES_PER_SLAB));
  const inv = y1 > y0 ? k / (y1 - y0) : 0;
  const slabOf = (y: number) => Math.min(k - 1, Math.max(0, Math.floor((y - y0) * inv)));
  const slabs: number[][] = Array.from({ length: k }, () => []);
  edges.forEach((e, idx) => {
    for (let s = slabOf(Math.min(e.ay, e.by)); s <= slabOf(Math.max(e.ay, e.by)); s++) slabs[s]!.push(idx);
  });
  const ringTouches = new Map<string, Set<string>>();
  for (let s = 0; s < k; s++) {
    const list = slabs[s]!;
    for (let u = 0; u < list.length; u++) {
      const e = edges[list[u]!]!;
      for (let v = u + 1; v < list.length; v++) {
        const f = edges[list[v]!]!;
        // Test each pair once: in the first slab both edges reach.
        const first = Math.max(slabOf(Math.min(e.ay, e.by)), slabOf(Math.min(f.ay, f.by)));
        if (first !== s) continue;
        if (Math.max(e.ax, e.bx) < Math.min(f.ax, f.bx) || Math.max(f.ax, f.bx) < Math.min(e.ax, e.bx))
          continue;
        if (Math.max(e.ay, e.by) < Math.min(f.ay, f.by) || Math.max(f.ay, f.by) < Math.min(e.ay, e.by))
          continue;
        testPair(e, f, add, ringTouches);
      }
    }
  }
  for (const [key, points] of ringTouches) {
    if (points.size < 2) continue;
    const [x, y] = [...points][1]!.split(',').map(Number) as [number, number];
    const [p, r1, r2] = key.split('|').map(Number) as [number, number, number];
    add(
      'rings-touch-twice',
      x,
      y,
      `Rings ${r1 + 1} and ${r2 + 1} of part ${p + 1} touch at ${points.size} points, which cuts the polygon's interior apart.`,
    );
  }
}

function testPair(
  e: Edge,
  f: Edge,
  add: (kind: ValidityKind, x: number, y: number, message: string) => void,
  ringTouches: Map<string, Set<string>>,
): void {
  const sameRing = e.part === f.part && e.ring === f.ring;
  const adjacent = sameRing && ((e.i + 1) % e.n === f.i || (f.i + 1) % f.n === e.i);
  const o1 = orientSign(e.ax, e.ay, e.bx, e.by, f.ax, f.ay);
  const o2 = orientSign(e.ax, e.ay, e.bx, e.by, f.bx, f.by);
  if (o1 === o2 && o1 !== 0) return;
  const o3 = orientSign(f.ax, f.ay, f.bx, f.by, e.ax, e.ay);
  const o4 = orientSign(f.ax, f.ay, f.bx, f.by, e.bx, e.by);
  if (o3 === o4 && o3 !== 0) return;
  const where = `part ${e.part + 1}`;
  if (o1 === 0 && o2 === 0) {
    // Collinear: a shared stretch (not just a shared endpoint) is an overlap of the boundary.
    const lo = (a: number, b: number) => Math.min(a, b);
    const hi = (a: number, b: number) => Math.max(a, b);
    const useX = e.ax !== e.bx;
    const [e0, e1] = useX ? [lo(e.ax, e.bx), hi(e.ax, e.bx)] : [lo(e.ay, e.by), hi(e.ay, e.by)];
    const [f0, f1] = useX ? [lo(f.ax, f.bx), hi(f.ax, f.bx)] : [lo(f.ay, f.by), hi(f.ay, f.by)];
    const from = Math.max(e0, f0);
    const to = Math.min(e1, f1);
    if (to < from) return;
    const at: [number, number] = useX
      ? [from, e.ay + ((from - e.ax) * (e.by - e.ay)) / (e.bx - e.ax)]
      : [e.ax + ((from - e.ay) * (e.bx - e.ax)) / (e.by - e.ay), from];
    if (to > from) {
      if (sameRing)
        add(
          'self-intersection',
          at[0],
          at[1],
          `Ring ${e.ring + 1} of ${where} doubles back on itself (a spike or overlapping edges).`,
        );
      else if (e.part === f.part)
        add(
          'rings-share-edge',
          at[0],
          at[1],
          `Rings ${e.ring + 1} and ${f.ring + 1} of ${where} share an edge.`,
        );
      else
        add(
          'parts-share-edge',
          at[0],
          at[1],
          `Parts ${e.part + 1} and ${f.part + 1} share an edge (a MultiPolygon's parts may touch only at points).`,
        );
      return;
    }
    // A single common point of collinear edges: treat as a touch below.
  }
  if (adjacent) {
    // Consecutive edges meet at their shared vertex by construction; anything more was caught above.
    return;
  }
  const proper = o1 !== 0 && o2 !== 0 && o3 !== 0 && o4 !== 0;
  let x: number;
  let y: number;
  if (proper) {
    const d = (e.bx - e.ax) * (f.by - f.ay) - (e.by - e.ay) * (f.bx - f.ax);
    const t = ((f.ax - e.ax) * (f.by - f.ay) - (f.ay - e.ay) * (f.bx - f.ax)) / d;
    x = e.ax + t * (e.bx - e.ax);
    y = e.ay + t * (e.by - e.ay);
  } else if (o1 === 0 && onSegment(e.ax, e.ay, e.bx, e.by, f.ax, f.ay)) {
    [x, y] = [f.ax, f.ay];
  } else if (o2 === 0 && onSegment(e.ax, e.ay, e.bx, e.by, f.bx, f.by)) {
    [x, y] = [f.bx, f.by];
  } else if (o3 === 0 && onSegment(f.ax, f.ay, f.bx, f.by, e.ax, e.ay)) {
    [x, y] = [e.ax, e.ay];
  } else if (o4 === 0 && onSegment(f.ax, f.ay, f.bx, f.by, e.bx, e.by)) {
    [x, y] = [e.bx, e.by];
  } else {
    return;
  }
  if (sameRing) {
    if (proper) add('self-intersection', x, y, `Ring ${e.ring + 1} of ${where} crosses itself (a bow-tie).`);
    else
      add(
        'ring-self-touch',
        x,
        y,
        `Ring ${e.ring + 1} of ${where} touches itself (a pinched or inverted ring).`,
      );
  } else if (e.part === f.part) {
    if (proper) add('rings-cross', x, y, `Rings ${e.ring + 1} and ${f.ring + 1} of ${where} cross.`);
    else {
      const [r1, r2] = e.ring < f.ring ? [e.ring, f.ring] : [f.ring, e.ring];
      const key = `${e.part}|${r1}|${r2}`;
      const points = ringTouches.get(key) ?? new Set<string>();
      points.add(`${x},${y}`);
      ringTouches.set(key, points);
    }
  } else if (proper) {
    add('parts-overlap', x, y, `Parts ${e.part + 1} and ${f.part + 1} cross each other.`);
  }
}
