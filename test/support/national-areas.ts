// Small synthetic multi-area worlds for the national routing tests, with the awkward cases built in:
// two areas whose outlines overlap, an area whose catchments reach past its outline, a gap, points
// at sea, and a second edition of an area that moves its outline and catchments.
import type { MultiPolygon, Polygon } from 'geojson';
import { assignAll } from '../../functions/application/boundary-set-service.js';
import type { AreaAnswers, AreaSource } from '../../functions/application/serving/national-resolver.js';
import { AreaLocator, AreaLookup, AreaSites } from '../../functions/core/lookup/area-lookup.js';
import type { BoundarySet, Layer, PostcodeRecord, Site } from '../../functions/core/model.js';
import type { PostcodeDirectory } from '../../functions/core/postcode-directory.js';
import { AreaDigest, encodeAreaDigest } from '../../functions/core/routing/area-digest.js';

const box = (x0: number, y0: number, x1: number, y1: number): Polygon => ({
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
});

function layer(features: readonly [string, Polygon | MultiPolygon][]): Layer {
  return {
    type: 'FeatureCollection',
    features: features.map(([id, geometry]) => ({
      type: 'Feature',
      properties: { id, name: `Unit ${id}` },
      geometry,
    })),
  } as Layer;
}

function hub(area: string, id: string, lng: number, lat: number, hubId?: string): Site {
  return {
    id,
    kind: hubId ? 'spoke' : 'hub',
    ...(hubId ? { hubId } : {}),
    name: `Site ${id}`,
    address: `${id} road`,
    postcode: 'TE1 1AA',
    location: { lng, lat },
    operator: area,
    services: [],
    ages: { min: 0, max: 19 },
    contact: {},
    openingHours: '',
  } as unknown as Site;
}

function areaSet(id: string, version: number, layers: BoundarySet['layers'], sites: Site[]): BoundarySet {
  return {
    area: { id, name: id, illustrative: true, attribution: [] },
    version,
    layers,
    sites,
  };
}

/**
 * Areas (lng/lat degrees near 0,0 keep the numbers readable):
 * - `alpha` [0,2]x[0,2]: hubs a1 (x<1) and a2 (x>1, y<1.5); [1,2]x[1.5,2] is a gap.
 * - `bravo` [1.5,3.5]x[0,2], overlapping alpha on [1.5,2]: alpha answers there (lower id).
 * - `charlie` [0,1]x[3,4] with a catchment reaching to x=1.5 (past its outline).
 * Edition 2 of bravo shrinks its outline to [2,3.5]x[0,2] and moves its hub line.
 */
export function nationalWorld(): { editions: Record<string, BoundarySet[]> } {
  const alpha = areaSet(
    'alpha',
    1,
    {
      outline: layer([['alpha', box(0, 0, 2, 2)]]),
      catchments: layer([
        ['a1', box(0, 0, 1, 2)],
        ['a2', box(1, 0, 2, 1.5)],
      ]),
      'hv-patches': layer([['a-hv', box(0, 0, 2, 2)]]),
    },
    [hub('alpha', 'a1', 0.5, 1), hub('alpha', 'a2', 1.5, 0.5), hub('alpha', 'a1-s', 0.2, 0.2, 'a1')],
  );
  const bravo1 = areaSet(
    'bravo',
    1,
    {
      outline: layer([['bravo', box(1.5, 0, 3.5, 2)]]),
      catchments: layer([
        ['b1', box(1.5, 0, 2.5, 2)],
        ['b2', box(2.5, 0, 3.5, 2)],
      ]),
      'coc-teams': layer([['b-coc', box(1.5, 0, 3.5, 1)]]),
    },
    [hub('bravo', 'b1', 2, 1), hub('bravo', 'b2', 3, 1)],
  );
  const bravo2 = areaSet(
    'bravo',
    2,
    {
      outline: layer([['bravo', box(2, 0, 3.5, 2)]]),
      catchments: layer([
        ['b1', box(2, 0, 3, 2)],
        ['b2', box(3, 0, 3.5, 2)],
      ]),
    },
    [hub('bravo', 'b1', 2.5, 1.5), hub('bravo', 'b2', 3.2, 0.5)],
  );
  const charlie = areaSet(
    'charlie',
    1,
    {
      outline: layer([['charlie', box(0, 3, 1, 4)]]),
      catchments: layer([['c1', box(0, 3, 1.5, 4)]]),
    },
    [hub('charlie', 'c1', 0.5, 3.5)],
  );
  return { editions: { alpha: [alpha], bravo: [bravo1, bravo2], charlie: [charlie] } };
}

const INWARD_LETTERS = 'ABDEFGHJLNPQRSTUWXYZ';

/** A directory of `n` synthetic postcodes at pseudo-random points of [-1,4.5]x[-1,5], some without location. */
export function syntheticDirectory(n: number, random: () => number): PostcodeRecord[] {
  const records: PostcodeRecord[] = [];
  for (let i = 0; i < n; i++) {
    const district = 1 + (i % 99);
    const sector = Math.floor(i / 99) % 10;
    const unit = Math.floor(i / 990);
    const postcode = `TE${district} ${sector}${INWARD_LETTERS[unit % 20]}${INWARD_LETTERS[Math.floor(unit / 20) % 20]}`;
    const location =
      i % 50 === 7 ? null : { lng: round6(-1 + random() * 5.5), lat: round6(-1 + random() * 6) };
    records.push({ postcode, location, status: i % 17 === 3 ? 'terminated' : 'live' });
  }
  return records;
}

const round6 = (v: number) => Math.round(v * 1e6) / 1e6;

/** Digest of a version published with `directory`, as the service would store it. */
export function digestOf(set: BoundarySet, directory: PostcodeDirectory): AreaDigest {
  const rows = assignAll(set, directory).filter((r) => r.assignment.match !== 'outside');
  return new AreaDigest(encodeAreaDigest(set, rows, 'test'));
}

/** An in-memory AreaSource over fixed sets and digests, counting loads. */
export class MemoryAreaSource implements AreaSource {
  readonly loads: string[] = [];
  private readonly lookups = new Map<string, AreaLookup>();
  private readonly locators = new Map<string, AreaLocator>();

  constructor(
    private readonly sets: ReadonlyMap<string, BoundarySet>,
    private readonly digests: ReadonlyMap<string, AreaDigest>,
  ) {}

  async answers(area: string, version: number): Promise<AreaAnswers> {
    const key = `${area}@${version}`;
    const digest = this.digests.get(key);
    const set = this.sets.get(key);
    if (!digest || !set) throw new Error(`no ${key}`);
    this.loads.push(`answers ${key}`);
    return { digest, sites: new AreaSites(set.area, version, set.sites, (id) => digest.unitName(id)) };
  }

  /** Through the stored form, as a store serves it (the index encoded at publish, decoded on load). */
  async locator(area: string, version: number): Promise<AreaLocator> {
    const key = `${area}@${version}`;
    let locator = this.locators.get(key);
    if (!locator) {
      const set = this.sets.get(key);
      if (!set) throw new Error(`no ${key}`);
      this.loads.push(`locator ${key}`);
      locator = AreaLocator.fromIndex(set.area, version, set.sites, AreaLocator.build(set).encodeIndex());
      this.locators.set(key, locator);
    }
    return locator;
  }

  async geometry(area: string, version: number): Promise<AreaLookup> {
    const key = `${area}@${version}`;
    let lookup = this.lookups.get(key);
    if (!lookup) {
      const set = this.sets.get(key);
      if (!set) throw new Error(`no ${key}`);
      this.loads.push(`geometry ${key}`);
      lookup = AreaLookup.build(set);
      this.lookups.set(key, lookup);
    }
    return lookup;
  }
}
