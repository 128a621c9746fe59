// Debian's chromium driven by playwright-core, for the browser tests, the screenshots and the page
// measurements. Headless with SwiftShader WebGL (MapLibre needs WebGL), a fresh empty profile (the
// temporary one playwright creates per launch), and no network features (no QUIC, sync, component
// updates or background requests).
import { type Browser, type BrowserContext, chromium, type LaunchOptions, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--enable-unsafe-swiftshader',
  '--use-angle=swiftshader',
];

/** One browser (per test file); each test opens its own context (cookies and storage apart). */
export async function launchBrowser(options: LaunchOptions = {}): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, ...options });
}

/**
 * A context that collects page errors, console errors and failed requests for the pages and their
 * assets (tests assert there are none). API answers of 4xx are expected (a draft that does not
 * exist yet, a malformed postcode) and are not collected.
 */
export async function newContext(
  browser: Browser,
  viewport = { width: 1280, height: 800 },
): Promise<{ context: BrowserContext; errors: string[] }> {
  const context = await browser.newContext({ viewport, locale: 'en-GB', timezoneId: 'Europe/London' });
  const errors: string[] = [];
  context.on('weberror', (e) => errors.push(`page error: ${e.error().message}`));
  context.on('console', (m) => {
    // SwiftShader's performance notes and the browser's own line for an API 4xx are not errors of ours.
    if (m.type() === 'error' && !/GL Driver Message|Failed to load resource/.test(m.text()))
      errors.push(`console: ${m.text()}`);
  });
  context.on('response', (r) => {
    if (r.status() >= 400 && !new URL(r.url()).pathname.startsWith('/v1/'))
      errors.push(`HTTP ${r.status()} ${r.url()}`);
  });
  context.on('requestfailed', (r) => {
    if (!/ERR_ABORTED/.test(r.failure()?.errorText ?? ''))
      errors.push(`request failed: ${r.url()} ${r.failure()?.errorText}`);
  });
  return { context, errors };
}

/**
 * The few MapLibre methods the tests call inside the page, on the page's `window.catchmentsMap`.
 * page.evaluate serialises its function, so each one reads the global itself:
 * `(globalThis as unknown as MapGlobal).catchmentsMap`.
 */
export interface MapProbe {
  loaded(): boolean;
  getSource(id: string): { serialize(): { data?: unknown } } | undefined;
  getLayoutProperty(layer: string, name: string): unknown;
  queryRenderedFeatures(options: { layers: string[] }): { properties: Record<string, unknown> }[];
  getBounds(): { contains(lngLat: [number, number]): boolean };
}

export interface MapGlobal {
  readonly catchmentsMap: MapProbe;
}

/** The text of the first element matching the selector. */
export const text = (page: Page, selector: string) => page.locator(selector).textContent();

/** Rows of a table as arrays of cell texts. */
export const rows = (page: Page, selector: string) =>
  page
    .locator(`${selector} tbody tr`)
    .evaluateAll((trs) =>
      trs.map((tr) =>
        Array.from((tr as unknown as { children: ArrayLike<{ textContent: string | null }> }).children).map(
          (c) => (c.textContent ?? '').trim(),
        ),
      ),
    );
