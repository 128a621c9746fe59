// Problem bookkeeping for the layer checks: stable kinds, a per-kind cap (a broken 50,000-vertex
// layer must not produce a 50,000-line answer), and small formatters for the messages.
import { type GeometryProblem, truncate } from '../errors.js';

/** The kinds of the geometry checks (layer/geometry.ts), run once the layer could be read. */
export const GEOMETRY_PROBLEM_KINDS = [
  // OGC validity, the blocking ones first...
  'self-intersection',
  'rings-cross',
  'parts-overlap',
  'hole-outside-shell',
  'nested-holes',
  'ring-near-zero-area',
  'ring-self-touch',
  'rings-touch-twice',
  'rings-share-edge',
  'parts-share-edge',
  // ...contiguity...
  'detached-part',
  'island-marker-invalid',
  'island-marker-unused',
  // ...and their budget.
  'analysis-budget-exceeded',
] as const;

/** Every `kind` the layer checks report; documented in docs/layer-checks.md. */
export const LAYER_PROBLEM_KINDS = [
  // From the most fundamental (nothing else can be checked) to the most local; the CLI breaks
  // ties between equally frequent kinds in this order.
  'not-a-feature-collection',
  'structure',
  'empty-layer',
  'too-many-features',
  'too-many-vertices-in-layer',
  'too-many-vertices-in-feature',
  'looks-like-bng',
  'looks-like-lat-lng',
  'looks-like-wgs84',
  'missing-id',
  'empty-id',
  'invalid-id',
  'duplicate-id',
  'missing-geometry',
  'unsupported-geometry',
  'empty-geometry',
  'malformed-coordinates',
  'bad-position-length',
  'non-finite-coordinate',
  'out-of-range',
  'outside-bng',
  'ring-too-short',
  'ring-not-closed',
  ...GEOMETRY_PROBLEM_KINDS,
  'too-many-problems',
] as const;
export type LayerProblemKind = (typeof LAYER_PROBLEM_KINDS)[number];

export interface LayerProblem extends GeometryProblem {
  readonly kind: LayerProblemKind;
}

/** How many problems of one kind are listed before the rest are only counted. */
export const MAX_PROBLEMS_PER_KIND = 100;

/** Collects problems in the order found, listing at most `perKind` of each kind. */
export class ProblemSink {
  private readonly listed: LayerProblem[] = [];
  private readonly counts = new Map<LayerProblemKind, number>();

  constructor(private readonly perKind = MAX_PROBLEMS_PER_KIND) {}

  add(problem: LayerProblem): void {
    const seen = (this.counts.get(problem.kind) ?? 0) + 1;
    this.counts.set(problem.kind, seen);
    if (seen <= this.perKind) this.listed.push(problem);
  }

  get size(): number {
    return this.listed.length;
  }

  /** The listed problems, then one `too-many-problems` summary per kind that overflowed. */
  toList(): LayerProblem[] {
    const out = [...this.listed];
    for (const [kind, count] of this.counts) {
      if (count > this.perKind) {
        out.push({
          kind: 'too-many-problems',
          message:
            `${formatCount(count - this.perKind)} more "${kind}" problems were found but not listed ` +
            `(${formatCount(count)} in all; only the first ${this.perKind} of each kind are listed). ` +
            'Fix the cause of the listed ones and check again.',
        });
      }
    }
    return out;
  }
}

/** 1234567 -> "1,234,567" (no Intl: the output must not depend on the runtime's locale data). */
export function formatCount(n: number): string {
  const [whole, fraction] = String(n).split('.');
  const grouped = whole!.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return fraction === undefined ? grouped : `${grouped}.${fraction}`;
}

/** A rough figure for messages: 1,892,578 -> "about 1.9 million", 713,402 -> "about 713,000". */
export function formatAbout(n: number): string {
  if (n >= 1e6) return `about ${(n / 1e6).toFixed(1)} million`;
  if (n >= 1e4) return `about ${formatCount(Math.round(n / 1000) * 1000)}`;
  return `about ${formatCount(Math.round(n))}`;
}

/** A short description of a received value, for messages: never echoes more than 80 characters. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing (an empty slot)';
  if (value === null) return 'null';
  if (typeof value === 'string') return `the string ${JSON.stringify(truncate(value, 40))}`;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `an array of ${formatCount(value.length)}`;
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

/** A position as received, for messages: `[382345, 221234]`; bounded for hostile arrays. */
export function describePosition(position: readonly unknown[]): string {
  const shown = Array.from({ length: Math.min(position.length, 4) }, (_, i) => {
    const v = position[i];
    if (typeof v === 'number') return String(v);
    if (typeof v === 'string') return JSON.stringify(truncate(v, 20));
    if (v === null) return 'null';
    if (Array.isArray(v)) return '[…]';
    return v === undefined ? '(empty)' : typeof v;
  });
  return `[${shown.join(', ')}${position.length > 4 ? ', …' : ''}]`;
}

/** Rounds a location to 7 decimal places (about 1 cm): enough to find the spot, short to read. */
export function roundLocation(lng: number, lat: number): readonly [number, number] {
  return [Math.round(lng * 1e7) / 1e7, Math.round(lat * 1e7) / 1e7];
}
