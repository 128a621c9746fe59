// The redraw impact (functions/core/impact): on the Fixtureshire fixture, where ward W5 moves from
// hub-b to hub-c (test/fixtures/impact/README.md), every figure has a hand-derived answer; on the
// sample area a draft moves HV patch hv-tetbury-1's ground from hub-tetbury to hub-cotswolds, and
// the moved postcodes must equal an independent point-in-polygon recount (turf, lowest id on ties).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { booleanPointInPolygon } from '@turf/turf';
import fc from 'fast-check';
import type { Polygon } from 'geojson';
import { beforeAll, describe, expect, it } from 'vitest';
import { readAreaDirectories, readBoundarySetDir } from '../../functions/adapters/boundary-set-files.js';
import { readDirectoryFile } from '../../functions/adapters/directory-file.js';
import { assignAll } from '../../functions/application/boundary-set-service.js';
import { validateDraftSet } from '../../functions/core/boundary-set/validate.js';
import { InvalidGeometryError } from '../../functions/core/errors.js';
import { summariseAlignment } from '../../functions/core/impact/alignment-summary.js';
import { computeRedrawImpact, livePoints } from '../../functions/core/impact/redraw-impact.js';
import { type PostcodeColumns, unitChanges } from '../../functions/core/impact/unit-changes.js';
import { assignmentMap } from '../../functions/core/lookup/assignment-table.js';
import type { BoundarySet, Layer, PostcodeRecord } from '../../functions/core/model.js';
import type { PostcodeDirectory } from '../../functions/core/postcode-directory.js';
import { movePatchGround, recountMoves } from '../support/redraws.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/impact', import.meta.url));
const SAMPLE = fileURLToPath(new URL('../../data/gloucestershire', import.meta.url));

let from: BoundarySet;
let to: BoundarySet;
let directory: PostcodeDirectory;
let records: PostcodeRecord[];
beforeAll(async () => {
  from = await readBoundarySetDir(path.join(FIXTURE, 'from'), 1);
  to = await readBoundarySetDir(path.join(FIXTURE, 'to'), null);
  directory = await readDirectoryFile(path.join(FIXTURE, 'from', 'postcodes.csv'));
  records = [...directory];
});

/** Live postcodes per ward of the fixture (postcodes.csv): W5 has 3, one of them terminated. */
const LIVE = { W1: 4, W2: 3, W3: 5, W4: 2, W5: 2, W6: 4 };

/** Population coefficient of variation, written out so the test does not reuse the code under test. */
function cv(counts: number[]): number {
  const mean = counts.reduce((s, c) => s + c, 0) / counts.length;
  return Math.sqrt(counts.reduce((s, c) => s + (c - mean) ** 2, 0) / counts.length) / mean;
}

describe('computeRedrawImpact on Fixtureshire (ward W5 moves from hub-b to hub-c)', () => {
  it('lists exactly the postcodes of W5 as moving, with the from → to matrix', () => {
    const r = computeRedrawImpact(from, to, records);
    expect(r.validation.publishable).toBe(true);
    expect(r.validation.errors).toBe(0);
    expect(r.hubs.changed).toBe(3);
    expect(r.hubs.changedLive).toBe(2);
    expect(r.hubs.matrix).toEqual([{ from: 'hub-b', to: 'hub-c', postcodes: 3, live: 2 }]);
    expect(r.hubs.moved).toEqual([
      {
        postcode: 'TS5 1AA',
        lat: 51.15,
        lng: -1.885,
        status: 'live',
        fromHub: 'hub-b',
        toHub: 'hub-c',
        match: 'inside',
      },
      {
        postcode: 'TS5 2AA',
        lat: 51.15,
        lng: -1.87,
        status: 'live',
        fromHub: 'hub-b',
        toHub: 'hub-c',
        match: 'inside',
      },
      {
        postcode: 'TS5 3AA',
        lat: 51.15,
        lng: -1.855,
        status: 'terminated',
        fromHub: 'hub-b',
        toHub: 'hub-c',
        match: 'inside',
      },
    ]);
    expect(r.hubs.movedTruncated).toBe(false);
    // Patches and teams are unchanged: W5 is patch hv-b2 and in team coc-west before and after.
    expect(r.hvPatches?.changed).toBe(0);
    expect(r.cocTeams?.changed).toBe(0);
    expect(r.postcodes).toMatchObject({
      given: 23,
      located: 22,
      withoutLocation: 1,
      live: 21,
      terminated: 1,
    });
    expect(r.postcodes.before).toEqual({ inside: 21, boundary: 0, gap: 0, outside: 1 });
    expect(r.postcodes.after).toEqual(r.postcodes.before);
  });

  it('validates both sets clean: the T-junctions of the ward grid (W2/W5 corners on hub-a and hub-c edges) leave coverage checked and full', () => {
    // The catchments (hub-b = W2 alone after the redraw) and the patches (hv-b1 = W2, hv-b2 = W5) have
    // corners at (-1.9, 51.1) and (-1.8, 51.1) where their neighbours have none.
    for (const set of [from, to]) {
      const v = validateDraftSet(
        { area: set.area, layers: set.layers, sites: set.sites },
        { sliverToleranceM2: 100 },
      );
      expect(v.problems.map((p) => `${p.severity}:${p.kind}:${p.layer}`)).toEqual([]);
      expect(v.coverage!.coveredShare).toBe(1);
      expect(v.coverage!.uncoveredAreaM2).toBe(0);
      expect(v.coverage!.overlapAreaM2).toBe(0);
      expect(v.coverage!.outsideOutlineAreaM2).toBe(0);
    }
    const r = computeRedrawImpact(from, to, records, { alignment: false });
    expect(r.validation.warnings).toBe(0);
    expect(r.validation.problems).toEqual([]);
  });

  it('moves the postcodes inside ward W5, by an independent point-in-polygon test', async () => {
    const wards = JSON.parse(await readFile(path.join(FIXTURE, 'wards.geojson'), 'utf8')) as Layer;
    const w5 = wards.features.find((f) => f.properties.id === 'W5')!;
    const inside = records
      .filter((p) => p.location && booleanPointInPolygon([p.location.lng, p.location.lat], w5))
      .map((p) => p.postcode);
    const r = computeRedrawImpact(from, to, records, { alignment: false });
    expect(r.hubs.moved.map((m) => m.postcode)).toEqual(inside);
  });

  it('counts live postcodes per hub before and after, with balance figures', () => {
    const r = computeRedrawImpact(from, to, records);
    const before = { 'hub-a': LIVE.W1 + LIVE.W4, 'hub-b': LIVE.W2 + LIVE.W5, 'hub-c': LIVE.W3 + LIVE.W6 };
    const after = { 'hub-a': LIVE.W1 + LIVE.W4, 'hub-b': LIVE.W2, 'hub-c': LIVE.W3 + LIVE.W5 + LIVE.W6 };
    const byId = Object.fromEntries(r.hubs.units.map((u) => [u.id, u]));
    for (const id of ['hub-a', 'hub-b', 'hub-c'] as const) {
      expect(byId[id]).toMatchObject({ before: before[id], after: after[id], state: 'kept' });
    }
    expect(byId['hub-b']).toMatchObject({ name: 'Beeton Family Hub', change: -2, changeShare: -2 / 5 });
    expect(r.hubs.largestChange?.id).toBe('hub-b'); // |−2| = |+2|: ties go to the lower id
    expect(r.hubs.none).toEqual({ before: 1, after: 1 }); // TS8 1AA, outside the area
    expect(r.hubs.balance.before).toMatchObject({
      units: 3,
      postcodes: 20,
      min: { id: 'hub-b', postcodes: 5 },
      max: { id: 'hub-c', postcodes: 9 },
      maxMinRatio: 9 / 5,
    });
    expect(r.hubs.balance.before.cv).toBeCloseTo(cv([6, 5, 9]), 12);
    expect(r.hubs.balance.after).toMatchObject({
      min: { id: 'hub-b', postcodes: 3 },
      max: { id: 'hub-c', postcodes: 11 },
      maxMinRatio: 11 / 3,
    });
    expect(r.hubs.balance.after.cv).toBeCloseTo(cv([6, 3, 11]), 12);
  });

  it('scores alignment before and after: hub-c now spans both teams', () => {
    const r = computeRedrawImpact(from, to, records);
    const pairs = Object.fromEntries(r.alignment!.pairs.map((p) => [p.name, p]));
    // Before, every layer nests in the next. After, the piece hub-c ∩ coc-west (W5's 2 live
    // postcodes) is neither hub-c's main team (coc-east, 9) nor coc-west's main catchment (hub-a, 6).
    expect(pairs['patches-teams']).toMatchObject({ before: 1, after: 1, change: 0 });
    expect(pairs['patches-catchments']).toMatchObject({ before: 1, after: 1, change: 0 });
    expect(pairs['catchments-teams']!.before).toBe(1);
    expect(pairs['catchments-teams']!.after).toBeCloseTo(1 - LIVE.W5 / 20, 12);
    expect(r.alignment!.agreement.before).toBe(1);
    expect(r.alignment!.agreement.after).toBeCloseTo(18 / 20, 12);
    expect(r.alignment!.after.basis).toBe('postcodes');
  });

  it('agrees when the old answers come from the precomputed table, and reassigns postcodes that moved', () => {
    const fresh = computeRedrawImpact(from, to, records, { alignment: false });
    const table = assignmentMap(assignAll(from, directory));
    const withTable = computeRedrawImpact(from, to, records, { alignment: false, fromAssignments: table });
    expect(withTable.postcodes.fromTable).toEqual({ from: 22, to: 0 });
    expect(withTable.hubs).toEqual(fresh.hubs);
    // A stale row (the directory moved TS5 1AA since) is not trusted: the postcode is assigned afresh.
    const stale = new Map(table);
    const row = stale.get('TS5 1AA')!;
    stale.set('TS5 1AA', { ...row, lng: -1.95, assignment: { ...row.assignment, hubId: 'hub-a' } });
    const r = computeRedrawImpact(from, to, records, { alignment: false, fromAssignments: stale });
    expect(r.postcodes.fromTable.from).toBe(21);
    expect(r.hubs.matrix).toEqual(fresh.hubs.matrix);
  });

  it('bounds the list and keeps the total', () => {
    const r = computeRedrawImpact(from, to, records, { maxListed: 1, alignment: false });
    expect(r.hubs.changed).toBe(3);
    expect(r.hubs.moved.map((m) => m.postcode)).toEqual(['TS5 1AA']);
    expect(r.hubs.movedTruncated).toBe(true);
  });

  it('reports validation problems of the new set and still computes the impact', () => {
    // hub-c also claims W2: an overlap of two catchments (an error at publish).
    const overlapping: BoundarySet = {
      ...to,
      layers: {
        ...to.layers,
        catchments: {
          ...to.layers.catchments,
          features: to.layers.catchments.features.map((f) =>
            f.properties.id === 'hub-c' ? { ...f, geometry: square(-1.9, 51.0, -1.7, 51.2) } : f,
          ),
        },
      },
    };
    const r = computeRedrawImpact(from, overlapping, records, { alignment: false });
    expect(r.validation.publishable).toBe(false);
    expect(r.validation.problems.some((p) => p.kind === 'catchment-overlap' && p.severity === 'error')).toBe(
      true,
    );
    // W2's postcodes lie in hub-b and hub-c: a boundary answer, lowest id (hub-b) as lookups give.
    expect(r.postcodes.after.boundary).toBe(3);
    expect(r.hubs.matrix).toEqual([{ from: 'hub-b', to: 'hub-c', postcodes: 3, live: 2 }]);
  });

  it('refuses, with the validation errors, a new set that cannot answer lookups', () => {
    const empty: BoundarySet = {
      ...to,
      layers: { ...to.layers, catchments: { type: 'FeatureCollection', features: [] } },
    };
    expect(() => computeRedrawImpact(from, empty, records)).toThrow(InvalidGeometryError);
    try {
      computeRedrawImpact(from, empty, records);
    } catch (error) {
      expect((error as InvalidGeometryError).problems.map((p) => p.kind)).toContain('missing-layer');
    }
  });
});

function square(x0: number, y0: number, x1: number, y1: number): Polygon {
  return {
    type: 'Polygon',
    coordinates: [
      [
        [x0, y0],
        [x1, y0],
        [x1, y1],
        [x0, y1],
        [x0, y0],
      ],
    ],
  };
}

describe('unitChanges invariants', () => {
  const id = fc.constantFrom(null, 'u1', 'u2', 'u3', 'u4');
  it('conserves live postcodes, sums the matrix to the moves and lists the largest flows first', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ before: id, after: id, live: fc.boolean() }), { maxLength: 60 }),
        fc.integer({ min: 0, max: 70 }),
        (rows, maxListed) => {
          const columns: PostcodeColumns = {
            postcode: rows.map((_, i) => `P${String(i).padStart(3, '0')}`),
            lat: Float64Array.from(rows.map(() => 51)),
            lng: Float64Array.from(rows.map(() => -2)),
            status: rows.map((r) => (r.live ? 'live' : 'terminated')),
          };
          const units = { ids: ['u1', 'u2', 'u3', 'u4'], names: new Map<string, string>() };
          const r = unitChanges(
            columns,
            rows.map((x) => x.before),
            rows.map((x) => x.after),
            { before: units, after: units },
            maxListed,
          );
          const moved = rows.filter((x) => x.before !== x.after);
          expect(r.changed).toBe(moved.length);
          expect(r.changedLive).toBe(moved.filter((x) => x.live).length);
          expect(r.matrix.reduce((s, f) => s + f.postcodes, 0)).toBe(r.changed);
          expect(r.units.reduce((s, u) => s + u.change, 0) + r.none.after - r.none.before).toBe(0);
          expect(r.moved.length).toBe(Math.min(maxListed, r.changed));
          for (let i = 1; i < r.matrix.length; i++) {
            expect(r.matrix[i - 1]!.postcodes).toBeGreaterThanOrEqual(r.matrix[i]!.postcodes);
          }
          const rank = (m: { from: string | null; to: string | null }) =>
            r.matrix.findIndex((f) => f.from === m.from && f.to === m.to);
          for (let i = 1; i < r.moved.length; i++) {
            expect(rank(r.moved[i - 1]!)).toBeLessThanOrEqual(rank(r.moved[i]!));
          }
        },
      ),
    );
  });
});

describe('computeRedrawImpact on the sample area', () => {
  let sample: BoundarySet;
  let sampleRecords: PostcodeRecord[];
  beforeAll(async () => {
    sample = await readBoundarySetDir(SAMPLE, 1);
    sampleRecords = [...(await readAreaDirectories([SAMPLE])).directory];
  });

  it('moves exactly the postcodes an independent point-in-polygon recount finds', () => {
    const draft = movePatchGround(sample, 'hv-tetbury-1', 'hub-tetbury', 'hub-cotswolds');
    const r = computeRedrawImpact(sample, draft, sampleRecords, { maxListed: 100_000 });
    const expected = recountMoves(sample.layers.catchments, draft.layers.catchments, sampleRecords);
    expect(expected.length).toBeGreaterThan(100);
    expect(
      r.hubs.moved
        .map((m) => ({ postcode: m.postcode, from: m.fromHub, to: m.toHub }))
        .sort((p, q) => (p.postcode < q.postcode ? -1 : 1)),
    ).toEqual(expected);
    expect(r.hubs.changed).toBe(expected.length);
    expect(r.hubs.matrix).toEqual([
      {
        from: 'hub-tetbury',
        to: 'hub-cotswolds',
        postcodes: expected.length,
        live: r.hubs.moved.filter((m) => m.status === 'live').length,
      },
    ]);
    expect(r.validation.publishable).toBe(true);
    // The patch is whole in hub-cotswolds now: patches and teams do not change.
    expect(r.hvPatches?.changed).toBe(0);
    expect(r.cocTeams?.changed).toBe(0);
    const units = Object.fromEntries(r.hubs.units.map((u) => [u.id, u]));
    expect(units['hub-cotswolds']!.change).toBe(r.hubs.changedLive);
    expect(units['hub-tetbury']!.change).toBe(-r.hubs.changedLive);
  });

  it('takes precomputed alignment summaries instead of recomputing them', () => {
    const draft = movePatchGround(sample, 'hv-stroud-1', 'hub-stroud', 'hub-gloucester-south');
    const points = livePoints(sampleRecords);
    const before = summariseAlignment(sample, { points });
    const r = computeRedrawImpact(sample, draft, sampleRecords, { alignmentBefore: before });
    expect(r.alignment?.before).toBe(before);
    // hv-stroud-1 now lies in Gloucester South: patches ↔ catchments stay nested, catchments ↔ teams change.
    const after = summariseAlignment(draft, { points });
    expect(r.alignment?.after).toEqual(after);
    const ct = r.alignment!.pairs.find((p) => p.name === 'catchments-teams')!;
    expect(ct.change).toBeCloseTo(ct.after! - ct.before!, 15);
    expect(ct.change).toBeLessThan(0);
    expect(r.alignment!.pairs.find((p) => p.name === 'patches-catchments')!.change).toBe(0);
  });
});
