// Three-way alignment: hub catchments ↔ HV patches ↔ CoC midwifery teams in one report.
//
// The three pairwise alignments are run, and the county is cut into "places": the triple pieces
// c ∩ p ∩ t. A place agrees when each of its three pairwise pieces is aligned (docs/alignment.md: a
// piece a ∩ b is aligned when b is a's best fit or a is b's best fit); otherwise the report names it,
// with the units involved, what disagrees, its postcodes and area, a point inside it, and its geometry.
import type { MultiPolygon } from 'geojson';
import type { Layer } from '../model.js';
import { interiorPoint } from '../overlay/interior-point.js';
import { overlayLayers, pairGeometry } from '../overlay/layers.js';
import { prepareLayer } from '../overlay/prepared.js';
import { PolygonIndex } from '../spatial/polygon-index.js';
import {
  type AlignmentOptions,
  type AlignmentResult,
  type AlignmentWork,
  alignLayersWork,
  pointsBasis,
} from './align.js';
import type { Basis, Cell, OverlapMatrix, ScoreSet } from './matrix.js';

export interface ThreeWayLayers {
  readonly catchments: Layer;
  readonly hvPatches: Layer;
  readonly cocTeams: Layer;
}

export type PairName = 'patches-teams' | 'patches-catchments' | 'catchments-teams';

export interface ThreeWayPlace {
  readonly catchment: string;
  readonly patch: string;
  readonly team: string;
  readonly areaM2: number;
  readonly postcodes: number;
  readonly weight: number;
  /** The pairwise pieces that are not aligned. */
  readonly disagree: readonly PairName[];
  readonly description: string;
  /** A point inside the place, [lng, lat]. */
  readonly location: readonly [number, number] | null;
  readonly geometry: MultiPolygon | null;
}

export interface ThreeWayPatch {
  readonly id: string;
  readonly name: string;
  readonly team: string | null;
  readonly catchment: string | null;
  readonly nestedInTeam: boolean;
  readonly nestedInCatchment: boolean;
}

export interface ThreeWayResult {
  readonly scores: Readonly<Record<PairName, ScoreSet>>;
  /** Share of the weight (postcodes when given, else area) of all places that agree. */
  readonly agreement: number;
  readonly basis: Basis;
  /** With basis `weights`: the weights file's column (e.g. `births`). */
  readonly weightColumn?: string;
  readonly patches: readonly ThreeWayPatch[];
  /** Places where the three disagree, most postcodes (then area) first. */
  readonly places: readonly ThreeWayPlace[];
  readonly alignments: Readonly<Record<PairName, AlignmentResult>>;
}

/** One triple piece c ∩ p ∩ t being summed (`piece`: its patch ∩ team piece, -1 if known by points only). */
interface Place {
  readonly c: number;
  readonly p: number;
  readonly t: number;
  area: number;
  w: number;
  count: number;
  readonly piece: number;
}

/** Whether piece (a, b) of an alignment is aligned (b best for a, or a best for b). */
function aligned(
  m: OverlapMatrix,
  cellOf: Map<number, number>,
  sizeB: number,
  a: number,
  b: number,
): boolean {
  const i = cellOf.get(a * sizeB + b);
  if (i === undefined) return false;
  return m.A.best[a] === i || m.B.best[b] === i;
}

function cellIndex(w: AlignmentWork): Map<number, number> {
  const map = new Map<number, number>();
  w.matrix.cells.forEach((c, i) => {
    map.set(c.a * w.B.size + c.b, i);
  });
  return map;
}

/**
 * The three-way report. `options` apply to the three pairwise alignments (points, threshold, slivers);
 * `maxPlaces` (default 50) bounds the list of places.
 */
export function alignThreeWay(
  layers: ThreeWayLayers,
  options: AlignmentOptions & { readonly maxPlaces?: number } = {},
): ThreeWayResult {
  const common = { ...options, maxFixes: options.maxFixes ?? 5 };
  const pt = alignLayersWork(layers.hvPatches, layers.cocTeams, {
    ...common,
    nouns: { a: 'patch', b: 'team' },
  });
  const pc = alignLayersWork(layers.hvPatches, layers.catchments, {
    ...common,
    nouns: { a: 'patch', b: 'catchment' },
  });
  const ct = alignLayersWork(layers.catchments, layers.cocTeams, {
    ...common,
    nouns: { a: 'catchment', b: 'team' },
  });
  const P = pt.A;
  const T = pt.B;
  const C = pc.B;
  const ptCells = cellIndex(pt);
  const pcCells = cellIndex(pc);
  const ctCells = cellIndex(ct);
  const disagreement = (c: number, p: number, t: number): PairName[] => {
    const out: PairName[] = [];
    if (!aligned(pt.matrix, ptCells, T.size, p, t)) out.push('patches-teams');
    if (!aligned(pc.matrix, pcCells, C.size, p, c)) out.push('patches-catchments');
    if (!aligned(ct.matrix, ctCells, T.size, c, t)) out.push('catchments-teams');
    return out;
  };

  // Triple pieces by area: the patch ∩ team pieces (slivers left out), overlaid with the catchments.
  const pieces: { id: string; geometry: MultiPolygon; cell: Cell }[] = [];
  pt.matrix.cells.forEach((cell, i) => {
    if (cell.area <= 0 || pt.result.pairs[i]!.sliver) return;
    const geometry = pairGeometry(P, cell.a, T, cell.b, 'intersection').geometry;
    if (geometry && geometry.coordinates.length > 0)
      pieces.push({ id: `${P.ids[cell.a]}|${T.ids[cell.b]}`, geometry, cell });
  });
  const PT = prepareLayer(pieces, {
    projection: P.projection,
    limits: options.limits,
    label: 'patch ∩ team pieces',
  });
  const triples = overlayLayers(PT, C, { limits: options.limits });
  const places = new Map<string, Place>();
  const key = (c: number, p: number, t: number) => `${c}|${p}|${t}`;
  for (const pair of triples.pairs) {
    const { cell } = pieces[pair.a]!;
    places.set(key(pair.b, cell.a, cell.b), {
      c: pair.b,
      p: cell.a,
      t: cell.b,
      area: pair.areaM2,
      w: 0,
      count: 0,
      piece: pair.a,
    });
  }
  // Triple pieces by postcodes: each point located in all three layers.
  let withPoints = false;
  if (options.points && options.points.length > 0) {
    withPoints = true;
    const ip = PolygonIndex.build(layers.hvPatches.features.map((f) => f.geometry));
    const it = PolygonIndex.build(layers.cocTeams.features.map((f) => f.geometry));
    const ic = PolygonIndex.build(layers.catchments.features.map((f) => f.geometry));
    for (const point of options.points) {
      const w = point.weight ?? 1;
      if (!Number.isFinite(point.lng) || !Number.isFinite(point.lat) || !(w >= 0)) continue;
      const p = ip.locate(point.lng, point.lat);
      const t = it.locate(point.lng, point.lat);
      const c = ic.locate(point.lng, point.lat);
      if (p < 0 || t < 0 || c < 0) continue;
      const k = key(c, p, t);
      const place = places.get(k) ?? { c, p, t, area: 0, w: 0, count: 0, piece: -1 };
      place.w += w;
      place.count++;
      places.set(k, place);
    }
  }
  const basis: Basis = withPoints ? (pointsBasis(options)?.basis ?? 'postcodes') : 'area';
  const weightOf = (x: { area: number; w: number }) => (withPoints ? x.w : x.area);
  let total = 0;
  let agreeing = 0;
  const disagreeing: { place: Place; disagree: PairName[] }[] = [];
  for (const place of places.values()) {
    total += weightOf(place);
    const d = disagreement(place.c, place.p, place.t);
    if (d.length === 0) agreeing += weightOf(place);
    else disagreeing.push({ place, disagree: d });
  }
  disagreeing.sort((x, y) => y.place.w - x.place.w || y.place.area - x.place.area);
  const maxPlaces = options.maxPlaces ?? 50;
  const bestName = (w: AlignmentWork, side: 'a' | 'b', u: number): string | null => {
    const i = side === 'a' ? w.matrix.A.best[u]! : w.matrix.B.best[u]!;
    if (i < 0) return null;
    const cell = w.matrix.cells[i]!;
    return side === 'a' ? w.B.names[cell.b]! : w.A.names[cell.a]!;
  };
  const placeList: ThreeWayPlace[] = disagreeing.slice(0, maxPlaces).map(({ place, disagree }) => {
    const geometry =
      place.piece >= 0 ? pairGeometry(PT, place.piece, C, place.c, 'intersection').geometry : null;
    const parts: string[] = [];
    const patchName = P.names[place.p]!;
    if (disagree.includes('patches-teams')) {
      parts.push(
        `patch ${patchName} is mainly in team ${bestName(pt, 'a', place.p) ?? '(none)'} but this part is in team ${T.names[place.t]}`,
      );
    }
    if (disagree.includes('patches-catchments')) {
      parts.push(
        `patch ${patchName} is mainly in catchment ${bestName(pc, 'a', place.p) ?? '(none)'} but this part is in catchment ${C.names[place.c]}`,
      );
    }
    if (disagree.includes('catchments-teams')) {
      parts.push(
        `catchment ${C.names[place.c]} is mainly in team ${bestName(ct, 'a', place.c) ?? '(none)'} but this part is in team ${T.names[place.t]}`,
      );
    }
    return {
      catchment: C.ids[place.c]!,
      patch: P.ids[place.p]!,
      team: T.ids[place.t]!,
      areaM2: place.area,
      postcodes: place.count,
      weight: place.w,
      disagree,
      description: parts.join('; '),
      location: geometry ? interiorPoint(geometry) : null,
      geometry,
    };
  });
  const patches: ThreeWayPatch[] = pt.result.unitsA.map((u, i) => ({
    id: u.id,
    name: u.name,
    team: u.bestFit,
    catchment: pc.result.unitsA[i]!.bestFit,
    nestedInTeam: u.nested,
    nestedInCatchment: pc.result.unitsA[i]!.nested,
  }));
  return {
    scores: {
      'patches-teams': pt.result.scores,
      'patches-catchments': pc.result.scores,
      'catchments-teams': ct.result.scores,
    },
    agreement: total > 0 ? agreeing / total : 0,
    basis,
    ...(basis === 'weights' && options.weightColumn !== undefined
      ? { weightColumn: options.weightColumn }
      : {}),
    patches,
    places: placeList,
    alignments: {
      'patches-teams': pt.result,
      'patches-catchments': pc.result,
      'catchments-teams': ct.result,
    },
  };
}
