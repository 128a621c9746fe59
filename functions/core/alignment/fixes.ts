// Applying a suggested fix to the layer whose boundaries it changes: each moved piece is cut from the
// unit that gives it up and added to the unit that takes it. The cut and the join use polyclip (turf
// difference/union) on coordinates rounded to 6 dp (~0.1 m, lossless for layers already stored at 6 dp,
// like the sample area), then on the raw coordinates; a fix that cannot be applied raises a typed error.
import type { MultiPolygon, Polygon } from 'geojson';
import { InvalidGeometryError, InvalidRequestError } from '../errors.js';
import type { AreaGeometry, Layer, LayerFeature } from '../model.js';
import { clipWithPolyclip } from '../overlay/clip-fallback.js';
import type { AlignmentFix } from './align.js';

function simplest(g: MultiPolygon): AreaGeometry {
  return g.coordinates.length === 1
    ? ({ type: 'Polygon', coordinates: g.coordinates[0]! } satisfies Polygon)
    : g;
}

/**
 * Returns a copy of `layer` with `fix` applied. `layer` must be the layer the fix changes (`fix.layer`:
 * 'a' or 'b' of the alignment that suggested it). Throws InvalidRequestError when the fix does not fit
 * the layer (unknown unit, no geometry) and InvalidGeometryError when the pieces cannot be cut or joined.
 */
export function applyFix(layer: Layer, fix: AlignmentFix): Layer {
  const index = new Map<string, number>();
  layer.features.forEach((f, i) => {
    index.set(String(f.properties.id), i);
  });
  const to = index.get(fix.to);
  if (to === undefined)
    throw new InvalidRequestError(`Fix ${fix.rank} moves pieces to "${fix.to}", which is not in this layer.`);
  const geometries: AreaGeometry[] = layer.features.map((f) => f.geometry);
  for (const move of fix.moves) {
    const from = index.get(move.from);
    if (from === undefined) {
      throw new InvalidRequestError(
        `Fix ${fix.rank} takes a piece from "${move.from}", which is not in this layer.`,
      );
    }
    if (!move.geometry) {
      throw new InvalidRequestError(
        `Fix ${fix.rank} has no geometry for the piece ${move.a} ∩ ${move.b}: run the alignment with geometry enabled.`,
      );
    }
    const cut = clipWithPolyclip('difference', geometries[from]!, move.geometry);
    const joined = clipWithPolyclip('union', geometries[to]!, move.geometry);
    if (!cut || !joined?.geometry) {
      throw new InvalidGeometryError(
        `Fix ${fix.rank} could not be applied: the polygon clipper failed on these shapes.`,
        [
          {
            kind: 'clip-failed',
            message: `cutting ${move.a} ∩ ${move.b} from ${move.from} or joining it to ${fix.to} failed`,
          },
        ],
      );
    }
    geometries[from] = cut.geometry ? simplest(cut.geometry) : { type: 'Polygon', coordinates: [] };
    geometries[to] = simplest(joined.geometry);
  }
  return {
    ...layer,
    features: layer.features.map(
      (f, i): LayerFeature => (geometries[i] === f.geometry ? f : { ...f, geometry: geometries[i]! }),
    ),
  };
}
