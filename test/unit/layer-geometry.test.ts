// The geometry checks of a layer (functions/core/layer/geometry.ts): validity as the coverage and publish
// checks see it, and contiguity (functions/core/coverage/contiguity.ts) with its island markers.
import type { MultiPolygon, Position } from 'geojson';
import { beforeAll, describe, expect, it } from 'vitest';
import { type DraftSet, validateDraftSet } from '../../functions/core/boundary-set/validate.js';
import { readAllowedIslands } from '../../functions/core/coverage/contiguity.js';
import { checkCoverage } from '../../functions/core/coverage/coverage.js';
import { checkValidity } from '../../functions/core/coverage/validity.js';
import { checkLayerGeometry } from '../../functions/core/layer/geometry.js';
import type { BoundarySet, Layer, LayerFeatureProperties } from '../../functions/core/model.js';
import { testshireSet } from '../support/boundary-sets.js';

const square = (x: number, y: number, d: number): Position[][] => [
  [
    [x, y],
    [x + d, y],
    [x + d, y + d],
    [x, y + d],
    [x, y],
  ],
];
const multi = (...parts: Position[][][]): MultiPolygon => ({ type: 'MultiPolygon', coordinates: parts });
const layerOf = (
  ...features: { geometry: MultiPolygon; properties?: Partial<LayerFeatureProperties> }[]
): Layer => ({
  type: 'FeatureCollection',
  features: features.map((f, i) => ({
    type: 'Feature',
    geometry: f.geometry,
    properties: { id: `u${i}`, name: `Unit ${i}`, ...f.properties },
  })),
});
const kinds = (layer: Layer) => checkLayerGeometry(layer).map((p) => `${p.kind}:${p.feature}`);

describe('contiguity: which parts are one piece', () => {
  it('parts sharing an edge, touching at a corner, or touching at a T are one piece', () => {
    const d = 0.01;
    expect(kinds(layerOf({ geometry: multi(square(0, 51, d), square(d, 51, d)) }))).toEqual([
      'parts-share-edge:u0', // invalid OGC (a MultiPolygon's parts may touch only at points), but one piece
    ]);
    expect(kinds(layerOf({ geometry: multi(square(0, 51, d), square(d, 51 + d, d)) }))).toEqual([]);
    // A corner of the second square on the middle of the first's right side.
    const t: Position[][] = [
      [
        [d, 51 + d / 2],
        [2 * d, 51],
        [2 * d, 51 + d],
        [d, 51 + d / 2],
      ],
    ];
    expect(kinds(layerOf({ geometry: multi(square(0, 51, d), t) }))).toEqual([]);
  });

  it('parts apart are detached: the smaller piece is reported with its area, shape and a point inside it', () => {
    const layer = layerOf({ geometry: multi(square(0, 51, 0.02), square(0.05, 51, 0.01)) });
    const [problem, ...rest] = checkLayerGeometry(layer, { noun: 'catchment' });
    expect(rest).toEqual([]);
    expect(problem).toMatchObject({ kind: 'detached-part', feature: 'u0' });
    expect(problem!.location![0]).toBeGreaterThan(0.05);
    expect(problem!.location![0]).toBeLessThan(0.06);
    expect(problem!.message).toMatch(
      /^Catchment "u0" is in 2 pieces: this one \(\d+\.\d+ ha around 0\.055,51\.005/,
    );
    const coverage = checkCoverage(layer);
    expect(coverage.detached).toHaveLength(1);
    expect(coverage.detached[0]!.geometry!.coordinates).toEqual([square(0.05, 51, 0.01)]);
    // A quarter of the main piece, at 51°N (areas on the ellipsoid).
    expect(coverage.detached[0]!.areaM2! / 770_000).toBeCloseTo(1, 1);
  });

  it('an island in a hole of its own unit is detached; three parts in a row joined at corners are one', () => {
    const ring: Position[][] = [...square(0, 51, 0.03), [...square(0.01, 51.01, 0.01)[0]!].reverse()];
    expect(kinds(layerOf({ geometry: multi(ring, square(0.012, 51.012, 0.005)) }))).toEqual([
      'detached-part:u0',
    ]);
    const d = 1 / 64; // exact doubles, so the corners are the same points
    expect(
      kinds(
        layerOf({ geometry: multi(square(0, 51, d), square(d, 51 + d, d), square(2 * d, 51 + 2 * d, d)) }),
      ),
    ).toEqual([]);
  });

  it('a detached part marked in allowedIslands is accepted; a stale or unreadable marker is reported', () => {
    const geometry = multi(square(0, 51, 0.02), square(0.05, 51, 0.01), square(0.1, 51, 0.01));
    expect(kinds(layerOf({ geometry, properties: { allowedIslands: '0.055,51.005' } }))).toEqual([
      'detached-part:u0',
    ]);
    expect(
      kinds(layerOf({ geometry, properties: { allowedIslands: '0.055,51.005; 0.105 51.005' } })),
    ).toEqual([]);
    expect(
      kinds(
        layerOf({
          geometry,
          properties: {
            allowedIslands: [
              [0.055, 51.005],
              [0.105, 51.005],
              [0.3, 51],
            ],
          },
        }),
      ),
    ).toEqual(['island-marker-unused:u0']);
    expect(kinds(layerOf({ geometry, properties: { allowedIslands: 'the island' } })).sort()).toEqual([
      'detached-part:u0',
      'detached-part:u0',
      'island-marker-invalid:u0',
    ]);
  });

  it('reads markers as users write them', () => {
    expect(readAllowedIslands('-2.5,51.7; -2.4 51.8;')).toEqual({
      points: [
        [-2.5, 51.7],
        [-2.4, 51.8],
      ],
    });
    expect(readAllowedIslands([[-2.5, 51.7]])).toEqual({ points: [[-2.5, 51.7]] });
    expect(readAllowedIslands(undefined)).toEqual({ points: [] });
    expect(readAllowedIslands('51.7')).toMatchObject({ points: [], error: expect.stringMatching(/lng,lat/) });
    expect(readAllowedIslands([[200, 51]]).error).toBeDefined();
  });
});

describe('validity: validate, coverage and the publish checks agree', () => {
  it('every layer check reports the same validity problems, with the same kinds and places', () => {
    const bowtie: MultiPolygon = multi([
      [
        [0, 51],
        [0.02, 51.02],
        [0.02, 51],
        [0, 51.02],
        [0, 51],
      ],
    ]);
    const layer = layerOf({ geometry: bowtie }, { geometry: multi(square(0.1, 51, 0.01)) });
    const at = (p: { kind: string; location?: readonly [number, number] }) =>
      `${p.kind}@${p.location!.map((v) => v.toFixed(7))}`;
    const direct = checkValidity('u0', bowtie).map(at);
    const viaLayer = checkLayerGeometry(layer).map(at);
    const viaCoverage = checkCoverage(layer).invalid.map(at);
    expect(direct).toEqual(['self-intersection@0.0100000,51.0100000']);
    expect(viaLayer).toEqual(direct);
    expect(viaCoverage).toEqual(direct);
  });
});

describe('contiguity in the publish checks', () => {
  let set: BoundarySet;
  beforeAll(async () => {
    set = await testshireSet();
  });

  it("a catchment of two distant squares is flagged (warning) with the detached piece's shape, for the map", () => {
    const catchments: Layer = {
      ...set.layers.catchments,
      features: set.layers.catchments.features.map((f) =>
        f.properties.id === 'hub-b'
          ? { ...f, geometry: multi(square(-1.95, 51, 0.05), square(-1.92, 51.07, 0.01)) }
          : f,
      ),
    };
    const draft: DraftSet = { area: set.area, layers: { ...set.layers, catchments }, sites: set.sites };
    const result = validateDraftSet(draft, { sliverToleranceM2: 100 });
    const detached = result.problems.filter((p) => p.kind === 'detached-part');
    expect(detached).toEqual([
      expect.objectContaining({ severity: 'warning', layer: 'catchments', feature: 'hub-b' }),
    ]);
    expect(detached[0]!.geometry!.coordinates).toEqual([square(-1.92, 51.07, 0.01)]);
    expect(detached[0]!.message).toMatch(/^Catchment "hub-b" is in 2 pieces/);
  });
});
