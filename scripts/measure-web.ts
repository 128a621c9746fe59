// Page weight and time to interactive of the web pages on the local server, measured in Debian's
// chromium. Builds the pages, starts the local server in this process (sample area, in-memory
// store), and loads each page RUNS times in a fresh browser context (cold HTTP cache), then once
// more in the same context (warm cache).
//
//   npx tsx scripts/measure-web.ts [--runs 5]
//
// Bytes are what crossed the wire (compressed bodies plus headers: Resource Timing's transferSize),
// grouped by type; `other` (the favicon) is in the total. Times are from navigation start, medians of the runs:
// - FCP: first contentful paint.
// - ready: the page's own `fh:ready` mark (handlers attached, first data shown).
// - TTI: time to interactive as Lighthouse approximates it, max(ready, DOMContentLoaded, end of
//   the last long task (> 50 ms) before a 5 s quiet window); here measured on the main thread.
// - answer: from pressing "Find my hub" to the `fh:answer` mark (card shown and map drawn),
//   for the first lookup of a visit (MapLibre fetched while typing) and for a second one.
// Headless chromium draws WebGL in software (SwiftShader) on a shared 2-core machine, so map
// times are pessimistic next to a phone with a GPU; network time is loopback (no latency).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { loadConfig } from '../functions/config.js';
import { startLocalApp } from '../functions/local-app.js';
import { launchBrowser } from '../test/support/browser.js';
import { buildWeb } from './build-web.js';

const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 5;
const TOKEN = `measure-${Date.now()}-token-xx`;

type Kind = 'html' | 'js' | 'css' | 'json' | 'other';

interface Sample {
  bytes: Record<Kind, number>;
  requests: number;
  fcp: number;
  dcl: number;
  ready: number;
  tti: number;
  answer?: number;
  answer2?: number;
}

function kindOf(name: string, initiator: string): Kind {
  const path = new URL(name).pathname;
  if (initiator === 'navigation') return 'html';
  if (path.endsWith('.js')) return 'js';
  if (path.endsWith('.css')) return 'css';
  if (initiator === 'fetch' || initiator === 'xmlhttprequest' || path.endsWith('.json')) return 'json';
  return 'other';
}

/**
 * Bytes over the wire per type, from the page's Resource Timing (`transferSize`: compressed body
 * plus headers; 0 for a cache hit, headers only for a 304). The worker script is fetched by the
 * page, so it is listed too.
 */
async function wireBytes(page: Page): Promise<{ bytes: Record<Kind, number>; requests: number }> {
  const entries = await page.evaluate(() =>
    (
      globalThis as unknown as {
        performance: {
          getEntriesByType(
            t: string,
          ): { name: string; initiatorType: string; transferSize: number; entryType: string }[];
        };
      }
    ).performance
      .getEntriesByType('navigation')
      .concat(
        (
          globalThis as unknown as { performance: { getEntriesByType(t: string): never[] } }
        ).performance.getEntriesByType('resource'),
      )
      .map((e) => ({
        name: e.name,
        initiator: e.entryType === 'navigation' ? 'navigation' : e.initiatorType,
        size: e.transferSize,
      })),
  );
  const bytes: Record<Kind, number> = { html: 0, js: 0, css: 0, json: 0, other: 0 };
  for (const e of entries) bytes[kindOf(e.name, e.initiator)] += e.size;
  return { bytes, requests: entries.length };
}

/** Installed before any page script: records long tasks for the TTI estimate. */
const LONG_TASKS = `
  window.__longTasks = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__longTasks.push([e.startTime, e.startTime + e.duration]);
  }).observe({ type: 'longtask', buffered: true });
`;

interface Timings {
  fcp: number;
  dcl: number;
  ready: number;
  longTasks: [number, number][];
}

async function timings(page: Page): Promise<Timings> {
  return page.evaluate(() => {
    const w = globalThis as unknown as {
      performance: {
        getEntriesByName(n: string): { startTime: number }[];
        getEntriesByType(
          t: string,
        ): { name?: string; startTime: number; domContentLoadedEventEnd?: number }[];
      };
      __longTasks: [number, number][];
    };
    const nav = w.performance.getEntriesByType('navigation')[0];
    return {
      fcp:
        w.performance.getEntriesByType('paint').find((e) => e.name === 'first-contentful-paint')?.startTime ??
        Number.NaN,
      dcl: nav?.domContentLoadedEventEnd ?? Number.NaN,
      ready: w.performance.getEntriesByName('fh:ready')[0]?.startTime ?? Number.NaN,
      longTasks: w.__longTasks,
    };
  });
}

function tti(t: Timings): number {
  const base = Math.max(t.ready, t.dcl);
  // The end of the last long task that is not followed by 5 s of quiet (we wait 5 s before reading).
  const lastBusy = t.longTasks.map(([, end]) => end).filter((end) => end > 0);
  return Math.max(base, ...lastBusy);
}

const median = (xs: number[]) => {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  return s.length === 0 ? Number.NaN : s[Math.floor((s.length - 1) / 2)]!;
};

async function measure(
  open: (page: Page) => Promise<{ answer?: number; answer2?: number }>,
  newContext: () => Promise<BrowserContext>,
): Promise<{ cold: Sample[]; warm: Sample }> {
  const cold: Sample[] = [];
  let warm: Sample | null = null;
  for (let run = 0; run <= RUNS; run++) {
    const context = await newContext();
    await context.addInitScript(LONG_TASKS);
    const page = await context.newPage();
    const extra = await open(page);
    await page.waitForTimeout(5000);
    const t = await timings(page);
    const { bytes, requests } = await wireBytes(page);
    // With lookups, later long tasks are the lookups' own: TTI is read from the page-only rows.
    const sample: Sample = {
      bytes,
      requests,
      fcp: t.fcp,
      dcl: t.dcl,
      ready: t.ready,
      tti: extra.answer ? Number.NaN : tti(t),
      ...extra,
    };
    if (run === 0) {
      // Warm: the same context again, its HTTP cache filled by the first load.
      const again = await open(page);
      await page.waitForTimeout(5000);
      const t2 = await timings(page);
      const w = await wireBytes(page);
      warm = {
        ...w,
        fcp: t2.fcp,
        dcl: t2.dcl,
        ready: t2.ready,
        tti: again.answer ? Number.NaN : tti(t2),
        ...again,
      };
    } else cold.push(sample);
    await context.close();
  }
  return { cold, warm: warm! };
}

function row(name: string, samples: Sample[]): string {
  const kb = (k: Kind) => `${(median(samples.map((s) => s.bytes[k])) / 1024).toFixed(1)}`;
  const total = (
    median(samples.map((s) => Object.values(s.bytes).reduce((a, b) => a + b, 0))) / 1024
  ).toFixed(1);
  const ms = (f: (s: Sample) => number | undefined) => {
    const m = median(samples.map((s) => f(s) ?? Number.NaN));
    return Number.isFinite(m) ? String(Math.round(m)) : '–';
  };
  return `| ${name} | ${total} | ${kb('html')} | ${kb('js')} | ${kb('css')} | ${kb('json')} | ${median(samples.map((s) => s.requests))} | ${ms((s) => s.fcp)} | ${ms((s) => s.ready)} | ${ms((s) => s.tti)} | ${ms((s) => s.answer)} | ${ms((s) => s.answer2)} |`;
}

async function main(): Promise<void> {
  await buildWeb();
  const app = await startLocalApp(
    loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      CATCHMENTS_STORE_DIR: ':memory:',
      CATCHMENTS_ADMIN_TOKEN: TOKEN,
    }),
  );
  // A council's page on another origin with the widget pasted in (its own bytes are in `html`).
  const host = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>Council page</title><script type="module" src="${app.url}/widget.js"></script></head><body><h1>Family hubs</h1><family-hub-finder area="gloucestershire"></family-hub-finder></body></html>`,
    );
  });
  await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', () => resolve()));
  const hostUrl = `http://127.0.0.1:${(host.address() as AddressInfo).port}/`;
  const browser = await launchBrowser();
  const viewport = { width: 390, height: 844 };
  const newContext = () => browser.newContext({ viewport, locale: 'en-GB' });
  const lookUp = async (page: Page, postcode: string) => {
    const input = page.getByLabel('Postcode');
    await input.fill('');
    await input.pressSequentially(postcode, { delay: 30 });
    const started = await page.evaluate(() =>
      (globalThis as unknown as { performance: { now(): number } }).performance.now(),
    );
    await page.getByRole('button', { name: 'Find my hub' }).click();
    await page.waitForFunction(
      (n) =>
        (
          globalThis as unknown as { performance: { getEntriesByName(x: string): unknown[] } }
        ).performance.getEntriesByName('fh:answer').length >= n,
      1,
    );
    return page.evaluate(
      (t0) =>
        ((
          globalThis as unknown as { performance: { getEntriesByName(x: string): { startTime: number }[] } }
        ).performance
          .getEntriesByName('fh:answer')
          .at(-1)?.startTime ?? Number.NaN) - t0,
      started,
    );
  };
  try {
    const publicEmpty = await measure(async (page) => {
      await page.goto(`${app.url}/`);
      await page.waitForSelector('body[data-ready="true"]');
      return {};
    }, newContext);
    const publicLookup = await measure(async (page) => {
      await page.goto(`${app.url}/`);
      await page.waitForSelector('body[data-ready="true"]');
      const answer = await lookUp(page, 'GL3 4HN');
      await page.evaluate(() =>
        (globalThis as unknown as { performance: { clearMarks(n: string): void } }).performance.clearMarks(
          'fh:answer',
        ),
      );
      const answer2 = await lookUp(page, 'GL1 1AD');
      return { answer, answer2 };
    }, newContext);
    const planner = await measure(async (page) => {
      await page.goto(`${app.url}/planner`);
      await page.waitForSelector('body[data-ready="true"]');
      await page.waitForFunction(
        () =>
          (globalThis as unknown as { catchmentsMap?: { loaded(): boolean } }).catchmentsMap?.loaded() ===
          true,
      );
      return {};
    }, newContext);
    const widget = await measure(async (page) => {
      await page.goto(hostUrl);
      await page.waitForFunction(
        () =>
          (
            globalThis as unknown as { performance: { getEntriesByName(x: string): unknown[] } }
          ).performance.getEntriesByName('fh:ready').length > 0,
      );
      const answer = await lookUp(page, 'GL3 4HN');
      return { answer };
    }, newContext);
    const header =
      '| page | KiB total | html | js | css | json (API, config) | requests | FCP ms | ready ms | TTI ms | answer ms (1st) | answer ms (2nd) |\n' +
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |';
    console.log(
      `\nWeb pages on the local server (${RUNS} cold runs, median; phone viewport 390×844; chromium ${browser.version()})\n`,
    );
    console.log(header);
    console.log(row('public, opened (cold)', publicEmpty.cold));
    console.log(row('public, opened (warm)', [publicEmpty.warm]));
    console.log(row('public, opened + 2 lookups (cold)', publicLookup.cold));
    console.log(row('public, opened + 2 lookups (warm)', [publicLookup.warm]));
    console.log(row('planner, opened, layers drawn (cold)', planner.cold));
    console.log(row('planner, opened (warm)', [planner.warm]));
    console.log(row('widget on another site, opened + 1 lookup (cold)', widget.cold));
    console.log(row('widget on another site, opened + 1 lookup (warm)', [widget.warm]));
  } finally {
    host.close();
    await browser.close();
    await app.close();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
