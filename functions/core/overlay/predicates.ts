// Exact geometric predicates, and their "simulation of simplicity" variants.
//
// The overlay decides every topological question (does this edge cross that one, is this point inside)
// with the exact sign of an orientation determinant, so the answers are consistent with each other
// whatever the float noise. Degenerate inputs — shared vertices, shared (collinear) edges, a vertex on
// another polygon's edge — are resolved by pretending that the second polygon is translated by the
// infinitesimal vector sδ, δ = (ε, ε²): no vertex then lies on another polygon's edge, and every tie
// breaks the same way everywhere. Areas are then evaluated at ε = 0, which is their exact limit, so
// the perturbation changes no number, only which of two coincident boundary pieces is counted (for
// shared edges: exactly one of them when both interiors are on the same side, both — cancelling —
// when the interiors are on opposite sides, which is the standard rule).

const EPS = 2 ** -53;
/** Shewchuk's error bound for the float orientation determinant. */
const CCW_ERR_A = (3 + 16 * EPS) * EPS;

/**
 * Sign (-1, 0, 1) of the orientation of (a, b, c): positive when c is to the left of a→b. Exact: a fast
 * float filter, then exact integer arithmetic for the rare near-degenerate cases.
 */
export function orientSign(ax: number, ay: number, bx: number, by: number, cx: number, cy: number): number {
  const detLeft = (ax - cx) * (by - cy);
  const detRight = (ay - cy) * (bx - cx);
  const det = detLeft - detRight;
  let detSum: number;
  if (detLeft > 0) {
    if (detRight <= 0) return Math.sign(det);
    detSum = detLeft + detRight;
  } else if (detLeft < 0) {
    if (detRight >= 0) return Math.sign(det);
    detSum = -detLeft - detRight;
  } else {
    return Math.sign(det);
  }
  const bound = CCW_ERR_A * detSum;
  if (det >= bound || -det >= bound) return Math.sign(det);
  return orientExact(ax, ay, bx, by, cx, cy);
}

/** The float orientation determinant (twice the signed triangle area); for parameters, not signs. */
export function orientValue(ax: number, ay: number, bx: number, by: number, cx: number, cy: number): number {
  return (ax - cx) * (by - cy) - (ay - cy) * (bx - cx);
}

// --- exact fallback -------------------------------------------------------------------------------
const view = new DataView(new ArrayBuffer(8));

/** A finite double as mantissa·2^exponent with an integer mantissa. */
function decompose(x: number): { m: bigint; e: number } {
  if (x === 0) return { m: 0n, e: 0 };
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  let m = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let e: number;
  if (biased === 0) {
    e = -1074;
  } else {
    m |= 1n << 52n;
    e = biased - 1075;
  }
  return { m: hi >>> 31 ? -m : m, e };
}

function orientExact(ax: number, ay: number, bx: number, by: number, cx: number, cy: number): number {
  const parts = [ax, ay, bx, by, cx, cy].map(decompose);
  let minE = Number.POSITIVE_INFINITY;
  for (const p of parts) if (p.m !== 0n && p.e < minE) minE = p.e;
  if (minE === Number.POSITIVE_INFINITY) return 0;
  const [iax, iay, ibx, iby, icx, icy] = parts.map((p) => (p.m === 0n ? 0n : p.m << BigInt(p.e - minE))) as [
    bigint,
    bigint,
    bigint,
    bigint,
    bigint,
    bigint,
  ];
  const det = (iax - icx) * (iby - icy) - (iay - icy) * (ibx - icx);
  return det > 0n ? 1 : det < 0n ? -1 : 0;
}

// --- simulation of simplicity ---------------------------------------------------------------------

/**
 * Sign of orient(a, b, c + sδ) when orient(a, b, c) is exactly 0: the first non-vanishing term of
 * s·((b − a) × δ) = s·((bx − ax)ε² − (by − ay)ε). Never 0 for a non-degenerate edge a→b.
 */
export function tieSign(ax: number, ay: number, bx: number, by: number, s: number): number {
  if (by !== ay) return by > ay ? -Math.sign(s) : Math.sign(s);
  return bx > ax ? Math.sign(s) : bx < ax ? -Math.sign(s) : 0;
}

/** Sign of orient(a, b, c + sδ): exact, and never 0 for a non-degenerate edge and s ≠ 0. */
export function orientPerturbed(
  ax: number,
  ay: number,
  bx: number,
  by: number,
  cx: number,
  cy: number,
  s: number,
): number {
  const o = orientSign(ax, ay, bx, by, cx, cy);
  return o !== 0 ? o : tieSign(ax, ay, bx, by, s);
}

// --- exact order of crossings along an edge ---------------------------------------------------------

/** Doubles to integers sharing one scale (all exact: a double is mantissa·2^exponent). */
function toIntegers(values: readonly number[]): bigint[] {
  const parts = values.map(decompose);
  let minE = Number.POSITIVE_INFINITY;
  for (const p of parts) if (p.m !== 0n && p.e < minE) minE = p.e;
  if (minE === Number.POSITIVE_INFINITY) return values.map(() => 0n);
  return parts.map((p) => (p.m === 0n ? 0n : p.m << BigInt(p.e - minE)));
}

const sgn = (x: bigint): number => (x > 0n ? 1 : x < 0n ? -1 : 0);

/**
 * Exact position of the crossing of edge E with edge O (shifted by σδ) along E, as the rational t0 and
 * the perturbation terms: t(ε) = t0 + σ(ε·dOy − ε²·dOx) / (dE × dO). Coordinates are integers here.
 */
function exactPosition(
  e: readonly bigint[],
  o: readonly bigint[],
): { num: bigint; den: bigint; dOx: bigint; dOy: bigint; x: bigint } {
  const [ex0, ey0, ex1, ey1] = e as [bigint, bigint, bigint, bigint];
  const [ox0, oy0, ox1, oy1] = o as [bigint, bigint, bigint, bigint];
  const dEx = ex1 - ex0;
  const dEy = ey1 - ey0;
  const dOx = ox1 - ox0;
  const dOy = oy1 - oy0;
  const orient = (ax: bigint, ay: bigint, bx: bigint, by: bigint, cx: bigint, cy: bigint) =>
    (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
  let num: bigint;
  let den: bigint;
  // The same cases, in the same order, as the crossing finder (pair.ts) uses to place the point.
  if (orient(ex0, ey0, ex1, ey1, ox0, oy0) === 0n) {
    num = (ox0 - ex0) * dEx + (oy0 - ey0) * dEy;
    den = dEx * dEx + dEy * dEy;
  } else if (orient(ex0, ey0, ex1, ey1, ox1, oy1) === 0n) {
    num = (ox1 - ex0) * dEx + (oy1 - ey0) * dEy;
    den = dEx * dEx + dEy * dEy;
  } else {
    const o0 = orient(ox0, oy0, ox1, oy1, ex0, ey0);
    const o1 = orient(ox0, oy0, ox1, oy1, ex1, ey1);
    if (o0 === 0n) {
      num = 0n;
      den = 1n;
    } else if (o1 === 0n) {
      num = 1n;
      den = 1n;
    } else {
      num = o0;
      den = o0 - o1;
    }
  }
  if (den < 0n) {
    num = -num;
    den = -den;
  }
  return { num, den, dOx, dOy, x: dEx * dOy - dEy * dOx };
}

/**
 * Exact comparison of two crossings on the same edge E = (ex0, ey0) → (ex1, ey1): crossing i with edge Oi
 * of a feature shifted by σi·δ relative to E's, crossing j likewise. Negative when i comes first along E.
 * Used when the float parameters are too close to trust (crossings at or near a shared vertex).
 */
export function compareAlongEdge(
  e: readonly [number, number, number, number],
  oi: readonly [number, number, number, number],
  sigmaI: number,
  oj: readonly [number, number, number, number],
  sigmaJ: number,
): number {
  const ints = toIntegers([...e, ...oi, ...oj]);
  const E = ints.slice(0, 4);
  const a = exactPosition(E, ints.slice(4, 8));
  const b = exactPosition(E, ints.slice(8, 12));
  const t = sgn(a.num * b.den - b.num * a.den);
  if (t !== 0) return t;
  const si = BigInt(sigmaI);
  const sj = BigInt(sigmaJ);
  const sx = sgn(a.x) * sgn(b.x);
  // First order in ε: σ·dOy / x.
  const k2 = sgn(si * a.dOy * b.x - sj * b.dOy * a.x) * sx;
  if (k2 !== 0) return k2;
  // Second order: −σ·dOx / x.
  return sgn(sj * b.dOx * a.x - si * a.dOx * b.x) * sx;
}
