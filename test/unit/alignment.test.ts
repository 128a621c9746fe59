import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { alignLayers } from '../../functions/core/alignment/align.js';
import { applyFix } from '../../functions/core/alignment/fixes.js';
import type { WeightedPoint } from '../../functions/core/alignment/points.js';
import { alignThreeWay } from '../../functions/core/alignment/three-way.js';
import { InvalidGeometryError } from '../../functions/core/errors.js';
import { EqualAreaProjection, geometryAreaM2 } from '../../functions/core/geo/area.js';
import type { Layer } from '../../functions/core/model.js';

const fixture = (name: string): Layer =>
  JSON.parse(readFileSync(new URL(`../fixtures/alignment/${name}`, import.meta.url), 'utf8')) as Layer;
const sample = (name: string): Layer =>
  JSON.parse(
    readFileSync(new URL(`../../data/gloucestershire/${name}.geojson`, import.meta.url), 'utf8'),
  ) as Layer;

// The fixture (test/fixtures/alignment/align-*.geojson): four patches in a 2×2 grid (0.02° cells);
// team "west" holds sw and nw except nw's east quarter (lng 0.015-0.02), which team "east" holds.
const patches = fixture('align-patches.geojson');
const teams = fixture('align-teams.geojson');
const plane = new EqualAreaProjection(0, 51);
const areaOf = (layer: Layer, id: string) =>
  geometryAreaM2(layer.features.find((f) => f.properties.id === id)!.geometry, {
    edges: 'lnglat',
    projection: plane,
  });
const n = areaOf(patches, 'nw');
const s = areaOf(patches, 'sw');

describe('alignLayers on a fixture with known answers', () => {
  const r = alignLayers(patches, teams, { nouns: { a: 'patch', b: 'team' } });

  it('finds every overlapping piece with its area', () => {
    const piece = (a: string, b: string) => r.pairs.find((p) => p.a === a && p.b === b);
    expect(r.pairs).toHaveLength(5);
    expect(piece('nw', 'west')!.areaM2 / n).toBeCloseTo(0.75, 9);
    expect(piece('nw', 'east')!.areaM2 / n).toBeCloseTo(0.25, 9);
    expect(piece('se', 'east')!.shareOfA).toBeCloseTo(1, 9);
    expect(piece('ne', 'west')).toBeUndefined(); // they only share an edge
    expect(r.stats.touchingPairs).toBeGreaterThan(0);
  });

  it('gives best fits, shares and nesting per unit, both ways', () => {
    const nw = r.unitsA.find((u) => u.id === 'nw')!;
    expect(nw).toMatchObject({ bestFit: 'west', nested: false, shareByPostcodes: null });
    expect(nw.shareByArea).toBeCloseTo(0.75, 9);
    expect(nw.splits).toEqual([expect.objectContaining({ id: 'east' })]);
    expect(r.unitsA.filter((u) => u.nested).map((u) => u.id)).toEqual(['ne', 'sw', 'se']);
    // West holds sw (s) and 3/4 of nw; s > 0.75 n, so sw is its best patch.
    const west = r.unitsB.find((u) => u.id === 'west')!;
    expect(west.bestFit).toBe('sw');
    expect(west.shareByArea).toBeCloseTo(s / (s + 0.75 * n), 9);
  });

  it('scores: A→B, B→A and coterminosity by their definitions', () => {
    expect(r.scores.basis).toBe('area');
    expect(r.scores.aInB.byArea).toBeCloseTo((0.75 * n + n + 2 * s) / (2 * n + 2 * s), 9);
    expect(r.scores.aInB.byPostcodes).toBeNull();
    // Only the piece nw ∩ east is aligned neither way.
    expect(r.scores.coterminosity).toBeCloseTo(1 - (0.25 * n) / (2 * n + 2 * s), 9);
    expect(r.misalignedPieces).toBe(1);
  });

  it('lists the misaligned fragment with its geometry', () => {
    expect(r.fragments.features).toHaveLength(1);
    const f = r.fragments.features[0]!;
    expect(f.properties).toMatchObject({ a: 'nw', b: 'east', bestFitOfA: 'west', geometryMethod: 'exact' });
    expect(geometryAreaM2(f.geometry!, { edges: 'lnglat', projection: plane }) / (0.25 * n)).toBeCloseTo(
      1,
      6,
    );
  });

  it('suggests the fix that makes the layers coterminous, and applyFix achieves it', () => {
    const fix = r.fixes[0]!;
    expect(fix).toMatchObject({ rank: 1, kind: 'move-fragment', layer: 'b', to: 'west' });
    expect(fix.after.coterminosity).toBeCloseTo(1, 9);
    expect(fix.summary).toMatch(
      /move the part of patch NW in team EAST .* to team WEST: coterminosity 0\.9\d\d → 1\.000/,
    );
    const fixed = alignLayers(patches, applyFix(teams, fix));
    expect(fixed.scores.coterminosity).toBeCloseTo(1, 6);
    expect(fixed.misalignedPieces).toBe(0);
  });

  it('weights by points: counts, shares by postcodes, postcode-based best fit', () => {
    // 10 points in nw's east quarter (team east), 2 in the rest of nw, 1 in each other patch.
    const points: WeightedPoint[] = [
      ...Array.from({ length: 10 }, (_, i) => ({ lng: 0.016 + i * 0.0003, lat: 51.03 })),
      { lng: 0.005, lat: 51.03 },
      { lng: 0.01, lat: 51.025 },
      { lng: 0.03, lat: 51.03 },
      { lng: 0.01, lat: 51.01 },
      { lng: 0.03, lat: 51.01 },
      { lng: Number.NaN, lat: 51 },
    ];
    const w = alignLayers(patches, teams, { points });
    expect(w.points).toEqual({ given: 16, skipped: 1, inA: 15, inB: 15, inBoth: 15 });
    const nw = w.unitsA.find((u) => u.id === 'nw')!;
    // By postcodes nw's best team is east (10 of 12), though west has 3/4 of its area.
    expect(nw).toMatchObject({ bestFit: 'east', postcodes: 12 });
    expect(nw.shareByPostcodes).toBeCloseTo(10 / 12, 12);
    expect(nw.shareByArea).toBeCloseTo(0.25, 9);
    expect(w.scores.basis).toBe('postcodes');
    expect(w.scores.aInB.byPostcodes).toBeCloseTo(13 / 15, 12);
    // Weights count instead of points.
    const heavy = alignLayers(patches, teams, {
      points: points.map((p, i) => ({ ...p, weight: i < 10 ? 0 : 5 })),
    });
    expect(heavy.unitsA.find((u) => u.id === 'nw')).toMatchObject({
      bestFit: 'west',
      postcodes: 12,
      weight: 10,
    });
  });

  it('reports slivers apart and never as fragments', () => {
    // Team east reaches up to 1e-6° (7 cm) into patch sw: a thin 78 m² triangle with no postcodes.
    const teams2 = JSON.parse(JSON.stringify(teams)) as Layer;
    const east = teams2.features.find((f) => f.properties.id === 'east')!.geometry;
    if (east.type !== 'Polygon') throw new Error('fixture changed');
    east.coordinates[0] = east.coordinates[0]!.map(([x, y]) => [
      x === 0.02 && y! < 51.02 ? 0.02 - 1e-6 : x!,
      y!,
    ]);
    const r2 = alignLayers(patches, teams2);
    const sliver = r2.pairs.find((p) => p.a === 'sw' && p.b === 'east')!;
    expect(sliver.sliver).toBe(true);
    expect(sliver.areaM2).toBeGreaterThan(50);
    expect(r2.slivers.count).toBe(1);
    expect(r2.fragments.features.map((f) => f.properties.a)).toEqual(['nw']);
  });

  it('throws a typed error for a layer it cannot overlay (BNG coordinates)', () => {
    const bng = JSON.parse(JSON.stringify(teams)) as Layer;
    for (const f of bng.features) {
      if (f.geometry.type === 'Polygon')
        f.geometry.coordinates = f.geometry.coordinates.map((r) =>
          r.map(([x, y]) => [380_000 + x! * 1e6, 200_000 + (y! - 51) * 1e6]),
        );
    }
    expect(() => alignLayers(patches, bng)).toThrow(InvalidGeometryError);
  });
});

describe('the sample area (data/gloucestershire): deliberate misalignments', () => {
  const rows = gunzipSync(
    readFileSync(new URL('../../data/gloucestershire/postcodes.csv.gz', import.meta.url)),
  )
    .toString()
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split(','));
  const points = rows.filter((r) => r[3] === 'live').map((r) => ({ lat: Number(r[1]), lng: Number(r[2]) }));
  const hv = sample('hv-patches');
  const coc = sample('coc-teams');

  it('finds the three team boundaries that split a patch (data/README.md), and fixing them raises the score to 1', () => {
    const r = alignLayers(hv, coc, { points });
    expect(r.fragments.features.map((f) => [f.properties.a, f.properties.b]).sort()).toEqual([
      ['hv-bishops-cleeve-3', 'coc-cheltenham'],
      ['hv-bourton-on-the-water-2', 'coc-south-cotswolds'],
      ['hv-stroud-2', 'coc-berkeley-vale'],
    ]);
    let teamsNow = coc;
    let before = r.scores.coterminosity;
    for (let step = 0; step < 3; step++) {
      const current = alignLayers(hv, teamsNow, { points });
      const fix = current.fixes.find((f) => f.layer === 'b')!;
      teamsNow = applyFix(teamsNow, fix);
      const after = alignLayers(hv, teamsNow, { points }).scores.coterminosity;
      expect(after).toBeGreaterThan(before);
      expect(after).toBeCloseTo(fix.after.coterminosity, 9);
      before = after;
    }
    expect(before).toBe(1);
  });

  it('three-way: names the six places where catchments, patches and teams disagree', () => {
    const r = alignThreeWay({ catchments: sample('catchments'), hvPatches: hv, cocTeams: coc }, { points });
    expect(r.places.map((p) => p.patch).sort()).toEqual([
      'hv-bishops-cleeve-3',
      'hv-bourton-on-the-water-2',
      'hv-cheltenham-east-2',
      'hv-gloucester-east-1',
      'hv-lydney-2',
      'hv-stroud-2',
    ]);
    const leckhampton = r.places.find((p) => p.patch === 'hv-cheltenham-east-2')!;
    expect(leckhampton).toMatchObject({ catchment: 'hub-cheltenham-west', disagree: ['patches-catchments'] });
    expect(leckhampton.location).not.toBeNull();
    expect(r.agreement).toBeGreaterThan(0.9);
    expect(r.agreement).toBeLessThan(1);
  });
});
