// Real ONS boundary layers (CATCHMENTS_REAL_DATA): the published layers pass the upload checks, and
// England's 32,844 LSOAs are turned away by the default caps without being walked. The oracles are
// the data README's own figures (feature and position counts, unique codes) and a plain count here.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import { describe, expect, it } from 'vitest';
import { checkLayer, DEFAULT_LAYER_LIMITS } from '../../functions/core/layer-validation.js';

const dir = process.env.CATCHMENTS_REAL_DATA!;
type Areas = FeatureCollection<Polygon | MultiPolygon, Record<string, string>>;

function positions(layer: Areas): number {
  let n = 0;
  for (const f of layer.features) {
    const polygons = f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates;
    for (const polygon of polygons) for (const ring of polygon) n += ring.length;
  }
  return n;
}

const layers = [
  { file: 'gloucestershire-wards.geojson', id: 'WD13CD', features: 142 },
  { file: 'gloucestershire-lsoa.geojson', id: 'LSOA11CD', features: 373 },
  { file: 'gloucestershire-msoa.geojson', id: 'MSOA11CD', features: 75 },
  { file: 'gloucestershire-oa.geojson', id: 'OA11CD', features: 2001 },
  { file: 'gloucestershire-districts.geojson', id: 'LAD13CD', features: 6 },
] as const;

describe('real Gloucestershire layers pass the upload checks', () => {
  it.each(layers)('$file (id $id)', ({ file, id, features }) => {
    const input = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as Areas;
    const result = checkLayer(input, { idProperty: id });
    expect(result.problems).toEqual([]);
    expect(result.stats).toEqual({ features, vertices: positions(input), verticesExact: true });
    expect(result.layer!.features.map((f) => f.properties.id)).toEqual(
      input.features.map((f) => f.properties[id]),
    );
    expect(result.layer!.features.map((f) => f.geometry.type)).toEqual(
      input.features.map((f) => f.geometry.type),
    );
  });
});

describe('England LSOAs (32,844 features, 1.89 M positions)', () => {
  const england = JSON.parse(
    gunzipSync(readFileSync(path.join(dir, 'england-lsoa.geojson.gz'))).toString('utf8'),
  ) as Areas;

  it('are rejected by the default caps, counting stopped just past the layer cap', () => {
    const result = checkLayer(england, { idProperty: 'LSOA11CD' });
    expect(result.problems.map((p) => p.kind)).toEqual(['too-many-features', 'too-many-vertices-in-layer']);
    expect(result.problems[0]!.message).toContain('32,844 features; the limit is 10,000');
    expect(result.problems[1]!.message).toContain('500,000 per layer');
    expect(result.problems[1]!.message).toMatch(/about (1\.\d|2\.0) million in all/);
    // Stopped within one feature of the cap: nothing past it was counted, let alone walked.
    expect(result.stats.verticesExact).toBe(false);
    expect(result.stats.vertices).toBeGreaterThan(DEFAULT_LAYER_LIMITS.maxVerticesPerLayer);
    expect(result.stats.vertices).toBeLessThan(DEFAULT_LAYER_LIMITS.maxVerticesPerLayer + 2_000);
    expect(result.layer).toBeUndefined();
  });

  it('pass with raised limits, every position counted', () => {
    const result = checkLayer(england, {
      idProperty: 'LSOA11CD',
      limits: { maxFeatures: 40_000, maxVerticesPerLayer: 2_000_000 },
    });
    expect(result.problems).toEqual([]);
    expect(result.stats).toEqual({ features: 32_844, vertices: 1_892_578, verticesExact: true });
    expect(new Set(result.layer!.features.map((f) => f.properties.id)).size).toBe(32_844);
  });
});
