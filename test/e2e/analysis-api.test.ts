// The analysis API over real HTTP (node:http + the same middy handlers Lambda runs), on the sample
// area seeded into an in-memory store: a draft that moves the ground of one HV patch between two hub
// catchments, its impact (checked against an independent point-in-polygon recount), alignment before
// and after, the three-way report, the public summary, the version-to-version impact after publishing,
// the token, and the CLI's remote form; the same with a planner's births per LSOA and capacities
// (POST), checked against births spread by hand over the recount's moves. Every response is checked
// against the OpenAPI document.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAreaDirectories, readBoundarySetDir } from '../../functions/adapters/boundary-set-files.js';
import type {
  AlignmentView,
  ImpactView,
  ThreeWayView,
} from '../../functions/application/analysis-service.js';
import type { AlignmentSummary } from '../../functions/core/impact/alignment-summary.js';
import type { BoundarySet, PostcodeRecord } from '../../functions/core/model.js';
import { ANALYSIS_ROUTES } from '../../functions/http/routes.js';
import type { LocalApp } from '../../functions/local-app.js';
import { runCatchments } from '../support/cli.js';
import { FIXTURE_AREAS_DIR, SAMPLE_DIR } from '../support/fixtures.js';
import { type CallResult, call, startTestApp } from '../support/local-app.js';
import { seen } from '../support/openapi-validator.js';
import { movePatchGround, recountMoves } from '../support/redraws.js';

const TOKEN = 'analysis-admin-token-0123456789';
const auth = { Authorization: `Bearer ${TOKEN}` };
const json = { ...auth, 'Content-Type': 'application/json' };
const AREA = 'gloucestershire';
const ADMIN = `/v1/admin/areas/${AREA}`;
// The illustrative births per LSOA and HV patch capacities (made up: data/planning/README.md), plus
// two hub capacities, and two weights rows that cannot be placed.
const BIRTHS_CSV = `${readFileSync(path.join(SAMPLE_DIR, 'planning', 'births-per-lsoa-illustrative.csv'), 'utf8')}E01999999,4\nTotal,100\n`;
const CAPACITY_CSV = `${readFileSync(path.join(SAMPLE_DIR, 'planning', 'hv-patch-capacity-illustrative.csv'), 'utf8')}hub,hub-stroud,400\nhub,hub-gloucester-south,300\n`;
const PLANNING = {
  weights: { csv: BIRTHS_CSV, key: 'lsoa', column: 'births' },
  capacity: { csv: CAPACITY_CSV },
};
const capacities = new Map(
  CAPACITY_CSV.trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split(','))
    .map(([, id, c]) => [id!, Number(c)]),
);

let app: LocalApp;
let sample: BoundarySet;
let draft: BoundarySet;
let records: PostcodeRecord[];
let expected: { postcode: string; from: string | null; to: string | null }[];
beforeAll(async () => {
  app = await startTestApp({ CATCHMENTS_ADMIN_TOKEN: TOKEN });
  sample = await readBoundarySetDir(path.join(SAMPLE_DIR, AREA), 1);
  records = [...(await readAreaDirectories([path.join(SAMPLE_DIR, AREA)])).directory];
  draft = movePatchGround(sample, 'hv-stroud-1', 'hub-stroud', 'hub-gloucester-south');
  expected = recountMoves(sample.layers.catchments, draft.layers.catchments, records);
}, 120_000);
afterAll(async () => {
  await app?.close();
});

async function ok(p: string, init?: RequestInit): Promise<CallResult> {
  const r = await call(app, p, init);
  expect(r.contractProblems, `${init?.method ?? 'GET'} ${p}`).toEqual([]);
  return r;
}

/** Births per postcode, by hand: each LSOA's births spread equally over its live located postcodes. */
function birthsPerPostcode(): Map<string, number> {
  const births = new Map(
    BIRTHS_CSV.trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(','))
      .map(([code, n]) => [code!, Number(n)]),
  );
  const live = records.filter((r) => r.status === 'live' && r.location && births.has(r.census?.lsoa11 ?? ''));
  const count = new Map<string, number>();
  for (const r of live) count.set(r.census!.lsoa11!, (count.get(r.census!.lsoa11!) ?? 0) + 1);
  return new Map(
    live.map((r) => [r.postcode, births.get(r.census!.lsoa11!)! / count.get(r.census!.lsoa11!)!]),
  );
}

const flagOf = (share: number, under = 0.8) => (share > 1 ? 'over' : share < under ? 'under' : 'within');

const coterminosity = (s: AlignmentSummary, name: string) =>
  s.pairs.find((p) => p.name === name)!.scores.coterminosity;

describe('the public alignment summary', () => {
  it('serves the active version’s scores to anyone, with an ETag', async () => {
    const r = await ok(`/v1/areas/${AREA}/alignment`);
    expect(r.status).toBe(200);
    const s = r.json as AlignmentSummary & { version: number; area: string };
    expect(s).toMatchObject({ area: AREA, version: 1, basis: 'postcodes', threshold: 0.95 });
    expect(s.pairs.map((p) => p.name)).toEqual(['patches-teams', 'patches-catchments', 'catchments-teams']);
    // The sample's deliberate misalignments (data/README.md) keep every score below 1.
    for (const p of s.pairs) expect(p.scores.coterminosity).toBeLessThan(1);
    expect(s.agreement).toBeGreaterThan(0.9);
    expect(r.headers.get('cache-control')).toMatch(/^public, max-age=/);
    const etag = r.headers.get('etag')!;
    expect(etag).toMatch(/^"gloucestershire\.v1\.alignment\./);
    expect(
      (await call(app, `/v1/areas/${AREA}/alignment`, { headers: { 'If-None-Match': etag } })).status,
    ).toBe(304);
    const unknown = await ok('/v1/areas/nowhere/alignment');
    expect(unknown.status).toBe(404);
  });
});

describe('analysis authentication', () => {
  it('refuses the admin analysis routes without the token', async () => {
    for (const p of [
      `${ADMIN}/draft/impact`,
      `${ADMIN}/versions/1/alignment`,
      `${ADMIN}/draft/alignment/three-way`,
    ]) {
      const r = await ok(p);
      expect(r.status, p).toBe(401);
      expect(r.json).toMatchObject({ type: '/problems/unauthorized' });
      expect((await ok(p, { headers: { Authorization: 'Bearer wrong-token-0123456789' } })).status).toBe(401);
    }
  });
});

describe('a draft that moves hv-stroud-1’s ground from hub-stroud to hub-gloucester-south', () => {
  let impact: ImpactView;

  it('says there is no draft yet', async () => {
    const r = await ok(`${ADMIN}/draft/impact`, { headers: auth });
    expect(r.status).toBe(404);
  });

  it('lists exactly the postcodes an independent recount moves', async () => {
    expect(
      (
        await ok(`${ADMIN}/draft`, {
          method: 'POST',
          headers: json,
          body: JSON.stringify({ from: 'active' }),
        })
      ).status,
    ).toBe(201);
    const put = await ok(`${ADMIN}/draft/layers/catchments?idProperty=id`, {
      method: 'PUT',
      headers: json,
      body: JSON.stringify(draft.layers.catchments),
    });
    expect(put.status).toBe(200);
    const r = await ok(`${ADMIN}/draft/impact?maxListed=10000`, { headers: auth });
    expect(r.status).toBe(200);
    impact = r.json as ImpactView;
    expect(expected.length).toBeGreaterThan(100);
    expect(impact.from).toEqual({ version: 1, label: 'v1' });
    expect(impact.to).toEqual({ version: null, label: 'draft r2' });
    expect(impact.draft).toMatchObject({ revision: 2, baseVersion: 1 });
    expect(impact.validation.publishable).toBe(true);
    expect(
      impact.hubs.moved
        .map((m) => ({ postcode: m.postcode, from: m.fromHub, to: m.toHub }))
        .sort((p, q) => (p.postcode < q.postcode ? -1 : 1)),
    ).toEqual(expected);
    expect(impact.hubs.matrix).toEqual([
      {
        from: 'hub-stroud',
        to: 'hub-gloucester-south',
        postcodes: expected.length,
        live: impact.hubs.moved.filter((m) => m.status === 'live').length,
      },
    ]);
    // The old answers come from version 1's precomputed table.
    expect(impact.postcodes.fromTable.from).toBe(impact.postcodes.located);
    expect(impact.hvPatches?.changed).toBe(0);
    expect(impact.cocTeams?.changed).toBe(0);
  });

  it('bounds the list on request and refuses malformed parameters', async () => {
    const r = await ok(`${ADMIN}/draft/impact?maxListed=5`, { headers: auth });
    const small = r.json as ImpactView;
    expect(small.hubs.moved).toEqual(impact.hubs.moved.slice(0, 5));
    expect(small.hubs.movedTruncated).toBe(true);
    expect(small.hubs.changed).toBe(expected.length);
    for (const q of ['maxListed=-1', 'maxListed=99999', 'threshold=2', 'from=abc']) {
      expect((await ok(`${ADMIN}/draft/impact?${q}`, { headers: auth })).status, q).toBe(400);
    }
    expect((await ok(`${ADMIN}/draft/impact?from=9`, { headers: auth })).status).toBe(404);
  });

  it('scores alignment before (version 1) and after (the draft) as the impact reports', async () => {
    const scores = async (source: string, a: string, b: string) => {
      const r = await ok(`${ADMIN}/${source}/alignment?a=${a}&b=${b}`, { headers: auth });
      expect(r.status).toBe(200);
      const view = r.json as AlignmentView;
      expect(view.layers).toEqual({ a, b });
      return view;
    };
    for (const pair of impact.alignment!.pairs) {
      const before = await scores('versions/1', pair.a, pair.b);
      const after = await scores('draft', pair.a, pair.b);
      expect(before.source).toEqual({ kind: 'version', version: 1 });
      expect(after.source).toMatchObject({ kind: 'draft', revision: 2 });
      expect(before.alignment.scores.coterminosity).toBeCloseTo(pair.before!, 12);
      expect(after.alignment.scores.coterminosity).toBeCloseTo(pair.after!, 12);
    }
    // The patch is whole in its new catchment (patches ↔ catchments holds), but Gloucester South now
    // reaches into the Stroud patch's midwifery team: catchments ↔ teams and the three-way agreement drop.
    const pairs = Object.fromEntries(impact.alignment!.pairs.map((p) => [p.name, p]));
    expect(pairs['patches-catchments']!.change).toBe(0);
    expect(pairs['catchments-teams']!.change).toBeLessThan(0);
    expect(impact.alignment!.agreement.change).toBeLessThan(0);
    // Defaults: HV patches vs CoC teams.
    const d = (await ok(`${ADMIN}/draft/alignment`, { headers: auth })).json as AlignmentView;
    expect(d.layers).toEqual({ a: 'hv-patches', b: 'coc-teams' });
    expect(d.alignment.fragments.features.length).toBeGreaterThan(0);
    for (const q of ['a=nope', 'a=coc-teams&b=coc-teams', 'threshold=0']) {
      expect((await ok(`${ADMIN}/draft/alignment?${q}`, { headers: auth })).status, q).toBe(400);
    }
    expect((await ok(`${ADMIN}/versions/9/alignment`, { headers: auth })).status).toBe(404);
    expect((await ok(`${ADMIN}/draft/alignment?a=spoke-catchments`, { headers: auth })).status).toBe(404);
  });

  it('gives the three-way report of the draft and of version 1', async () => {
    const after = (await ok(`${ADMIN}/draft/alignment/three-way`, { headers: auth })).json as ThreeWayView;
    const before = (await ok(`${ADMIN}/versions/1/alignment/three-way`, { headers: auth }))
      .json as ThreeWayView;
    expect(after.threeWay.agreement).toBeCloseTo(impact.alignment!.agreement.after!, 12);
    expect(before.threeWay.agreement).toBeCloseTo(impact.alignment!.agreement.before!, 12);
    const summary = (await ok(`/v1/areas/${AREA}/alignment`)).json as AlignmentSummary;
    expect(summary.agreement).toBeCloseTo(before.threeWay.agreement, 12);
    expect(coterminosity(summary, 'patches-teams')).toBeCloseTo(
      before.threeWay.scores['patches-teams'].coterminosity,
      12,
    );
    expect(before.threeWay.places.length).toBeGreaterThan(0);
    expect(before.threeWay.places[0]!.description).toMatch(/patch|team|catchment/);
  });

  it('is what the CLI prints from the service', async () => {
    const base = ['--area', AREA, '--url', app.url, '--token', TOKEN];
    const r = await runCatchments('impact', ...base, '--to', 'draft', '--json', '--max-listed', '10000');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const printed = JSON.parse(r.stdout) as ImpactView;
    expect(printed.hubs.moved).toEqual(impact.hubs.moved);
    const text = await runCatchments('impact', ...base, '--to', 'draft');
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/Validation: PUBLISHABLE/);
    expect(text.stdout).toMatch(
      new RegExp(`Hubs: ${expected.length.toLocaleString('en-GB')} postcodes change hub`),
    );
    const wrong = await runCatchments(
      'impact',
      '--area',
      AREA,
      '--url',
      app.url,
      '--token',
      'wrong-token-0123456789',
      '--to',
      'draft',
    );
    expect(wrong.code).toBe(2);
  });

  let weighted: ImpactView;
  const post = (p: string, body: unknown) =>
    ok(p, { method: 'POST', headers: json, body: typeof body === 'string' ? body : JSON.stringify(body) });

  it('weighs the impact by births per LSOA: hub births move as an independent recount says, against capacity', async () => {
    const r = await post(`${ADMIN}/draft/impact?maxListed=10000`, PLANNING);
    expect(r.status).toBe(200);
    weighted = r.json as ImpactView;
    // The same moves as the unweighted answer; births move with the live postcodes that change hub.
    expect(weighted.hubs.moved).toEqual(impact.hubs.moved);
    const perPostcode = birthsPerPostcode();
    const moved = expected.reduce((sum, m) => sum + (perPostcode.get(m.postcode) ?? 0), 0);
    expect(moved).toBeGreaterThan(10);
    const hub = (id: string) => weighted.hubs.units.find((u) => u.id === id)!;
    expect(hub('hub-stroud').weight!.change).toBeCloseTo(-moved, 6);
    expect(hub('hub-gloucester-south').weight!.change).toBeCloseTo(moved, 6);
    expect(weighted.hubs.matrix[0]!.weight).toBeCloseTo(moved, 6);
    // Every postcode's births are counted once: Σ hubs + none = what was placed.
    const placed = [...perPostcode.values()].reduce((a, b) => a + b, 0);
    const sum = weighted.hubs.units.reduce((a, u) => a + u.weight!.before, 0);
    expect(sum + weighted.hubs.weighted!.none.before).toBeCloseTo(placed, 6);
    expect(weighted.weights!.matched.weight).toBeCloseTo(placed, 6);
    expect(weighted.weights!.unmatched.listed.map((u) => [u.code, u.reason])).toEqual([
      ['Total', 'malformed'],
      ['E01999999', 'unknown'],
    ]);
    // Caseload against the capacities given, flagged by share; the HV patches did not move.
    for (const [layer, changes] of [
      ['hubs', weighted.hubs],
      ['patches', weighted.hvPatches!],
    ] as const) {
      for (const u of changes.capacity!.units) {
        expect(u.capacity, `${layer} ${u.id}`).toBe(capacities.get(u.id));
        for (const load of [u.before!, u.after!]) {
          expect(load.share).toBeCloseTo(load.caseload / u.capacity, 12);
          expect(load.flag, `${layer} ${u.id}`).toBe(flagOf(load.share));
        }
      }
    }
    const stroud = weighted.hubs.capacity!.units.find((u) => u.id === 'hub-stroud')!;
    expect(stroud.before!.caseload - stroud.after!.caseload).toBeCloseTo(moved, 6);
    expect(weighted.hvPatches!.capacity!.units).toHaveLength(40);
    // Its alignment is weighted by births afresh (not the cached postcode scores), and says so.
    expect(weighted.alignment!.after).toMatchObject({ basis: 'weights', weightColumn: 'births' });
    expect(weighted.hvPatches!.units.every((u) => Math.abs(u.weight!.change) < 1e-9)).toBe(true);
  });

  it('weighs alignment by births and sets each patch and team against its capacity', async () => {
    const r = await post(`${ADMIN}/draft/alignment?a=hv-patches&b=coc-teams`, PLANNING);
    expect(r.status).toBe(200);
    const view = r.json as AlignmentView;
    expect(view.alignment.scores).toMatchObject({ basis: 'weights', weightColumn: 'births' });
    expect(view.weights!.matched.weight).toBeCloseTo(weighted.weights!.matched.weight, 6);
    const patchBirths = new Map(weighted.hvPatches!.units.map((u) => [u.id, u.weight!.after]));
    for (const u of view.capacity!.a.units) {
      expect(u.load.caseload, u.id).toBeCloseTo(patchBirths.get(u.id)!, 6);
      expect(u.load.flag, u.id).toBe(flagOf(u.load.caseload / capacities.get(u.id)!));
    }
    expect(view.capacity!.b.units).toEqual([]); // no team capacities given
    expect(view.capacity!.unknown.map((e) => e.unit)).toEqual(['hub-stroud', 'hub-gloucester-south']);
    const v1 = await post(`${ADMIN}/versions/1/alignment?a=hv-patches&b=catchments`, {
      ...PLANNING,
      underShare: 0.9,
    });
    expect(v1.status).toBe(200);
    const before = v1.json as AlignmentView;
    expect(before.source).toEqual({ kind: 'version', version: 1 });
    const hubs = new Map(weighted.hubs.units.map((u) => [u.id, u.weight!.before]));
    for (const u of before.capacity!.b.units) {
      expect(u.load.caseload, u.id).toBeCloseTo(hubs.get(u.id)!, 6);
      expect(u.load.flag, u.id).toBe(flagOf(u.load.share, 0.9));
    }
  });

  it('refuses a bad planning body with problem+json saying what to do', async () => {
    const cases: [unknown, number, RegExp][] = [
      [{ weights: { ...PLANNING.weights, csv: 'lsoa11,births\nE01022110,*\n' } }, 400, /births is "\*"/],
      [{ weights: { ...PLANNING.weights, key: 'ward' } }, 400, /weights\.key/],
      [{ capacity: { csv: 'unit_id,capacity\nhv-stroud-1,-1\n' } }, 400, /Capacity row 1/],
      [{ weights: { ...PLANNING.weights, key: 'oa21' } }, 400, /oa21|2021/],
      ['{"weights": ', 400, /not valid JSON/],
      [{ underShare: 0 }, 400, /underShare/],
    ];
    for (const [body, status, detail] of cases) {
      const r = await post(`${ADMIN}/draft/impact`, body);
      expect(r.status, JSON.stringify(body).slice(0, 80)).toBe(status);
      expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect((r.json as { detail: string }).detail).toMatch(detail);
    }
    const csv = await ok(`${ADMIN}/draft/alignment`, {
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'text/csv' },
      body: BIRTHS_CSV,
    });
    expect(csv.status).toBe(415);
  });

  it('is what the CLI prints when it sends the files to the service', async () => {
    const planning = path.join(SAMPLE_DIR, 'planning');
    const r = await runCatchments(
      'impact',
      ...['--area', AREA, '--url', app.url, '--token', TOKEN, '--to', 'draft', '--json'],
      ...['--weights', path.join(planning, 'births-per-lsoa-illustrative.csv')],
      ...['--weights-key', 'lsoa', '--weights-column', 'births'],
      ...['--capacity', path.join(planning, 'hv-patch-capacity-illustrative.csv')],
    );
    expect(r.stderr).toBe('');
    const printed = JSON.parse(r.stdout) as ImpactView;
    expect(printed.hvPatches!.capacity!.units).toEqual(weighted.hvPatches!.capacity!.units);
    expect(printed.hubs.units.map((u) => u.weight)).toEqual(weighted.hubs.units.map((u) => u.weight));
  });

  it('after publishing, the version-to-version impact lists the same moves, and the summary follows', async () => {
    const published = await ok(`${ADMIN}/draft/publish`, {
      method: 'POST',
      headers: { ...json, 'If-Match': '1' },
      body: JSON.stringify({ message: 'Stroud 1 joins the Gloucester South catchment' }),
    });
    expect(published.status).toBe(201);
    const r = await ok(`${ADMIN}/versions/2/impact?maxListed=10000`, { headers: auth });
    expect(r.status).toBe(200);
    const v = r.json as ImpactView;
    expect(v.from).toEqual({ version: 1, label: 'v1' });
    expect(v.to).toEqual({ version: 2, label: 'v2' });
    expect(v.draft).toBeNull();
    expect(v.hubs.moved).toEqual(impact.hubs.moved);
    expect(v.postcodes.fromTable).toEqual({ from: v.postcodes.located, to: v.postcodes.located });
    expect((await ok(`${ADMIN}/versions/1/impact`, { headers: auth })).status).toBe(400); // the first version
    const summary = (await ok(`/v1/areas/${AREA}/alignment`)).json as AlignmentSummary & { version: number };
    expect(summary.version).toBe(2);
    expect(summary.agreement).toBeCloseTo(impact.alignment!.agreement.after!, 12);
    const w = await post(`${ADMIN}/versions/2/impact?maxListed=10000`, PLANNING);
    expect(w.status).toBe(200);
    const versionWeighted = w.json as ImpactView;
    expect(versionWeighted.hubs.units.map((u) => u.weight)).toEqual(weighted.hubs.units.map((u) => u.weight));
    expect(versionWeighted.hubs.capacity).toEqual(weighted.hubs.capacity);
  });

  it('exercised every analysis route', () => {
    const operations = new Set([...seen].map((s) => s.split(' ')[0]));
    for (const route of ANALYSIS_ROUTES) expect(operations, route.operationId).toContain(route.operationId);
  });
});

describe('without an admin token', () => {
  it('serves the public summary and no admin analysis route', async () => {
    const bare = await startTestApp({ CATCHMENTS_DATA_DIR: FIXTURE_AREAS_DIR });
    try {
      const summary = await fetch(`${bare.url}/v1/areas/testshire/alignment`);
      expect(summary.status).toBe(200);
      expect(await summary.json()).toMatchObject({ area: 'testshire', version: 1 });
      expect(
        (await fetch(`${bare.url}/v1/admin/areas/testshire/draft/impact`, { headers: auth })).status,
      ).toBe(404);
    } finally {
      await bare.close();
    }
  });
});
