// The alignment scores of one boundary set: HV patches ↔ CoC teams, HV patches ↔ hub catchments,
// catchments ↔ CoC teams, and the three-way agreement — scores only (no fragments, fixes or place
// geometry), so a redraw impact can compare two sets and the public API can serve it cheaply.
// Definitions of the scores: docs/alignment.md; of this summary: docs/impact.md.
import { type AlignmentResult, alignLayers, DEFAULT_THRESHOLD } from '../alignment/align.js';
import type { Basis, ScoreSet } from '../alignment/matrix.js';
import type { WeightedPoint } from '../alignment/points.js';
import { alignThreeWay, type PairName } from '../alignment/three-way.js';
import type { BoundarySet, Layer, LayerName } from '../model.js';

/** The three pairs, with the layer on each side (A first, as the alignment engine reads them). */
export const ALIGNMENT_PAIRS: readonly {
  readonly name: PairName;
  readonly a: LayerName;
  readonly b: LayerName;
}[] = [
  { name: 'patches-teams', a: 'hv-patches', b: 'coc-teams' },
  { name: 'patches-catchments', a: 'hv-patches', b: 'catchments' },
  { name: 'catchments-teams', a: 'catchments', b: 'coc-teams' },
];

export interface PairSummary {
  readonly name: PairName;
  readonly a: LayerName;
  readonly b: LayerName;
  readonly scores: ScoreSet;
  /** Units of A (B) nested in their best fit (share ≥ threshold), and how many units there are. */
  readonly nestedA: number;
  readonly unitsA: number;
  readonly nestedB: number;
  readonly unitsB: number;
  /** Pieces aligned neither way (slivers aside): what keeps coterminosity below 1. */
  readonly misalignedPieces: number;
}

export interface AlignmentSummary {
  readonly basis: Basis;
  /** With basis `weights`: the weights file's column the scores are weighted by (e.g. `births`). */
  readonly weightColumn?: string;
  readonly threshold: number;
  /** The pairs whose two layers the set has (a set without CoC teams has only patches-catchments). */
  readonly pairs: readonly PairSummary[];
  /** Three-way agreement (share of the weight in places where all three agree); null without all three layers. */
  readonly agreement: number | null;
}

export interface AlignmentSummaryOptions {
  readonly threshold?: number;
  /** Postcode points (live postcodes): scores by postcodes as well as by area. */
  readonly points?: readonly WeightedPoint[];
  /** The points carry a planner's weights from this column (basis `weights`), e.g. `births`. */
  readonly weightColumn?: string;
}

function summaryOf(name: PairName, a: LayerName, b: LayerName, r: AlignmentResult): PairSummary {
  return {
    name,
    a,
    b,
    scores: r.scores,
    nestedA: r.unitsA.filter((u) => u.nested).length,
    unitsA: r.unitsA.length,
    nestedB: r.unitsB.filter((u) => u.nested).length,
    unitsB: r.unitsB.length,
    misalignedPieces: r.misalignedPieces,
  };
}

/**
 * Scores of every pair the set has layers for. Throws InvalidGeometryError (typed) when a layer cannot
 * be overlaid at all, as alignLayers does.
 */
export function summariseAlignment(
  set: Pick<BoundarySet, 'layers'>,
  options: AlignmentSummaryOptions = {},
): AlignmentSummary {
  const threshold = options.threshold ?? DEFAULT_THRESHOLD;
  const layer = (name: LayerName): Layer | undefined => {
    const l = set.layers[name];
    return l && l.features.length > 0 ? l : undefined;
  };
  const withPoints = options.points !== undefined && options.points.length > 0;
  const weighted = withPoints && options.weightColumn !== undefined;
  const basis: Basis = withPoints ? (weighted ? 'weights' : 'postcodes') : 'area';
  const named = weighted ? { weightColumn: options.weightColumn! } : {};
  const common = {
    threshold,
    ...(withPoints ? { points: options.points, ...named } : {}),
    geometry: false,
    maxFixes: 0,
  };
  const catchments = layer('catchments');
  const hvPatches = layer('hv-patches');
  const cocTeams = layer('coc-teams');
  if (catchments && hvPatches && cocTeams) {
    const three = alignThreeWay({ catchments, hvPatches, cocTeams }, { ...common, maxPlaces: 0 });
    return {
      basis,
      ...named,
      threshold,
      pairs: ALIGNMENT_PAIRS.map((p) => summaryOf(p.name, p.a, p.b, three.alignments[p.name])),
      agreement: three.agreement,
    };
  }
  const pairs: PairSummary[] = [];
  for (const p of ALIGNMENT_PAIRS) {
    const a = layer(p.a);
    const b = layer(p.b);
    if (a && b) pairs.push(summaryOf(p.name, p.a, p.b, alignLayers(a, b, common)));
  }
  return { basis, ...named, threshold, pairs, agreement: null };
}
