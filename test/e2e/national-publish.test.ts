// Publishing one area while ten clients query every area over HTTP: no error, no answer mixing two
// versions (each answer equals what its stated version gives), the other areas unaffected, and the
// new version served everywhere within the refresh interval.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assignAreaPostcodes } from '../../functions/application/area-postcodes.js';
import type { BoundaryStore } from '../../functions/application/ports/boundary-store.js';
import { RoutingMaintainer } from '../../functions/application/serving/routing-maintainer.js';
import { versionCounts } from '../../functions/core/boundary-set/counts.js';
import { pointAnswer } from '../../functions/core/lookup/answer.js';
import { AreaLookup } from '../../functions/core/lookup/area-lookup.js';
import { encodeAssignmentTable } from '../../functions/core/lookup/assignment-table.js';
import type { BoundarySet } from '../../functions/core/model.js';
import { encodeAreaDigest } from '../../functions/core/routing/area-digest.js';
import type { LocalApp } from '../../functions/local-app.js';
import { startTestApp } from '../support/local-app.js';
import { nationalWorld } from '../support/national-areas.js';

const { editions } = nationalWorld();
const REFRESH_SECONDS = 1;

async function publish(store: BoundaryStore, set: BoundarySet, active: number | null): Promise<void> {
  const rows = assignAreaPostcodes(set, { own: null, national: null });
  await store.publish(
    set.area.id,
    {
      set: { ...set, version: null },
      assignments: encodeAssignmentTable(rows),
      digest: encodeAreaDigest(set, rows, null),
      meta: {
        publishedAt: new Date().toISOString(),
        publishedBy: 'test',
        message: `${set.area.id} v${set.version}`,
        basedOn: active,
        counts: versionCounts(set, rows),
        hubChanges: 0,
        directoryStamp: null,
        draft: null,
      },
    },
    { active },
  );
  // What the service does after every publish.
  await new RoutingMaintainer(store).refresh();
}

// Points in every area: inside catchments, on shared edges, in a gap, past an outline and at sea.
const POINTS: readonly [number, number][] = [
  [0.5, 1],
  [1.25, 0.5],
  [1.75, 1.75],
  [1.75, 0.5],
  [2.2, 1.8],
  [2.75, 0.25],
  [3.2, 1.5],
  [0.5, 3.5],
  [1.25, 3.5],
  [4.2, -0.5],
];
const lookups = {
  alpha: AreaLookup.build(editions.alpha![0]!),
  charlie: AreaLookup.build(editions.charlie![0]!),
  bravo1: AreaLookup.build(editions.bravo![0]!),
  bravo2: AreaLookup.build(editions.bravo![1]!),
};
/** The answer the areas give with bravo at version `v` (the brute-force rule over three areas). */
function expected(lng: number, lat: number, bravo: 1 | 2): unknown {
  const areas = [lookups.alpha, bravo === 1 ? lookups.bravo1 : lookups.bravo2, lookups.charlie];
  const covering = areas.find((a) => a.covers(lng, lat)) ?? areas.find((a) => a.inAnyCatchment(lng, lat));
  let lookup = covering;
  if (!lookup) {
    let best = Infinity;
    for (const a of areas) {
      const d = a.assign(lng, lat).nearestHubDistanceM ?? Infinity;
      if (d < best) {
        best = d;
        lookup = a;
      }
    }
  }
  return pointAnswer({ lookup: lookup!, assignment: lookup!.assign(lng, lat), location: { lat, lng } });
}

describe('publishing one area while ten clients query all of them', () => {
  let app: LocalApp;

  beforeAll(async () => {
    app = await startTestApp({ CATCHMENTS_REFRESH_SECONDS: String(REFRESH_SECONDS) });
    for (const area of ['alpha', 'bravo', 'charlie']) await publish(app.store, editions[area]![0]!, null);
    app.provider.invalidate();
  }, 60_000);
  afterAll(() => app?.close());

  it('answers every request, never mixes versions, and serves the new version within the refresh interval', async () => {
    const problems: string[] = [];
    const bravoVersions: { at: number; version: number }[] = [];
    let stop = false;
    let requests = 0;
    const client = async (k: number) => {
      for (let i = k; !stop; i++) {
        const [lng, lat] = POINTS[i % POINTS.length]!;
        const response = await fetch(`${app.url}/v1/locations?lat=${lat}&lng=${lng}`);
        requests++;
        if (response.status !== 200) {
          problems.push(`${lng},${lat}: ${response.status} ${await response.text()}`);
          continue;
        }
        const body = (await response.json()) as { area: string; version: number };
        if (body.area === 'bravo') bravoVersions.push({ at: performance.now(), version: body.version });
        // Whatever bravo version the answer names, it must be exactly that version's answer.
        const servedBravo = body.area === 'bravo' ? (body.version as 1 | 2) : null;
        const candidates = servedBravo ? [servedBravo] : ([1, 2] as const);
        if (!candidates.some((v) => JSON.stringify(expected(lng, lat, v)) === JSON.stringify(body))) {
          problems.push(`${lng},${lat}: ${JSON.stringify(body).slice(0, 200)}`);
        }
      }
    };
    const clients = Array.from({ length: 10 }, (_, k) => client(k));
    await new Promise((resolve) => setTimeout(resolve, 500));
    await publish(app.store, editions.bravo![1]!, 1);
    const published = performance.now();
    await new Promise((resolve) => setTimeout(resolve, REFRESH_SECONDS * 1000 + 1500));
    stop = true;
    await Promise.all(clients);

    expect(problems).toEqual([]);
    expect(requests).toBeGreaterThan(100);
    // Within the refresh interval (plus the time a request takes), every answer names version 2.
    const late = bravoVersions.filter((b) => b.at > published + REFRESH_SECONDS * 1000 + 250);
    expect(late.length).toBeGreaterThan(0);
    expect(late.every((b) => b.version === 2)).toBe(true);
    expect(bravoVersions.some((b) => b.version === 1)).toBe(true);
  }, 60_000);
});
