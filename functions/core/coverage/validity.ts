// OGC Simple Features validity of polygons (what PostGIS ST_IsValid / GEOS check), each problem with
// its place, and rings too small to be areas. Decided with exact orientation predicates on the
// coordinates as given (edges straight in lng/lat, as RFC 7946 and GEOS have them), so a problem is
// reported only when it is really there: shared vertices that agree to 1e-12° are not "almost touching"
// anything. One sweep line over the edges (edge-sweep.ts): O(n log n) in the vertices, within the
// caller's budget.
//
// Rules checked (docs/layer-checks.md, "Geometry checks"):
// - a ring has at least 3 distinct positions and is closed;
// - a ring is simple: no two of its edges cross, and it does not touch itself (a repeated vertex, or a
//   vertex on another of its edges, makes a pinched or inverted ring: invalid in OGC), no spikes;
// - rings of one polygon do not cross, share no edge, and do not touch in a loop (two rings at two
//   points, or a closed chain of rings), which would cut the interior apart;
// - every hole lies inside its exterior, and no hole lies inside another hole;
// - the polygons of a MultiPolygon do not overlap (no crossing, no shared edge, none inside another);
// - and beyond OGC: a ring that does not cross itself encloses at least NEAR_ZERO_AREA_M2 and is at
//   least NEAR_ZERO_WIDTH_M wide on average (a point or a line drawn as a polygon is not an area).
// A crossing inside two edges ends the sweep (the first one found is reported, as GEOS does): fix it and
// check again.
import type { Position } from 'geojson';
import { lngLatLengthM, signedRingAreaM2 } from '../geo/area.js';
import type { AreaGeometry } from '../model.js';
import { BudgetMeter } from '../overlay/budget.js';
import { orientSign } from '../overlay/predicates.js';
import { type SweepRings, scratch, sweepRings } from './edge-sweep.js';
import { analyseStar } from './vertex-star.js';

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
  | 'parts-share-edge'
  | 'ring-near-zero-area';

export interface ValidityProblem {
  readonly kind: ValidityKind;
  readonly feature: string;
  readonly message: string;
  /** Where, [lng, lat]. */
  readonly location: readonly [number, number];
}

/**
 * The validity problems that block publishing: they make point-in-polygon answers ambiguous, or leave a
 * ring enclosing nothing (a point, a line: every family there falls into a gap). The others (a ring
 * touching itself at a point, rings sharing an edge...) leave every lookup well defined, and occur in
 * official boundaries (6 of the Gloucestershire OAs and LSOAs have a pinched ring).
 */
export const BLOCKING_VALIDITY_KINDS: ReadonlySet<ValidityKind> = new Set<ValidityKind>([
  'self-intersection',
  'rings-cross',
  'hole-outside-shell',
  'nested-holes',
  'parts-overlap',
  'ring-too-short',
  'ring-near-zero-area',
]);

/** At most this many problems are listed per feature (a broken 50,000-vertex ring stays readable). */
export const MAX_VALIDITY_PROBLEMS_PER_FEATURE = 20;

/** Below this area (m²) a ring encloses nothing: a point, a line, a scribble. */
export const NEAR_ZERO_AREA_M2 = 1;
/** Below this mean width (m, 2·area / perimeter) a ring is a line drawn twice, not an area. */
export const NEAR_ZERO_WIDTH_M = 0.01;

export interface ValidityOptions {
  /** The analysis's budget (vertices, time): shared by every feature and layer of one analysis. */
  readonly budget?: BudgetMeter;
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

/** Where a ring is in its feature: part (polygon of a MultiPolygon) and index (0 = exterior). */
interface RingPlace {
  readonly part: number;
  readonly index: number;
  /** The ring's positions, cleaned (no repeats, not closed). */
  readonly positions: readonly Position[];
}

const ringName = (r: RingPlace) => `Ring ${r.index + 1} of part ${r.part + 1}`;

/**
 * Checks one feature's geometry; `feature` names it in the problems. O(n log n) in its vertices; throws
 * AnalysisBudgetExceededError when the budget runs out.
 */
export function checkValidity(
  feature: string,
  geometry: AreaGeometry,
  options: ValidityOptions = {},
): ValidityProblem[] {
  return inspectGeometry(feature, geometry, options).problems;
}

/**
 * The parts of a MultiPolygon joined where their closed sets meet (a shared stretch of edge, or a single
 * point: touching at a vertex joins them), with their area; a Polygon is one piece.
 */
export interface Piece {
  /** Indexes of its parts in the MultiPolygon, ascending. */
  readonly parts: readonly number[];
  /** Area in m² on the ellipsoid (edges straight in lng/lat); NaN when the feature is one piece. */
  readonly areaM2: number;
}

export interface GeometryInspection {
  readonly problems: ValidityProblem[];
  /** The connected pieces, largest first; null when a crossing left them undecided. */
  readonly pieces: readonly Piece[] | null;
}

/** Validity problems and the connected pieces of one feature, from one sweep. */
export function inspectGeometry(
  feature: string,
  geometry: AreaGeometry,
  options: ValidityOptions = {},
): GeometryInspection {
  const budget = options.budget ?? BudgetMeter.unlimited();
  const problems: ValidityProblem[] = [];
  const seen = new Set<string>();
  // Past the cap problems are no longer listed, but the sweep goes on: the pieces need all of it.
  const add = (kind: ValidityKind, x: number, y: number, message: string): void => {
    if (problems.length >= MAX_VALIDITY_PROBLEMS_PER_FEATURE) return;
    const key = `${kind}|${x}|${y}`;
    if (seen.has(key)) return;
    seen.add(key);
    problems.push({ kind, feature, message, location: [x, y] });
  };
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  let total = 0;
  for (const poly of polygons) for (const ring of poly) total += ring.length;
  budget.spendVertices(total, `Feature ${feature}`);

  // Rings: closed, at least 3 distinct positions.
  const places: RingPlace[] = [];
  polygons.forEach((poly, part) => {
    poly.forEach((raw, index) => {
      const first = raw[0];
      const last = raw[raw.length - 1];
      const where = `Ring ${index + 1} of part ${part + 1}`;
      if (first && last && (first[0] !== last[0] || first[1] !== last[1])) {
        add('ring-not-closed', first[0]!, first[1]!, `${where} does not end where it starts.`);
      }
      const positions = cleanRing(raw);
      if (positions.length < 3) {
        if (first)
          add(
            'ring-too-short',
            first[0]!,
            first[1]!,
            `${where} has ${positions.length === 1 ? 'only one distinct position (a point)' : 'fewer than 3 distinct positions'}: it encloses nothing.`,
          );
        return;
      }
      places.push({ part, index, positions });
    });
  });
  const R = flatten(places);
  const selfCrossed = new Set<number>();

  // Spikes: a ring that runs out and straight back along itself.
  for (let v = 0; v < R.n; v++) {
    const p = R.prev[v]!;
    const q = R.next[v]!;
    const [x, y] = [R.xs[v]!, R.ys[v]!];
    if (orientSign(R.xs[p]!, R.ys[p]!, x, y, R.xs[q]!, R.ys[q]!) !== 0) continue;
    if ((R.xs[p]! - x) * (R.xs[q]! - x) + (R.ys[p]! - y) * (R.ys[q]! - y) <= 0) continue;
    selfCrossed.add(R.ringOf[v]!);
    add('self-intersection', x, y, `${ringName(places[R.ringOf[v]!]!)} doubles back on itself (a spike).`);
  }

  const partOf = (r: number) => places[r]!.part;
  const roles = { partOf, isHole: (r: number) => places[r]!.index > 0 };
  // Parts whose closed sets meet are one piece.
  const joined = new UnionFind(polygons.length);
  // Rings of one part that touch, as a graph of rings and touch points: a cycle cuts the interior apart.
  const touches = new UnionFind(places.length);
  const touchCounts = new Map<string, number>();
  const sweep = sweepRings(R, budget, {
    crossing(e, f, x, y) {
      const [r1, r2] = [R.ringOf[e]!, R.ringOf[f]!];
      const first = ' (the first crossing found: fix it and check again, as others may follow)';
      if (r1 === r2) {
        selfCrossed.add(r1);
        add('self-intersection', x, y, `${ringName(places[r1]!)} crosses itself (a bow-tie)${first}.`);
      } else if (partOf(r1) === partOf(r2)) {
        add('rings-cross', x, y, `${pair(places, r1, r2)} cross${first}.`);
      } else {
        add('parts-overlap', x, y, `Parts ${partOf(r1) + 1} and ${partOf(r2) + 1} cross each other${first}.`);
      }
    },
    overlap(e, f, x, y) {
      const [r1, r2] = [R.ringOf[e]!, R.ringOf[f]!];
      if (r1 === r2) {
        selfCrossed.add(r1);
        return add(
          'self-intersection',
          x,
          y,
          `${ringName(places[r1]!)} doubles back on itself (a spike or overlapping edges).`,
        );
      }
      if (partOf(r1) === partOf(r2))
        return add('rings-share-edge', x, y, `${pair(places, r1, r2)} share an edge.`);
      joined.union(partOf(r1), partOf(r2));
      return add(
        'parts-share-edge',
        x,
        y,
        `Parts ${partOf(r1) + 1} and ${partOf(r2) + 1} share an edge (a MultiPolygon's parts may touch only at points).`,
      );
    },
    point(x, y, passes) {
      for (let k = 0; k < passes.length; k++) budget.tick();
      const findings = analyseStar(x, y, passes, roles);
      const crossed = new Set<number>();
      for (const f of findings) {
        if (f.kind === 'self-crossing') {
          crossed.add(f.ring);
          selfCrossed.add(f.ring);
          add(
            'self-intersection',
            x,
            y,
            `${ringName(places[f.ring]!)} crosses or folds over itself at a vertex.`,
          );
        } else if (f.kind === 'rings-cross') {
          add('rings-cross', x, y, `${pair(places, f.ring, f.other)} cross at a vertex.`);
        } else {
          add('parts-overlap', x, y, `Parts ${f.part + 1} and ${f.other + 1} overlap at a vertex.`);
        }
      }
      const counts = new Map<number, number>();
      for (const pass of passes) counts.set(pass.ring, (counts.get(pass.ring) ?? 0) + 1);
      for (const [ring, n] of counts) {
        if (n > 1 && !crossed.has(ring))
          add(
            'ring-self-touch',
            x,
            y,
            `${ringName(places[ring]!)} touches itself (a pinched or inverted ring).`,
          );
      }
      const partsHere = [...new Set(passes.map((pass) => partOf(pass.ring)))];
      for (const part of partsHere.slice(1)) joined.union(partsHere[0]!, part);
      // Touches between different rings of one part: the rings meeting here join this point; a ring
      // already joined to the others closes a loop of touches.
      const byPart = new Map<number, number[]>();
      for (const pass of passes) {
        const rings = byPart.get(partOf(pass.ring)) ?? [];
        if (!rings.includes(pass.ring)) rings.push(pass.ring);
        byPart.set(partOf(pass.ring), rings);
      }
      for (const rings of byPart.values()) {
        if (rings.length < 2) continue;
        const point = touches.addNode();
        for (const r of rings) {
          if (touches.union(r, point)) continue;
          const again = rings.find((m) => m !== r && (touchCounts.get(pairKey(m, r)) ?? 0) > 0);
          add(
            'rings-touch-twice',
            x,
            y,
            again !== undefined
              ? `${pair(places, again, r)} touch at two or more points, which cuts the polygon's interior apart.`
              : `Rings of part ${partOf(r) + 1} touch each other in a closed chain, which cuts the polygon's interior apart.`,
          );
        }
        for (let i = 0; i < rings.length; i++)
          for (let j = i + 1; j < rings.length; j++) {
            const key = pairKey(rings[i]!, rings[j]!);
            touchCounts.set(key, (touchCounts.get(key) ?? 0) + 1);
          }
      }
    },
  });

  if (sweep.complete) checkNesting(places, sweep.parent, add, joined);
  // Near-zero rings: the ones that do not cross themselves (a bow-tie's area means nothing).
  places.forEach((place, r) => {
    if (selfCrossed.has(r) || !mayBeNearZero(place.positions)) return;
    const ring = place.positions;
    const { area, width } = ringAreaAndWidth(ring);
    if (area >= NEAR_ZERO_AREA_M2 && width >= NEAR_ZERO_WIDTH_M) return;
    const fmt = (v: number) => (v < 0.01 ? v.toExponential(1) : v.toFixed(2));
    add(
      'ring-near-zero-area',
      ring[0]![0]!,
      ring[0]![1]!,
      `${ringName(place)} encloses ${fmt(area)} m², ${fmt(width)} m wide on average (under ${NEAR_ZERO_AREA_M2} m², ` +
        `or under ${NEAR_ZERO_WIDTH_M * 100} cm wide): a point or a line, not an area. Redraw it or remove it.`,
    );
  });
  return { problems, pieces: sweep.complete ? piecesOf(polygons, places, joined) : null };
}

/**
 * The parts grouped by `joined`, largest first. Parts with no exterior of 3 or more positions (reported
 * as too short) are no piece. Areas are measured only when there are two pieces or more.
 */
function piecesOf(
  polygons: readonly (readonly (readonly Position[])[])[],
  places: readonly RingPlace[],
  joined: UnionFind,
): Piece[] {
  const withShell = new Set(places.filter((p) => p.index === 0).map((p) => p.part));
  const groups = new Map<number, number[]>();
  for (let p = 0; p < polygons.length; p++) {
    if (!withShell.has(p)) continue;
    const root = joined.find(p);
    const group = groups.get(root);
    if (group) group.push(p);
    else groups.set(root, [p]);
  }
  if (groups.size <= 1) return [...groups.values()].map((parts) => ({ parts, areaM2: Number.NaN }));
  const area = new Float64Array(polygons.length);
  for (const place of places) {
    const a = Math.abs(signedRingAreaM2(place.positions, { edges: 'lnglat' }));
    area[place.part] = area[place.part]! + (place.index === 0 ? a : -a);
  }
  return [...groups.values()]
    .map((parts) => ({ parts, areaM2: parts.reduce((s, p) => s + area[p]!, 0) }))
    .sort((a, b) => b.areaM2 - a.areaM2);
}

/**
 * A cheap look (metres per degree at the ring's latitude, within a few per cent) that rules out the
 * exact ellipsoidal measure for every ring well above the near-zero thresholds.
 */
/** A ring's area (m², edges straight in lng/lat) and its mean width (twice the area over the perimeter). */
function ringAreaAndWidth(ring: readonly Position[]): { area: number; width: number } {
  const area = Math.abs(signedRingAreaM2(ring, { edges: 'lnglat' }));
  let perimeter = 0;
  for (let i = 0; i < ring.length; i++) {
    const a = ring[i]!;
    const b = ring[(i + 1) % ring.length]!;
    perimeter += lngLatLengthM(a[0]!, a[1]!, b[0]!, b[1]!);
  }
  return { area, width: perimeter > 0 ? (2 * area) / perimeter : 0 };
}

/**
 * True for a ring the checks refuse as a point or a line (`ring-near-zero-area`): generators that
 * dissolve real polygons drop such holes, the slivers between neighbours that do not quite meet.
 */
export function isNearZeroRing(ring: readonly Position[]): boolean {
  if (!mayBeNearZero(ring)) return false;
  const { area, width } = ringAreaAndWidth(ring);
  return area < NEAR_ZERO_AREA_M2 || width < NEAR_ZERO_WIDTH_M;
}

function mayBeNearZero(ring: readonly Position[]): boolean {
  const [x0, y0] = ring[0]! as [number, number];
  const kx = 111_320 * Math.cos((y0 * Math.PI) / 180);
  const ky = 110_574;
  let twice = 0;
  let perimeter = 0;
  for (let i = 0; i < ring.length; i++) {
    const a = ring[i]!;
    const b = ring[(i + 1) % ring.length]!;
    twice += (a[0]! - x0) * (b[1]! - y0) - (b[0]! - x0) * (a[1]! - y0);
    perimeter += Math.hypot((b[0]! - a[0]!) * kx, (b[1]! - a[1]!) * ky);
  }
  const area = (Math.abs(twice) / 2) * kx * ky;
  return area < 2 * NEAR_ZERO_AREA_M2 || (2 * area) / perimeter < 2 * NEAR_ZERO_WIDTH_M;
}

const pairKey = (r1: number, r2: number) => (r1 < r2 ? `${r1}|${r2}` : `${r2}|${r1}`);

function pair(places: readonly RingPlace[], r1: number, r2: number): string {
  const [a, b] = r1 < r2 ? [r1, r2] : [r2, r1];
  return `Rings ${places[a]!.index + 1} and ${places[b]!.index + 1} of part ${places[a]!.part + 1}`;
}

/** The rings flat, for the sweep. */
function flatten(places: readonly RingPlace[]): SweepRings {
  let n = 0;
  for (const p of places) n += p.positions.length;
  const xs = scratch('xs', n, Float64Array);
  const ys = scratch('ys', n, Float64Array);
  const next = scratch('next', n, Int32Array);
  const prev = scratch('prev', n, Int32Array);
  const ringOf = scratch('ringOf', n, Int32Array);
  const ringPart = new Int32Array(places.length);
  const ringHole = new Uint8Array(places.length);
  let v = 0;
  places.forEach((place, r) => {
    ringPart[r] = place.part;
    ringHole[r] = place.index > 0 ? 1 : 0;
    const m = place.positions.length;
    for (let i = 0; i < m; i++) {
      xs[v + i] = place.positions[i]![0]!;
      ys[v + i] = place.positions[i]![1]!;
      next[v + i] = v + ((i + 1) % m);
      prev[v + i] = v + ((i + m - 1) % m);
      ringOf[v + i] = r;
    }
    v += m;
  });
  return { n, xs, ys, next, prev, ringOf, rings: places.length, ringPart, ringHole };
}

/**
 * Holes in their own exterior and in no other hole; exteriors in no other part's exterior (an island in
 * another part's hole is fine). From the sweep's innermost containing ring of each ring.
 */
function checkNesting(
  places: readonly RingPlace[],
  parent: Int32Array,
  add: (kind: ValidityKind, x: number, y: number, message: string) => void,
  joined: UnionFind,
): void {
  const shellOf = new Map<number, number>();
  places.forEach((p, r) => {
    if (p.index === 0) shellOf.set(p.part, r);
  });
  places.forEach((place, r) => {
    const [x, y] = place.positions[0]! as [number, number];
    const q = parent[r]!;
    const outer = q >= 0 ? places[q]! : undefined;
    if (place.index > 0) {
      if (q === shellOf.get(place.part)) return;
      if (outer && outer.part === place.part && outer.index > 0)
        add(
          'nested-holes',
          x,
          y,
          `Hole ${place.index} of part ${place.part + 1} lies inside hole ${outer.index}.`,
        );
      else
        add(
          'hole-outside-shell',
          x,
          y,
          `Hole ${place.index} of part ${place.part + 1} lies outside its exterior ring.`,
        );
    } else if (outer && outer.index === 0) {
      joined.union(place.part, outer.part);
      add('parts-overlap', x, y, `Part ${place.part + 1} lies inside part ${outer.part + 1}.`);
    }
  });
}

/** Union–find over rings and touch points (nodes added as points are met). */
class UnionFind {
  private readonly up: number[];
  constructor(n: number) {
    this.up = Array.from({ length: n }, (_, i) => i);
  }
  addNode(): number {
    this.up.push(this.up.length);
    return this.up.length - 1;
  }
  find(i: number): number {
    let root = i;
    while (this.up[root] !== root) root = this.up[root]!;
    while (this.up[i] !== root) {
      const nextUp = this.up[i]!;
      this.up[i] = root;
      i = nextUp;
    }
    return root;
  }
  /** Joins two nodes; false when they were joined already (the new link closes a cycle). */
  union(a: number, b: number): boolean {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra === rb) return false;
    this.up[ra] = rb;
    return true;
  }
}
