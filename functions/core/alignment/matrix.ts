// The overlap matrix of two layers (area and postcode weight of every piece a ∩ b), best fits and
// scores, and the exact effect of moving pieces between units — which is how suggested fixes are ranked.
//
// Definitions (docs/alignment.md, "Scores"):
// - best fit of a unit: the unit of the other layer holding most of its postcode weight; by area when
//   no points were given or the unit has none; ties by area, then by input order.
// - direction score A→B: Σ_a |a ∩ best(a)| / Σ_a |a|, by area and by postcodes. 1 when every unit of A
//   lies within one unit of B (A nests in B).
// - coterminosity: the share of the weight of A ∪ B lying in *aligned* pieces, where a piece a ∩ b is
//   aligned when b is a's best fit or a is b's best fit. 1 when the layers are the same partition, and
//   also when one nests in the other (teams made of whole patches); each piece that is in neither its
//   A unit's main B unit nor its B unit's main A unit counts against it. On postcodes when points are
//   given, on a planner's weights (births…) when the points carry them, else on area.

/** What the scores weigh: postcodes, a planner's weights (named by `weightColumn`), or area. */
export type Basis = 'postcodes' | 'weights' | 'area';

/** What the points count: postcodes, or a planner's weights from the named column (e.g. births). */
export type PointsBasis =
  | { readonly basis: 'postcodes' }
  | { readonly basis: 'weights'; readonly column: string };

export interface Cell {
  readonly a: number;
  readonly b: number;
  readonly area: number;
  /** Σ point weights in a ∩ b (the postcode count when points carry no weight). */
  readonly w: number;
  readonly count: number;
}

export interface DirectionScore {
  readonly byArea: number;
  /** null without points (or when the layer holds none). */
  readonly byPostcodes: number | null;
}

export interface ScoreSet {
  /** Share of A in its best fits (A nests in B when 1). */
  readonly aInB: DirectionScore;
  readonly bInA: DirectionScore;
  readonly coterminosity: number;
  readonly basis: Basis;
  /** With basis `weights`: the weights file's column the scores are weighted by (e.g. `births`). */
  readonly weightColumn?: string;
}

type Delta = { readonly area: number; readonly w: number };

/** A change to evaluate: area and weight moved between existing cells, and the unit totals it alters. */
export interface Change {
  readonly cells: ReadonlyMap<number, Delta>;
  readonly unitsA: ReadonlyMap<number, Delta>;
  readonly unitsB: ReadonlyMap<number, Delta>;
}

interface Side {
  readonly area: Float64Array;
  readonly w: Float64Array;
  /** Cell indices per unit. */
  readonly cells: number[][];
  /** Best cell per unit, -1 when the unit overlaps nothing. */
  readonly best: Int32Array;
}

const NO_CHANGE: Change = { cells: new Map(), unitsA: new Map(), unitsB: new Map() };

export class OverlapMatrix {
  readonly cells: readonly Cell[];
  readonly basis: Basis;
  private readonly weightColumn: string | null;
  readonly A: Side;
  readonly B: Side;
  private readonly totals: {
    aArea: number;
    aW: number;
    bArea: number;
    bW: number;
    cellArea: number;
    cellW: number;
  };
  private readonly base: ScoreSet;
  /** Per-side sums of the best cells' area and weight, and the aligned cells' weight (basis). */
  private readonly sums: { aArea: number; aW: number; bArea: number; bW: number; aligned: number };

  constructor(
    cells: readonly Cell[],
    unitsA: { area: Float64Array; w: Float64Array },
    unitsB: { area: Float64Array; w: Float64Array },
    points: PointsBasis | null,
  ) {
    this.cells = cells;
    const cellsA: number[][] = Array.from({ length: unitsA.area.length }, () => []);
    const cellsB: number[][] = Array.from({ length: unitsB.area.length }, () => []);
    let cellArea = 0;
    let cellW = 0;
    cells.forEach((c, i) => {
      cellsA[c.a]!.push(i);
      cellsB[c.b]!.push(i);
      cellArea += c.area;
      cellW += c.w;
    });
    this.A = { area: unitsA.area, w: unitsA.w, cells: cellsA, best: new Int32Array(cellsA.length) };
    this.B = { area: unitsB.area, w: unitsB.w, cells: cellsB, best: new Int32Array(cellsB.length) };
    const sum = (x: Float64Array) => x.reduce((s, v) => s + v, 0);
    this.totals = {
      aArea: sum(unitsA.area),
      aW: sum(unitsA.w),
      bArea: sum(unitsB.area),
      bW: sum(unitsB.w),
      cellArea,
      cellW,
    };
    const weighed = points !== null && this.totals.aW + this.totals.bW > 0;
    this.basis = weighed ? points.basis : 'area';
    this.weightColumn = weighed && points.basis === 'weights' ? points.column : null;
    for (let u = 0; u < cellsA.length; u++)
      this.A.best[u] = this.pickBest(cellsA[u]!, this.A.w[u]!, 'a', NO_CHANGE);
    for (let u = 0; u < cellsB.length; u++)
      this.B.best[u] = this.pickBest(cellsB[u]!, this.B.w[u]!, 'b', NO_CHANGE);
    const s = { aArea: 0, aW: 0, bArea: 0, bW: 0, aligned: 0 };
    for (const i of this.A.best)
      if (i >= 0) {
        s.aArea += cells[i]!.area;
        s.aW += cells[i]!.w;
      }
    for (const i of this.B.best)
      if (i >= 0) {
        s.bArea += cells[i]!.area;
        s.bW += cells[i]!.w;
      }
    cells.forEach((c, i) => {
      if (this.A.best[c.a] === i || this.B.best[c.b] === i) s.aligned += this.basisValue(c);
    });
    this.sums = s;
    this.base = this.compose(s, this.totals);
  }

  private basisValue(v: { area: number; w: number }): number {
    return this.basis === 'area' ? v.area : v.w;
  }

  private cellValue(i: number, change: Change): { area: number; w: number } {
    const c = this.cells[i]!;
    const d = change.cells.get(i);
    return d ? { area: c.area + d.area, w: c.w + d.w } : c;
  }

  /** Best cell among `cellIdx` for a unit whose total weight is unitW (see the rule above). */
  private pickBest(cellIdx: readonly number[], unitW: number, side: 'a' | 'b', change: Change): number {
    const byW = this.basis !== 'area' && unitW > 0;
    let best = -1;
    let bw = -1;
    let ba = -1;
    let bo = Number.POSITIVE_INFINITY;
    for (const i of cellIdx) {
      const v = this.cellValue(i, change);
      if (v.area <= 0 && v.w <= 0) continue;
      const other = side === 'a' ? this.cells[i]!.b : this.cells[i]!.a;
      const w = byW ? v.w : 0;
      if (w > bw || (w === bw && (v.area > ba || (v.area === ba && other < bo)))) {
        best = i;
        bw = w;
        ba = v.area;
        bo = other;
      }
    }
    return best;
  }

  private compose(s: OverlapMatrix['sums'], t: OverlapMatrix['totals']): ScoreSet {
    const pts = this.basis !== 'area';
    const union = pts ? t.aW + t.bW - t.cellW : t.aArea + t.bArea - t.cellArea;
    return {
      aInB: {
        byArea: t.aArea > 0 ? s.aArea / t.aArea : 0,
        byPostcodes: pts && t.aW > 0 ? s.aW / t.aW : null,
      },
      bInA: {
        byArea: t.bArea > 0 ? s.bArea / t.bArea : 0,
        byPostcodes: pts && t.bW > 0 ? s.bW / t.bW : null,
      },
      coterminosity: union > 0 ? Math.min(1, s.aligned / union) : 0,
      basis: this.basis,
      ...(this.weightColumn !== null ? { weightColumn: this.weightColumn } : {}),
    };
  }

  /** Scores now, or after `change` (recomputing only the units and pieces the change touches). */
  scores(change?: Change): ScoreSet {
    if (!change) return this.base;
    const touchedA = new Set<number>(change.unitsA.keys());
    const touchedB = new Set<number>(change.unitsB.keys());
    for (const i of change.cells.keys()) {
      touchedA.add(this.cells[i]!.a);
      touchedB.add(this.cells[i]!.b);
    }
    const newBestA = new Map<number, number>();
    const newBestB = new Map<number, number>();
    for (const u of touchedA)
      newBestA.set(
        u,
        this.pickBest(this.A.cells[u]!, this.A.w[u]! + (change.unitsA.get(u)?.w ?? 0), 'a', change),
      );
    for (const u of touchedB)
      newBestB.set(
        u,
        this.pickBest(this.B.cells[u]!, this.B.w[u]! + (change.unitsB.get(u)?.w ?? 0), 'b', change),
      );
    const s = { ...this.sums };
    const t = { ...this.totals };
    for (const [u, nb] of newBestA) {
      const ob = this.A.best[u]!;
      if (ob >= 0) {
        s.aArea -= this.cells[ob]!.area;
        s.aW -= this.cells[ob]!.w;
      }
      if (nb >= 0) {
        const v = this.cellValue(nb, change);
        s.aArea += v.area;
        s.aW += v.w;
      }
    }
    for (const [u, nb] of newBestB) {
      const ob = this.B.best[u]!;
      if (ob >= 0) {
        s.bArea -= this.cells[ob]!.area;
        s.bW -= this.cells[ob]!.w;
      }
      if (nb >= 0) {
        const v = this.cellValue(nb, change);
        s.bArea += v.area;
        s.bW += v.w;
      }
    }
    // Aligned weight: only pieces in a touched row or column can change.
    const affected = new Set<number>();
    for (const u of touchedA) for (const i of this.A.cells[u]!) affected.add(i);
    for (const u of touchedB) for (const i of this.B.cells[u]!) affected.add(i);
    for (const i of affected) {
      const c = this.cells[i]!;
      if (this.A.best[c.a] === i || this.B.best[c.b] === i) s.aligned -= this.basisValue(c);
      const bestA = newBestA.get(c.a) ?? this.A.best[c.a];
      const bestB = newBestB.get(c.b) ?? this.B.best[c.b];
      if (bestA === i || bestB === i) s.aligned += this.basisValue(this.cellValue(i, change));
    }
    for (const [, d] of change.unitsA) {
      t.aArea += d.area;
      t.aW += d.w;
    }
    for (const [, d] of change.unitsB) {
      t.bArea += d.area;
      t.bW += d.w;
    }
    return this.compose(s, t);
  }
}
