// The coordinate walk: one pass over a Polygon's or MultiPolygon's positions, at the fixed depth
// the type promises (no recursion, so arbitrarily deep nesting costs nothing extra), reading each
// slot by index (so sparse arrays show their holes instead of being skipped as forEach would).
//
// Position-level findings are tallied per feature (how many, and the first one with its place)
// rather than reported one by one: a layer exported in the wrong projection has every position
// wrong, and a GIS officer needs one clear line per feature, not 50,000.
import { bngPositionToLngLat, isWithinBng } from '../geo/bng.js';
import {
  describePosition,
  describeValue,
  formatCount,
  type LayerProblem,
  type LayerProblemKind,
  roundLocation,
} from './problems.js';

export type LayerCrs = 'EPSG:4326' | 'EPSG:27700';

type Place = readonly [number, number];

/**
 * Where a swapped UK position lands: [lat, lng] read as [lng, lat] puts Great Britain and Northern
 * Ireland (lng -8.7..1.8, lat 49.8..61) in the Indian Ocean off Somalia, where no English council
 * draws catchments.
 */
const SWAPPED_UK = { minX: 49.8, maxX: 61, minY: -8.7, maxY: 1.8 } as const;

/** What the walk found in one feature, beyond the problems it reported directly. */
export interface CoordinateScan {
  /** Positions with finite numbers (whatever their range). */
  readonly numeric: number;
  /** Numeric positions outside the range of the layer's CRS (degrees, or the BNG extent). */
  readonly outOfRange: number;
  /** Every numeric position lies within the BNG extent (eastings 0-700 km, northings 0-1300 km). */
  readonly allInBng: boolean;
  /** Every numeric position lies within lng -180..180 and lat -90..90. */
  readonly allDegrees: boolean;
  /** Some numeric position has a value of 1,000 or more (metres, not degrees, near the grid's origin). */
  readonly anyKilometre: boolean;
  /** Every numeric position lies in the box a swapped UK [lat, lng] falls in. */
  readonly allSwappedUk: boolean;
  /** The first numeric position as received. */
  readonly first?: Place;
}

export interface Tally {
  count: number;
  firstText?: string;
  near?: Place;
  /** The first offending position, when it was numeric. */
  firstXY?: Place;
}

/** Converts a received position to a map location, or undefined when it has no place. */
export function placeOf(x: number, y: number, crs: LayerCrs): Place | undefined {
  if (!inRange(x, y, crs)) return undefined;
  if (crs === 'EPSG:27700') {
    const [lng, lat] = bngPositionToLngLat([x, y]);
    return roundLocation(lng, lat);
  }
  return roundLocation(x, y);
}

/** Whether a numeric position is within the CRS's range (cheap: no reprojection). */
function inRange(x: number, y: number, crs: LayerCrs): boolean {
  return crs === 'EPSG:27700' ? isWithinBng(x, y) : isDegrees(x, y);
}

function isDegrees(x: number, y: number): boolean {
  return x >= -180 && x <= 180 && y >= -90 && y <= 90;
}

/**
 * Walks the coordinates of one Polygon or MultiPolygon, reporting malformed, non-finite and
 * wrongly sized positions, short and unclosed rings, empty parts and (for the layer's CRS)
 * out-of-range positions, through `emit`. Range problems are *not* emitted here: the caller first
 * decides whether the whole feature looks like another CRS (see `rangeProblem`).
 */
export function scanCoordinates(
  type: 'Polygon' | 'MultiPolygon',
  coordinates: readonly unknown[],
  crs: LayerCrs,
  label: string,
  emit: (problem: LayerProblem) => void,
): CoordinateScan & { readonly range: Tally } {
  const tallies = {
    malformed: { count: 0 } as Tally,
    length: { count: 0 } as Tally,
    nonFinite: { count: 0 } as Tally,
    range: { count: 0 } as Tally,
  };
  const state = {
    numeric: 0,
    allInBng: true,
    allDegrees: true,
    allSwappedUk: true,
    anyKilometre: false,
    first: undefined as Place | undefined,
  };
  const axis =
    crs === 'EPSG:27700' ? ['easting', 'northing', 'elevation'] : ['longitude', 'latitude', 'elevation'];

  // Texts and locations are built for the first finding only: reprojecting every position of a
  // BNG layer just in case would cost more than the whole walk.
  const tally = (t: Tally, text: () => string, near: Place | undefined, xy?: Place) => {
    t.count++;
    if (t.count === 1) {
      t.firstText = text();
      t.near = near === undefined ? undefined : placeOf(near[0], near[1], crs);
      t.firstXY = xy;
    }
  };

  const walkPolygon = (rings: unknown, part: number | undefined) => {
    const partName = part === undefined ? '' : `polygon ${part}, `;
    if (!Array.isArray(rings)) {
      tally(
        tallies.malformed,
        () => `polygon ${part} is ${describeValue(rings)}, not an array of rings`,
        undefined,
      );
      return;
    }
    if (rings.length === 0) {
      emit({
        kind: 'empty-geometry',
        feature: label,
        message:
          part === undefined
            ? 'The Polygon has no rings. Remove the feature or draw its area.'
            : `Polygon ${part} of the MultiPolygon has no rings. Remove that part.`,
      });
      return;
    }
    for (let r = 0; r < rings.length; r++) {
      const ring: unknown = rings[r];
      const ringName = `${partName}ring ${r} (${r === 0 ? 'outer' : 'a hole'})`;
      if (!Array.isArray(ring)) {
        tally(
          tallies.malformed,
          () => `${ringName} is ${describeValue(ring)}, not an array of positions`,
          undefined,
        );
        continue;
      }
      walkRing(ring, ringName);
    }
  };

  const walkRing = (ring: readonly unknown[], ringName: string) => {
    // Named only for a finding: a template string per position was a third of a national layer's check.
    const where = (i: number) => `position ${i} of ${ringName}`;
    let near: Place | undefined;
    let firstOfRing: Place | undefined;
    let arrays = 0;
    for (let i = 0; i < ring.length; i++) {
      const position: unknown = ring[i];
      if (!Array.isArray(position)) {
        tally(
          tallies.malformed,
          () => `${where(i)} is ${describeValue(position)}, not an array of numbers`,
          near,
        );
        continue;
      }
      arrays++;
      if (position.length < 2 || position.length > 3) {
        tally(
          tallies.length,
          () =>
            `${where(i)} has ${position.length} value${position.length === 1 ? '' : 's'} (${describePosition(position)})`,
          near,
        );
        continue;
      }
      let bad = -1;
      for (let k = 0; k < position.length; k++) {
        const v: unknown = position[k];
        if (typeof v !== 'number' || !Number.isFinite(v)) {
          bad = k;
          break;
        }
      }
      if (bad >= 0) {
        tally(
          tallies.nonFinite,
          () =>
            `${where(i)} has ${describeValue(position[bad])} as its ${axis[bad]} (${describePosition(position)})`,
          near,
        );
        continue;
      }
      const x = position[0] as number;
      const y = position[1] as number;
      state.numeric++;
      state.first ??= [x, y];
      const degrees = isDegrees(x, y);
      if (!degrees) state.allDegrees = false;
      if (!isWithinBng(x, y)) state.allInBng = false;
      if (x >= 1000 || y >= 1000) state.anyKilometre = true;
      if (x < SWAPPED_UK.minX || x > SWAPPED_UK.maxX || y < SWAPPED_UK.minY || y > SWAPPED_UK.maxY) {
        state.allSwappedUk = false;
      }
      if (inRange(x, y, crs)) {
        near = [x, y];
        if (i === 0) firstOfRing = near;
      } else {
        tally(tallies.range, () => `${where(i)} is ${describePosition(position)}`, near, [x, y]);
      }
    }
    // A "ring" of bare numbers is a nesting mistake, already reported: its length means nothing.
    if (arrays > 0 || ring.length === 0) checkRing(ring, ringName, firstOfRing);
  };

  const checkRing = (ring: readonly unknown[], ringName: string, first: Place | undefined) => {
    const location = first === undefined ? undefined : placeOf(first[0], first[1], crs);
    const base = location === undefined ? { feature: label } : { feature: label, location };
    if (ring.length < 4) {
      emit({
        ...base,
        kind: 'ring-too-short',
        message:
          `${capitalise(ringName)} has ${ring.length} position${ring.length === 1 ? '' : 's'}; a ring needs at least 4 ` +
          '(three corners, then the first corner again to close it). Remove the ring or redraw it.',
      });
    }
    if (ring.length < 2) return;
    const a = numericXY(ring[0]);
    const b = numericXY(ring[ring.length - 1]);
    if (a && b && (a[0] !== b[0] || a[1] !== b[1])) {
      emit({
        ...base,
        kind: 'ring-not-closed',
        message:
          `${capitalise(ringName)} is not closed: it starts at [${a[0]}, ${a[1]}] but ends at [${b[0]}, ${b[1]}]. ` +
          'GeoJSON rings end with a copy of their first position: add it, or run your GIS "fix geometries" tool before exporting.',
      });
    }
  };

  if (type === 'Polygon') {
    walkPolygon(coordinates, undefined);
  } else if (coordinates.length === 0) {
    emit({
      kind: 'empty-geometry',
      feature: label,
      message: 'The MultiPolygon has no polygons. Remove the feature or draw its area.',
    });
  } else {
    for (let p = 0; p < coordinates.length; p++) walkPolygon(coordinates[p], p);
  }

  const nesting =
    type === 'Polygon'
      ? 'A Polygon is [[[lng, lat], …], …] (rings of positions); a MultiPolygon adds one more level.'
      : 'A MultiPolygon is [[[[lng, lat], …], …], …] (polygons of rings of positions).';
  report(
    emit,
    'malformed-coordinates',
    label,
    tallies.malformed,
    `The coordinates are wrongly nested. ${nesting}`,
  );
  report(
    emit,
    'bad-position-length',
    label,
    tallies.length,
    crs === 'EPSG:27700'
      ? 'Each position must be [easting, northing] or [easting, northing, elevation].'
      : 'Each position must be [lng, lat] or [lng, lat, elevation].',
  );
  report(
    emit,
    'non-finite-coordinate',
    label,
    tallies.nonFinite,
    'Coordinates must be plain numbers: not strings, null, NaN or Infinity. Check the export settings of your GIS.',
  );
  return { ...state, outOfRange: tallies.range.count, range: tallies.range };
}

/** Emits one problem for a tally: the first finding, how many more, and what to do. */
function report(
  emit: (problem: LayerProblem) => void,
  kind: LayerProblemKind,
  label: string,
  tally: Tally,
  advice: string,
): void {
  if (tally.count === 0) return;
  const more = tally.count > 1 ? ` (${formatCount(tally.count - 1)} more like it in this feature)` : '';
  emit({
    kind,
    feature: label,
    ...(tally.near === undefined ? {} : { location: tally.near }),
    message: `${capitalise(tally.firstText ?? '')}${more}. ${advice}`,
  });
}

/** The `out-of-range` or `outside-bng` problem for a feature whose range findings stand. */
export function rangeProblem(label: string, crs: LayerCrs, range: Tally): LayerProblem | undefined {
  if (range.count === 0) return undefined;
  const more = range.count > 1 ? ` (${formatCount(range.count - 1)} more like it in this feature)` : '';
  const base = {
    feature: label,
    ...(range.near === undefined ? {} : { location: range.near }),
  };
  const [x, y] = range.firstXY ?? [0, 0];
  const swapped = Math.abs(x) <= 90 && Math.abs(y) > 90 && Math.abs(y) <= 180;
  if (crs === 'EPSG:27700') {
    return {
      ...base,
      kind: 'outside-bng',
      message:
        `${capitalise(range.firstText ?? '')}${more}, outside the British National Grid ` +
        '(eastings 0-700,000 m, northings 0-1,300,000 m). Check the layer really is in EPSG:27700.',
    };
  }
  return {
    ...base,
    kind: 'out-of-range',
    message:
      `${capitalise(range.firstText ?? '')}${more}: longitude must be within -180..180 and latitude within -90..90. ` +
      (swapped
        ? `Its latitude ${y} is beyond ±90 but would be a valid longitude: latitude and longitude look swapped; write each position as [lng, lat] (RFC 7946).`
        : 'Check the coordinate system of the export: the service expects WGS84 longitude/latitude in degrees.'),
  };
}

function numericXY(position: unknown): Place | undefined {
  if (!Array.isArray(position) || position.length < 2) return undefined;
  const x: unknown = position[0];
  const y: unknown = position[1];
  return typeof x === 'number' && typeof y === 'number' && Number.isFinite(x) && Number.isFinite(y)
    ? [x, y]
    : undefined;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
