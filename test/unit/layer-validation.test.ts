import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import proj4 from 'proj4';
import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../../functions/core/errors.js';
import { BNG_PROJ4 } from '../../functions/core/geo/bng.js';
import { GEOMETRY_PROBLEM_KINDS } from '../../functions/core/layer/problems.js';
import {
  checkLayer,
  DEFAULT_LAYER_LIMITS,
  LAYER_PROBLEM_KINDS,
  type LayerCheckOptions,
  type LayerProblem,
  MAX_PROBLEMS_PER_KIND,
  parseLayerCrs,
} from '../../functions/core/layer-validation.js';

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/layer-validation');

interface Expected {
  readonly options: LayerCheckOptions;
  readonly problems: readonly {
    readonly kind: string;
    readonly feature?: string;
    readonly location?: readonly [number, number];
    readonly messageIncludes?: readonly string[];
  }[];
}

function fixture(name: string): { input: unknown; expected: Expected } {
  return {
    input: JSON.parse(readFileSync(path.join(fixtures, `${name}.geojson`), 'utf8')),
    expected: JSON.parse(readFileSync(path.join(fixtures, `${name}.expected.json`), 'utf8')),
  };
}

const key = (p: { kind: string; feature?: string }) => `${p.kind}|${p.feature ?? ''}`;

// A small layer builder for the tests that are not fixtures.
type Ring = number[][];
const square = (x: number, y: number, d = 0.01): Ring => [
  [x, y],
  [x + d, y],
  [x + d, y + d],
  [x, y + d],
  [x, y],
];
const polygonFeature = (id: unknown, rings: unknown, properties: Record<string, unknown> = {}) => ({
  type: 'Feature',
  properties: { id, ...properties },
  geometry: { type: 'Polygon', coordinates: rings },
});
const collection = (features: unknown[]) => ({ type: 'FeatureCollection', features });

describe('checkLayer: fixtures (one per problem kind, with the expected kind, feature and location)', () => {
  const names = readdirSync(fixtures)
    .filter((f) => f.endsWith('.expected.json'))
    .map((f) => f.replace(/\.expected\.json$/, ''))
    .sort();

  it('has a fixture for every problem kind of the upload checks except the summary', () => {
    const covered = new Set(names.flatMap((name) => fixture(name).expected.problems.map((p) => p.kind)));
    // The geometry kinds are the geometry checks' (test/unit/layer-geometry.test.ts).
    const geometry = new Set<string>(GEOMETRY_PROBLEM_KINDS);
    const missing = LAYER_PROBLEM_KINDS.filter(
      (kind) => kind !== 'too-many-problems' && !geometry.has(kind) && !covered.has(kind),
    );
    expect(missing).toEqual([]);
  });

  it.each(names)('%s', (name) => {
    const { input, expected } = fixture(name);
    const result = checkLayer(input, expected.options);
    const actual = [...result.problems].sort((a, b) => key(a).localeCompare(key(b)));
    const wanted = [...expected.problems].sort((a, b) => key(a).localeCompare(key(b)));
    expect(actual.map(key)).toEqual(wanted.map(key));
    wanted.forEach((want, i) => {
      const got = actual[i]!;
      if (want.location) {
        expect(got.location, `${key(want)} location`).toBeDefined();
        // Locations are rounded to 1e-7; the BNG oracle (Code-Point Open) to 1e-6.
        expect(got.location![0]).toBeCloseTo(want.location[0], 5);
        expect(got.location![1]).toBeCloseTo(want.location[1], 5);
      } else {
        expect(got.location, `${key(want)} has no location`).toBeUndefined();
      }
      for (const text of want.messageIncludes ?? []) expect(got.message).toContain(text);
    });
    // A layer comes back exactly when nothing blocks it.
    expect(result.layer !== undefined).toBe(expected.problems.length === 0);
  });
});

describe('checkLayer: the normalised layer', () => {
  it('turns the clean fixture into the model Layer: string ids and names, other properties kept, 2D positions', () => {
    const { input } = fixture('clean');
    const { problems, layer, stats } = checkLayer(input, { idProperty: 'id' });
    expect(problems).toEqual([]);
    expect(stats).toEqual({ features: 4, vertices: 5 + 5 + 5 + 5 + 5 + 5, verticesExact: true });
    expect(layer?.type).toBe('FeatureCollection');
    expect(layer!.features.map((f) => f.properties.id)).toEqual(['hub-01', '7', 'fod-02', 'hub-04']);
    expect(layer!.features.map((f) => f.properties.name)).toEqual([
      'Gloucester Central',
      'Stroud',
      'Cinderford',
      'hub-04',
    ]);
    expect(layer!.features[0]!.properties.provider).toBe('Gateway Trust');
    expect(layer!.features[1]!.geometry.type).toBe('MultiPolygon');
    // Elevation is dropped: every position is [lng, lat].
    const third = layer!.features[2]!.geometry;
    expect(third.type === 'Polygon' && third.coordinates[0]![0]).toEqual([-2.5, 51.82]);
    expect(JSON.stringify(layer)).not.toContain('35.5');
  });

  it('reads names from nameProperty, falling back to the id when missing', () => {
    const input = collection([
      polygonFeature('A', [square(-2.2, 51.8)], { label: 'Alpha' }),
      polygonFeature('B', [square(-2.1, 51.8)], { label: '' }),
    ]);
    const { layer } = checkLayer(input, { idProperty: 'id', nameProperty: 'label' });
    expect(layer!.features.map((f) => f.properties.name)).toEqual(['Alpha', 'B']);
  });

  it('does not copy a "__proto__" property onto the output (no prototype games)', () => {
    const input = JSON.parse(
      '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"A","__proto__":{"polluted":true},"constructor":"x"},"geometry":{"type":"Polygon","coordinates":[[[-2.2,51.8],[-2.1,51.8],[-2.1,51.9],[-2.2,51.8]]]}}]}',
    );
    const { problems, layer } = checkLayer(input, { idProperty: 'id' });
    expect(problems).toEqual([]);
    const properties = layer!.features[0]!.properties as Record<string, unknown>;
    expect(Object.getPrototypeOf(properties)).toBe(Object.prototype);
    expect(properties.polluted).toBeUndefined();
    expect(properties.constructor).toBe('x');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('never reads ids or names from the prototype chain', () => {
    const input = collection([polygonFeature('A', [square(-2.2, 51.8)])]);
    const result = checkLayer(input, { idProperty: 'constructor' });
    expect(result.problems.map((p) => p.kind)).toEqual(['missing-id']);
    const named = checkLayer(input, { idProperty: 'id', nameProperty: 'toString' });
    expect(named.layer!.features[0]!.properties.name).toBe('A');
  });
});

describe('checkLayer: British National Grid', () => {
  const toBng = proj4(BNG_PROJ4, 'EPSG:4326');

  it('reprojects a small BNG square to the expected WGS84 within 1e-5 degrees', () => {
    // The expected corners are chosen in WGS84 and taken to the grid by proj4's inverse transform.
    const corners: [number, number][] = [
      [-2.25, 51.86],
      [-2.24, 51.86],
      [-2.24, 51.87],
      [-2.25, 51.87],
      [-2.25, 51.86],
    ];
    const ring = corners.map(([lng, lat]) => toBng.inverse([lng, lat]));
    expect(ring[0]![0]).toBeGreaterThan(380_000); // really in metres
    const { problems, layer } = checkLayer(collection([polygonFeature('SQ', [ring])]), {
      idProperty: 'id',
      crs: 'EPSG:27700',
    });
    expect(problems).toEqual([]);
    const geometry = layer!.features[0]!.geometry;
    if (geometry.type !== 'Polygon') throw new Error('expected a Polygon');
    geometry.coordinates[0]!.forEach(([lng, lat], i) => {
      expect(Math.abs(lng! - corners[i]![0])).toBeLessThan(1e-5);
      expect(Math.abs(lat! - corners[i]![1])).toBeLessThan(1e-5);
    });
    // Closure survives reprojection exactly.
    expect(geometry.coordinates[0]![4]).toEqual(geometry.coordinates[0]![0]);
  });

  it('agrees with Code-Point Open on real postcode grid references (independent oracle)', () => {
    // Code-Point Open rows (gloucestershire-postcodes.csv): eastings, northings, lat, lng.
    const rows = [
      [383316, 218534, 51.865133, -2.243699], // GL1 1AD
      [382994, 217975, 51.860097, -2.248347], // GL1 1AE
      [394771, 221678, 51.893627, -2.077393], // GL50 1AD
    ] as const;
    const ring = [...rows.map(([e, n]) => [e, n]), [rows[0][0], rows[0][1]]];
    const { problems, layer } = checkLayer(collection([polygonFeature('GL', [ring])]), {
      idProperty: 'id',
      crs: 'EPSG:27700',
    });
    expect(problems).toEqual([]);
    const geometry = layer!.features[0]!.geometry;
    if (geometry.type !== 'Polygon') throw new Error('expected a Polygon');
    rows.forEach(([, , lat, lng], i) => {
      expect(Math.abs(geometry.coordinates[0]![i]![0]! - lng)).toBeLessThan(1e-5);
      expect(Math.abs(geometry.coordinates[0]![i]![1]! - lat)).toBeLessThan(1e-5);
    });
  });

  it('a BNG layer sent without crs is detected, and passes once sent with crs EPSG:27700', () => {
    const { input } = fixture('looks-like-bng');
    const bngOnly = {
      ...(input as object),
      features: (input as { features: unknown[] }).features.slice(0, 2),
    };
    expect(checkLayer(bngOnly, { idProperty: 'code' }).problems.map((p) => p.kind)).toEqual([
      'looks-like-bng',
    ]);
    const resent = checkLayer(bngOnly, { idProperty: 'code', crs: 'EPSG:27700' });
    expect(resent.problems).toEqual([]);
    expect(resent.layer!.features).toHaveLength(2);
  });
});

describe('checkLayer: vertex caps come first', () => {
  /** An array whose element reads are counted: proves the cap check never looks at a position. */
  function counted<T>(array: T[]): { array: T[]; reads: () => number } {
    let reads = 0;
    const proxy = new Proxy(array, {
      get(target, property, receiver) {
        if (typeof property === 'string' && /^\d+$/.test(property)) reads++;
        return Reflect.get(target, property, receiver);
      },
    });
    return { array: proxy, reads: () => reads };
  }

  it('answers a 100,001-vertex polygon from the ring length, reading at most its first position', () => {
    const positions: number[][] = [];
    for (let i = 0; i < 100_000; i++) {
      const a = (2 * Math.PI * i) / 100_000;
      positions.push([-2.2 + 0.1 * Math.cos(a), 51.8 + 0.1 * Math.sin(a)]);
    }
    positions.push(positions[0]!);
    const ring = counted(positions);
    const result = checkLayer(collection([polygonFeature('BIG', [ring.array])]), { idProperty: 'id' });
    expect(result.problems).toHaveLength(1);
    const [problem] = result.problems as LayerProblem[];
    expect(problem!.kind).toBe('too-many-vertices-in-feature');
    expect(problem!.feature).toBe('BIG');
    expect(problem!.message).toContain('100,001 vertices');
    expect(problem!.message).toContain('50,000 per feature');
    expect(problem!.message).toMatch(/simplify/i);
    expect(problem!.location).toEqual([-2.1, 51.8]);
    expect(ring.reads()).toBeLessThanOrEqual(1); // the location; no walk over 100,001 positions
    expect(result.layer).toBeUndefined();
  });

  it('stops counting a 10-million-vertex layer at the cap, without reading a single position', () => {
    // 200 features of 50,000 (sparse: no memory) positions each: every feature is at its cap,
    // the layer is twenty times over.
    const rings = Array.from({ length: 200 }, () => {
      const ring: number[][] = [];
      ring.length = 50_000;
      return counted(ring);
    });
    const input = collection(rings.map((ring, i) => polygonFeature(`F${i}`, [ring.array])));
    const result = checkLayer(input, { idProperty: 'id' });
    expect(result.problems.map((p) => p.kind)).toEqual(['too-many-vertices-in-layer']);
    expect(result.problems[0]!.message).toContain(
      'at least 550,000 vertices in its first 11 of 200 features',
    );
    expect(result.problems[0]!.message).toContain('about 10.0 million');
    expect(result.problems[0]!.message).toContain('500,000 per layer');
    expect(result.stats).toEqual({ features: 200, vertices: 550_000, verticesExact: false });
    expect(rings.reduce((sum, ring) => sum + ring.reads(), 0)).toBe(0);
  });

  it('counts a polygon of millions of empty rings against the cap too', () => {
    const rings = counted(Array.from({ length: 2_000_000 }, () => [] as number[][]));
    const result = checkLayer(collection([polygonFeature('RINGS', rings.array)]), { idProperty: 'id' });
    expect(result.problems.map((p) => p.kind)).toEqual(['too-many-vertices-in-feature']);
    expect(result.problems[0]!.message).toContain('at least 50,001 vertices');
    expect(rings.reads()).toBeLessThan(60_000); // stopped near the cap, not at 2 million
  });

  it('with too many features reports the cap without checking any feature', () => {
    const features: unknown[] = [];
    features.length = 5_000_000; // a sparse array: holes are not features
    features[0] = polygonFeature('A', [square(-2.2, 51.8)]);
    const result = checkLayer(collection(features), { idProperty: 'id' });
    expect(result.problems.map((p) => p.kind)).toEqual(['too-many-features']);
    expect(result.problems[0]!.message).toContain('5,000,000 features; the limit is 10,000');
  });

  it('raised limits let a big layer through', () => {
    const features = Array.from({ length: 30 }, (_, i) =>
      polygonFeature(`F${i}`, [square(-2.5 + i * 0.02, 51.8)]),
    );
    const tight = { maxFeatures: 20, maxVerticesPerLayer: 90 };
    expect(
      checkLayer(collection(features), { idProperty: 'id', limits: tight }).problems.map((p) => p.kind),
    ).toEqual(['too-many-features', 'too-many-vertices-in-layer']);
    const raised = checkLayer(collection(features), {
      idProperty: 'id',
      limits: { maxFeatures: 30, maxVerticesPerLayer: 150 },
    });
    expect(raised.problems).toEqual([]);
    expect(raised.stats.vertices).toBe(150);
  });

  it('has the documented defaults', () => {
    expect(DEFAULT_LAYER_LIMITS).toEqual({
      maxVerticesPerPolygon: 50_000,
      maxVerticesPerLayer: 500_000,
      maxFeatures: 10_000,
    });
  });
});

describe('checkLayer: problem lists stay readable', () => {
  it(`lists at most ${MAX_PROBLEMS_PER_KIND} problems of a kind, then says how many more there were`, () => {
    const open = (i: number) => [
      [-2.5 + i * 0.001, 51.8],
      [-2.5 + i * 0.001, 51.81],
      [-2.49 + i * 0.001, 51.81],
    ];
    const features = Array.from({ length: 250 }, (_, i) =>
      polygonFeature(`P${i}`, [[...open(i), open(i)[0]!.map((v) => v + 1e-4)]]),
    );
    const { problems } = checkLayer(collection(features), { idProperty: 'id' });
    const notClosed = problems.filter((p) => p.kind === 'ring-not-closed');
    const tooShort = problems.filter((p) => p.kind === 'ring-too-short');
    expect(notClosed).toHaveLength(MAX_PROBLEMS_PER_KIND);
    expect(tooShort).toHaveLength(0);
    expect(notClosed[0]!.feature).toBe('P0');
    const summary = problems.filter((p) => p.kind === 'too-many-problems');
    expect(summary).toHaveLength(1);
    expect(summary[0]!.message).toContain('150 more "ring-not-closed" problems');
    expect(summary[0]!.message).toContain('250 in all');
    expect(problems.at(-1)!.kind).toBe('too-many-problems');
  });

  it('reports one problem per feature and kind for position problems, with the count', () => {
    const ring = Array.from({ length: 1000 }, (_, i) =>
      i === 0 || i === 999 ? [-2.2, 51.8] : [-2.2, 'bad'],
    );
    const { problems } = checkLayer(collection([polygonFeature('S', [ring])]), { idProperty: 'id' });
    expect(problems).toHaveLength(1);
    expect(problems[0]!.kind).toBe('non-finite-coordinate');
    expect(problems[0]!.message).toContain('997 more like it');
  });
});

describe('options', () => {
  const input = collection([polygonFeature('A', [square(-2.2, 51.8)])]);

  it('rejects an empty id property, an unknown CRS and non-positive limits with InvalidRequestError', () => {
    expect(() => checkLayer(input, { idProperty: '' })).toThrow(InvalidRequestError);
    expect(() => checkLayer(input, { idProperty: 'id', crs: 'EPSG:3857' as never })).toThrow(
      InvalidRequestError,
    );
    expect(() => checkLayer(input, { idProperty: 'id', limits: { maxFeatures: 0 } })).toThrow(
      InvalidRequestError,
    );
    expect(() =>
      checkLayer(input, { idProperty: 'id', limits: { maxVerticesPerLayer: Number.NaN } }),
    ).toThrow(InvalidRequestError);
  });

  it('parses the ways people write the two CRSs', () => {
    for (const text of ['EPSG:27700', 'epsg:27700', '27700', 'BNG', 'urn:ogc:def:crs:EPSG::27700']) {
      expect(parseLayerCrs(text)).toBe('EPSG:27700');
    }
    for (const text of [
      'EPSG:4326',
      '4326',
      'CRS84',
      'OGC:CRS84',
      'WGS84',
      'urn:ogc:def:crs:OGC:1.3:CRS84',
    ]) {
      expect(parseLayerCrs(text)).toBe('EPSG:4326');
    }
    expect(parseLayerCrs('EPSG:3857')).toBeUndefined();
    expect(parseLayerCrs('277000')).toBeUndefined();
  });
});
