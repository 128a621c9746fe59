// Problems found in a draft boundary set, and their GeoJSON form for the planner's map. Kinds are
// listed (with what to do about each) in docs/planner-guide.md#validation-problems.
import type { Feature, FeatureCollection, Geometry, MultiPolygon } from 'geojson';
import type { GeometryProblem } from '../errors.js';

/** `error` blocks publishing; `warning` is shown but does not; `info` is a figure worth seeing. */
export type Severity = 'error' | 'warning' | 'info';

export interface DraftProblem extends GeometryProblem {
  readonly kind: string;
  readonly severity: Severity;
  /** The layer (or `sites`) the problem is in. */
  readonly layer?: string;
  /** The second feature, for problems between two features (overlaps). */
  readonly otherFeature?: string;
  /** Area in m² on the WGS84 ellipsoid, for overlaps and gaps. */
  readonly areaM2?: number;
  /** The problem's own shape (an overlap), when it has one; else `location` is used. */
  readonly geometry?: MultiPolygon;
}

export interface ProblemFeatureProperties {
  readonly kind: string;
  readonly severity: Severity;
  readonly message: string;
  readonly layer?: string;
  readonly feature?: string;
  readonly otherFeature?: string;
  readonly areaM2?: number;
}

/**
 * One GeoJSON Feature per problem: its shape when it has one, else its location as a Point, else
 * a null geometry (RFC 7946 allows unlocated features), so every problem can be drawn or listed.
 */
export function problemFeatures(
  problems: readonly DraftProblem[],
): FeatureCollection<Geometry | null, ProblemFeatureProperties> {
  return {
    type: 'FeatureCollection',
    features: problems.map(
      (p): Feature<Geometry | null, ProblemFeatureProperties> => ({
        type: 'Feature',
        geometry:
          p.geometry ?? (p.location ? { type: 'Point', coordinates: [p.location[0], p.location[1]] } : null),
        properties: {
          kind: p.kind,
          severity: p.severity,
          message: p.message,
          ...(p.layer ? { layer: p.layer } : {}),
          ...(p.feature ? { feature: p.feature } : {}),
          ...(p.otherFeature ? { otherFeature: p.otherFeature } : {}),
          ...(p.areaM2 !== undefined ? { areaM2: p.areaM2 } : {}),
        },
      }),
    ),
  };
}

/** Problems as the 422 body lists them: small, located by a point (no shapes). */
export function problemSummaries(problems: readonly DraftProblem[]): GeometryProblem[] {
  return problems.map(({ geometry: _g, ...rest }) => rest);
}
