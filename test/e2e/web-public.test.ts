// "Find your family hub" in a real browser (Debian's chromium via playwright-core) against the local
// server: the sample area answers a postcode with its hub, the map draws the catchment, the point
// and the hub; malformed, unknown, terminated, gap, outside, boundary and no-location postcodes
// each get their own words (on the Testshire fixture, whose answers are known); and an
// accessibility smoke check: labels, keyboard-only use, focus, contrast, phone width.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LookupAnswer } from '../../functions/core/lookup/answer.js';
import type { LocalApp } from '../../functions/local-app.js';
import { buildWeb } from '../../scripts/build-web.js';
import { launchBrowser, type MapGlobal, newContext } from '../support/browser.js';
import { FIXTURE_AREAS_DIR } from '../support/fixtures.js';
import { startTestApp } from '../support/local-app.js';

let sample: LocalApp;
let testshire: LocalApp;
let browser: Browser;

beforeAll(async () => {
  await buildWeb();
  [sample, testshire, browser] = await Promise.all([
    startTestApp(),
    startTestApp({ CATCHMENTS_DATA_DIR: FIXTURE_AREAS_DIR }),
    launchBrowser(),
  ]);
});

afterAll(async () => {
  await browser?.close();
  await sample?.close();
  await testshire?.close();
});

async function api<T>(app: LocalApp, path: string): Promise<T> {
  const response = await fetch(app.url + path);
  return (await response.json()) as T;
}

/** Opens the public page and looks a postcode up by typing it, as a person would. */
async function lookUp(page: Page, app: LocalApp, postcode: string): Promise<void> {
  await page.goto(`${app.url}/`);
  await page.waitForSelector('body[data-ready="true"]');
  await search(page, postcode);
}

/** Types a postcode into the box on the page already open and waits for the whole answer (map included). */
async function search(page: Page, postcode: string): Promise<void> {
  await page.getByLabel('Postcode').fill(postcode);
  await page.getByRole('button', { name: 'Find my hub' }).click();
  await page.waitForFunction(() => {
    const doc = (
      globalThis as unknown as {
        document: { getElementById(id: string): { hasAttribute(n: string): boolean } | null };
      }
    ).document;
    return !doc.getElementById('result')?.hasAttribute('aria-busy');
  });
}

describe('find your family hub', () => {
  it('answers a sample-area postcode with its hub, spokes and a map of the catchment, point and hub', async () => {
    const postcode = 'GL3 4HN';
    const expected = await api<LookupAnswer>(sample, `/v1/postcodes/${encodeURIComponent(postcode)}`);
    expect(expected.hub).not.toBeNull();
    const hub = expected.hub!;
    const { context, errors } = await newContext(browser);
    const page = await context.newPage();
    await lookUp(page, sample, postcode);

    expect(await page.locator('#hub-name').textContent()).toBe(hub.name);
    expect(await page.locator('#status').textContent()).toContain(`Your family hub is ${hub.name}`);
    expect(await page.locator('#spokes li .spoke__name').allTextContents()).toEqual(
      expected.spokes.map((s) => expect.stringContaining(s.name)),
    );
    expect(await page.locator('#hub-card').textContent()).toContain(hub.contact.phone!);
    expect(await page.locator('#answer-version').textContent()).toContain(`version ${expected.version}`);
    expect(new URL(page.url()).searchParams.get('postcode')).toBe(postcode);

    // The map: its sources hold the hub's catchment, the postcode's point and the hub, and all three are drawn.
    await expect
      .poll(
        () =>
          page.evaluate(() => {
            const map = (globalThis as unknown as MapGlobal).catchmentsMap;
            if (!map) return -1;
            return map.queryRenderedFeatures({ layers: ['catchment-fill'] }).length;
          }),
        { timeout: 20_000 },
      )
      .toBeGreaterThan(0);
    const state = await page.evaluate(
      ({ point, hubPoint }) => {
        const map = (globalThis as unknown as MapGlobal).catchmentsMap;
        const data = (id: string) =>
          map.getSource(id)?.serialize().data as {
            features: { properties: Record<string, unknown>; geometry: { coordinates: unknown } }[];
          };
        return {
          catchmentIds: data('catchment').features.map((f) => f.properties.id),
          point: data('postcode').features.map((f) => f.geometry.coordinates),
          hubs: data('sites')
            .features.filter((f) => f.properties.role === 'hub')
            .map((f) => f.properties.id),
          drawnPoint: map.queryRenderedFeatures({ layers: ['postcode-point'] }).length,
          drawnHub: map.queryRenderedFeatures({ layers: ['hub'] }).map((f) => f.properties.id),
          pointInView: map.getBounds().contains(point),
          hubInView: map.getBounds().contains(hubPoint),
        };
      },
      {
        point: [expected.location.lng, expected.location.lat] as [number, number],
        hubPoint: [hub.location.lng, hub.location.lat] as [number, number],
      },
    );
    expect(state).toEqual({
      catchmentIds: [hub.id],
      point: [[expected.location.lng, expected.location.lat]],
      hubs: [hub.id],
      drawnPoint: 1,
      drawnHub: [hub.id],
      pointInView: true,
      hubInView: true,
    });
    expect(errors).toEqual([]);
    await context.close();
  });

  it('shows the error text for a malformed postcode, on the field, without a map', async () => {
    const problem = await api<{ detail: string }>(sample, '/v1/postcodes/GL1');
    const { context, errors } = await newContext(browser);
    const page = await context.newPage();
    await lookUp(page, sample, 'GL1');
    const error = page.locator('#postcode-error');
    await expect.poll(() => error.isVisible()).toBe(true);
    expect(await error.textContent()).toBe(`Error: ${problem.detail}`);
    expect(problem.detail).toContain('is not a UK postcode');
    expect(await page.getByLabel('Postcode').getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByLabel('Postcode').getAttribute('aria-describedby')).toContain('postcode-error');
    expect(
      await page.evaluate(
        () =>
          (globalThis as unknown as { document: { activeElement: { id: string } } }).document.activeElement
            .id,
      ),
    ).toBe('postcode');
    expect(await page.title()).toMatch(/^Error: /);
    expect(await page.locator('#map-section').isHidden()).toBe(true);
    expect(await page.locator('#hub-card').count()).toBe(0);

    // An empty box is caught before asking the service.
    await page.getByLabel('Postcode').fill('');
    await page.getByRole('button', { name: 'Find my hub' }).click();
    await expect.poll(() => error.textContent()).toBe('Error: Enter a postcode, for example GL1 1AD.');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('lists the hubs near a postcode in a gap from the API’s nearest sites, nearest first', async () => {
    const gap = await api<LookupAnswer>(testshire, '/v1/postcodes/TE1%201AD');
    expect(gap.match).toBe('gap');
    // The oracle: every hub of the fixture, ranked by great-circle distance from the postcode.
    const { sites } = JSON.parse(
      await readFile(join(FIXTURE_AREAS_DIR, 'testshire', 'area.json'), 'utf8'),
    ) as {
      sites: { name: string; kind: string; location: { lat: number; lng: number } }[];
    };
    const ranked = sites
      .filter((s) => s.kind === 'hub')
      .map((s) => ({ name: s.name, m: haversineMetres(gap.location, s.location) }))
      .sort((a, b) => a.m - b.m);
    expect(ranked.length).toBeGreaterThan(1);
    expect(ranked[1]!.m / ranked[0]!.m).toBeGreaterThan(1.01); // no near-tie for the two formulas to split

    const { context, errors } = await newContext(browser);
    const page = await context.newPage();
    const asked: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/v1/sites/nearest')) asked.push(r.url());
    });
    await lookUp(page, testshire, 'TE1 1AD');
    expect(asked).toHaveLength(1);
    const query = new URL(asked[0]!).searchParams;
    expect(Number(query.get('lat'))).toBe(gap.location.lat);
    expect(Number(query.get('lng'))).toBe(gap.location.lng);
    expect(query.get('kind')).toBe('hub');
    // Every hub of the fixture (two, fewer than the page asks for), not only the answer's nearestHub.
    expect(await page.locator('#nearby-hubs .hub-card__name').allTextContents()).toEqual(
      ranked.map((h) => h.name),
    );
    expect(await page.locator('#nearest-hub').textContent()).toBe(gap.nearestHub!.name);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('gives unknown, no-location, terminated, gap, outside and boundary postcodes their own words', async () => {
    const { context, errors } = await newContext(browser);
    const page = await context.newPage();
    const text = (selector: string) => page.locator(selector).textContent();

    await page.goto(`${testshire.url}/`);
    await page.waitForSelector('body[data-ready="true"]');
    await search(page, 'TE5 5ZZ');
    expect(await text('#problem h2')).toBe('We could not find TE5 5ZZ');
    expect(await text('#problem')).toContain('not in the postcode directory');

    await search(page, 'TE9 9ZZ');
    expect(await text('#problem h2')).toBe('TE9 9ZZ has no location we can use');

    const terminated = await api<LookupAnswer>(testshire, '/v1/postcodes/TE2%202AA');
    await search(page, 'TE2 2AA');
    expect(await text('#terminated-note')).toContain('TE2 2AA is no longer in use (withdrawn June 2019)');
    expect(await text('#hub-name')).toBe(terminated.hub!.name);

    const gap = await api<LookupAnswer>(testshire, '/v1/postcodes/TE1%201AD');
    expect(gap.match).toBe('gap');
    await search(page, 'TE1 1AD');
    expect(await text('#no-hub h2')).toBe('No family hub area covers TE1 1AD yet');
    expect(await text('#nearest-hub')).toBe(gap.nearestHub!.name);
    expect(await page.locator('#hub-card').count()).toBe(0);

    const outside = await api<LookupAnswer>(testshire, '/v1/postcodes/TE1%201AE');
    expect(outside.match).toBe('outside');
    await search(page, 'TE1 1AE');
    expect(await text('#no-hub h2')).toBe('TE1 1AE is outside the area we cover');
    expect(await text('#no-hub')).toContain('Your local council can tell you where your family hub is');
    expect(await text('#nearest-hub')).toBe(outside.nearestHub!.name);

    await search(page, 'TE1 1AB');
    expect(await text('#boundary-note')).toContain('on the edge between two family hub areas');
    expect(await text('#hub-name')).toBe(
      (await api<LookupAnswer>(testshire, '/v1/postcodes/TE1%201AB')).hub!.name,
    );

    // Back goes to the previous answer (the address bar follows the lookups).
    await page.goBack();
    await expect.poll(() => text('#no-hub h2')).toBe('TE1 1AE is outside the area we cover');
    expect(errors).toEqual([]);
    await context.close();
  });
});

interface ContrastFailure {
  readonly text: string;
  readonly ratio: number;
}

/** In the page: every visible text element's contrast against its effective background (WCAG 1.4.3). */
function contrastFailures(): ContrastFailure[] {
  type El = {
    children: ArrayLike<El>;
    childNodes: ArrayLike<{ nodeType: number; textContent: string | null }>;
    parentElement: El | null;
    textContent: string | null;
    getClientRects(): ArrayLike<unknown>;
  };
  const g = globalThis as unknown as {
    document: { body: El };
    getComputedStyle(el: El): {
      color: string;
      backgroundColor: string;
      fontSize: string;
      fontWeight: string;
      visibility: string;
      clip: string;
      opacity: string;
    };
  };
  const parse = (c: string): [number, number, number, number] => {
    const m = /rgba?\(([^)]+)\)/.exec(c);
    if (!m) return [0, 0, 0, 0];
    const p = m[1]!
      .split(/[ ,/]+/)
      .filter(Boolean)
      .map(Number);
    return [p[0]!, p[1]!, p[2]!, p[3] ?? 1];
  };
  const lum = ([r, gr, b]: number[]) => {
    const f = (v: number) => {
      const s = v / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * f(r!) + 0.7152 * f(gr!) + 0.0722 * f(b!);
  };
  const background = (el: El | null): number[] => {
    for (let e = el; e; e = e.parentElement) {
      const bg = parse(g.getComputedStyle(e).backgroundColor);
      if (bg[3] > 0.5) return bg;
    }
    return [255, 255, 255, 1];
  };
  // Text nobody can see yet (e.g. MapLibre's gesture hint at opacity 0) is not judged.
  const transparent = (el: El | null): boolean => {
    for (let e = el; e; e = e.parentElement) if (Number(g.getComputedStyle(e).opacity) === 0) return true;
    return false;
  };
  const failures: ContrastFailure[] = [];
  const visit = (el: El) => {
    const style = g.getComputedStyle(el);
    const ownText = Array.from(el.childNodes)
      .filter((n) => n.nodeType === 3)
      .map((n) => n.textContent ?? '')
      .join('')
      .trim();
    if (
      ownText &&
      style.visibility !== 'hidden' &&
      el.getClientRects().length > 0 &&
      !/rect\(0px/.test(style.clip) &&
      !transparent(el)
    ) {
      const fg = lum(parse(style.color));
      const bg = lum(background(el));
      const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
      const size = Number.parseFloat(style.fontSize);
      const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
      if (ratio < (large ? 3 : 4.5))
        failures.push({ text: ownText.slice(0, 40), ratio: Math.round(ratio * 100) / 100 });
    }
    Array.from(el.children).forEach(visit);
  };
  visit(g.document.body);
  return failures;
}

/** In the page: form controls without a label (label[for], aria-label or aria-labelledby). */
function unlabelledControls(): string[] {
  type Control = {
    id: string;
    type?: string;
    getAttribute(n: string): string | null;
    labels?: ArrayLike<unknown> | null;
  };
  const doc = (globalThis as unknown as { document: { querySelectorAll(s: string): ArrayLike<Control> } })
    .document;
  return Array.from(doc.querySelectorAll('input, select, textarea'))
    .filter((c) => c.type !== 'hidden')
    .filter(
      (c) =>
        !(c.labels && c.labels.length > 0) &&
        !c.getAttribute('aria-label') &&
        !c.getAttribute('aria-labelledby'),
    )
    .map((c) => c.id || '(no id)');
}

const activeId = (page: Page) =>
  page.evaluate(() => {
    const el = (
      globalThis as unknown as {
        document: { activeElement: { id: string; textContent: string | null; tagName: string } | null };
      }
    ).document.activeElement;
    return el ? el.id || `${el.tagName}:${(el.textContent ?? '').trim().slice(0, 40)}` : '';
  });

describe('accessibility smoke check', () => {
  it('works with the keyboard alone: skip link, postcode, answer, then the hub’s links', async () => {
    const { context, errors } = await newContext(browser);
    const page = await context.newPage();
    await page.goto(`${sample.url}/`);
    await page.waitForSelector('body[data-ready="true"]');
    expect(await page.getAttribute('html', 'lang')).toBe('en-GB');
    expect(await page.locator('h1').count()).toBe(1);

    await page.keyboard.press('Tab');
    expect(await activeId(page)).toBe('A:Skip to main content');
    await page.keyboard.press('Enter');
    expect(await activeId(page)).toBe('main');
    await page.keyboard.press('Tab');
    expect(await activeId(page)).toBe('postcode');
    // The focused box shows it: a visible outline.
    expect(
      await page.locator('#postcode').evaluate(
        (el) =>
          (
            globalThis as unknown as {
              getComputedStyle(e: unknown): { outlineStyle: string; outlineWidth: string };
            }
          ).getComputedStyle(el).outlineStyle,
      ),
    ).toBe('solid');
    await page.keyboard.type('gl1 1ad');
    await page.keyboard.press('Enter');
    await expect
      .poll(() => page.locator('#hub-name').textContent())
      .toBe('Gloucester Central Children and Family Centre');
    // The answer is announced in the live region, and focus stays where the person was.
    expect(await page.locator('#status').getAttribute('role')).toBe('status');
    expect(await page.locator('#status').textContent()).toMatch(/^Your family hub is Gloucester Central/);
    expect(await activeId(page)).toBe('postcode');
    await page.keyboard.press('Tab');
    expect(await activeId(page)).toBe('find');
    await page.keyboard.press('Tab');
    expect(await activeId(page)).toBe('use-location');
    await page.keyboard.press('Tab');
    expect(await activeId(page)).toBe('A:01632 960009');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('labels every control and keeps text contrast at AA on both pages, at desktop and phone widths', async () => {
    for (const viewport of [
      { width: 1280, height: 800 },
      { width: 390, height: 844 },
    ]) {
      const { context, errors } = await newContext(browser, viewport);
      const page = await context.newPage();
      await lookUp(page, sample, 'GL3 4HN');
      await expect.poll(() => page.locator('#hub-name').count()).toBe(1);
      expect(await page.evaluate(unlabelledControls)).toEqual([]);
      expect(await page.evaluate(contrastFailures)).toEqual([]);
      // Usable at phone width: nothing wider than the screen.
      expect(
        await page.evaluate(
          () =>
            (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document
              .documentElement.scrollWidth,
        ),
      ).toBeLessThanOrEqual(viewport.width);

      await page.goto(`${sample.url}/planner`);
      await page.waitForSelector('body[data-ready="true"]');
      expect(await page.evaluate(unlabelledControls)).toEqual([]);
      expect(await page.evaluate(contrastFailures)).toEqual([]);
      expect(await page.getByRole('checkbox', { name: /Hub catchments/ }).isChecked()).toBe(true);
      expect(await page.getByLabel('Admin token').getAttribute('type')).toBe('password');
      expect(errors).toEqual([]);
      await context.close();
    }
  });
});

/** Great-circle metres on a sphere of radius 6,371,008.8 m: an oracle independent of the server's geodesic code. */
function haversineMetres(a: { lat: number; lng: number }, b: { lat: number; lng: number }): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLng = (b.lng - a.lng) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * 6_371_008.8 * Math.asin(Math.sqrt(h));
}
