// Contiguity: a hub catchment, HV patch or midwifery team should be one piece, so that a family's
// professionals work in one place and nobody is served from across another unit. Rules (docs/layer-checks.md,
// "Contiguity"):
// - a feature's pieces are its MultiPolygon parts joined wherever their closed sets meet: a shared stretch
//   of edge, or a single shared point — parts touching only at a vertex are one piece (as in ONS's
//   adjacency of areas, and as the lookups treat a shared corner: in both);
// - the largest piece by area is the unit's main piece; every other piece is a detached part, reported with
//   its area, shape and a point inside it;
// - unless the planner marks it as an island: the feature property `allowedIslands` lists points, as
//   "lng,lat; lng,lat" (what a QGIS text field holds) or [[lng, lat], …]; a detached piece containing one
//   of them is accepted. A marker in no piece of the feature is reported too (stale after a redraw).
import type { MultiPolygon, Position } from 'geojson';
import type { AreaGeometry } from '../model.js';
import { interiorPoint } from '../overlay/interior-point.js';
import { orientSign } from '../overlay/predicates.js';
import type { Piece } from './validity.js';

/** The feature property a planner sets to accept detached parts. */
export const ALLOWED_ISLANDS_PROPERTY = 'allowedIslands';

export type ContiguityKind = 'detached-part' | 'island-marker-unused' | 'island-marker-invalid';

export interface ContiguityProblem {
  readonly kind: ContiguityKind;
  readonly feature: string;
  readonly message: string;
  readonly location?: readonly [number, number];
  /** The detached piece's area (m²). */
  readonly areaM2?: number;
  /** The detached piece. */
  readonly geometry?: MultiPolygon;
}

/** Reads `allowedIslands`: points, or a message saying what is wrong with the value. */
export function readAllowedIslands(value: unknown): { points: [number, number][]; error?: string } {
  if (value === undefined || value === null || value === '') return { points: [] };
  const pairs: unknown[] =
    typeof value === 'string'
      ? value
          .split(';')
          .map((item) => item.trim())
          .filter((item) => item !== '')
          .map((item) => item.split(/[,\s]+/).map(Number))
      : Array.isArray(value)
        ? value
        : [value];
  const points: [number, number][] = [];
  for (const pair of pairs) {
    const [lng, lat] = Array.isArray(pair) ? pair : [];
    if (
      !Array.isArray(pair) ||
      pair.length !== 2 ||
      typeof lng !== 'number' ||
      typeof lat !== 'number' ||
      !Number.isFinite(lng) ||
      !Number.isFinite(lat) ||
      Math.abs(lng) > 180 ||
      Math.abs(lat) > 90
    ) {
      return {
        points: [],
        error: `${ALLOWED_ISLANDS_PROPERTY} should list points inside the accepted islands as "lng,lat; lng,lat" (WGS84 degrees) or [[lng, lat], …]; got ${JSON.stringify(value).slice(0, 80)}.`,
      };
    }
    points.push([lng, lat]);
  }
  return { points };
}

/**
 * The detached parts of one feature (its pieces from inspectGeometry), less the islands its
 * `allowedIslands` value accepts. `noun` names the unit in messages ("catchment", "HV patch").
 */
export function checkContiguity(
  feature: string,
  geometry: AreaGeometry,
  pieces: readonly Piece[],
  allowedIslands: unknown,
  noun: string,
): ContiguityProblem[] {
  const problems: ContiguityProblem[] = [];
  const allowed = readAllowedIslands(allowedIslands);
  if (allowed.error) problems.push({ kind: 'island-marker-invalid', feature, message: allowed.error });
  if (pieces.length < 2 && allowed.points.length === 0) return problems;
  const parts = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  // The piece each marker lies in (-1: none).
  const markedPiece = allowed.points.map((pt) =>
    pieces.findIndex((piece) => piece.parts.some((p) => inPart(parts[p]!, pt))),
  );
  const main = pieces[0];
  pieces.forEach((piece, k) => {
    if (k === 0 || markedPiece.includes(k)) return;
    const shape: MultiPolygon = { type: 'MultiPolygon', coordinates: piece.parts.map((p) => parts[p]!) };
    const location = interiorPoint(shape) ?? undefined;
    const at = location ? `${round7(location[0])},${round7(location[1])}` : '';
    problems.push({
      kind: 'detached-part',
      feature,
      message:
        `${capitalise(noun)} "${feature}" is in ${pieces.length} pieces: this one (${formatArea(piece.areaM2)}${location ? ` around ${at}` : ''}) ` +
        `is apart from its main piece (${formatArea(main!.areaM2)}), so families there are served from across another unit. ` +
        `Join it to the unit around it, or, if it is a real island or exclave, accept it by adding "${at}" to the feature's ${ALLOWED_ISLANDS_PROPERTY} property.`,
      ...(location ? { location } : {}),
      areaM2: piece.areaM2,
      geometry: shape,
    });
  });
  allowed.points.forEach((pt, i) => {
    if (markedPiece[i]! >= 0) return;
    problems.push({
      kind: 'island-marker-unused',
      feature,
      location: pt,
      message: `${ALLOWED_ISLANDS_PROPERTY} of ${noun} "${feature}" marks ${pt[0]},${pt[1]} as an island, but no part of it lies there (redrawn since?). Remove the marker.`,
    });
  });
  return problems;
}

/** Whether a point lies inside a polygon (exterior minus holes; exact orientation tests). */
function inPart(rings: readonly (readonly Position[])[], [x, y]: readonly [number, number]): boolean {
  let inside = false;
  for (const ring of rings) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i]! as [number, number];
      const [xj, yj] = ring[j]! as [number, number];
      if (yi > y !== yj > y && yi > yj === orientSign(xj, yj, xi, yi, x, y) > 0) inside = !inside;
    }
  }
  return inside;
}

const round7 = (v: number) => Math.round(v * 1e7) / 1e7;
const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

function formatArea(m2: number): string {
  if (m2 >= 1e6) return `${(m2 / 1e6).toFixed(2)} km²`;
  if (m2 >= 1e4) return `${(m2 / 1e4).toFixed(2)} ha`;
  return `${m2.toFixed(m2 < 10 ? 2 : 0)} m²`;
}
