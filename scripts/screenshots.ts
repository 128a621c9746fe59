// Screenshots of the public page and the planner's map at desktop (1280×800) and phone (390×844)
// widths, for the README and docs/web.md. Builds the pages, starts the local server in this
// process on the sample area (in-memory store, so nothing is left behind), drives Debian's
// chromium, and writes PNGs into docs/screenshots/.
//
//   npx tsx scripts/screenshots.ts [--out docs/screenshots]
//
// The planner shots show a draft that moves one ward (E05004324, all of HV patch hv-tetbury-2)
// from the Tetbury catchment to Dursley, as the browser test does.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { difference, featureCollection, union } from '@turf/turf';
import type { Feature, FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import type { Page } from 'playwright-core';
import { loadConfig } from '../functions/config.js';
import { startLocalApp } from '../functions/local-app.js';
import { launchBrowser } from '../test/support/browser.js';
import { buildWeb } from './build-web.js';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const outArg = process.argv.indexOf('--out');
const OUT = outArg > 0 ? process.argv[outArg + 1]! : join(REPO, 'docs', 'screenshots');
const TOKEN = `screenshots-${Date.now()}-token`;
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

type Area = Feature<Polygon | MultiPolygon, { id: string }>;

/** The redraw (the ward moved), and a broken one (the ward added to Dursley but left in Tetbury: an overlap). */
function drafts(): { moved: string; overlap: string } {
  const read = (name: string) =>
    JSON.parse(
      readFileSync(join(REPO, 'data', 'gloucestershire', `${name}.geojson`), 'utf8'),
    ) as FeatureCollection<Polygon | MultiPolygon, { id: string }>;
  const catchments = read('catchments');
  const ward = read('hv-patches').features.find((f) => f.properties.id === 'hv-tetbury-2') as Area;
  const tetbury = (f: Area): Area => ({ ...f, geometry: difference(featureCollection([f, ward]))!.geometry });
  const dursley = (f: Area): Area => ({ ...f, geometry: union(featureCollection([f, ward]))!.geometry });
  const layer = (change: (f: Area) => Area) =>
    JSON.stringify({ ...catchments, features: catchments.features.map(change) });
  return {
    moved: layer((f) =>
      f.properties.id === 'hub-tetbury' ? tetbury(f) : f.properties.id === 'hub-dursley' ? dursley(f) : f,
    ),
    overlap: layer((f) => (f.properties.id === 'hub-dursley' ? dursley(f) : f)),
  };
}

async function waitForText(page: Page, pattern: RegExp): Promise<void> {
  await page.waitForFunction(
    (source) =>
      new RegExp(source).test(
        (globalThis as unknown as { document: { body: { textContent: string } } }).document.body.textContent,
      ),
    pattern.source,
    { timeout: 120_000 },
  );
}

async function settle(page: Page): Promise<void> {
  // Wait for the map to finish drawing (MapLibre's loaded(): style, sources and tiles done).
  await page.waitForFunction(() => {
    const map = (globalThis as unknown as { catchmentsMap?: { loaded(): boolean } }).catchmentsMap;
    return !map || map.loaded();
  });
  await page.waitForTimeout(300);
}

async function main(): Promise<void> {
  await buildWeb({ log: console.log });
  mkdirSync(OUT, { recursive: true });
  const work = await mkdtemp(join(tmpdir(), 'catchments-shots-'));
  const draftPath = join(work, 'catchments-draft.geojson');
  const overlapPath = join(work, 'catchments-overlap.geojson');
  const { moved, overlap } = drafts();
  writeFileSync(draftPath, moved);
  writeFileSync(overlapPath, overlap);
  const app = await startLocalApp(
    loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      CATCHMENTS_STORE_DIR: ':memory:',
      CATCHMENTS_ADMIN_TOKEN: TOKEN,
    }),
  );
  const browser = await launchBrowser();
  const written: string[] = [];
  const shot = async (page: Page, name: string) => {
    const path = join(OUT, `${name}.png`);
    await page.screenshot({ path, animations: 'disabled' });
    written.push(path);
  };
  try {
    for (const [label, viewport] of [
      ['desktop', DESKTOP],
      ['phone', PHONE],
    ] as const) {
      const context = await browser.newContext({ viewport, locale: 'en-GB', timezoneId: 'Europe/London' });
      const page = await context.newPage();
      await page.goto(`${app.url}/`);
      await page.waitForSelector('body[data-ready="true"]');
      await page.getByLabel('Postcode').fill('GL3 4HN');
      await page.getByRole('button', { name: 'Find my hub' }).click();
      await page.waitForSelector('#hub-name');
      await settle(page);
      if (label === 'desktop')
        await page.evaluate(() =>
          (globalThis as unknown as { scrollTo(x: number, y: number): void }).scrollTo(0, 280),
        );
      await shot(page, `public-${label}`);
      if (label === 'phone') {
        await page.locator('#map-section').scrollIntoViewIfNeeded();
        await settle(page);
        await shot(page, 'public-phone-map');
        await page.getByLabel('Postcode').fill('GL1');
        await page.getByRole('button', { name: 'Find my hub' }).click();
        await page.waitForSelector('#postcode-error:not([hidden])');
        await page.evaluate(() =>
          (globalThis as unknown as { scrollTo(x: number, y: number): void }).scrollTo(0, 250),
        );
        await shot(page, 'public-phone-error');
      }
      await context.close();
    }

    for (const [label, viewport] of [
      ['desktop', DESKTOP],
      ['phone', PHONE],
    ] as const) {
      const context = await browser.newContext({ viewport, locale: 'en-GB', timezoneId: 'Europe/London' });
      const page = await context.newPage();
      await page.goto(`${app.url}/planner`);
      await page.waitForSelector('body[data-ready="true"]');
      await settle(page);
      if (label === 'desktop') await shot(page, 'planner-desktop');
      await page.getByLabel('Admin token').fill(TOKEN);
      await page.getByLabel('Your name (for the history)').fill('A. Planner');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForSelector('#draft-card:not([hidden])');
      if (label === 'desktop') {
        await page.getByLabel('GeoJSON file').setInputFiles(overlapPath);
        await page.getByRole('button', { name: 'Upload to the draft' }).click();
        await waitForText(page, /Cannot be published/);
        await page.locator('#validation-card').scrollIntoViewIfNeeded();
        await settle(page);
        await shot(page, 'planner-desktop-problems');
      }
      await page.getByLabel('GeoJSON file').setInputFiles(draftPath);
      await page.getByRole('button', { name: 'Upload to the draft' }).click();
      await waitForText(page, /Can be published/);
      await page.waitForFunction(
        () =>
          !/Checking|Working out|Comparing/.test(
            (globalThis as unknown as { document: { body: { textContent: string } } }).document.body
              .textContent,
          ),
        undefined,
        { timeout: 120_000 },
      );
      // The planner zooms to the changed boundaries itself; bring the impact panel into view.
      await page.locator('#impact-card').scrollIntoViewIfNeeded();
      await settle(page);
      await shot(page, `planner-${label}-draft`);
      if (label === 'phone') {
        await page.evaluate(() =>
          (globalThis as unknown as { scrollTo(x: number, y: number): void }).scrollTo(0, 0),
        );
        await settle(page);
        await shot(page, 'planner-phone');
      }
      await page.getByRole('button', { name: 'Discard the draft' }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Discard the draft' }).click();
      await context.close();
    }
  } finally {
    await browser.close();
    await app.close();
    await rm(work, { recursive: true, force: true });
  }
  for (const path of written) console.log(`wrote ${path}`);
}

await main();
