// `catchments validate` and the layer geometry checks on the real Gloucestershire layers
// (../shared/data via CATCHMENTS_REAL_DATA). Oracles: PostGIS ST_IsValid in reference-areas.csv (6
// features invalid) and, for contiguity, the wards' own adjacency (shared boundaries) and distance.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import { describe, expect, it } from 'vitest';
import { validateCommand } from '../../functions/cli/commands/validate.js';
import { type CliIO, runCli } from '../../functions/cli/framework.js';
import { geometryAreaM2 } from '../../functions/core/geo/area.js';
import { checkLayerGeometry } from '../../functions/core/layer/geometry.js';
import type { Layer } from '../../functions/core/model.js';

const dir = process.env.CATCHMENTS_REAL_DATA!;
const file = (name: string) => path.join(dir, `gloucestershire-${name}.geojson`);

function layer(name: string, id: string): Layer {
  const fc = JSON.parse(readFileSync(file(name), 'utf8')) as FeatureCollection<
    Polygon | MultiPolygon,
    Record<string, string>
  >;
  return {
    type: 'FeatureCollection',
    features: fc.features.map((f) => ({
      type: 'Feature',
      geometry: f.geometry,
      properties: { id: f.properties[id]!, name: f.properties[id]! },
    })),
  };
}

function inRing(ring: readonly (readonly number[])[], x: number, y: number): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]! as [number, number];
    const [xj, yj] = ring[j]! as [number, number];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

async function validate(...args: string[]) {
  let stdout = '';
  const io: CliIO = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: () => {} },
    interactive: false,
    env: {},
  };
  const code = await runCli([validateCommand], ['validate', ...args], io);
  return { code, stdout };
}

describe('catchments validate on the real layers', () => {
  it('exits 1 on the LSOA layer, naming E01022380 and E01022465 with their locations', async () => {
    const { code, stdout } = await validate(file('lsoa'), '--id-property', 'LSOA11CD');
    expect(code).toBe(1);
    for (const id of ['E01022380', 'E01022465']) {
      expect(stdout).toMatch(
        new RegExp(`feature ${id} at \\[-?\\d+\\.\\d+, \\d+\\.\\d+\\]\\n.*touches itself`),
      );
    }
    const json = await validate(file('lsoa'), '--id-property', 'LSOA11CD', '--json');
    const problems = JSON.parse(json.stdout).problems as {
      kind: string;
      feature: string;
      location: number[];
    }[];
    const invalid = problems.filter((p) => p.kind === 'ring-self-touch');
    expect(invalid.map((p) => p.feature).sort()).toEqual(['E01022380', 'E01022465']);
    // The pinch points lie on the LSOAs' own boundaries: a vertex each ring passes twice.
    const lsoa = layer('lsoa', 'LSOA11CD');
    for (const p of invalid) {
      const g = lsoa.features.find((f) => f.properties.id === p.feature)!.geometry;
      const ring = (g.type === 'Polygon' ? g.coordinates : g.coordinates.flat()).flat();
      const near = ring.filter(
        (q) => Math.abs(q[0]! - p.location[0]!) < 1e-7 && Math.abs(q[1]! - p.location[1]!) < 1e-7,
      );
      expect(near.length).toBeGreaterThanOrEqual(2);
    }
  });

  it('finds exactly the 6 features PostGIS ST_IsValid marks invalid (reference-areas.csv) among the OAs and LSOAs', () => {
    const invalid = readFileSync(path.join(dir, 'reference-areas.csv'), 'utf8')
      .trim()
      .split('\n')
      .filter((line) => line.endsWith(',false'))
      .map((line) => line.split(',')[1]!)
      .sort();
    expect(invalid).toHaveLength(6);
    const validityKinds = new Set([
      'ring-self-touch',
      'self-intersection',
      'rings-cross',
      'parts-overlap',
      'hole-outside-shell',
      'nested-holes',
      'rings-touch-twice',
      'rings-share-edge',
      'parts-share-edge',
      'ring-near-zero-area',
    ]);
    const found = [
      ...checkLayerGeometry(layer('lsoa', 'LSOA11CD')),
      ...checkLayerGeometry(layer('oa', 'OA11CD')),
    ]
      .filter((p) => validityKinds.has(p.kind))
      .map((p) => p.feature!);
    expect([...new Set(found)].sort()).toEqual(invalid);
  });
});

describe('contiguity of catchments built from real wards', () => {
  const wards = layer('wards', 'WD13CD');
  const shape = (id: string) => wards.features.find((f) => f.properties.id === id)!.geometry as Polygon;
  const catchment = (...ids: string[]): Layer => ({
    type: 'FeatureCollection',
    features: [
      {
        type: 'Feature',
        geometry: { type: 'MultiPolygon', coordinates: ids.map((id) => shape(id).coordinates) },
        properties: { id: 'hub-x', name: 'Hub X' },
      },
    ],
  });

  it('a catchment made of two distant wards is flagged as non-contiguous, the smaller ward located', () => {
    // Cheltenham's All Saints and Gloucester's Kingsholm and Wotton, about 12 km apart.
    const [a, b] = ['E05004288', 'E05004369'];
    const problems = checkLayerGeometry(catchment(a, b), { noun: 'catchment' });
    expect(problems.map((p) => p.kind)).toEqual(['detached-part']);
    expect(problems[0]!.message).toMatch(/^Catchment "hub-x" is in 2 pieces/);
    // The detached piece is the ward with less area, located by a point inside it.
    const smaller = geometryAreaM2(shape(a)) < geometryAreaM2(shape(b)) ? a : b;
    const [lng, lat] = problems[0]!.location!;
    expect(inRing(shape(smaller).coordinates[0]!, lng, lat)).toBe(true);
  });

  it('two wards sharing a boundary are one piece (their shared edges are reported as such, not as detached)', () => {
    const kinds = new Set(checkLayerGeometry(catchment('E05004288', 'E05004295')).map((p) => p.kind));
    expect(kinds.has('detached-part')).toBe(false);
    expect([...kinds]).toEqual(['parts-share-edge']);
  });
});
