// An independent oracle for overlay areas: the area of A ∩ B for two polygons in WGS84 (lng, lat), edges
// straight in (lng, lat) (RFC 7946, GEOS), measured on the WGS84 ellipsoid. It shares nothing with the
// engine (functions/core/overlay): no Green's theorem, no crossing order, no perturbation, no projection
// class. The plane is cut into vertical slabs at every vertex longitude and every A × B crossing
// longitude; inside a slab no two edges cross, so the edges that span it keep one vertical order, the
// inside of A and of B are runs of that order (even–odd parity at the slab's middle), and each run where
// both are inside contributes ∫ (Y(φ_top(λ)) − Y(φ_bottom(λ))) a dλ, Y being the authalic function whose
// derivative is the ellipsoid's area element (so this is the area on the ellipsoid), by 4-point
// Gauss–Legendre quadrature (exact to degree 7; the integrand is smooth in a slab).
// Brute force: O(slabs × edges) per pair, for tests only.
import type { MultiPolygon, Polygon, Position } from 'geojson';

const A = 6_378_137;
const F = 1 / 298.257223563;
const E2 = F * (2 - F);
const E = Math.sqrt(E2);
const DEG = Math.PI / 180;

/** The authalic function: metres north in an equal-area cylindrical map, for latitude φ (degrees). */
function authalicY(lat: number, origin: number): number {
  const q = (phi: number) => {
    const s = Math.sin(phi * DEG);
    return (1 - E2) * (s / (1 - E2 * s * s) + Math.atanh(E * s) / E);
  };
  return (A / 2) * (q(lat) - q(origin));
}

const GL_NODES = [-0.8611363115940526, -0.3399810435848563, 0.3399810435848563, 0.8611363115940526];
const GL_WEIGHTS = [0.3478548451374538, 0.6521451548625461, 0.6521451548625461, 0.3478548451374538];

interface Edge {
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
  readonly owner: 0 | 1;
}

function edgesOf(g: Polygon | MultiPolygon, owner: 0 | 1, out: Edge[]): void {
  const polygons: Position[][][] = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
  for (const rings of polygons) {
    for (const ring of rings) {
      for (let i = 0; i + 1 < ring.length; i++) {
        const [ax, ay] = ring[i]! as [number, number];
        const [bx, by] = ring[i + 1]! as [number, number];
        if (ax === bx && ay === by) continue;
        // Left to right (vertical edges kept as they are: they span no slab).
        out.push(
          ax <= bx ? { x0: ax, y0: ay, x1: bx, y1: by, owner } : { x0: bx, y0: by, x1: ax, y1: ay, owner },
        );
      }
    }
  }
}

const yAt = (e: Edge, x: number): number =>
  x <= e.x0 ? e.y0 : x >= e.x1 ? e.y1 : e.y0 + ((e.y1 - e.y0) * (x - e.x0)) / (e.x1 - e.x0);

/** Longitude where edges e and f cross (not touching at a shared end point), or undefined. */
function crossingX(e: Edge, f: Edge): number | undefined {
  const dx = e.x1 - e.x0;
  const dy = e.y1 - e.y0;
  const ex = f.x1 - f.x0;
  const ey = f.y1 - f.y0;
  const den = dx * ey - dy * ex;
  if (den === 0) return undefined;
  const t = ((f.x0 - e.x0) * ey - (f.y0 - e.y0) * ex) / den;
  const u = ((f.x0 - e.x0) * dy - (f.y0 - e.y0) * dx) / den;
  if (t <= 0 || t >= 1 || u <= 0 || u >= 1) return undefined;
  return e.x0 + t * dx;
}

/** Area (m²) of a ∩ b on the WGS84 ellipsoid, edges straight in (lng, lat). */
export function slabIntersectionAreaM2(a: Polygon | MultiPolygon, b: Polygon | MultiPolygon): number {
  const edges: Edge[] = [];
  edgesOf(a, 0, edges);
  edgesOf(b, 1, edges);
  const box = (owner: 0 | 1) => {
    let x0 = Infinity;
    let x1 = -Infinity;
    let y0 = Infinity;
    let y1 = -Infinity;
    for (const e of edges) {
      if (e.owner !== owner) continue;
      x0 = Math.min(x0, e.x0);
      x1 = Math.max(x1, e.x1);
      y0 = Math.min(y0, e.y0, e.y1);
      y1 = Math.max(y1, e.y0, e.y1);
    }
    return { x0, x1, y0, y1 };
  };
  const ba = box(0);
  const bb = box(1);
  const lo = Math.max(ba.x0, bb.x0);
  const hi = Math.min(ba.x1, bb.x1);
  if (!(lo < hi) || Math.max(ba.y0, bb.y0) > Math.min(ba.y1, bb.y1)) return 0;
  // Edges reaching into [lo, hi]; the rest never span a slab there.
  const live = edges.filter((e) => e.x1 > lo && e.x0 < hi);
  const xs = new Set<number>([lo, hi]);
  for (const e of live) {
    if (e.x0 > lo && e.x0 < hi) xs.add(e.x0);
    if (e.x1 > lo && e.x1 < hi) xs.add(e.x1);
  }
  const liveA = live.filter((e) => e.owner === 0);
  const liveB = live.filter((e) => e.owner === 1);
  for (const e of liveA) {
    for (const f of liveB) {
      if (Math.max(e.y0, e.y1) < Math.min(f.y0, f.y1) || Math.max(f.y0, f.y1) < Math.min(e.y0, e.y1))
        continue;
      if (e.x1 <= f.x0 || f.x1 <= e.x0) continue;
      const x = crossingX(e, f);
      if (x !== undefined && x > lo && x < hi) xs.add(x);
    }
  }
  const cuts = [...xs].sort((p, q) => p - q);
  const origin = (Math.max(ba.y0, bb.y0) + Math.min(ba.y1, bb.y1)) / 2;
  // Edges sorted by their left end, swept across the slabs with an active list.
  live.sort((e, f) => e.x0 - f.x0);
  let next = 0;
  let active: Edge[] = [];
  let area = 0;
  for (let k = 0; k + 1 < cuts.length; k++) {
    const xl = cuts[k]!;
    const xr = cuts[k + 1]!;
    const xm = (xl + xr) / 2;
    while (next < live.length && live[next]!.x0 < xr) active.push(live[next++]!);
    active = active.filter((e) => e.x1 > xl);
    const spanning = active.filter((e) => e.x0 <= xl && e.x1 >= xr && e.x0 !== e.x1);
    spanning.sort((e, f) => yAt(e, xm) - yAt(f, xm));
    let inA = false;
    let inB = false;
    for (let i = 0; i + 1 < spanning.length; i++) {
      const e = spanning[i]!;
      if (e.owner === 0) inA = !inA;
      else inB = !inB;
      if (!(inA && inB)) continue;
      const top = spanning[i + 1]!;
      let integral = 0;
      for (let g = 0; g < 4; g++) {
        const x = xm + ((xr - xl) / 2) * GL_NODES[g]!;
        integral += GL_WEIGHTS[g]! * (authalicY(yAt(top, x), origin) - authalicY(yAt(e, x), origin));
      }
      area += integral * ((xr - xl) / 2) * A * DEG;
    }
  }
  return area;
}
