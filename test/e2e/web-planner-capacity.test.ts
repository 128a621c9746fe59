// Caseload against capacity on the planner's map, in a real browser (Debian's chromium via
// playwright-core) against the local server: a planner uploads a redraw of the HV patches that merges
// hv-stroud-2 into hv-stroud-1, chooses the illustrative births per LSOA and patch capacities
// (data/planning/, made up), and sees the merged patch flagged OVER, the removed one, the weights
// rows that could not be placed, and the alignment weighted by births; axe finds no violation. The
// under-capacity threshold is set in the form and reaches the counts.
//
// The oracle is independent of the service: each LSOA's births spread equally over its live located
// postcodes (the directory's lsoa11 column), each postcode counted in the first patch by id that
// turf's point-in-polygon puts it in, and the capacity read from the CSV by hand.
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import AxeBuilder from '@axe-core/playwright';
import { bbox, booleanPointInPolygon, featureCollection, union } from '@turf/turf';
import type { Feature, FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalApp } from '../../functions/local-app.js';
import { buildWeb } from '../../scripts/build-web.js';
import { launchBrowser, newContext, rows, text } from '../support/browser.js';
import { SAMPLE_DIR } from '../support/fixtures.js';
import { startTestApp } from '../support/local-app.js';

const TOKEN = 'planner-capacity-e2e-token-0123';
const PLANNING = join(SAMPLE_DIR, 'planning');
const BIRTHS = join(PLANNING, 'births-per-lsoa-illustrative.csv');
const CAPACITY = join(PLANNING, 'hv-patch-capacity-illustrative.csv');
const KEEP = 'hv-stroud-1';
const GONE = 'hv-stroud-2';

type Patch = Feature<Polygon | MultiPolygon, { id: string; name: string }>;

let app: LocalApp;
let browser: Browser;
let dir: string;
let redrawFile: string;
/** The births file with the second row's count suppressed (`*`). */
let suppressedFile: string;
/** Births per patch in the active version, by the independent recount. */
let births: Map<string, number>;
let capacity: Map<string, number>;

const csvRows = (file: string) =>
  readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split(','));

beforeAll(async () => {
  await buildWeb();
  [app, browser, dir] = await Promise.all([
    startTestApp({ CATCHMENTS_ADMIN_TOKEN: TOKEN }),
    launchBrowser(),
    mkdtemp(join(tmpdir(), 'catchments-planner-capacity-')),
  ]);
  const layer = JSON.parse(
    readFileSync(join(SAMPLE_DIR, 'gloucestershire', 'hv-patches.geojson'), 'utf8'),
  ) as FeatureCollection<Patch['geometry'], Patch['properties']>;
  const keep = layer.features.find((f) => f.properties.id === KEEP)!;
  const gone = layer.features.find((f) => f.properties.id === GONE)!;
  redrawFile = join(dir, 'hv-patches-stroud-merged.geojson');
  writeFileSync(
    redrawFile,
    JSON.stringify({
      ...layer,
      features: layer.features
        .filter((f) => f !== gone)
        .map((f) => (f === keep ? { ...f, geometry: union(featureCollection([keep, gone]))!.geometry } : f)),
    }),
  );

  suppressedFile = join(dir, 'births-suppressed.csv');
  writeFileSync(suppressedFile, readFileSync(BIRTHS, 'utf8').replace(/^(E01022101),\d+$/m, '$1,*'));
  const perLsoa = new Map(csvRows(BIRTHS).map(([code, n]) => [code!, Number(n)]));
  const live = gunzipSync(readFileSync(join(SAMPLE_DIR, 'gloucestershire', 'postcodes.csv.gz')))
    .toString('utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split(','))
    .filter(([, lat, lng, status, , , lsoa]) => status === 'live' && lat && lng && perLsoa.has(lsoa!));
  const postcodesIn = new Map<string, number>();
  for (const p of live) postcodesIn.set(p[6]!, (postcodesIn.get(p[6]!) ?? 0) + 1);
  const patches = [...layer.features].sort((a, b) => (a.properties.id < b.properties.id ? -1 : 1));
  const boxes = patches.map((f) => bbox(f));
  births = new Map();
  for (const [, lat, lng, , , , lsoa] of live) {
    const point = [Number(lng), Number(lat)];
    const i = patches.findIndex((f, k) => {
      const [w, s, e, n] = boxes[k]!;
      return (
        point[0]! >= w &&
        point[0]! <= e &&
        point[1]! >= s &&
        point[1]! <= n &&
        booleanPointInPolygon(point, f)
      );
    });
    if (i < 0) continue;
    const id = patches[i]!.properties.id;
    births.set(id, (births.get(id) ?? 0) + perLsoa.get(lsoa!)! / postcodesIn.get(lsoa!)!);
  }
  capacity = new Map(csvRows(CAPACITY).map(([, id, c]) => [id!, Number(c)]));
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const weight = (n: number) => n.toLocaleString('en-GB', { maximumFractionDigits: 1 });
const percent = (share: number) => `${(share * 100).toFixed(1)}%`;

describe('caseload against capacity on the planner’s map', () => {
  it('flags the merged Stroud patch OVER its capacity after the redraw, by illustrative births', async () => {
    const { context, errors } = await newContext(browser);
    const page = await context.newPage();
    await page.goto(`${app.url}/planner`);
    await page.waitForSelector('body[data-ready="true"]');
    await page.getByLabel('Admin token').fill(TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForSelector('#draft-card:not([hidden])');

    await page.getByLabel('Layer to replace').selectOption('hv-patches');
    await page.getByLabel('File (GeoJSON or zipped Shapefile)').setInputFiles(redrawFile);
    await page.getByRole('button', { name: 'Upload to the draft' }).click();
    await page.waitForSelector('#moved-count', { timeout: 60_000 });
    // Without files, no capacity is shown.
    expect(await page.locator('#impact [id^="capacity-"]').count()).toBe(0);

    // A file the service refuses (a suppressed count) is named where it was chosen, and not used.
    await page.getByLabel('Weights file (CSV, optional)').setInputFiles(suppressedFile);
    await expect.poll(() => page.getByLabel('Counts column').inputValue()).toBe('births');
    await page.getByRole('button', { name: 'Use these files' }).click();
    await expect
      .poll(() => text(page, '#planning-error'), { timeout: 60_000 })
      .toMatch(/^Error: The files were not used: .*row 2 \(E01022101\): births is "\*"/);
    await page.waitForSelector('#moved-count', { timeout: 60_000 });
    expect(await page.locator('#impact [id^="capacity-"]').count()).toBe(0);
    expect(await text(page, '#planning-status')).toBe('Caseload is counted as live postcodes.');

    // The weights file offers its header's columns; the key is guessed from it.
    await page.getByLabel('Weights file (CSV, optional)').setInputFiles(BIRTHS);
    await expect.poll(() => page.getByLabel('Counts column').inputValue()).toBe('births');
    expect(await page.getByLabel('Rows are keyed by').inputValue()).toBe('lsoa11');
    await page.getByLabel('Capacity file (CSV, optional)').setInputFiles(CAPACITY);
    await page.getByRole('button', { name: 'Use these files' }).click();
    await page.waitForSelector('#capacity-hv-patches-table', { timeout: 60_000 });
    expect(await page.locator('#planning-error').isHidden()).toBe(true);

    const table = await rows(page, '#capacity-hv-patches-table');
    const keep = table.find((r) => r[0] === 'Stroud 1 (Painswick)')!;
    const before = births.get(KEEP)!;
    const after = before + births.get(GONE)!;
    const cap = capacity.get(KEEP)!;
    expect(after / cap).toBeGreaterThan(1);
    expect(keep).toEqual([
      'Stroud 1 (Painswick)',
      String(cap),
      `${weight(before)} (${percent(before / cap)})${before > cap ? ' Over' : before < 0.8 * cap ? ' Under' : ''}`,
      `${weight(after)} (${percent(after / cap)}) Over`,
    ]);
    // Over after sorts first, and the removed patch is listed as removed (no load after).
    expect(table[0]![3]).toMatch(/ Over$/);
    const gone = table.find((r) => r[0] === 'Stroud 2 (Stonehouse) (removed)')!;
    expect(gone.slice(1)).toEqual([
      String(capacity.get(GONE)),
      expect.stringContaining(`${weight(births.get(GONE)!)} (`),
      '–',
    ]);
    // Every patch's flag agrees with the recount: count those over before, by hand.
    const overBefore = [...capacity].filter(([id, c]) => (births.get(id) ?? 0) > c).length;
    const underBefore = (share: number) =>
      [...capacity].filter(([id, c]) => (births.get(id) ?? 0) < share * c).length;
    expect(await text(page, '#capacity-hv-patches-summary')).toContain(
      `Before: ${overBefore} over, ${underBefore(0.8)} under.`,
    );

    // Every LSOA row of the sample is placed (each has live postcodes), so none is unmatched.
    const rowsInFile = csvRows(BIRTHS).length;
    expect(await text(page, '#weights-matched')).toContain(`(${rowsInFile} rows of ${rowsInFile})`);
    expect(await text(page, '#weights-unmatched')).toBe('Every row was placed.');

    // The alignment is weighted by births and set against capacity.
    await expect.poll(() => text(page, '#alignment-table'), { timeout: 60_000 }).toContain('(by births)');
    expect(await text(page, '#alignment-capacity')).toMatch(
      /^The draft against capacity \(births\): HV patches \d+ over/,
    );

    const audit = await new AxeBuilder({ page })
      .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
      .analyze();
    expect(
      audit.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
    ).toEqual([]);

    // Back to live postcodes: the capacity tables go.
    await page.getByRole('button', { name: 'Count live postcodes again' }).click();
    await expect.poll(() => page.locator('#capacity-hv-patches-table').count()).toBe(0);

    // The under threshold is the planner's to set (default 80%): a share out of range is refused
    // beside the field, and at 95% the patches flagged under are those the recount puts below 95%
    // of their capacity (more than at 80%, so the setting is seen to reach the service).
    expect(underBefore(0.95)).toBeGreaterThan(underBefore(0.8));
    await page.getByLabel('Weights file (CSV, optional)').setInputFiles(BIRTHS);
    await expect.poll(() => page.getByLabel('Counts column').inputValue()).toBe('births');
    await page.getByLabel('Capacity file (CSV, optional)').setInputFiles(CAPACITY);
    const threshold = page.getByLabel('Under capacity below (% of capacity)');
    expect(await threshold.inputValue()).toBe('80');
    await threshold.fill('0');
    await page.getByRole('button', { name: 'Use these files' }).click();
    await expect
      .poll(() => text(page, '#planning-error'))
      .toMatch(
        /^Error: Under capacity below must be a percentage above 0 and at most 100, e\.g\. 80; got "0"/,
      );
    expect(await page.locator('#capacity-hv-patches-table').count()).toBe(0);
    await threshold.fill('95');
    await page.getByRole('button', { name: 'Use these files' }).click();
    await page.waitForSelector('#capacity-hv-patches-table', { timeout: 60_000 });
    expect(await page.locator('#planning-error').isHidden()).toBe(true);
    const summary95 = await text(page, '#capacity-hv-patches-summary');
    expect(summary95).toContain(`Before: ${overBefore} over, ${underBefore(0.95)} under.`);
    expect(summary95).toContain('under below 95%');
    // The status line is written once both the impact and the alignment have answered.
    await expect
      .poll(() => text(page, '#planning-status'), { timeout: 60_000 })
      .toContain('(under below 95%)');
    expect(errors).toEqual([]);
    await context.close();
  });
});
