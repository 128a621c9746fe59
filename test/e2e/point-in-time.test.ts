// "Which hub served this family on the day of referral?" over real HTTP: the sample area is
// version 1; a planner publishes version 2 moving one ward's ground (HV patch hv-coleford-2, one
// ward) from Coleford to Lydney. The same postcode asked at an instant before the publish, after
// it, and with version=1 names the right hub and version each time.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAreaDirectories, readBoundarySetDir } from '../../functions/adapters/boundary-set-files.js';
import type { LookupAnswer } from '../../functions/core/lookup/answer.js';
import type { BoundarySet, PostcodeRecord } from '../../functions/core/model.js';
import type { LocalApp } from '../../functions/local-app.js';
import { SAMPLE_DIR } from '../support/fixtures.js';
import { type CallResult, call, startTestApp } from '../support/local-app.js';
import { movePatchGround, recountMoves } from '../support/redraws.js';

const TOKEN = 'test-admin-token-0123456789';
const AREA = 'gloucestershire';
const ADMIN = `/v1/admin/areas/${AREA}`;
const json = { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' };

let app: LocalApp;
let moved: { postcode: string; from: string | null; to: string | null }[];
let records: PostcodeRecord[];
let beforePublish: string;
let afterPublish: string;
let seededAt: string;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function ok(p: string, init?: RequestInit): Promise<CallResult> {
  const r = await call(app, p, init);
  expect(r.contractProblems, `${init?.method ?? 'GET'} ${p}`).toEqual([]);
  return r;
}

beforeAll(async () => {
  app = await startTestApp({ CATCHMENTS_ADMIN_TOKEN: TOKEN });
  const sample: BoundarySet = await readBoundarySetDir(path.join(SAMPLE_DIR, AREA), 1);
  records = [...(await readAreaDirectories([path.join(SAMPLE_DIR, AREA)])).directory];
  const redraw = movePatchGround(sample, 'hv-coleford-2', 'hub-coleford', 'hub-lydney');
  moved = recountMoves(sample.layers.catchments, redraw.layers.catchments, records);
  seededAt = ((await ok(`/v1/areas/${AREA}/versions`)).json as { versions: { publishedAt: string }[] })
    .versions[0]!.publishedAt;

  expect((await ok(`${ADMIN}/draft`, { method: 'POST', headers: json, body: '{}' })).status).toBe(201);
  const put = await ok(`${ADMIN}/draft/layers/catchments?idProperty=id&nameProperty=name`, {
    method: 'PUT',
    headers: json,
    body: JSON.stringify(redraw.layers.catchments),
  });
  expect(put.status).toBe(200);
  await sleep(5);
  beforePublish = new Date().toISOString();
  await sleep(5);
  const published = await ok(`${ADMIN}/draft/publish`, {
    method: 'POST',
    headers: { ...json, 'If-Match': '1' },
    body: JSON.stringify({ message: 'Move the Coleford 2 ward into Lydney' }),
  });
  expect(published.status).toBe(201);
  await sleep(5);
  afterPublish = new Date().toISOString();
}, 120_000);
afterAll(async () => {
  await app?.close();
});

const answer = (r: CallResult) => r.json as LookupAnswer;

describe('point-in-time lookups', () => {
  it('moved postcodes exist (the redraw is real, by an independent recount)', () => {
    expect(moved.length).toBeGreaterThan(20);
    for (const m of moved) expect(m).toMatchObject({ from: 'hub-coleford', to: 'hub-lydney' });
  });

  it('names the hub and version active before the publish, after it, and for version=1', async () => {
    const pc = encodeURIComponent(moved[0]!.postcode);
    const now = answer(await ok(`/v1/postcodes/${pc}`));
    expect(now).toMatchObject({ version: 2, hub: { id: 'hub-lydney' } });
    expect(now.asOf).toBeUndefined();

    const before = await ok(`/v1/postcodes/${pc}?at=${encodeURIComponent(beforePublish)}`);
    expect(answer(before)).toMatchObject({
      version: 1,
      hub: { id: 'hub-coleford' },
      asOf: { at: beforePublish, version: 1, activeVersion: 2, historical: true },
    });
    expect(before.headers.get('etag')).toMatch(/^"gloucestershire\.v1\./);

    const after = answer(await ok(`/v1/postcodes/${pc}?at=${encodeURIComponent(afterPublish)}`));
    expect(after).toMatchObject({
      version: 2,
      hub: { id: 'hub-lydney' },
      asOf: { at: afterPublish, version: 2, activeVersion: 2, historical: false },
    });

    const v1 = answer(await ok(`/v1/postcodes/${pc}?version=1`));
    expect(v1).toMatchObject({
      version: 1,
      hub: { id: 'hub-coleford' },
      asOf: { at: null, version: 1, historical: true },
    });
    // The historical answer is the whole answer of that version: its hub's spokes, not the new hub's.
    expect(v1.spokes.every((s) => s.hubId === 'hub-coleford')).toBe(true);
  });

  it('answers every moved postcode as the recount says, before and after, in one bulk request each', async () => {
    const postcodes = moved.slice(0, 100).map((m) => m.postcode);
    const ask = async (query: string) =>
      (
        await ok(`/v1/lookups?${query}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ postcodes }),
        })
      ).json as { postcodes: { answer: LookupAnswer }[] };
    const before = await ask(`at=${encodeURIComponent(beforePublish)}`);
    const after = await ask(`at=${encodeURIComponent(afterPublish)}`);
    expect(before.postcodes.map((i) => [i.answer.hub?.id, i.answer.version])).toEqual(
      postcodes.map(() => ['hub-coleford', 1]),
    );
    expect(after.postcodes.map((i) => [i.answer.hub?.id, i.answer.version])).toEqual(
      postcodes.map(() => ['hub-lydney', 2]),
    );
  });

  it('answers coordinates at an instant too', async () => {
    const record = records.find((r) => r.postcode === moved[0]!.postcode)!;
    const { lat, lng } = record.location!;
    const before = answer(
      await ok(`/v1/locations?lat=${lat}&lng=${lng}&at=${encodeURIComponent(beforePublish)}`),
    );
    expect(before).toMatchObject({ version: 1, hub: { id: 'hub-coleford' }, asOf: { historical: true } });
    const v2 = answer(await ok(`/v1/locations?lat=${lat}&lng=${lng}&version=2`));
    expect(v2).toMatchObject({ version: 2, hub: { id: 'hub-lydney' }, asOf: { historical: false } });
  });

  it('refuses instants before the first publish, in the future, malformed, and both at and version', async () => {
    const pc = encodeURIComponent(moved[0]!.postcode);
    const early = await ok(`/v1/postcodes/${pc}?at=2001-01-01T00:00:00Z`);
    expect(early.status).toBe(404);
    expect((early.json as { detail: string }).detail).toContain('before the first publish');
    expect((await ok(`/v1/postcodes/${pc}?at=2999-01-01T00:00:00Z`)).status).toBe(400);
    const bare = await ok(`/v1/postcodes/${pc}?at=2025-01-01`);
    expect(bare.status).toBe(400);
    expect((bare.json as { detail: string }).detail).toContain('time zone');
    expect((await ok(`/v1/postcodes/${pc}?at=${encodeURIComponent(afterPublish)}&version=1`)).status).toBe(
      400,
    );
    expect((await ok(`/v1/postcodes/${pc}?version=0`)).status).toBe(400);
    expect((await ok(`/v1/postcodes/${pc}?version=9`)).status).toBe(404);
  });

  it('lists the versions with their active periods, naming no one', async () => {
    const r = await ok(`/v1/areas/${AREA}/versions`);
    const body = r.json as {
      active: number;
      versions: { version: number; publishedBy: string; periods: unknown[] }[];
    };
    expect(body.active).toBe(2);
    const [v2, v1] = body.versions;
    expect(v1).toMatchObject({ version: 1, publishedBy: 'planner', active: false });
    expect(v1!.periods).toEqual([{ from: seededAt, until: expect.any(String), kind: 'publish' }]);
    expect(v2).toMatchObject({ version: 2, publishedBy: 'planner', active: true, basedOn: 1 });
    expect(v2!.periods).toEqual([
      { from: (v1!.periods[0] as { until: string }).until, until: null, kind: 'publish' },
    ]);
    expect(Date.parse((v2!.periods[0] as { from: string }).from)).toBeGreaterThan(Date.parse(beforePublish));
    expect(Date.parse((v2!.periods[0] as { from: string }).from)).toBeLessThan(Date.parse(afterPublish));
    expect(r.text).not.toContain('test-admin'); // no author identity, no token
  });
});
