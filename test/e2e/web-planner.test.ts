// The planner's map in a real browser (Debian's chromium via playwright-core) against the local
// server with the admin API on: the active layers are drawn and can be toggled; a planner signs
// in, uploads a draft that moves one ward (E05004324, the whole of HV patch hv-tetbury-2) from the
// Tetbury catchment to Dursley, sees the postcodes that move and the caseload change, publishes;
// the public page then answers with the new hub and version; a rollback restores the old answer.
//
// The oracle is independent of the service's lookup code: turf's point-in-polygon over the
// directory's points for "which postcodes lie in the ward", and version 1's published assignment
// export for "which hub they had".
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import AxeBuilder from '@axe-core/playwright';
import { booleanPointInPolygon, difference, featureCollection, union } from '@turf/turf';
import type { Feature, FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlignmentResult } from '../../functions/core/alignment/align.js';
import type { LookupAnswer } from '../../functions/core/lookup/answer.js';
import type { LocalApp } from '../../functions/local-app.js';
import { buildWeb } from '../../scripts/build-web.js';
import { launchBrowser, type MapGlobal, newContext, rows, text } from '../support/browser.js';
import { SAMPLE_DIR } from '../support/fixtures.js';
import { startTestApp } from '../support/local-app.js';

const TOKEN = 'planner-e2e-token-0123456789';
const WARD = 'E05004324';
const FROM = 'hub-tetbury';
const TO = 'hub-dursley';
/** A hub at the other end of the county: given the Tetbury ward, it is in two detached pieces. */
const FAR = 'hub-tewkesbury';

type Area = Feature<Polygon | MultiPolygon, { id: string; name: string; wards?: string[] }>;
type Layer = FeatureCollection<Polygon | MultiPolygon, Area['properties']>;

const readLayer = (name: string) =>
  JSON.parse(readFileSync(join(SAMPLE_DIR, 'gloucestershire', `${name}.geojson`), 'utf8')) as Layer;

let app: LocalApp;
let browser: Browser;
let dir: string;
let draftFile: string;
/** The ward added to Dursley but left in Tetbury too: an overlap, which blocks publishing. */
let overlapFile: string;
/** The ward moved to Tewkesbury instead: publishable, with a detached-part warning. */
let detachedFile: string;
/** Postcodes in the ward that version 1 assigns to Tetbury: the ones the redraw must move. */
let moving: string[];
/** Of those, the live ones (the caseload proxy counts live postcodes: docs/impact.md). */
let movingLive: number;
/** Live postcodes per hub in version 1. */
let caseload: Map<string, number>;

beforeAll(async () => {
  await buildWeb();
  [app, browser, dir] = await Promise.all([
    // The validity checks' time budget at its maximum: this test is about the map, and on a loaded
    // machine the default 5 s ran out validating the sample (an analysis-budget-exceeded error).
    startTestApp({ CATCHMENTS_ADMIN_TOKEN: TOKEN }),
    launchBrowser(),
    mkdtemp(join(tmpdir(), 'catchments-planner-')),
  ]);

  // The ward's polygon is HV patch hv-tetbury-2, which is that one ward; both layers share its vertices.
  const catchments = readLayer('catchments');
  const ward = readLayer('hv-patches').features.find((f) => f.properties.id === 'hv-tetbury-2')!;
  expect(ward.properties.wards).toEqual([WARD]);
  expect(catchments.features.find((f) => f.properties.id === FROM)!.properties.wards).toContain(WARD);
  const moved: Layer = {
    ...catchments,
    features: catchments.features.map((f) => {
      if (f.properties.id === FROM)
        return { ...f, geometry: difference(featureCollection([f, ward]))!.geometry };
      if (f.properties.id === TO) return { ...f, geometry: union(featureCollection([f, ward]))!.geometry };
      return f;
    }),
  };
  draftFile = join(dir, 'catchments-tetbury-ward-to-dursley.geojson');
  writeFileSync(draftFile, JSON.stringify(moved));
  detachedFile = join(dir, 'catchments-detached.geojson');
  writeFileSync(
    detachedFile,
    JSON.stringify({
      ...catchments,
      features: catchments.features.map((f) => {
        if (f.properties.id === FROM) return moved.features.find((m) => m.properties.id === FROM)!;
        if (f.properties.id === FAR) return { ...f, geometry: union(featureCollection([f, ward]))!.geometry };
        return f;
      }),
    }),
  );
  overlapFile = join(dir, 'catchments-overlap.geojson');
  writeFileSync(
    overlapFile,
    JSON.stringify({
      ...catchments,
      features: catchments.features.map((f) =>
        f.properties.id === TO ? moved.features.find((m) => m.properties.id === TO)! : f,
      ),
    }),
  );

  const v1 = await (await fetch(`${app.url}/v1/areas/gloucestershire/versions/1/assignments.csv`)).text();
  const hubOf = new Map(
    v1
      .trim()
      .split('\r\n')
      .slice(1)
      .map((line) => line.split(','))
      .map((cells) => [cells[0]!, cells[1]!]),
  );
  const directory = gunzipSync(
    readFileSync(join(SAMPLE_DIR, 'gloucestershire', 'postcodes.csv.gz')),
  ).toString('utf8');
  caseload = new Map();
  moving = [];
  movingLive = 0;
  for (const line of directory.trim().split('\n').slice(1)) {
    const [postcode, lat, lng, status] = line.split(',');
    if (!lat || !lng) continue;
    const hub = hubOf.get(postcode!);
    if (status === 'live' && hub) caseload.set(hub, (caseload.get(hub) ?? 0) + 1);
    if (hub === FROM && booleanPointInPolygon([Number(lng), Number(lat)], ward)) {
      moving.push(postcode!);
      if (status === 'live') movingLive++;
    }
  }
  expect(moving.length).toBeGreaterThan(50);
  expect(movingLive).toBeGreaterThan(0);
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** A new visitor (a fresh browser context: nothing cached) looks the postcode up on the public page. */
async function publicAnswer(postcode: string): Promise<{ hub: string; version: string }> {
  const { context, errors } = await newContext(browser, { width: 390, height: 844 });
  const page = await context.newPage();
  await page.goto(`${app.url}/?postcode=${encodeURIComponent(postcode)}`);
  await page.waitForSelector('body[data-ready="true"]');
  const answer = {
    hub: (await text(page, '#hub-name')) ?? '',
    version: (await text(page, '#answer-version')) ?? '',
  };
  expect(errors).toEqual([]);
  await context.close();
  return answer;
}

const count = (n: number) => n.toLocaleString('en-GB');

describe('the planner’s map', () => {
  it('draws the active layers with toggles, and refuses a wrong token', async () => {
    const { context, errors } = await newContext(browser);
    const page = await context.newPage();
    await page.goto(`${app.url}/planner`);
    await page.waitForSelector('body[data-ready="true"]');
    const sizes = await page.evaluate(() => {
      const map = (globalThis as unknown as MapGlobal).catchmentsMap;
      const size = (id: string) =>
        (map.getSource(id)!.serialize().data as { features: unknown[] }).features.length;
      return {
        catchments: size('catchments'),
        patches: size('hv-patches'),
        teams: size('coc-teams'),
        sites: size('sites'),
      };
    });
    const area = JSON.parse(readFileSync(join(SAMPLE_DIR, 'gloucestershire', 'area.json'), 'utf8')) as {
      sites: unknown[];
    };
    expect(sizes).toEqual({
      catchments: readLayer('catchments').features.length,
      patches: readLayer('hv-patches').features.length,
      teams: readLayer('coc-teams').features.length,
      sites: area.sites.length,
    });
    await expect
      .poll(() =>
        page.evaluate(
          () =>
            (globalThis as unknown as MapGlobal).catchmentsMap.queryRenderedFeatures({
              layers: ['catchments-fill'],
            }).length,
        ),
      )
      .toBeGreaterThan(0);

    const patches = page.getByRole('checkbox', { name: /HV patches/ });
    const visibility = () =>
      page.evaluate(() =>
        (globalThis as unknown as MapGlobal).catchmentsMap.getLayoutProperty('hv-patches-line', 'visibility'),
      );
    expect(await visibility()).toBe('visible');
    await patches.uncheck();
    expect(await visibility()).toBe('none');
    await patches.check();
    expect(await visibility()).toBe('visible');
    // axe-core at the WCAG 2.2 AA rules: no violation on the planner's map.
    const audit = await new AxeBuilder({ page })
      .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
      .analyze();
    expect(
      audit.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
    ).toEqual([]);

    await page.getByLabel('Admin token').fill('not-the-token-at-all');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect
      .poll(() => text(page, '#token-error'))
      .toBe('Error: That token is not valid. Check it and try again.');
    expect(await page.locator('#draft-card').isHidden()).toBe(true);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('uploads a redraw, shows what moves, publishes it, and rolls it back', async () => {
    const { context, errors } = await newContext(browser);
    const page = await context.newPage();
    await page.goto(`${app.url}/planner`);
    await page.waitForSelector('body[data-ready="true"]');
    await page.getByLabel('Admin token').fill(TOKEN);
    await page.getByLabel('Your name (for the history)').fill('E2E Planner');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForSelector('#draft-card:not([hidden])');

    // First a hub in two detached pieces: a warning, listed and drawn where the detached piece is,
    // that does not stop publishing (docs/layer-checks.md, "Contiguity").
    await page.getByLabel('Layer to replace').selectOption('catchments');
    await page.getByLabel('File (GeoJSON or zipped Shapefile)').setInputFiles(detachedFile);
    await page.getByRole('button', { name: 'Upload to the draft' }).click();
    await expect
      .poll(() => text(page, '#validation-summary'), { timeout: 60_000 })
      .toContain('Can be published');
    expect(await text(page, '#problem-list')).toMatch(
      new RegExp(`Catchment "${FAR}" is in 2 pieces: this one \\(.*\\) is apart from its main piece`),
    );
    const detachedOnMap = await page.evaluate(() => {
      const map = (globalThis as unknown as MapGlobal).catchmentsMap;
      const data = map.getSource('problems')!.serialize().data as {
        features: {
          geometry: { type: string };
          properties: { kind: string; feature?: string; severity: string };
        }[];
      };
      return data.features
        .filter((f) => f.properties.kind === 'detached-part')
        .map((f) => [f.properties.feature, f.properties.severity, f.geometry.type]);
    });
    expect(detachedOnMap).toEqual([[FAR, 'warning', 'MultiPolygon']]);

    // Then a draft with an overlap: the problem is listed, drawn where it is, and blocks publishing.
    await page.getByLabel('File (GeoJSON or zipped Shapefile)').setInputFiles(overlapFile);
    await page.getByRole('button', { name: 'Upload to the draft' }).click();
    await expect
      .poll(() => text(page, '#validation-summary'), { timeout: 60_000 })
      .toContain('Cannot be published');
    expect(await text(page, '#problem-list')).toMatch(
      /Catchments "hub-dursley" and "hub-tetbury" overlap by/,
    );
    const drawn = await page.evaluate(() => {
      const map = (globalThis as unknown as MapGlobal).catchmentsMap;
      const data = map.getSource('problems')!.serialize().data as {
        features: { geometry: { type: string }; properties: { kind: string } }[];
      };
      return data.features.map((f) => [f.properties.kind, f.geometry.type]);
    });
    expect(drawn).toContainEqual(['catchment-overlap', 'MultiPolygon']);
    // The publish panel is drawn once impact and alignment are in too (after the summary): the
    // detached draft before this one had enabled it.
    await expect
      .poll(() => page.getByRole('button', { name: 'Publish the draft…' }).isDisabled(), { timeout: 60_000 })
      .toBe(true);

    // Then the redraw itself, replacing the layer in the same draft.
    await page.getByLabel('File (GeoJSON or zipped Shapefile)').setInputFiles(draftFile);
    await page.getByRole('button', { name: 'Upload to the draft' }).click();
    await expect
      .poll(() => text(page, '#validation-summary'), { timeout: 60_000 })
      .toContain('Can be published');
    expect(await text(page, '#draft-changes')).toMatch(/Dursley.*Tetbury|Tetbury.*Dursley/);

    // The impact: how many postcodes move, from where to where, and the caseload per hub.
    await page.waitForSelector('#moved-count', { timeout: 60_000 });
    expect(await text(page, '#moved-count')).toBe(count(moving.length));
    expect(await rows(page, '#flows-table')).toEqual([
      ['Tetbury Children and Family Centre', 'Dursley Children and Family Centre', count(moving.length)],
    ]);
    const inV1 = (hub: string) => caseload.get(hub) ?? 0;
    expect(await rows(page, '#caseload-table')).toEqual([
      [
        'Dursley Children and Family Centre',
        count(inV1(TO)),
        count(inV1(TO) + movingLive),
        `+${count(movingLive)}`,
      ],
      [
        'Tetbury Children and Family Centre',
        count(inV1(FROM)),
        count(inV1(FROM) - movingLive),
        `\u2212${count(movingLive)}`,
      ],
    ]);
    const movedOnMap = await page.evaluate(() => {
      const map = (globalThis as unknown as MapGlobal).catchmentsMap;
      return (
        map.getSource('moved')!.serialize().data as { features: { properties: { postcode: string } }[] }
      ).features.map((f) => f.properties.postcode);
    });
    expect(movedOnMap.sort()).toEqual([...moving].sort());

    // Alignment, active version vs draft (HV patches and CoC teams: the redraw moved neither, so the
    // scores match), the misaligned fragments on the map and the suggested fixes, as the API gives them.
    const admin = { headers: { Authorization: `Bearer ${TOKEN}` } };
    const aligned = (await (
      await fetch(`${app.url}/v1/admin/areas/gloucestershire/draft/alignment?a=hv-patches&b=coc-teams`, admin)
    ).json()) as { alignment: AlignmentResult };
    const percent = (x: number) => `${(x * 100).toFixed(1)}%`;
    await page.waitForSelector('#alignment-table');
    expect((await rows(page, '#alignment-table'))[0]).toEqual([
      'Coterminosity',
      percent(aligned.alignment.scores.coterminosity),
      percent(aligned.alignment.scores.coterminosity),
    ]);
    expect(aligned.alignment.fixes.length).toBeGreaterThan(0);
    expect(await page.locator('#fixes li').count()).toBe(Math.min(8, aligned.alignment.fixes.length));
    expect(await page.locator('#fixes li').first().textContent()).toContain(
      aligned.alignment.fixes[0]!.summary,
    );
    const fragmentsOnMap = await page.evaluate(() => {
      const map = (globalThis as unknown as MapGlobal).catchmentsMap;
      return (map.getSource('fragments')!.serialize().data as { features: unknown[] }).features.length;
    });
    expect(fragmentsOnMap).toBe(
      aligned.alignment.fragments.features.filter((f) => f.geometry !== null).length,
    );
    expect(fragmentsOnMap).toBeGreaterThan(0);

    // Publish, after a confirmation naming the version and the counts.
    await page
      .getByLabel('Why (kept in the version history)')
      .first()
      .fill('Move the Tetbury ward E05004324 to Dursley');
    await page.getByRole('button', { name: 'Publish the draft…' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    expect(await dialog.getByRole('heading').textContent()).toBe('Publish version 2 of Gloucestershire?');
    expect(await text(page, '#confirm-summary')).toContain(`${count(moving.length)} postcodes change hub`);
    await dialog.getByRole('button', { name: 'Publish version 2' }).click();
    await expect
      .poll(() => text(page, '#planner-status'), { timeout: 60_000 })
      .toMatch(/^Published version 2: /);
    expect(await text(page, '#planner-status')).toContain(`${count(moving.length)} postcodes changed hub`);

    // The public page answers from version 2 at once.
    const sample = moving[Math.floor(moving.length / 2)]!;
    const direct = (await (
      await fetch(`${app.url}/v1/postcodes/${encodeURIComponent(sample)}`)
    ).json()) as LookupAnswer;
    expect(direct).toMatchObject({ version: 2, hub: { id: TO } });
    expect(await publicAnswer(sample)).toEqual({
      hub: 'Dursley Children and Family Centre',
      version: 'Answer from the Gloucestershire family hub boundaries, version 2.',
    });

    // Roll back to version 1: confirmation names it and what it undoes; a reason is required.
    await page.waitForSelector('#rollback-1');
    await page.locator('#rollback-1').click();
    await dialog.waitFor();
    expect(await dialog.getByRole('heading').textContent()).toBe(
      'Make version 1 of Gloucestershire active again?',
    );
    expect(await text(page, '#confirm-summary')).toContain(
      `moved ${count(moving.length)} postcodes to another hub`,
    );
    await dialog.getByRole('button', { name: 'Roll back to version 1' }).click();
    await expect.poll(() => text(page, '#confirm-error')).toContain('Say why');
    await dialog.getByLabel('Why (kept in the version history)').fill('Consultation not finished');
    await dialog.getByRole('button', { name: 'Roll back to version 1' }).click();
    await expect
      .poll(() => text(page, '#planner-status'), { timeout: 60_000 })
      .toMatch(/^Version 1 is active again/);
    expect(await rows(page, '#versions-table')).toEqual([
      [
        '2',
        expect.stringContaining('Move the Tetbury ward E05004324 to Dursley'),
        count(moving.length),
        'Make active (roll back to version 2)',
      ],
      ['1', expect.stringContaining('seed'), '0', 'Active'],
    ]);

    expect(await publicAnswer(sample)).toEqual({
      hub: 'Tetbury Children and Family Centre',
      version: 'Answer from the Gloucestershire family hub boundaries, version 1.',
    });
    expect(errors).toEqual([]);
    await context.close();
  });
  it('uploads hubs and spokes with their ORUK ids and Ofsted URN; a bad URN is refused in words', async () => {
    const area = JSON.parse(readFileSync(join(SAMPLE_DIR, 'gloucestershire', 'area.json'), 'utf8')) as {
      sites: { id: string; kind: string; oruk?: object; ofstedUrn?: string }[];
    };
    const hub = area.sites.find((s) => s.kind === 'hub')!;
    const spoke = area.sites.find((s) => s.kind === 'spoke')!;
    const oruk = {
      serviceId: '6f1c2a8e-0b7d-4f3e-9a51-2c4d6e8f0a1b',
      locationId: '0a9b8c7d-6e5f-4a3b-2c1d-0e9f8a7b6c5d',
    };
    const linked = area.sites.map((s) =>
      s.id === hub.id ? { ...s, oruk } : s.id === spoke.id ? { ...s, ofstedUrn: 'EY123456' } : s,
    );
    const goodFile = join(dir, 'sites-with-oruk.json');
    writeFileSync(goodFile, JSON.stringify({ sites: linked }));
    const badFile = join(dir, 'sites-bad-urn.json');
    writeFileSync(
      badFile,
      JSON.stringify(linked.map((s) => (s.id === spoke.id ? { ...s, ofstedUrn: 'not a urn' } : s))),
    );

    const { context, errors } = await newContext(browser);
    const page = await context.newPage();
    await page.goto(`${app.url}/planner`);
    await page.waitForSelector('body[data-ready="true"]');
    await page.getByLabel('Admin token').fill(TOKEN);
    await page.getByLabel('Your name (for the history)').fill('E2E Planner');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForSelector('#draft-card:not([hidden])');
    await page.getByLabel('Layer to replace').selectOption('sites');
    // Sites are not a layer: the id, name and coordinate fields go away.
    expect(await page.getByLabel('Id property').isHidden()).toBe(true);

    await page.getByLabel('File (GeoJSON or zipped Shapefile)').setInputFiles(badFile);
    await page.getByRole('button', { name: 'Upload to the draft' }).click();
    await expect.poll(() => text(page, '#upload-error')).toContain('ofstedUrn');
    expect(await text(page, '#upload-problems')).toMatch(/Ofsted unique reference number/);
    const audit = await new AxeBuilder({ page })
      .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
      .analyze();
    expect(
      audit.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
    ).toEqual([]);

    await page.getByLabel('File (GeoJSON or zipped Shapefile)').setInputFiles(goodFile);
    await page.getByRole('button', { name: 'Upload to the draft' }).click();
    await expect
      .poll(() => text(page, '#validation-summary'), { timeout: 60_000 })
      .toContain('Can be published');
    expect(await page.locator('#upload-error').isHidden()).toBe(true);
    const hubs = area.sites.filter((s) => s.kind === 'hub').length;
    await expect
      .poll(() => text(page, '#draft-status'))
      .toContain(`Sites: ${hubs} hubs, ${area.sites.length - hubs} spokes.`);
    expect(errors).toEqual([]);
    await context.close();

    // Published (through the admin API), the ids reach the public sites and the ORUK feed.
    const admin = { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' };
    const active = (await (await fetch(`${app.url}/v1/areas/gloucestershire`)).json()) as { version: number };
    const published = await fetch(`${app.url}/v1/admin/areas/gloucestershire/draft/publish`, {
      method: 'POST',
      headers: { ...admin, 'If-Match': String(active.version) },
      body: JSON.stringify({ message: 'ORUK ids and an Ofsted URN from the planner' }),
    });
    expect(published.status).toBe(201);
    const feed = (await (
      await fetch(`${app.url}/v1/areas/gloucestershire/oruk/services?per_page=100`)
    ).json()) as { contents: { id: string; service_at_locations: { location: { id: string } }[] }[] };
    const service = feed.contents.find((c) => c.id === oruk.serviceId)!;
    expect(service.service_at_locations[0]!.location.id).toBe(oruk.locationId);
    const sites = (await (await fetch(`${app.url}/v1/areas/gloucestershire/sites`)).json()) as {
      features: { properties: { id: string; ofstedUrn?: string } }[];
    };
    expect(sites.features.find((f) => f.properties.id === spoke.id)!.properties.ofstedUrn).toBe('EY123456');
  });
});
