// The cheap vertex count that runs before any other per-vertex work. It reads array lengths only
// (never a position), so a 100,001-vertex ring costs one read and a 10-million-vertex layer stops
// as soon as the running total passes the cap.
//
// A ring that is not an array or is empty counts as one, and so does a polygon of a MultiPolygon
// that is not an array or has no rings: otherwise millions of empty rings would cost nothing here
// and everything later.

export interface VertexCount {
  readonly count: number;
  /** False when counting stopped early because `count` passed the limit: it is then a lower bound. */
  readonly exact: boolean;
}

/**
 * Counts the positions of a Polygon's or MultiPolygon's `coordinates`, stopping as soon as the
 * count passes `limit` (the count is then a lower bound). Anything else counts as zero.
 */
export function countVertices(type: unknown, coordinates: unknown, limit: number): VertexCount {
  if (!Array.isArray(coordinates)) return { count: 0, exact: true };
  if (type === 'Polygon') return countRings(coordinates, 0, limit);
  if (type !== 'MultiPolygon') return { count: 0, exact: true };
  let count = 0;
  for (let p = 0; p < coordinates.length; p++) {
    const rings: unknown = coordinates[p];
    if (Array.isArray(rings) && rings.length > 0) {
      const part = countRings(rings, count, limit);
      count = part.count;
      if (!part.exact) return part;
    } else {
      count += 1;
    }
    if (count > limit && p < coordinates.length - 1) return { count, exact: false };
  }
  return { count, exact: true };
}

function countRings(rings: readonly unknown[], start: number, limit: number): VertexCount {
  let count = start;
  for (let r = 0; r < rings.length; r++) {
    const ring: unknown = rings[r];
    count += Array.isArray(ring) && ring.length > 0 ? ring.length : 1;
    if (count > limit && r < rings.length - 1) return { count, exact: false };
  }
  return { count, exact: true };
}
