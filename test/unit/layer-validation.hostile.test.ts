// Property tests: whatever arrives, checkLayer answers with well-formed problems or a clean layer,
// and never throws; valid layers pass, and their CRS and axis-order mistakes are recognised.
import fc from 'fast-check';
import proj4 from 'proj4';
import { describe, expect, it } from 'vitest';
import { BNG_PROJ4 } from '../../functions/core/geo/bng.js';
import {
  checkLayer,
  LAYER_PROBLEM_KINDS,
  type LayerCheckResult,
  MAX_PROBLEMS_PER_KIND,
} from '../../functions/core/layer-validation.js';

const KINDS = new Set<string>(LAYER_PROBLEM_KINDS);

/** The promises every answer keeps, whatever the input. */
function expectWellFormed(result: LayerCheckResult): void {
  const perKind = new Map<string, number>();
  for (const problem of result.problems) {
    expect(KINDS.has(problem.kind), problem.kind).toBe(true);
    expect(typeof problem.message).toBe('string');
    expect(problem.message.length).toBeGreaterThan(10);
    expect(problem.message.length).toBeLessThan(2_000); // bounded, whatever was sent
    if (problem.feature !== undefined) {
      expect(typeof problem.feature).toBe('string');
      expect(problem.feature.length).toBeLessThanOrEqual(200);
    }
    if (problem.location !== undefined) {
      const [lng, lat] = problem.location;
      expect(Number.isFinite(lng) && Number.isFinite(lat)).toBe(true);
      expect(Math.abs(lng)).toBeLessThanOrEqual(180);
      expect(Math.abs(lat)).toBeLessThanOrEqual(90);
    }
    perKind.set(problem.kind, (perKind.get(problem.kind) ?? 0) + 1);
  }
  for (const [kind, count] of perKind) {
    if (kind !== 'too-many-problems') expect(count).toBeLessThanOrEqual(MAX_PROBLEMS_PER_KIND);
  }
  expect(result.layer !== undefined).toBe(result.problems.length === 0);
  // The whole answer is plain JSON (problems go straight into problem+json bodies).
  expect(() => JSON.stringify(result)).not.toThrow();
  if (result.layer) {
    const ids = result.layer.features.map((f) => f.properties.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const feature of result.layer.features) {
      expect(typeof feature.properties.id).toBe('string');
      expect(typeof feature.properties.name).toBe('string');
      const polygons =
        feature.geometry.type === 'Polygon' ? [feature.geometry.coordinates] : feature.geometry.coordinates;
      for (const ring of polygons.flat()) {
        expect(ring.length).toBeGreaterThanOrEqual(4);
        for (const position of ring) {
          expect(position).toHaveLength(2);
          expect(Math.abs(position[0]!)).toBeLessThanOrEqual(180);
          expect(Math.abs(position[1]!)).toBeLessThanOrEqual(90);
        }
      }
    }
  }
}

// Keys that trip naive code, mixed with the names the checks look for.
const key = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'length'),
  fc.constantFrom('type', 'features', 'geometry', 'properties', 'coordinates', 'id', 'name', 'bbox', 'crs'),
  fc.string({ maxLength: 8 }),
);
const coordinateValue = fc.oneof(
  { weight: 6, arbitrary: fc.double({ min: -200, max: 200 }) },
  { weight: 2, arbitrary: fc.double() }, // NaN, ±Infinity, -0 and huge values
  { weight: 2, arbitrary: fc.integer({ min: -10_000, max: 1_400_000 }) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(null, '51.8', true, [], {}, undefined) },
);
const position = fc.oneof(
  { weight: 8, arbitrary: fc.array(coordinateValue, { minLength: 2, maxLength: 3 }) },
  { weight: 1, arbitrary: fc.array(coordinateValue, { maxLength: 5 }) },
  { weight: 1, arbitrary: coordinateValue },
);
const ring = fc.oneof(
  { weight: 6, arbitrary: fc.array(position, { maxLength: 8 }) },
  {
    weight: 2,
    arbitrary: position.chain((p) => fc.array(position, { maxLength: 6 }).map((rest) => [p, ...rest, p])),
  },
  { weight: 1, arbitrary: coordinateValue },
);
const polygonCoordinates = fc.array(ring, { maxLength: 3 });
const geometry = fc.oneof(
  { weight: 5, arbitrary: fc.record({ type: fc.constant('Polygon'), coordinates: polygonCoordinates }) },
  {
    weight: 3,
    arbitrary: fc.record({
      type: fc.constant('MultiPolygon'),
      coordinates: fc.array(polygonCoordinates, { maxLength: 3 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record(
      {
        type: fc.oneof(
          fc.constantFrom('Point', 'LineString', 'GeometryCollection', '__proto__', 'constructor'),
          fc.string(),
        ),
        coordinates: fc.jsonValue(),
        bbox: fc.jsonValue(),
      },
      { requiredKeys: ['type'] },
    ),
  },
  { weight: 1, arbitrary: fc.jsonValue() },
  // Members present but undefined: possible from JavaScript callers, easy to mistake for absent.
  { weight: 1, arbitrary: fc.constant(undefined) },
  {
    weight: 1,
    arbitrary: fc.constantFrom('Polygon', 'MultiPolygon').map((type) => ({ type, coordinates: undefined })),
  },
);
const idValue = fc.oneof(
  fc.constantFrom('A', 'B', 'A'), // duplicates are likely
  fc.integer(),
  fc.string({ maxLength: 6 }),
  fc.constantFrom<unknown>(null, undefined, '', '   ', true, {}, [], Number.NaN),
);
const properties = fc.oneof(
  { weight: 6, arbitrary: fc.record({ id: idValue, name: fc.jsonValue() }, { requiredKeys: [] }) },
  { weight: 2, arbitrary: fc.dictionary(key, fc.jsonValue(), { maxKeys: 4 }) },
  { weight: 1, arbitrary: fc.jsonValue() },
);
const feature = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record(
      {
        type: fc.constantFrom('Feature', 'feature', '__proto__'),
        properties,
        geometry,
        id: idValue,
        bbox: fc.jsonValue(),
      },
      { requiredKeys: ['type', 'geometry'] },
    ),
  },
  { weight: 1, arbitrary: fc.anything({ key, withNullPrototype: true, withSparseArray: true }) },
);
const hostileCollection = fc.record(
  {
    type: fc.constantFrom('FeatureCollection', 'FeatureCollection', 'Feature', '__proto__'),
    features: fc.oneof(
      { weight: 8, arbitrary: fc.array(feature, { maxLength: 6 }) },
      { weight: 1, arbitrary: fc.jsonValue() },
    ),
    bbox: fc.jsonValue(),
    crs: fc.jsonValue(),
  },
  { requiredKeys: ['type'] },
);

// Valid layers: random squares over England, with random ids and extra properties.
const englandSquare = fc.record({
  lng: fc.double({ min: -5.5, max: 1.5, noNaN: true }),
  lat: fc.double({ min: 50.1, max: 55.5, noNaN: true }),
  size: fc.double({ min: 0.001, max: 0.05, noNaN: true }),
});
const validLayer = fc
  .uniqueArray(
    fc.string({ minLength: 1, maxLength: 12 }).filter((s) => s.trim() !== ''),
    { minLength: 1, maxLength: 12 },
  )
  .chain((ids) =>
    fc.tuple(fc.constant(ids), fc.array(englandSquare, { minLength: ids.length, maxLength: ids.length })),
  );
function square({ lng, lat, size }: { lng: number; lat: number; size: number }): number[][] {
  return [
    [lng, lat],
    [lng + size, lat],
    [lng + size, lat + size],
    [lng, lat + size],
    [lng, lat],
  ];
}
function layerOf(ids: string[], rings: number[][][]) {
  return {
    type: 'FeatureCollection',
    features: ids.map((id, i) => ({
      type: 'Feature',
      properties: { code: id, note: `unit ${i}` },
      geometry: { type: 'Polygon', coordinates: [rings[i]] },
    })),
  };
}

describe('checkLayer never throws, whatever it is given', () => {
  it('arbitrary JSON', () => {
    fc.assert(
      fc.property(
        fc.jsonValue(),
        fc.constantFrom('id', 'name', '__proto__', 'constructor'),
        (input, idProperty) => {
          expectWellFormed(checkLayer(input, { idProperty }));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('JSON text with prototype-named keys, parsed the way the API parses a body', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = JSON.stringify({
          type: 'FeatureCollection',
          features: [value, { __proto__x: value }],
        }).replaceAll('__proto__x', '__proto__');
        expectWellFormed(checkLayer(JSON.parse(text), { idProperty: 'id' }));
      }),
      { numRuns: 100 },
    );
  });

  it('anything JavaScript can hold: sparse arrays, null-prototype objects, odd keys', () => {
    fc.assert(
      fc.property(
        fc.anything({ key, withNullPrototype: true, withSparseArray: true, withBigInt: true }),
        (input) => {
          expectWellFormed(checkLayer(input, { idProperty: 'id' }));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('GeoJSON-shaped input with every kind of wrong coordinate, id and type', () => {
    fc.assert(
      fc.property(
        hostileCollection,
        fc.constantFrom('EPSG:4326', 'EPSG:27700') as fc.Arbitrary<'EPSG:4326' | 'EPSG:27700'>,
        (input, crs) => {
          expectWellFormed(
            checkLayer(input, {
              idProperty: 'id',
              crs,
              limits: { maxVerticesPerPolygon: 20, maxFeatures: 5 },
            }),
          );
        },
      ),
      { numRuns: 1_000 },
    );
  });

  it('valid layers with one member replaced, removed or emptied (where a clean-looking layer could crash the build)', () => {
    const replacement = fc.oneof(
      fc.constantFrom<unknown>(undefined, null, [], {}, '', 0, Number.NaN, '__proto__', [[]], [[[]]]),
      fc.jsonValue(),
    );
    const target = fc.constantFrom(
      'feature',
      'type',
      'properties',
      'id',
      'geometry',
      'geometry.type',
      'coordinates',
      'ring',
      'position',
      'value',
    );
    const mutation = fc.record({
      target,
      at: fc.nat(),
      how: fc.constantFrom('replace', 'delete'),
      value: replacement,
    });
    fc.assert(
      fc.property(
        validLayer,
        fc.array(mutation, { minLength: 1, maxLength: 3 }),
        ([ids, squares], mutations) => {
          const layer = layerOf(ids, squares.map(square)) as { features: Record<string, unknown>[] };
          for (const { target, at, how, value } of mutations) {
            const raw: unknown = layer.features[at % layer.features.length];
            const feature = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
            const geometry = (
              typeof feature.geometry === 'object' && feature.geometry !== null ? feature.geometry : undefined
            ) as Record<string, unknown> | undefined;
            const rings = geometry?.coordinates as unknown[][] | undefined;
            const set = (holder: unknown, key: string | number) => {
              if (typeof holder !== 'object' || holder === null) return;
              if (how === 'delete') delete (holder as Record<string, unknown>)[key];
              else (holder as Record<string, unknown>)[key] = value;
            };
            if (target === 'feature') set(layer.features, at % layer.features.length);
            else if (target === 'type') set(feature, 'type');
            else if (target === 'properties') set(feature, 'properties');
            else if (target === 'id') set(feature.properties, 'code');
            else if (target === 'geometry') set(feature, 'geometry');
            else if (target === 'geometry.type') set(geometry, 'type');
            else if (target === 'coordinates') set(geometry, 'coordinates');
            else if (Array.isArray(rings) && Array.isArray(rings[0])) {
              const ring = rings[0] as unknown[];
              const position = ring[at % ring.length];
              if (target === 'ring') set(rings, 0);
              else if (target === 'position') set(ring, at % ring.length);
              else set(position, at % 2);
            }
          }
          expectWellFormed(checkLayer(layer, { idProperty: 'code' }));
        },
      ),
      { numRuns: 1_000 },
    );
  });

  it('deeply nested arrays and properties (100,000 levels) are answered without recursion', () => {
    let deep: unknown = [-2.2, 51.8];
    for (let i = 0; i < 100_000; i++) deep = [deep];
    const input = {
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', properties: { id: 'DEEP' }, geometry: { type: 'Polygon', coordinates: deep } },
        {
          type: 'Feature',
          properties: { id: 'MULTI' },
          geometry: { type: 'MultiPolygon', coordinates: [deep, deep] },
        },
        {
          type: 'Feature',
          properties: { id: 'PROPS', extra: deep },
          geometry: {
            type: 'Polygon',
            coordinates: [
              [
                [-2.2, 51.8],
                [-2.1, 51.8],
                [-2.1, 51.9],
                [-2.2, 51.8],
              ],
            ],
          },
        },
      ],
    };
    const result = checkLayer(input, { idProperty: 'id' });
    // Each "ring" holds one position-like array, itself one element long.
    expect(result.problems.map((p) => `${p.kind} ${p.feature}`)).toEqual([
      'ring-too-short DEEP',
      'bad-position-length DEEP',
      'ring-too-short MULTI',
      'ring-too-short MULTI',
      'bad-position-length MULTI',
      'structure PROPS',
    ]);
    expect(result.problems[5]!.message).toContain('"extra" is nested more than 16 levels deep');
    expectWellFormed(result);
  });
});

describe('valid layers and their classic mistakes', () => {
  const toWgs84 = proj4(BNG_PROJ4, 'EPSG:4326');

  it('a valid layer passes and comes back with the same ids, in order', () => {
    fc.assert(
      fc.property(validLayer, ([ids, squares]) => {
        const result = checkLayer(layerOf(ids, squares.map(square)), { idProperty: 'code' });
        expect(result.problems).toEqual([]);
        expect(result.layer!.features.map((f) => f.properties.id)).toEqual(ids);
        expect(result.layer!.features.map((f) => f.properties.note)).toEqual(ids.map((_, i) => `unit ${i}`));
      }),
      { numRuns: 200 },
    );
  });

  it('the same layer in [lat, lng] order is recognised as swapped, naming the first feature', () => {
    fc.assert(
      fc.property(validLayer, ([ids, squares]) => {
        const swapped = squares.map((s) => square(s).map(([lng, lat]) => [lat!, lng!]));
        const result = checkLayer(layerOf(ids, swapped), { idProperty: 'code' });
        expect(result.problems.map((p) => p.kind)).toEqual(['looks-like-lat-lng']);
        expect(result.problems[0]!.feature).toBe(ids[0]);
        expect(result.problems[0]!.location![0]).toBeCloseTo(squares[0]!.lng, 6);
        expect(result.problems[0]!.location![1]).toBeCloseTo(squares[0]!.lat, 6);
      }),
      { numRuns: 100 },
    );
  });

  it('the same layer in British National Grid is recognised without crs, and round-trips with it', () => {
    fc.assert(
      fc.property(validLayer, ([ids, squares]) => {
        const wgs = squares.map(square);
        const bng = wgs.map((ring) => ring.map(([lng, lat]) => toWgs84.inverse([lng!, lat!])));
        const sentAsIs = checkLayer(layerOf(ids, bng), { idProperty: 'code' });
        expect(sentAsIs.problems.map((p) => p.kind)).toEqual(['looks-like-bng']);
        expect(sentAsIs.problems[0]!.location![0]).toBeCloseTo(squares[0]!.lng, 5);
        const resent = checkLayer(layerOf(ids, bng), { idProperty: 'code', crs: 'EPSG:27700' });
        expect(resent.problems).toEqual([]);
        resent.layer!.features.forEach((f, i) => {
          const ring = f.geometry.type === 'Polygon' ? f.geometry.coordinates[0]! : [];
          ring.forEach(([lng, lat], j) => {
            expect(Math.abs(lng! - wgs[i]![j]![0]!)).toBeLessThan(1e-5);
            expect(Math.abs(lat! - wgs[i]![j]![1]!)).toBeLessThan(1e-5);
          });
        });
      }),
      { numRuns: 50 },
    );
  });
});
