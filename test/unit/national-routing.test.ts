// The national routing answers exactly as a catalog of every served area would (the brute-force
// oracle: LookupCatalog over every area at its active version, resolving each point afresh), for
// every directory postcode and for random points — also while an area is ahead of the routing
// (published after it was built, or a crash between the area's commit and the routing update),
// when only some areas are served, and when postcodes moved since the areas were published.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NationalResolver, ServingSnapshot } from '../../functions/application/serving/national-resolver.js';
import { pointAnswer, postcodeAnswer } from '../../functions/core/lookup/answer.js';
import { AreaLookup } from '../../functions/core/lookup/area-lookup.js';
import { LookupCatalog } from '../../functions/core/lookup/catalog.js';
import type { BoundarySet, PostcodeRecord } from '../../functions/core/model.js';
import { PostcodeDirectory } from '../../functions/core/postcode-directory.js';
import type { AreaDigest } from '../../functions/core/routing/area-digest.js';
import {
  decodeDirectoryColumns,
  encodeDirectoryColumns,
  mergeDirectoryColumns,
} from '../../functions/core/routing/directory-columns.js';
import { NationalRouting, nearestOf } from '../../functions/core/routing/national-routing.js';
import { buildRouting, updateRouting } from '../../functions/core/routing/routing-builder.js';
import { digestOf, MemoryAreaSource, nationalWorld, syntheticDirectory } from '../support/national-areas.js';

function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const { editions } = nationalWorld();
const records = syntheticDirectory(3_000, seeded(11));
const directory = PostcodeDirectory.fromRecords(records);

type Versions = Readonly<Record<string, number>>;
const setOf = (area: string, version: number) => editions[area]![version - 1]!;

/** Everything a test needs: the routing built from `routed`, served at `current`. */
function world(options: {
  routed: Versions;
  current: Versions;
  served?: readonly string[];
  publishedWith?: PostcodeDirectory;
  routingDirectory?: PostcodeDirectory;
}) {
  const publishedWith = options.publishedWith ?? directory;
  const routingDirectory = options.routingDirectory ?? directory;
  const sets = new Map<string, BoundarySet>();
  const digests = new Map<string, AreaDigest>();
  for (const [area, list] of Object.entries(editions)) {
    list.forEach((set, i) => {
      sets.set(`${area}@${i + 1}`, set);
      digests.set(`${area}@${i + 1}`, digestOf(set, publishedWith));
    });
  }
  const { bytes } = buildRouting(
    routingDirectory.sortedColumns(),
    'dir',
    Object.entries(options.routed).map(([area, version]) => ({
      version,
      digest: digests.get(`${area}@${version}`)!,
    })),
  );
  const routing = new NationalRouting(bytes);
  const served = options.served ?? Object.keys(options.current);
  const areas = served.map((id) => ({ id, version: options.current[id]!, summary: null }));
  const stale = new Map<string, AreaDigest>();
  for (const a of areas) {
    const i = routing.indexOf(a.id);
    if (i < 0 || routing.areas[i]!.version !== a.version)
      stale.set(a.id, digests.get(`${a.id}@${a.version}`)!);
  }
  const source = new MemoryAreaSource(sets, digests);
  const resolver = new NationalResolver(new ServingSnapshot(routing, areas, stale), source);
  const oracle = LookupCatalog.build(
    served.map((id) => AreaLookup.build(setOf(id, options.current[id]!))),
    routingDirectory,
  );
  return { resolver, oracle, source, routing, bytes, digests };
}

async function outcome<T>(run: () => T | Promise<T>, shape: (t: T) => unknown): Promise<unknown> {
  try {
    return shape(await run());
  } catch (error) {
    return { error: (error as { code?: string }).code ?? String(error) };
  }
}

async function expectSameAnswers(w: ReturnType<typeof world>, postcodes: readonly string[]) {
  const differences: string[] = [];
  for (const postcode of postcodes) {
    const ours = await outcome(() => w.resolver.resolvePostcode(postcode), postcodeAnswer);
    const theirs = await outcome(() => w.oracle.resolvePostcode(postcode), postcodeAnswer);
    if (JSON.stringify(ours) !== JSON.stringify(theirs)) differences.push(postcode);
  }
  expect(differences).toEqual([]);
  await fc.assert(
    fc.asyncProperty(
      fc.double({ min: -1.5, max: 5, noNaN: true }),
      fc.double({ min: -1.5, max: 5.5, noNaN: true }),
      async (lng, lat) => {
        const ours = await outcome(() => w.resolver.resolvePoint({ lng, lat }), pointAnswer);
        const theirs = await outcome(() => w.oracle.resolvePoint({ lng, lat }), pointAnswer);
        expect(ours).toEqual(theirs);
      },
    ),
    { numRuns: 400, seed: 7 },
  );
}

const everyPostcode = records.map((r) => r.postcode);
const sample = [...everyPostcode.slice(0, 400), 'TE1 9ZZ', 'gl1 1ad', 'not a postcode', 'te10aa'];
// Points on the shared and outer edges, where the tie rules decide.
const edgePoints = [
  [1, 1],
  [1.5, 1],
  [2, 1],
  [1.5, 1.5],
  [2, 2],
  [1, 3.5],
  [1.25, 3.5],
  [1.5, 4],
  [0, 0],
  [3.5, 2],
] as const;

describe('national routing', () => {
  it('answers every directory postcode and random points as the brute-force catalog does', async () => {
    const w = world({
      routed: { alpha: 1, bravo: 1, charlie: 1 },
      current: { alpha: 1, bravo: 1, charlie: 1 },
    });
    await expectSameAnswers(w, everyPostcode);
    for (const [lng, lat] of edgePoints) {
      expect(pointAnswer(await w.resolver.resolvePoint({ lng, lat }))).toEqual(
        pointAnswer(w.oracle.resolvePoint({ lng, lat })),
      );
    }
  });

  it('finds the nearest hub scanning outward in latitude, as measuring every hub does', () => {
    const { routing } = world({
      routed: { alpha: 1, bravo: 1, charlie: 1 },
      current: { alpha: 1, bravo: 1, charlie: 1 },
    });
    const hub = routing.hubColumns();
    expect(hub.ids.length).toBeGreaterThanOrEqual(5);
    fc.assert(
      fc.property(
        fc.double({ min: -20, max: 20, noNaN: true }),
        fc.double({ min: -60, max: 60, noNaN: true }),
        fc.integer({ min: -1, max: routing.areas.length - 1 }),
        (lng, lat, dropped) => {
          const keep = (a: number) => a !== dropped;
          const everyHub = nearestOf(
            hub.ids.length,
            (h) => keep(hub.area[h]!),
            (h) => hub.lng[h]!,
            (h) => hub.lat[h]!,
            (h) => ({ area: routing.areas[hub.area[h]!]!.id, hubId: hub.ids[h]! }),
            lng,
            lat,
          );
          expect(routing.nearestHub(lng, lat, keep)).toEqual(everyHub);
        },
      ),
      { numRuns: 2_000 },
    );
    expect(routing.nearestHub(Number.NaN, 1)).toBeNull();
    expect(routing.nearestHub(1, 1, () => false)).toBeNull();
  });

  it('names the rules: overlap to the lower id, spill past an outline to its area, outside to the nearest hub', async () => {
    const w = world({
      routed: { alpha: 1, bravo: 1, charlie: 1 },
      current: { alpha: 1, bravo: 1, charlie: 1 },
    });
    const at = async (lng: number, lat: number) => pointAnswer(await w.resolver.resolvePoint({ lng, lat }));
    expect(await at(1.75, 0.5)).toMatchObject({ area: 'alpha', match: 'inside', hub: { id: 'a2' } });
    expect(await at(1.75, 1.75)).toMatchObject({ area: 'alpha', match: 'gap' }); // bravo's hub b1 lies there too
    expect(await at(1.25, 3.5)).toMatchObject({ area: 'charlie', match: 'inside', hub: { id: 'c1' } });
    expect(await at(-0.9, 4.9)).toMatchObject({
      area: 'charlie',
      match: 'outside',
      nearestHub: { id: 'c1' },
    });
  });

  it('answers a postcode from one area digest with no polygons loaded, and a point at sea with one area', async () => {
    const w = world({
      routed: { alpha: 1, bravo: 1, charlie: 1 },
      current: { alpha: 1, bravo: 1, charlie: 1 },
    });
    const inside = records.find(
      (r) =>
        r.location &&
        r.location.lng > 0.1 &&
        r.location.lng < 0.9 &&
        r.location.lat > 0.1 &&
        r.location.lat < 1.9,
    )!;
    await w.resolver.resolvePostcode(inside.postcode);
    expect(w.source.loads).toEqual(['answers alpha@1']);
    await w.resolver.resolvePoint({ lng: 4.4, lat: -0.9 });
    expect(w.source.loads).toEqual(['answers alpha@1', 'locator bravo@1']);
  });

  it('while an area is ahead of the routing (a crash before the routing update), answers from its new version', async () => {
    const w = world({
      routed: { alpha: 1, bravo: 1, charlie: 1 },
      current: { alpha: 1, bravo: 2, charlie: 1 },
    });
    await expectSameAnswers(w, sample);
    // Bravo 2 gave up [1.5,2]: postcodes there are alpha's alone; bravo's hub moved.
    expect(pointAnswer(await w.resolver.resolvePoint({ lng: 2.2, lat: 1.8 }))).toMatchObject({
      area: 'bravo',
      version: 2,
    });
  });

  it('serves only the configured areas, and areas missing from the routing', async () => {
    await expectSameAnswers(
      world({
        routed: { alpha: 1, bravo: 1, charlie: 1 },
        current: { alpha: 1, charlie: 1 },
        served: ['alpha', 'charlie'],
      }),
      sample,
    );
    await expectSameAnswers(
      world({ routed: { alpha: 1 }, current: { alpha: 1, bravo: 2, charlie: 1 } }),
      sample,
    );
  });

  it('answers postcodes that moved since the areas were published at their new points', async () => {
    const moved: PostcodeRecord[] = records.map((r, i) =>
      r.location && i % 5 === 0 ? { ...r, location: { lng: r.location.lat - 1, lat: r.location.lng } } : r,
    );
    const w = world({
      routed: { alpha: 1, bravo: 1, charlie: 1 },
      current: { alpha: 1, bravo: 1, charlie: 1 },
      routingDirectory: PostcodeDirectory.fromRecords(moved),
    });
    await expectSameAnswers(
      w,
      moved.slice(0, 600).map((r) => r.postcode),
    );
  });

  it('an update replacing one area gives the same routing as building from scratch', () => {
    const before = world({
      routed: { alpha: 1, bravo: 1, charlie: 1 },
      current: { alpha: 1, bravo: 1, charlie: 1 },
    });
    const after = world({
      routed: { alpha: 1, bravo: 2, charlie: 1 },
      current: { alpha: 1, bravo: 2, charlie: 1 },
    });
    const updated = updateRouting(
      before.routing,
      new Map([['bravo', { version: 2, digest: before.digests.get('bravo@2')! }]]),
    );
    expect(Buffer.from(updated.bytes).equals(Buffer.from(after.bytes))).toBe(true);
    const removed = updateRouting(before.routing, new Map([['charlie', null]]));
    const scratch = world({ routed: { alpha: 1, bravo: 1 }, current: { alpha: 1, bravo: 1 } });
    expect(Buffer.from(removed.bytes).equals(Buffer.from(scratch.bytes))).toBe(true);
  });

  it('refuses bytes that are not a routing file, and round-trips directory columns', () => {
    expect(() => new NationalRouting(new Uint8Array([1, 2, 3]))).toThrow(/Not a national-routing\/1 file/);
    const columns = directory.sortedColumns();
    const back = decodeDirectoryColumns(encodeDirectoryColumns(columns));
    expect([...back.keys]).toEqual([...columns.keys]);
    expect(() => new NationalRouting(encodeDirectoryColumns(columns))).toThrow(/postcode-directory\/1 file/);
    // The union keeps the first directory's entry of a postcode listed twice.
    const other = PostcodeDirectory.fromRecords([
      { postcode: records[0]!.postcode, location: { lat: 9, lng: 9 }, status: 'live' },
      { postcode: 'TE98 9ZZ', location: { lat: 1, lng: 1 }, status: 'terminated', terminated: '2020-01' },
    ]).sortedColumns();
    const merged = mergeDirectoryColumns([columns, other]);
    expect(merged.keys.length).toBe(columns.keys.length + 1);
    expect(merged.lat[0]).toBe(columns.lat[0]);
  });
});
