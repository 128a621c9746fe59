// The national sample on synthetic districts (grids of square LSOAs): routing postcodes to districts,
// the plan's invariants (whole LSOAs, one catchment per LSOA, contiguous catchments and patches,
// patches inside their hub's catchment, teams of whole patches but for the one deliberate move, sites
// inside their catchments), the drawn boundary set, determinism, and publishing with resume.
import { booleanPointInPolygon, point, area as sphericalArea } from '@turf/turf';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  fingerprintOf,
  foreignAreas,
  publishDistrictArea,
} from '../../functions/adapters/national-sample/publish.js';
import { EmbeddedBoundaryStore } from '../../functions/adapters/store/embedded-boundary-store.js';
import { BoundarySetService } from '../../functions/application/boundary-set-service.js';
import { checkLayer } from '../../functions/core/layer-validation.js';
import type { Layer } from '../../functions/core/model.js';
import { buildDistrictArea, type DistrictArea } from '../../functions/core/national-sample/district-area.js';
import {
  areaIdOf,
  type DistrictInput,
  type DistrictPlan,
  districtName,
  planDistrict,
} from '../../functions/core/national-sample/district-plan.js';
import { connectedComponents, type RegionGraph } from '../../functions/core/national-sample/partition.js';
import { PostcodeRouter } from '../../functions/core/national-sample/postcode-routing.js';
import { PostcodeDirectory } from '../../functions/core/postcode-directory.js';
import { type GridDistrict, gridData } from '../support/national-grid.js';

const BIG: GridDistrict = {
  code: 'E07000901',
  name: 'Gridshire Vale',
  cols: 14,
  rows: 10,
  lng0: -2.2,
  lat0: 51.8,
  // A busy town in the south-west corner: more postcodes, so more, smaller catchments there.
  postcodesPerCell: (c, r) => (c < 4 && r < 4 ? 40 : 20),
};
const SPLIT: GridDistrict = {
  code: 'E07000902',
  name: 'Two Banks',
  cols: 9,
  rows: 6,
  lng0: -2.06,
  lat0: 51.8,
  // An estuary (column 4) cuts the district in two.
  skip: (c) => c === 4,
  postcodesPerCell: () => 12,
};
const TINY: GridDistrict = { code: 'E06000953', name: 'Lone Isle', cols: 1, rows: 1, lng0: -1.9, lat0: 51.8 };

/** The districts' inputs as the generator routes them; `reversed` feeds LSOAs and rows in reverse order. */
function inputsOf(
  districts: readonly GridDistrict[],
  reversed = false,
): {
  router: PostcodeRouter;
  input: (code: string) => DistrictInput;
} {
  const data = gridData(districts);
  const order = <T>(list: T[]) => (reversed ? [...list].reverse() : list);
  const router = new PostcodeRouter(order(data.lsoas), new Set(districts.map((d) => d.code)));
  for (const row of order(data.postcodes)) router.add(row);
  return {
    router,
    input: (code) => ({ code, lsoas: router.districtLsoas(code), postcodes: router.postcodes(code) }),
  };
}

/** The LSOA graph of a grid district, from the LSOA codes `<district>-<col>-<row>`. */
function gridGraph(input: DistrictInput): RegionGraph {
  const at = new Map(input.lsoas.map((l, i) => [l.code.slice(-5), i]));
  const neighbours = input.lsoas.map((l) => {
    const [c, r] = l.code.slice(-5).split('-').map(Number) as [number, number];
    return [
      [c - 1, r],
      [c + 1, r],
      [c, r - 1],
      [c, r + 1],
    ]
      .map(([x, y]) => at.get(`${String(x).padStart(2, '0')}-${String(y).padStart(2, '0')}`))
      .filter((v): v is number => v !== undefined)
      .sort((a, b) => a - b);
  });
  const zeros = input.lsoas.map(() => 0);
  return { x: zeros, y: zeros, weight: zeros, neighbours };
}

describe('national sample: routing postcodes to districts', () => {
  it('gives each postcode to the district whose LSOA holds it, and flags points on boundaries', () => {
    const data = gridData([BIG, SPLIT]);
    const router = new PostcodeRouter(data.lsoas, new Set([BIG.code]));
    for (const row of data.postcodes) router.add(row);
    // A point on the edge between two squares of BIG, and one on the corner of four.
    router.add({ postcode: 'TE1 9ZZ', lat: 51.805, lng: -2.19, district: 'E07000901' });
    router.add({ postcode: 'TE2 9ZZ', lat: 51.81, lng: -2.19, district: 'E07000901' });
    const routed = router.postcodes(BIG.code);
    const inBig = data.postcodes.filter((p) => p.district === BIG.code).length;
    expect(routed).toHaveLength(inBig + 2);
    // The rest are in SPLIT: tested against its LSOAs near BIG, skipped by the bounding box beyond.
    const { otherDistricts, unplaced } = router.routingCounts;
    expect(otherDistricts).toBeGreaterThan(0);
    expect(unplaced).toBeGreaterThan(0);
    expect(otherDistricts + unplaced).toBe(data.postcodes.length - inBig);
    expect(routed.filter((p) => !p.clean).map((p) => p.postcode)).toEqual(['TE1 9ZZ', 'TE2 9ZZ']);
    const lsoas = router.districtLsoas(BIG.code);
    expect(lsoas.map((l) => l.code)).toEqual([...lsoas.map((l) => l.code)].sort());
    // Each routed point lies in the LSOA it was given (turf as the independent oracle).
    for (const p of routed.slice(0, 200)) {
      expect(booleanPointInPolygon(point([p.lng, p.lat]), lsoas[p.lsoa]!.geometry)).toBe(true);
    }
  });

  it('gives an English point just outside every LSOA to the nearest one, and drops far or non-English ones', () => {
    const data = gridData([BIG]);
    const router = new PostcodeRouter(data.lsoas, new Set([BIG.code]));
    // 0.005° (~350 m) south of the grid's south edge.
    router.add({ postcode: 'TE3 9ZZ', lat: 51.795, lng: -2.15, district: 'E06000001' });
    router.add({ postcode: 'TE4 9ZZ', lat: 51.795, lng: -2.15, district: 'W06000021' });
    router.add({ postcode: 'TE5 9ZZ', lat: 51.795, lng: -2.15, district: null });
    router.add({ postcode: 'TE6 9ZZ', lat: 51.7, lng: -2.15, district: 'E06000001' });
    const routed = router.postcodes(BIG.code);
    expect(routed.map((p) => [p.postcode, p.lsoa, p.clean])).toEqual([['TE3 9ZZ', -1, false]]);
    expect(router.routingCounts).toMatchObject({ routed: 1, nearest: 1, unplaced: 3 });
  });
});

describe('national sample: a district plan', () => {
  let inputs: ReturnType<typeof inputsOf>;
  const plans = new Map<string, DistrictPlan>();
  beforeAll(() => {
    inputs = inputsOf([BIG, SPLIT, TINY]);
    for (const d of [BIG, SPLIT, TINY]) plans.set(d.code, planDistrict(inputs.input(d.code)));
  });

  it('names the area after the district, from its LSOA names', () => {
    const plan = plans.get(BIG.code)!;
    expect(plan.name).toBe('Gridshire Vale');
    expect(plan.areaId).toBe('e07000901-gridshire-vale');
    expect(areaIdOf('E06000010', 'Kingston upon Hull')).toBe('e06000010-kingston-upon-hull');
    expect(areaIdOf('E07000001', 'Ærø, Bürgh & St. Neots!')).toBe('e07000001-r-burgh-st-neots');
    expect(areaIdOf('E07000001', 'x'.repeat(90))).toHaveLength(64);
    expect(districtName('E07000002', [])).toBe('E07000002');
  });

  it('puts every LSOA in exactly one catchment, each catchment one connected piece of whole LSOAs', () => {
    for (const d of [BIG, SPLIT]) {
      const input = inputs.input(d.code);
      const plan = plans.get(d.code)!;
      const graph = gridGraph(input);
      const all = plan.hubs.flatMap((h) => h.lsoas).sort((a, b) => a - b);
      expect(all).toEqual(input.lsoas.map((_, i) => i));
      for (const h of plan.hubs) {
        expect(connectedComponents(graph, h.lsoas)).toHaveLength(1);
        expect(h.lsoas.length).toBeGreaterThanOrEqual(2);
      }
    }
  });

  it('sizes the network by population: 3-12 hubs, about one per 20k people', () => {
    const big = plans.get(BIG.code)!;
    const people = inputs.input(BIG.code).postcodes.length * 38;
    expect(big.hubs).toHaveLength(Math.min(12, Math.round(people / 20_000)));
    expect(plans.get(SPLIT.code)!.hubs).toHaveLength(3); // 648 postcodes: the minimum of 3
    expect(plans.get(TINY.code)!.hubs).toHaveLength(1); // one LSOA cannot hold more
  });

  it('keeps catchments on one bank of the estuary, and numbers hubs north to south', () => {
    const input = inputs.input(SPLIT.code);
    const plan = plans.get(SPLIT.code)!;
    expect(plan.pieces).toBe(2);
    for (const h of plan.hubs) {
      const cols = h.lsoas.map((v) => Number(input.lsoas[v]!.code.slice(-5, -3)));
      expect(cols.every((c) => c < 4) || cols.every((c) => c > 4)).toBe(true);
    }
    const lats = plan.hubs.map((h) => input.postcodes[h.postcode]!.lat);
    expect(lats).toEqual([...lats].sort((a, b) => b - a));
    expect(plan.hubs.map((h) => h.id)).toEqual(['hub-e07000902-01', 'hub-e07000902-02', 'hub-e07000902-03']);
  });

  it('sites hubs and 1-3 spokes on clean postcodes inside their own catchment', () => {
    for (const d of [BIG, SPLIT]) {
      const input = inputs.input(d.code);
      for (const hub of plans.get(d.code)!.hubs) {
        expect(hub.spokes.length).toBeGreaterThanOrEqual(1);
        expect(hub.spokes.length).toBeLessThanOrEqual(3);
        for (const site of [hub, ...hub.spokes]) {
          const p = input.postcodes[site.postcode]!;
          expect(p.clean).toBe(true);
          expect(hub.lsoas).toContain(p.lsoa);
        }
        // Spokes are spread out: each in a different LSOA from the hub and from each other.
        const places = [hub, ...hub.spokes].map((s) => input.postcodes[s.postcode]!.lsoa);
        expect(new Set(places).size).toBe(places.length);
      }
    }
  });

  it('splits each catchment into 2-3 contiguous HV patches', () => {
    for (const d of [BIG, SPLIT]) {
      const input = inputs.input(d.code);
      const plan = plans.get(d.code)!;
      const graph = gridGraph(input);
      for (const hub of plan.hubs) {
        const patches = plan.patches.filter((p) => p.hubId === hub.id);
        expect(patches.length).toBe(hub.load >= 600 ? 3 : 2);
        expect(patches.flatMap((p) => p.lsoas).sort((a, b) => a - b)).toEqual(hub.lsoas);
        for (const p of patches) expect(connectedComponents(graph, p.lsoas)).toHaveLength(1);
      }
    }
  });

  it('groups neighbouring catchments into CoC teams of whole patches, but for one documented move', () => {
    const input = inputs.input(BIG.code);
    const plan = plans.get(BIG.code)!;
    const graph = gridGraph(input);
    expect(plan.teams.length).toBe(Math.max(1, Math.round(plan.hubs.length / 3)));
    expect(plan.teams.flatMap((t) => t.lsoas).sort((a, b) => a - b)).toEqual(input.lsoas.map((_, i) => i));
    expect(plan.misalignments).toHaveLength(1);
    const [move] = plan.misalignments;
    const teamOf = new Map(plan.teams.flatMap((t) => t.lsoas.map((v) => [v, t.id] as const)));
    const split: string[] = [];
    for (const p of plan.patches) {
      const teams = new Set(p.lsoas.map((v) => teamOf.get(v)));
      if (teams.size > 1) split.push(p.id);
    }
    // Exactly one patch is split between two teams: the one the move names.
    expect(split).toEqual([move!.patchId]);
    expect(teamOf.get(move!.lsoa)).toBe(move!.toTeam);
    for (const t of plan.teams) expect(connectedComponents(graph, t.lsoas)).toHaveLength(1);
    // One team, nothing to misalign.
    expect(plans.get(SPLIT.code)!.teams).toHaveLength(1);
    expect(plans.get(SPLIT.code)!.misalignments).toHaveLength(0);
  });
});

describe('national sample: the boundary set of a district', () => {
  let inputs: ReturnType<typeof inputsOf>;
  let area: DistrictArea;
  beforeAll(() => {
    inputs = inputsOf([BIG, SPLIT, TINY]);
    area = buildDistrictArea(inputs.input(BIG.code));
  });

  it('is labelled illustrative, with the OGL and Code-Point attributions and the misalignment', () => {
    const info = area.set.area;
    expect(info.id).toBe('e07000901-gridshire-vale');
    expect(info.illustrative).toBe(true);
    expect(info.description).toMatch(/^Illustrative national sample: not the real family hub/);
    expect(info.description).toContain('Deliberate misalignment: LSOA E07000901-');
    expect(info.attribution.join(' ')).toContain('Open Government Licence');
    expect(info.attribution).toContain(
      'Contains Royal Mail data © Royal Mail copyright and database right 2025.',
    );
  });

  it('draws every unit as the exact union of its LSOAs, and the layers pass the upload checks', () => {
    const { layers } = area.set;
    const lsoaArea = sphericalArea(layers.outline.features[0]!) / (BIG.cols * BIG.rows);
    const features = (layer: Layer) => layer.features.map((f) => f.properties.id);
    expect(layers.outline.features[0]!.geometry.type).toBe('Polygon');
    for (const layer of [layers.catchments, layers['hv-patches']!, layers['coc-teams']!]) {
      let total = 0;
      for (const f of layer.features) {
        const lsoas = f.properties.lsoas as string[];
        // Squares of equal size (to 0.1%): the union's area is the LSOA count times one square.
        expect(sphericalArea(f) / lsoaArea).toBeCloseTo(lsoas.length, 1);
        total += lsoas.length;
      }
      expect(total).toBe(BIG.cols * BIG.rows);
      expect(features(layer)).toEqual([...features(layer)].sort());
      expect(checkLayer(layer, { idProperty: 'id' }).problems).toEqual([]);
    }
    expect(layers.catchments.features.every((f) => f.geometry.type === 'Polygon')).toBe(true);
  });

  it('puts each spoke inside its own hub catchment (turf point-in-polygon)', () => {
    const catchment = new Map(area.set.layers.catchments.features.map((f) => [f.properties.id, f]));
    const hubs = area.set.sites.filter((s) => s.kind === 'hub');
    const spokes = area.set.sites.filter((s) => s.kind === 'spoke');
    expect(hubs.length).toBeGreaterThan(3);
    expect(spokes.length).toBeGreaterThanOrEqual(hubs.length);
    for (const s of area.set.sites) {
      const own = catchment.get(s.kind === 'hub' ? s.id : s.hubId!)!;
      expect(booleanPointInPolygon(point([s.location.lng, s.location.lat]), own)).toBe(true);
      for (const other of catchment.values()) {
        if (other !== own)
          expect(booleanPointInPolygon(point([s.location.lng, s.location.lat]), other)).toBe(false);
      }
      expect(s.contact.phone).toMatch(/^01632 960\d{3}$/);
    }
  });

  it('lists exactly the district postcodes in its directory, with sites on real directory postcodes', () => {
    const directory = PostcodeDirectory.fromCsv(area.directoryCsv);
    const routed = inputs.input(BIG.code).postcodes;
    expect(directory.size).toBe(routed.length);
    for (const s of area.set.sites) expect(directory.get(s.postcode)?.location).toEqual(s.location);
  });

  it('is byte-identical when built again from the inputs fed in another order', () => {
    const again = buildDistrictArea(inputsOf([BIG, SPLIT, TINY], true).input(BIG.code));
    expect(JSON.stringify(again.set)).toBe(JSON.stringify(area.set));
    expect(again.directoryCsv).toBe(area.directoryCsv);
    expect(fingerprintOf(again)).toBe(fingerprintOf(area));
  });

  it('builds a district of one LSOA: one hub, one patch, one team', () => {
    const tiny = buildDistrictArea(inputs.input(TINY.code));
    expect(tiny.summary).toMatchObject({ hubs: 1, patches: 1, teams: 1, lsoas: 1 });
  });
});

describe('national sample: publishing', () => {
  it('publishes a district as one version, leaves it alone on a re-run, and never touches foreign areas', async () => {
    const store = await EmbeddedBoundaryStore.open(':memory:');
    const service = new BoundarySetService({
      store,
      events: { publish: async () => {} },
      sliverToleranceM2: 100,
    });
    const inputs = inputsOf([SPLIT]);
    const area = buildDistrictArea(inputs.input(SPLIT.code));
    expect(await publishDistrictArea(service, store, area)).toBe('published');
    expect(await publishDistrictArea(service, store, area)).toBe('unchanged');
    const versions = await store.versions(area.set.area.id);
    expect(versions).toHaveLength(1);
    expect(versions[0]).toMatchObject({ publishedBy: 'national-sample', version: 1 });
    expect(versions[0]!.counts).toMatchObject({
      hubs: 3,
      postcodes: inputs.input(SPLIT.code).postcodes.length,
    });
    expect(await foreignAreas(store, [area.set.area.id])).toEqual([]);

    // Someone else publishes a version of the area: the generator now calls it foreign.
    await service.importSet(area.set, 'planner@example.org', 'My own redraw');
    expect(await foreignAreas(store, [area.set.area.id, 'other'])).toEqual([
      { area: area.set.area.id, publishedBy: 'planner@example.org' },
    ]);
    await store.close();
  });

  it('keeps memory flat over many areas: the service holds at most 4 answer tables', async () => {
    const store = await EmbeddedBoundaryStore.open(':memory:');
    const service = new BoundarySetService({
      store,
      events: { publish: async () => {} },
      sliverToleranceM2: 100,
    });
    const small = Array.from({ length: 6 }, (_, i) => ({
      code: `E0700095${i}`,
      name: `Small ${i}`,
      cols: 3,
      rows: 2,
      lng0: -2 + i * 0.05,
      lat0: 52,
    }));
    const inputs = inputsOf(small);
    for (const d of small) {
      expect(await publishDistrictArea(service, store, buildDistrictArea(inputs.input(d.code)))).toBe(
        'published',
      );
    }
    // White-box: each cached table is every postcode's answer; a national run publishes 326 areas.
    const cache = (service as unknown as { tables: { entries: Map<string, unknown> } }).tables;
    expect(cache.entries.size).toBe(4);
    await store.close();
  });
});
