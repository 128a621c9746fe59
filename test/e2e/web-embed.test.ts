// The public page as a council ships it, in Debian's chromium against the local server: a branded
// build (name, logo, colours, contact, privacy link, a PMTiles basemap on the same origin); the
// <family-hub-finder> widget on a page from another origin finds a hub; the iframe mode loads in a
// page from an allowed origin and is refused in one from another; with JavaScript off a postcode
// finds its hub and a malformed one shows the error; "use my location" with and without consent;
// and axe-core finds no WCAG 2.2 AA violation in any of those states.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../functions/config.js';
import type { LookupAnswer } from '../../functions/core/lookup/answer.js';
import { type LocalApp, startLocalApp } from '../../functions/local-app.js';
import { buildWeb } from '../../scripts/build-web.js';
import { makePmtilesFixture } from '../../scripts/make-pmtiles-fixture.js';
import { launchBrowser, type MapGlobal, newContext } from '../support/browser.js';

const COUNCIL = 'Testshire County Council';
const BRAND = '#6b1f7c';

let dir: string;
let app: LocalApp;
let browser: Browser;
/** A council's page on another origin, allowed to frame ours. */
let allowedHost: Server;
/** Another site, not allowed to frame ours. */
let otherHost: Server;
const originOf = (server: Server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

/** A host page with the widget snippet and the iframe, as a council would paste them. */
function hostPage(): string {
  const site = app.url;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Council page</title>
<script type="module" src="${site}/widget.js"></script></head>
<body><main><h1>Family hubs in Testshire</h1>
<family-hub-finder area="gloucestershire"><a href="${site}/">Find your family hub</a></family-hub-finder>
<iframe id="finder" title="Find your family hub" src="${site}/embed" width="600" height="700"></iframe>
</main></body></html>`;
}

function startHost(): Promise<Server> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(hostPage());
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

async function api<T>(path: string): Promise<T> {
  return (await (await fetch(app.url + path)).json()) as T;
}

/**
 * axe on the server-rendered page exactly as a browser without JavaScript gets it: axe itself needs
 * scripts, so the page is loaded with scripts on but its own script blocked.
 */
async function axeWithoutPageScript(url: string): Promise<string[]> {
  const context = await browser.newContext({ locale: 'en-GB' });
  await context.route(/\/assets\/public-[A-Z0-9]+\.js$/, (route) => route.abort());
  const page = await context.newPage();
  await page.goto(url);
  const violations = await axe(page);
  await context.close();
  return violations;
}

/** axe-core at the WCAG 2.2 AA rules: the violations, as rule ids with the elements they name. */
async function axe(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
    .analyze();
  return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'catchments-branded-'));
  [allowedHost, otherHost, browser] = await Promise.all([startHost(), startHost(), launchBrowser()]);
  await writeFile(
    join(dir, 'logo.svg'),
    `<svg xmlns="http://www.w3.org/2000/svg" width="160" height="40" viewBox="0 0 160 40"><rect width="160" height="40" fill="${BRAND}"/><text x="8" y="26" fill="#fff" font-size="16">Testshire</text></svg>`,
  );
  await writeFile(join(dir, 'basemap.pmtiles'), makePmtilesFixture().bytes);
  await writeFile(
    join(dir, 'branding.json'),
    JSON.stringify({
      council: { name: COUNCIL, url: 'https://www.testshire.gov.uk/' },
      logo: { file: 'logo.svg', alt: COUNCIL, width: 160, height: 40 },
      colours: {
        brand: BRAND,
        brandDark: '#4a1456',
        brandText: '#ffffff',
        link: '#1d4f91',
        linkVisited: '#4c2c92',
        text: '#0b0c0c',
      },
      contact: { text: 'Family Information Service', phone: '01632 960000', email: 'fis@testshire.gov.uk' },
      privacyUrl: 'https://www.testshire.gov.uk/privacy',
      areas: ['gloucestershire'],
      frameAncestors: [originOf(allowedHost)],
      basemap: { file: 'basemap.pmtiles', attribution: 'Test basemap', maxzoom: 11 },
    }),
  );
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    CATCHMENTS_STORE_DIR: ':memory:',
    CATCHMENTS_BRANDING: join(dir, 'branding.json'),
  });
  const site = await buildWeb({ outDir: join(dir, 'dist'), branding: config.brandingFile });
  app = await startLocalApp(config, undefined, site.outDir);
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  allowedHost?.close();
  otherHost?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const waitAnswered = (page: Page) =>
  page.waitForFunction(() => {
    const doc = (
      globalThis as unknown as {
        document: { getElementById(id: string): { hasAttribute(n: string): boolean } | null };
      }
    ).document;
    return !doc.getElementById('result')?.hasAttribute('aria-busy');
  });

describe('a branded page', () => {
  it('shows the council’s name, logo, colours, contact and privacy link, and draws its basemap from this origin', async () => {
    const { context, errors } = await newContext(browser);
    const page = await context.newPage();
    const elsewhere: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith(app.url) && !r.url().startsWith('data:')) elsewhere.push(r.url());
    });
    await page.goto(`${app.url}/`);
    await page.waitForSelector('body[data-ready="true"]');
    const logo = page.locator('.site-header .brand img');
    expect(await logo.getAttribute('alt')).toBe(COUNCIL);
    expect(await logo.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBe(160);
    expect(await page.locator('.site-header .brand').getAttribute('href')).toBe(
      'https://www.testshire.gov.uk/',
    );
    const colour = (selector: string, property: string) =>
      page
        .locator(selector)
        .evaluate(
          (el, p) =>
            (
              globalThis as unknown as { getComputedStyle(e: unknown): Record<string, string> }
            ).getComputedStyle(el)[p],
          property,
        );
    expect(await colour('.site-header', 'backgroundColor')).toBe('rgb(107, 31, 124)');
    expect(await colour('#find', 'backgroundColor')).toBe('rgb(107, 31, 124)');
    expect(await page.locator('#council-contact').textContent()).toBe(
      'Contact: Family Information Service 01632 960000 · fis@testshire.gov.uk',
    );
    expect(await page.locator('#privacy-link').getAttribute('href')).toBe(
      'https://www.testshire.gov.uk/privacy',
    );
    expect(await axe(page)).toEqual([]);

    const postcode = 'GL3 4HN';
    const expected = await api<LookupAnswer>(`/v1/postcodes/${encodeURIComponent(postcode)}`);
    await page.getByLabel('Postcode').fill(postcode);
    await page.getByRole('button', { name: 'Find my hub' }).click();
    await waitAnswered(page);
    expect(await page.locator('#hub-name').textContent()).toBe(expected.hub!.name);
    expect(await page.locator('#answer-version').textContent()).toBe(
      `Answer from the Gloucestershire family hub boundaries, version ${expected.version}.`,
    );
    // The basemap's streets and water are drawn (from the PMTiles file, by range requests here).
    await expect
      .poll(
        () =>
          page.evaluate(() => {
            const map = (globalThis as unknown as MapGlobal).catchmentsMap;
            return map
              ? map.queryRenderedFeatures({ layers: ['basemap-earth', 'basemap-roads'] }).length
              : -1;
          }),
        { timeout: 20_000 },
      )
      .toBeGreaterThan(0);
    expect(elsewhere).toEqual([]);
    expect(await axe(page)).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('says what is wrong with a malformed postcode, and passes axe in that state too', async () => {
    const problem = await api<{ detail: string }>('/v1/postcodes/GL1');
    const { context, errors } = await newContext(browser, { width: 390, height: 844 });
    const page = await context.newPage();
    await page.goto(`${app.url}/`);
    await page.waitForSelector('body[data-ready="true"]');
    await page.getByLabel('Postcode').fill('GL1');
    await page.getByRole('button', { name: 'Find my hub' }).click();
    await expect.poll(() => page.locator('#postcode-error').textContent()).toBe(`Error: ${problem.detail}`);
    expect(await axe(page)).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe('embedding', () => {
  it('the widget on another site’s page finds a hub', async () => {
    const postcode = 'GL50 1AD';
    const expected = await api<LookupAnswer>(`/v1/postcodes/${encodeURIComponent(postcode)}`);
    const { context, errors } = await newContext(browser);
    const page = await context.newPage();
    await page.goto(`${originOf(allowedHost)}/`);
    const widget = page.locator('family-hub-finder');
    // Playwright's CSS locators go into open shadow roots.
    await widget.locator('input#postcode').fill(postcode);
    await widget.getByRole('button', { name: 'Find my hub' }).click();
    await expect
      .poll(() => widget.locator('#hub-name').textContent(), { timeout: 15_000 })
      .toBe(expected.hub!.name);
    expect(await widget.locator('#status').textContent()).toContain(
      `Your family hub is ${expected.hub!.name}`,
    );
    expect(await widget.locator('a[target="_top"]', { hasText: 'See the map' }).getAttribute('href')).toBe(
      `${app.url}/?postcode=${encodeURIComponent(postcode)}`,
    );
    expect(await axe(page)).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('the iframe mode loads in a page from an allowed origin, and is refused by the browser in another', async () => {
    const { context } = await newContext(browser);
    const page = await context.newPage();
    await page.goto(`${originOf(allowedHost)}/`);
    const frame = page.frameLocator('#finder');
    await frame.locator('body[data-ready="true"]').waitFor({ timeout: 15_000 });
    expect(await frame.locator('.site-header').count()).toBe(0); // the council's page has its own
    await frame.getByLabel('Postcode').fill('GL1 1AD');
    await frame.getByRole('button', { name: 'Find my hub' }).click();
    await expect
      .poll(() => frame.locator('#hub-name').textContent(), { timeout: 15_000 })
      .toBe('Gloucester Central Children and Family Centre');

    const refused = await context.newPage();
    const blocked: string[] = [];
    refused.on('console', (m) => {
      if (/frame-ancestors/.test(m.text())) blocked.push(m.text());
    });
    await refused.goto(`${originOf(otherHost)}/`);
    await expect.poll(() => blocked.length, { timeout: 15_000 }).toBeGreaterThan(0);
    const ours = refused.frames().filter((f) => f.url().startsWith(app.url));
    for (const f of ours) expect(await f.locator('#lookup-form').count()).toBe(0);
    await context.close();
  });
});

describe('without JavaScript', () => {
  it('a postcode finds its hub and a malformed one shows the error, on the server-rendered page', async () => {
    const postcode = 'GL3 4HN';
    const expected = await api<LookupAnswer>(`/v1/postcodes/${encodeURIComponent(postcode)}`);
    const problem = await api<{ detail: string }>('/v1/postcodes/GL1');
    const context = await browser.newContext({ javaScriptEnabled: false, locale: 'en-GB' });
    const page = await context.newPage();
    await page.goto(`${app.url}/`);
    await page.getByLabel('Postcode').fill(postcode);
    await page.getByRole('button', { name: 'Find my hub' }).click();
    await page.waitForURL(/\/find\?postcode=/);
    expect(await page.locator('#hub-name').textContent()).toBe(expected.hub!.name);
    expect(await page.locator('#spokes li').count()).toBe(expected.spokes.length);
    expect(await page.title()).toBe(`${expected.hub!.name} – Find your family hub`);
    expect(await page.getByLabel('Postcode').inputValue()).toBe(postcode);
    expect(await page.locator('.site-header .brand img').getAttribute('alt')).toBe(COUNCIL);
    expect(await axeWithoutPageScript(page.url())).toEqual([]);

    await page.getByLabel('Postcode').fill('GL1');
    await page.getByRole('button', { name: 'Find my hub' }).click();
    await page.waitForURL(/postcode=GL1$/);
    expect(await page.locator('#postcode-error').textContent()).toBe(`Error: ${problem.detail}`);
    expect(await page.getByLabel('Postcode').getAttribute('aria-invalid')).toBe('true');
    expect(await page.title()).toBe('Error: Find your family hub');
    expect(await axeWithoutPageScript(page.url())).toEqual([]);

    // Unknown postcodes and the iframe mode answer in words too.
    await page.goto(`${app.url}/embed/find?postcode=GL50+1XX`);
    expect(await page.locator('#problem h2').textContent()).toBe('We could not find GL50 1XX');
    expect(await page.locator('.site-header').count()).toBe(0);
    expect(await axeWithoutPageScript(page.url())).toEqual([]);
    await context.close();
  });
});

describe('use my location', () => {
  it('asks first, then finds the hub for the browser’s location; says what to do when refused', async () => {
    const point = { latitude: 51.8998, longitude: -2.0789 };
    const expected = await api<LookupAnswer>(`/v1/locations?lat=${point.latitude}&lng=${point.longitude}`);
    const context = await browser.newContext({
      locale: 'en-GB',
      geolocation: point,
      permissions: ['geolocation'],
    });
    const page = await context.newPage();
    await page.goto(`${app.url}/`);
    await page.waitForSelector('body[data-ready="true"]');
    await page.getByRole('button', { name: 'Use my location instead' }).click();
    // The page's own consent step comes before the browser is asked.
    expect(await page.locator('#location-consent').isVisible()).toBe(true);
    expect(await axe(page)).toEqual([]);
    await page.getByRole('button', { name: 'Continue' }).click();
    await expect
      .poll(() => page.locator('#hub-name').textContent(), { timeout: 15_000 })
      .toBe(expected.hub!.name);
    expect(await page.locator('.distance').first().textContent()).toContain('from your location');
    expect(page.url()).toBe(`${app.url}/`); // a location is never put in the address bar
    await context.close();

    const refusing = await browser.newContext({ locale: 'en-GB' });
    const denied = await refusing.newPage();
    await denied.goto(`${app.url}/`);
    await denied.waitForSelector('body[data-ready="true"]');
    await denied.getByRole('button', { name: 'Use my location instead' }).click();
    await denied.getByRole('button', { name: 'Continue' }).click();
    await expect
      .poll(() => denied.locator('#location-message').textContent(), { timeout: 15_000 })
      .toMatch(/Enter your postcode instead\.$/);
    expect(await denied.locator('#hub-name').count()).toBe(0);
    expect(await axe(denied)).toEqual([]);
    await refusing.close();
  });
});
