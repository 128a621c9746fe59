// The admin API over real HTTP (node:http + the same middy handlers Lambda runs), on the Testshire
// fixture in an in-memory store: the token, the draft workflow, publish with If-Match, concurrent
// publishes, rollback, events, and what the public API serves meanwhile. Every response is
// checked against the OpenAPI document.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BoundarySet } from '../../functions/core/model.js';
import { ADMIN_ROUTES } from '../../functions/http/routes.js';
import type { LocalApp } from '../../functions/local-app.js';
import { edition, expectedHub, testshireSet } from '../support/boundary-sets.js';
import { runCatchments } from '../support/cli.js';
import { FIXTURE_AREAS_DIR } from '../support/fixtures.js';
import { type CallResult, call, startTestApp } from '../support/local-app.js';
import { seen } from '../support/openapi-validator.js';

const TOKEN = 'test-admin-token-0123456789';
const auth = { Authorization: `Bearer ${TOKEN}` };
const json = { ...auth, 'Content-Type': 'application/json' };
const ADMIN = '/v1/admin/areas/testshire';

let app: LocalApp;
let set: BoundarySet;
/** Versions published from edition n as version n: their content says which version they are. */
const tagged = new Set<number>();
beforeAll(async () => {
  app = await startTestApp({
    CATCHMENTS_DATA_DIR: FIXTURE_AREAS_DIR,
    CATCHMENTS_ADMIN_TOKEN: TOKEN,
    CATCHMENTS_ADMIN_MAX_BODY_BYTES: '200000',
  });
  set = await testshireSet();
});
afterAll(async () => {
  await app.close();
});

async function ok(path: string, init?: RequestInit): Promise<CallResult> {
  const r = await call(app, path, init);
  expect(r.contractProblems, `${init?.method ?? 'GET'} ${path}`).toEqual([]);
  return r;
}

const body = (value: unknown) => JSON.stringify(value);

async function activeVersion(): Promise<number> {
  return ((await ok(`${ADMIN}/versions`, { headers: auth })).json as { active: number }).active;
}

/** A draft copied from the active version with the catchments, units and sites of edition k. */
async function draftEdition(k: number): Promise<void> {
  const e = edition(set, k);
  expect(
    (await ok(`${ADMIN}/draft`, { method: 'POST', headers: json, body: body({ replace: true }) })).status,
  ).toBe(201);
  for (const layer of ['catchments', 'hv-patches', 'coc-teams'] as const) {
    const r = await ok(`${ADMIN}/draft/layers/${layer}?idProperty=id`, {
      method: 'PUT',
      headers: json,
      body: body(e.layers[layer]),
    });
    expect(r.status, layer).toBe(200);
  }
  expect(
    (await ok(`${ADMIN}/draft/sites`, { method: 'PUT', headers: json, body: body(e.sites) })).status,
  ).toBe(200);
}

describe('admin authentication', () => {
  it('refuses requests without the token, or with a wrong one, before routing', async () => {
    const attempts: Record<string, string>[] = [
      {},
      { Authorization: 'Bearer wrong-token' },
      { Authorization: `Basic ${TOKEN}` },
      { Authorization: `Bearer ${TOKEN}x` },
    ];
    for (const headers of attempts) {
      const r = await ok(`${ADMIN}/versions`, { headers });
      expect(r.status).toBe(401);
      expect(r.headers.get('www-authenticate')).toBe('Bearer realm="catchments-admin"');
      expect(r.json).toMatchObject({ type: '/problems/unauthorized' });
    }
    // An unknown admin path says nothing about routes to a caller without the token.
    expect((await call(app, '/v1/admin/areas/testshire/nothing')).status).toBe(401);
    expect((await ok(`${ADMIN}/versions`, { headers: { authorization: `bearer ${TOKEN}` } })).status).toBe(
      200,
    );
  });

  it('keeps the admin routes off when no token is configured', async () => {
    const bare = await startTestApp({ CATCHMENTS_DATA_DIR: FIXTURE_AREAS_DIR });
    try {
      expect(bare.admin).toBe(false);
      expect((await fetch(`${bare.url}${ADMIN}/versions`, { headers: auth })).status).toBe(404);
      expect((await fetch(`${bare.url}/v1/postcodes/TE1%201AA`)).status).toBe(200);
    } finally {
      await bare.close();
    }
  });
});

describe('the draft workflow', () => {
  it('drafts, validates, publishes over the active version, and the public API serves it at once', async () => {
    const before = await ok('/v1/postcodes/TE1%201AA');
    expect(before.json).toMatchObject({ version: 1, hub: { id: 'hub-a' } });
    const areaEtag = (await ok('/v1/areas/testshire')).headers.get('etag')!;

    const created = await ok(`${ADMIN}/draft`, {
      method: 'POST',
      headers: { ...json, 'X-Author': 'Ann Planner' },
      body: body({ from: 'active' }),
    });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({
      revision: 1,
      baseVersion: 1,
      createdBy: 'Ann Planner',
      publishedAs: null,
    });
    expect(created.headers.get('etag')).toBe('"testshire.draft.r1"');
    expect((await ok(`${ADMIN}/draft`, { method: 'POST', headers: json, body: body({}) })).status).toBe(409);

    // A layer with problems is refused whole, each problem located; nothing is saved.
    const broken = structuredClone(edition(set, 2).layers.catchments) as {
      features: { properties: Record<string, unknown> }[];
    };
    delete broken.features[1]!.properties.id;
    const refused = await ok(`${ADMIN}/draft/layers/catchments?idProperty=id`, {
      method: 'PUT',
      headers: json,
      body: body(broken),
    });
    expect(refused.status).toBe(422);
    expect((refused.json as { problems: { kind: string }[] }).problems.map((p) => p.kind)).toContain(
      'missing-id',
    );
    expect(
      (await ok(`${ADMIN}/draft/layers/catchments`, { method: 'PUT', headers: json, body: body(broken) }))
        .status,
    ).toBe(400);
    expect(
      (
        await ok(`${ADMIN}/draft/layers/rivers?idProperty=id`, {
          method: 'PUT',
          headers: json,
          body: body(broken),
        })
      ).status,
    ).toBe(404);
    expect(((await ok(`${ADMIN}/draft`, { headers: auth })).json as { revision: number }).revision).toBe(1);

    // Draft edits can be conditional on the revision (If-Match on the draft ETag).
    const stale = await ok(`${ADMIN}/draft/layers/catchments?idProperty=id`, {
      method: 'PUT',
      headers: { ...json, 'If-Match': '"testshire.draft.r7"' },
      body: body(edition(set, 2).layers.catchments),
    });
    expect(stale.status).toBe(409);
    const put = await ok(`${ADMIN}/draft/layers/catchments?idProperty=id`, {
      method: 'PUT',
      headers: { ...json, 'If-Match': '"testshire.draft.r1"' },
      body: body(edition(set, 2).layers.catchments),
    });
    expect(put.json).toMatchObject({ revision: 2, layers: { catchments: { features: 2 } } });
    const layer = await ok(`${ADMIN}/draft/layers/catchments`, { headers: auth });
    expect(layer.headers.get('content-type')).toContain('application/geo+json');
    expect(
      (layer.json as { features: { properties: { id: string } }[] }).features
        .map((f) => f.properties.id)
        .sort(),
    ).toEqual(['hub-a', 'hub-b']);

    const validation = await ok(`${ADMIN}/draft/validation`, { headers: auth });
    expect(validation.json).toMatchObject({
      type: 'FeatureCollection',
      publishable: true,
      errors: 0,
      draftRevision: 2,
      postcodes: { assigned: 5, inGaps: 1 },
    });
    const kinds = (validation.json as { features: { properties: { kind: string } }[] }).features.map(
      (f) => f.properties.kind,
    );
    expect(kinds).toContain('postcode-in-gap');
    expect(kinds).toContain('coverage-gap');

    // Publishing needs If-Match: 428 without, 409 over a version that is not active.
    const publish = (headers: Record<string, string>) =>
      ok(`${ADMIN}/draft/publish`, {
        method: 'POST',
        headers: { ...json, ...headers },
        body: body({ message: 'Swap the two hubs' }),
      });
    expect((await publish({})).status).toBe(428);
    expect((await publish({ 'If-Match': '*' })).status).toBe(428);
    expect((await publish({ 'If-None-Match': '*' })).status).toBe(409);
    expect((await publish({ 'If-Match': '5' })).status).toBe(409);
    expect((await publish({ 'If-Match': '"otherland.v1.x"' })).status).toBe(400);
    expect(
      (
        await ok(`${ADMIN}/draft/publish`, {
          method: 'POST',
          headers: { ...json, 'If-Match': '1' },
          body: body({}),
        })
      ).status,
    ).toBe(400);
    const published = await publish({ 'If-Match': areaEtag, 'X-Author': 'Ann Planner' });
    expect(published.status).toBe(201);
    expect(published.headers.get('location')).toBe(`${ADMIN}/versions/2`);
    expect(published.json).toMatchObject({
      version: {
        version: 2,
        basedOn: 1,
        publishedBy: 'Ann Planner',
        message: 'Swap the two hubs',
        hubChanges: 2,
        active: true,
      },
      event: { type: 'boundary-set.published', changedPostcodeCount: 2, changedPostcodesTruncated: false },
    });

    // Served at once locally, with the new version and a new ETag.
    const after = await ok('/v1/postcodes/TE1%201AA');
    expect(after.json).toMatchObject({ version: 2, hub: { id: 'hub-b' } });
    expect(after.headers.get('etag')).toMatch(/^"testshire\.v2\./);
    expect(after.headers.get('etag')).not.toBe(before.headers.get('etag'));
    const csv = (await ok('/v1/areas/testshire/versions/2/assignments.csv')).text;
    expect(csv).toContain('TE1 1AA,hub-b,Bee Town Family Hub,patch-a1,team-1,inside');

    // The event carries the postcodes whose hub changed.
    const event = app.events.events.at(-1)!;
    expect(event).toMatchObject({
      type: 'boundary-set.published',
      area: 'testshire',
      fromVersion: 1,
      toVersion: 2,
      by: 'Ann Planner',
      changedPostcodes: [
        { postcode: 'TE1 1AA', changed: ['hub'], before: { hub: 'hub-a' }, after: { hub: 'hub-b' } },
        { postcode: 'TE2 2AA', changed: ['hub'], before: { hub: 'hub-b' }, after: { hub: 'hub-a' } },
      ],
    });

    // The published draft is spent: no edits, no second publish.
    expect((await ok(`${ADMIN}/draft`, { headers: auth })).json).toMatchObject({ publishedAs: 2 });
    expect((await publish({ 'If-Match': '2' })).status).toBe(409);
    expect(
      (await ok(`${ADMIN}/draft/sites`, { method: 'PUT', headers: json, body: body(set.sites) })).status,
    ).toBe(409);

    // Roll back: conditional too, and the public API follows.
    const rollback = (headers: Record<string, string>, value: unknown) =>
      ok(`${ADMIN}/rollback`, { method: 'POST', headers: { ...json, ...headers }, body: body(value) });
    expect((await rollback({}, { version: 1, message: 'undo' })).status).toBe(428);
    expect((await rollback({ 'If-Match': '1' }, { version: 1, message: 'undo' })).status).toBe(409);
    expect((await rollback({ 'If-Match': '2' }, { version: 1 })).status).toBe(400);
    expect((await rollback({ 'If-Match': '2' }, { version: 9, message: 'undo' })).status).toBe(404);
    const undone = await rollback(
      { 'If-Match': '2', 'X-Author': 'Dee' },
      { version: 1, message: 'Hub swap was premature' },
    );
    expect(undone.status).toBe(200);
    expect(undone.json).toMatchObject({
      change: { kind: 'rollback', from: 2, to: 1, by: 'Dee' },
      version: { version: 1, active: true },
      event: { type: 'boundary-set.rolled-back', changedPostcodeCount: 2 },
    });
    expect((await ok('/v1/postcodes/TE1%201AA')).json).toMatchObject({ version: 1, hub: { id: 'hub-a' } });

    const history = await ok(`${ADMIN}/versions`, { headers: auth });
    expect(history.json).toMatchObject({ active: 1, latest: 2 });
    const h = history.json as {
      versions: { version: number; active: boolean }[];
      changes: { kind: string; by: string }[];
    };
    expect(h.versions.map((v) => [v.version, v.active])).toEqual([
      [2, false],
      [1, true],
    ]);
    expect(h.changes.map((c) => `${c.kind}:${c.by}`)).toEqual([
      'rollback:Dee',
      'publish:Ann Planner',
      'publish:seed',
    ]);
    expect((await ok(`${ADMIN}/versions/2`, { headers: auth })).json).toMatchObject({
      version: 2,
      active: false,
    });
    expect((await ok(`${ADMIN}/versions/7`, { headers: auth })).status).toBe(404);
  });

  it('refuses a draft whose catchments overlap, showing the overlap on the map', async () => {
    await ok(`${ADMIN}/draft`, { method: 'POST', headers: json, body: body({ replace: true }) });
    const overlapping = structuredClone(set.layers.catchments);
    // Widen hub-b's catchment west by 0.01° into hub-a's.
    const b = overlapping.features.find((f) => f.properties.id === 'hub-b')!;
    b.geometry = {
      type: 'Polygon',
      coordinates: [
        [
          [-1.96, 51.0],
          [-1.9, 51.0],
          [-1.9, 51.05],
          [-1.96, 51.05],
          [-1.96, 51.0],
        ],
      ],
    };
    await ok(`${ADMIN}/draft/layers/catchments?idProperty=id`, {
      method: 'PUT',
      headers: json,
      body: body(overlapping),
    });
    const validation = await ok(`${ADMIN}/draft/validation`, { headers: auth });
    expect(validation.json).toMatchObject({ publishable: false });
    const overlap = (
      validation.json as {
        features: { geometry: { type: string } | null; properties: Record<string, unknown> }[];
      }
    ).features.find((f) => f.properties.kind === 'catchment-overlap')!;
    expect(overlap.properties).toMatchObject({ severity: 'error', feature: 'hub-a', otherFeature: 'hub-b' });
    expect(overlap.geometry?.type).toBe('MultiPolygon');
    // 0.01° x 0.05° at 51°N: 0.01 * 111.32 km * cos(51°) x 0.05 * 111.2 km, about 3.9 km².
    expect(overlap.properties.areaM2 as number).toBeGreaterThan(3.8e6);
    expect(overlap.properties.areaM2 as number).toBeLessThan(4.0e6);
    const refused = await ok(`${ADMIN}/draft/publish`, {
      method: 'POST',
      headers: { ...json, 'If-Match': String(await activeVersion()) },
      body: body({ message: 'overlapping' }),
    });
    expect(refused.status).toBe(422);
    expect((refused.json as { problems: { kind: string }[] }).problems.map((p) => p.kind)).toContain(
      'catchment-overlap',
    );
    expect((await ok(`${ADMIN}/draft`, { method: 'DELETE', headers: auth })).status).toBe(204);
    expect((await ok(`${ADMIN}/draft`, { headers: auth })).status).toBe(404);
  });

  it('removes optional layers and replaces the postcode directory', async () => {
    await ok(`${ADMIN}/draft`, { method: 'POST', headers: json, body: body({ replace: true }) });
    const removed = await ok(`${ADMIN}/draft/layers/coc-teams`, { method: 'DELETE', headers: auth });
    expect(removed.status).toBe(200);
    expect(Object.keys((removed.json as { layers: object }).layers).sort()).toEqual([
      'catchments',
      'hv-patches',
      'outline',
    ]);
    const { testshireDirectoryCsv } = await import('../support/boundary-sets.js');
    const csv = await testshireDirectoryCsv();
    const stored = await ok(`${ADMIN}/directory`, {
      method: 'PUT',
      headers: { ...auth, 'Content-Type': 'text/csv' },
      body: csv,
    });
    expect(stored.json).toMatchObject({ area: 'testshire', postcodes: 6 });
    expect((await ok(`${ADMIN}/directory`, { method: 'PUT', headers: json, body: csv })).status).toBe(415);
    const broken = await ok(`${ADMIN}/directory`, {
      method: 'PUT',
      headers: { ...auth, 'Content-Type': 'text/csv' },
      body: 'not,a,directory\n',
    });
    expect(broken.status).toBe(400);
    expect((await ok(`${ADMIN}/draft`, { method: 'DELETE', headers: auth })).status).toBe(204);
  });

  it('sends a national directory upload to the CLI where blobs have no bucket (the embedded store)', async () => {
    const upload = await ok('/v1/admin/directory/uploads', { method: 'POST', headers: auth });
    expect(upload.status).toBe(404);
    expect((upload.json as { detail: string }).detail).toContain('catchments load-postcodes');
    const ingest = await ok('/v1/admin/directory/uploads/0b0c7c9e-1111-4222-8333-444455556666/ingest', {
      method: 'POST',
      headers: auth,
    });
    expect(ingest.status).toBe(404);
  });

  it('takes bigger bodies than the public API, up to the admin limit', async () => {
    const padded = { ...set.layers.outline, padding: 'x'.repeat(150_000) };
    await ok(`${ADMIN}/draft`, { method: 'POST', headers: json, body: body({ replace: true }) });
    expect(
      (
        await ok(`${ADMIN}/draft/layers/outline?idProperty=id`, {
          method: 'PUT',
          headers: json,
          body: body(padded),
        })
      ).status,
    ).toBe(200);
    const tooBig = { ...set.layers.outline, padding: 'x'.repeat(250_000) };
    expect(
      (
        await call(app, `${ADMIN}/draft/layers/outline?idProperty=id`, {
          method: 'PUT',
          headers: json,
          body: body(tooBig),
        })
      ).status,
    ).toBe(413);
    expect((await ok(`${ADMIN}/draft`, { method: 'DELETE', headers: auth })).status).toBe(204);
  });
});

describe('concurrency and freshness over HTTP', () => {
  it('50 concurrent publishes of the same draft: one 201, 49 409, one new version', async () => {
    const active = await activeVersion();
    const next = ((await ok(`${ADMIN}/versions`, { headers: auth })).json as { latest: number }).latest + 1;
    await draftEdition(next);
    tagged.add(next);
    const before = ((await ok(`${ADMIN}/versions`, { headers: auth })).json as { versions: unknown[] })
      .versions.length;
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        call(app, `${ADMIN}/draft/publish`, {
          method: 'POST',
          headers: { ...json, 'If-Match': String(active), 'X-Author': `planner-${i}` },
          body: body({ message: `race ${i}` }),
        }),
      ),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(49);
    for (const r of responses) expect(r.contractProblems).toEqual([]);
    const after = ((await ok(`${ADMIN}/versions`, { headers: auth })).json as { versions: unknown[] })
      .versions;
    expect(after.length).toBe(before + 1);
  });

  it('a reader polling the public API during 20 publish/rollback cycles never sees an answer mixing two versions', async () => {
    // Versions published as edition n carry "(E<n>)" in every name; others (the seed, the first
    // test's) are not checked, and the reader must still check well over a hundred answers.
    let stop = false;
    let checked = 0;
    const mixed: string[] = [];
    const versions = new Set<number>();
    let answers = 0;
    const reader = (async () => {
      while (!stop) {
        for (const postcode of ['TE1 1AA', 'TE2 2AA'] as const) {
          const r = await fetch(`${app.url}/v1/postcodes/${encodeURIComponent(postcode)}`);
          const a = (await r.json()) as {
            version: number;
            hub: { id: string; name: string };
            hvPatch: { name: string };
            spokes: { name: string }[];
          };
          answers++;
          versions.add(a.version);
          if (!tagged.has(a.version)) continue;
          checked++;
          const tag = `(E${a.version})`;
          const names = [a.hub.name, a.hvPatch.name, ...a.spokes.map((s) => s.name)];
          if (
            a.hub.id !== expectedHub(a.version, postcode) ||
            !names.every((n) => n.endsWith(tag)) ||
            !r.headers.get('etag')?.startsWith(`"testshire.v${a.version}.`)
          ) {
            mixed.push(
              `${postcode} v${a.version}: ${a.hub.id} ${names.join(' | ')} ${r.headers.get('etag')}`,
            );
          }
        }
      }
    })();
    for (let cycle = 0; cycle < 20; cycle++) {
      const active = await activeVersion();
      const latest = ((await ok(`${ADMIN}/versions`, { headers: auth })).json as { latest: number }).latest;
      await draftEdition(latest + 1);
      tagged.add(latest + 1);
      const published = await ok(`${ADMIN}/draft/publish`, {
        method: 'POST',
        headers: { ...json, 'If-Match': String(active) },
        body: body({ message: `edition ${latest + 1}` }),
      });
      expect(published.status).toBe(201);
      if (cycle % 2 === 0) {
        const back = await ok(`${ADMIN}/rollback`, {
          method: 'POST',
          headers: { ...json, 'If-Match': String(latest + 1) },
          body: body({ version: active, message: 'back' }),
        });
        expect(back.status).toBe(200);
      }
    }
    stop = true;
    await reader;
    expect(mixed).toEqual([]);
    expect(checked).toBeGreaterThan(100);
    expect(answers).toBeGreaterThanOrEqual(checked);
    expect(versions.size).toBeGreaterThan(5);
  });
});

describe('the catchments CLI against the running service', () => {
  it('creates a draft, uploads a layer, validates, publishes, lists versions and rolls back', async () => {
    const common = ['--area', 'testshire', '--url', app.url, '--token', TOKEN, '--author', 'cli-user'];
    const { writeFile, mkdtemp } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const dir = await mkdtemp(`${tmpdir()}/catchments-cli-`);
    const active = await activeVersion();
    const e = edition(set, 99);
    await writeFile(`${dir}/catchments.geojson`, JSON.stringify(e.layers.catchments));
    await writeFile(`${dir}/sites.json`, JSON.stringify({ sites: e.sites }));

    const created = await runCatchments('draft', 'create', '--replace', ...common);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toContain(`based on v${active}`);
    const layer = await runCatchments(
      'draft',
      'put-layer',
      'catchments',
      `${dir}/catchments.geojson`,
      '--id-property',
      'id',
      ...common,
    );
    expect(layer.code, layer.stderr).toBe(0);
    expect(layer.stdout).toMatch(/layer catchments\s+2 features/);
    expect((await runCatchments('draft', 'put-sites', `${dir}/sites.json`, ...common)).code).toBe(0);
    const validate = await runCatchments('draft', 'validate', '--out', `${dir}/problems.geojson`, ...common);
    expect(validate.code, validate.stderr).toBe(0);
    expect(validate.stdout).toContain('PUBLISHABLE');
    const noMessage = await runCatchments('draft', 'publish', ...common);
    expect(noMessage.code).toBe(2);
    const published = await runCatchments('draft', 'publish', '-m', 'From the CLI', ...common);
    expect(published.code, published.stderr).toBe(0);
    expect(published.stdout).toMatch(new RegExp(`Published testshire v\\d+ \\(over v${active}\\)`));
    const versions = await runCatchments('versions', ...common);
    expect(versions.code).toBe(0);
    expect(versions.stdout).toContain('From the CLI');
    expect(versions.stdout).toContain('cli-user');
    const back = await runCatchments('rollback', '--to', String(active), '-m', 'CLI rollback', ...common);
    expect(back.code, back.stderr).toBe(0);
    expect(await activeVersion()).toBe(active);
    const json = await runCatchments('versions', '--json', ...common);
    const parsed = JSON.parse(json.stdout) as {
      active: number;
      changes: { kind: string; message: string }[];
    };
    expect(parsed.active).toBe(active);
    expect(parsed.changes[0]).toMatchObject({ kind: 'rollback', message: 'CLI rollback' });
    // Refused on the merits (a stale base version) is exit 1 with the API's explanation.
    await runCatchments('draft', 'create', '--replace', ...common);
    const stale = await runCatchments('draft', 'publish', '-m', 'stale', '--if-match', '1', ...common);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain('Version conflict');
    const noToken = await runCatchments('versions', '--area', 'testshire', '--url', app.url);
    expect(noToken.code).toBe(2);
  });
});

describe('coverage of the admin routes', () => {
  it('exercised every admin route', () => {
    const operations = new Set([...seen].map((s) => s.split(' ')[0]));
    // 204 answers have no body to check against the document, so they are not recorded: the
    // draft tests assert deleteDraft's 204 themselves.
    const missing = ADMIN_ROUTES.map((r) => r.operationId).filter(
      (id) => !operations.has(id) && id !== 'deleteDraft',
    );
    expect(missing).toEqual([]);
  });
});
