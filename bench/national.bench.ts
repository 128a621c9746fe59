// `npm run bench -- national`: the national illustrative store (one area per English district)
// served by the real local server, as `CATCHMENTS_STORE_DIR=<store> npm start` serves it.
//
//   1. cold start: process start to the first answer for a random English postcode (the server
//      alone, and through `npm start` with its web build);
//   2. correctness before timing: 10,000 seeded postcodes over every area answer 200, and a sample
//      of them equal the brute-force answer of every area whose outline box holds the point;
//   3. lookup latency p50/p99 including each area's first load, and RSS after the 10,000;
//   4. publishing one area (admin API) while ten clients query the others: publish time, their
//      latency during it, and the new version served within the refresh interval.
//
// The store is `CATCHMENTS_NATIONAL_STORE`, else `.bench-cache/national-store`, built on first use
// with `catchments national-sample` (~10 min); the benchmark works on a copy, so the cache stays as
// built. Never a CI gate.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { EmbeddedBoundaryStore } from '../functions/adapters/store/embedded-boundary-store.js';
import { pointAnswer } from '../functions/core/lookup/answer.js';
import { AreaLookup } from '../functions/core/lookup/area-lookup.js';
import { LookupCatalog } from '../functions/core/lookup/catalog.js';
import { NationalRouting } from '../functions/core/routing/national-routing.js';
import { machineSummary, printTable, realDataDir, seededRandom } from './common.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TOKEN = 'bench-admin-token-0123456789';
const LOOKUPS = 10_000;
const CLIENTS = 10;
const REFRESH_SECONDS = 2;

function nationalStore(): string {
  const configured = process.env.CATCHMENTS_NATIONAL_STORE;
  if (configured) return path.resolve(configured);
  const cached = path.join(root, '.bench-cache', 'national-store');
  if (!existsSync(path.join(cached, 'AREAS'))) {
    console.log(`Building the national store into ${cached} (once; ~10 minutes)...`);
    const built = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        'bin/catchments.ts',
        'national-sample',
        '--store',
        cached,
        '--source',
        realDataDir(),
      ],
      { cwd: root, stdio: 'inherit' },
    );
    if (built.status !== 0) process.exit(1);
  }
  return cached;
}

interface Server {
  readonly child: ChildProcess;
  readonly url: string;
  readonly firstAnswerMs: number;
}

/** Starts a server and polls until `probe` answers 200; returns the time from spawn. */
async function startServer(command: string[], store: string, port: number, probe: string): Promise<Server> {
  const started = performance.now();
  const child = spawn(command[0]!, command.slice(1), {
    cwd: root,
    env: {
      ...process.env,
      CATCHMENTS_STORE_DIR: store,
      PORT: String(port),
      LOG_LEVEL: 'warn',
      CATCHMENTS_ADMIN_TOKEN: TOKEN,
      CATCHMENTS_REFRESH_SECONDS: String(REFRESH_SECONDS),
    },
    stdio: ['ignore', 'ignore', 'inherit'],
    // Its own process group: npm and tsx start the server as a grandchild, and all of them must stop.
    detached: true,
  });
  const stop = () => {
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {
      // already gone
    }
  };
  process.once('exit', stop);
  const url = `http://127.0.0.1:${port}`;
  for (;;) {
    const status = await fetch(url + probe).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) return { child, url, firstAnswerMs: performance.now() - started };
    if (child.exitCode !== null || performance.now() - started > 120_000)
      throw new Error('the server did not start');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function stopServer(server: Server): Promise<void> {
  const gone = new Promise((resolve) => server.child.once('exit', resolve));
  process.kill(-server.child.pid!, 'SIGTERM');
  await gone;
  await new Promise((resolve) => setTimeout(resolve, 500)); // the grandchild releases the store lock
}

function rssMB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) / 1024;
}

/** The process listening on the port (npm and tsx start the server as a grandchild). */
function listeningPid(port: number): number {
  const out = spawnSync('ss', ['-ltnpH', `sport = :${port}`], { encoding: 'utf8' }).stdout;
  const pid = /pid=(\d+)/.exec(out)?.[1];
  if (!pid) throw new Error(`no process listens on port ${port}`);
  return Number(pid);
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/**
 * Sends every path with `clients` concurrent loops; returns each request's ms and the failures. A
 * connection reset before any answer (a kept-alive socket closed under the client) is sent again
 * once and counted apart: it is the HTTP client's race, not an answer of the service.
 */
async function load(url: string, paths: readonly string[], clients: number) {
  const times: number[] = [];
  const failures: string[] = [];
  let resent = 0;
  let next = 0;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < paths.length) {
        const p = paths[next++]!;
        for (let attempt = 1; ; attempt++) {
          const t = performance.now();
          try {
            const response = await fetch(url + p);
            await response.arrayBuffer();
            times.push(performance.now() - t);
            if (response.status !== 200) failures.push(`${p}: ${response.status}`);
            break;
          } catch (error) {
            if (attempt > 1) {
              failures.push(`${p}: ${(error as Error).message}`);
              break;
            }
            resent++;
          }
        }
      }
    }),
  );
  return { times: times.sort((a, b) => a - b), failures, resent };
}

console.log(machineSummary());
const cached = realpathSync(nationalStore()); // a copy of the files, not of a link to them
const work = mkdtempSync(path.join(tmpdir(), 'national-bench-'));
const store = path.join(work, 'store');
cpSync(cached, store, { recursive: true });
rmSync(path.join(store, '.lock'), { force: true });

// The sample: seeded postcodes from the routing (every claimed postcode is an English one of an area).
const opened = await EmbeddedBoundaryStore.open(store);
const routing = new NationalRouting((await opened.routing())!.bytes);
const random = seededRandom(20261202);
const claimed: number[] = [];
for (let row = 0; row < routing.postcodeCount; row++) if (routing.firstClaim(row) >= 0) claimed.push(row);
const rows = Array.from({ length: LOOKUPS }, () => claimed[Math.floor(random() * claimed.length)]!);
const areasSampled = new Set(rows.map((r) => routing.firstClaim(r))).size;
const postcodes = rows.map((r) => routing.record(r).postcode);
const points = Array.from({ length: 2_000 }, () => ({
  lat: 50.0 + random() * 5.7,
  lng: -5.7 + random() * 7.5,
}));
await opened.close();
const encode = (pc: string) => `/v1/postcodes/${encodeURIComponent(pc)}`;

// 1. Cold start, the compiled server alone (as `npm start` runs it), then through npm start.
spawnSync(process.execPath, ['scripts/build.js', '--if-stale', '--web'], { cwd: root, stdio: 'inherit' });
const direct = await startServer(
  [process.execPath, 'dist/server.js'],
  store,
  3400 + Math.floor(random() * 500),
  encode(postcodes[0]!),
);
await stopServer(direct);
const npm = await startServer(
  ['npm', 'start'],
  store,
  3900 + Math.floor(random() * 500),
  encode(postcodes[1]!),
);
const server = npm;
const pid = listeningPid(Number(new URL(server.url).port));
const rssAtStart = rssMB(pid);

// 2 + 3. Every sampled postcode answers 200 (timed: area loads included), then a brute-force check.
const postcodeRun = await load(server.url, postcodes.map(encode), CLIENTS);
if (postcodeRun.failures.length > 0) {
  console.error(
    `${postcodeRun.failures.length} sampled postcodes did not answer 200, e.g. ${postcodeRun.failures.slice(0, 3).join('; ')}`,
  );
  process.exit(1);
}
const rssAfterPostcodes = rssMB(pid);
const pointRun = await load(
  server.url,
  points.map((p) => `/v1/locations?lat=${p.lat}&lng=${p.lng}`),
  CLIENTS,
);
if (pointRun.failures.length > 0) {
  console.error(`points failed: ${pointRun.failures.slice(0, 3).join('; ')}`);
  process.exit(1);
}
const rssAfterAll = rssMB(pid);

// The brute-force check, on points (a postcode answer is its point's answer): every area whose
// outline box holds the point, read from a second copy of the store (the server holds the first).
const checkStore = path.join(work, 'check');
cpSync(cached, checkStore, { recursive: true });
rmSync(path.join(checkStore, '.lock'), { force: true });
const checker = await EmbeddedBoundaryStore.open(checkStore);
const activeOf = new Map((await checker.pointers()).map((p) => [p.area, p.active!]));
let checked = 0;
for (let i = 0; i < 300; i++) {
  const row = rows[i]!;
  const at = routing.location(row)!;
  const candidates = routing.areas
    .filter(
      (a) =>
        at.lng >= a.outlineBBox[0] &&
        at.lng <= a.outlineBBox[2] &&
        at.lat >= a.outlineBBox[1] &&
        at.lat <= a.outlineBBox[3],
    )
    .map((a) => a.id);
  const lookups = await Promise.all(
    candidates.map(async (id) => AreaLookup.build((await checker.version(id, activeOf.get(id)!)).set)),
  );
  const brute = LookupCatalog.build(lookups, { records: () => [] });
  const want = pointAnswer(brute.resolvePoint(at));
  const got = (await (
    await fetch(`${server.url}/v1/locations?lat=${at.lat}&lng=${at.lng}`)
  ).json()) as object;
  if (want.match !== 'outside' && JSON.stringify(want) !== JSON.stringify(got)) {
    console.error(`wrong answer at ${at.lat},${at.lng}: got ${JSON.stringify(got).slice(0, 200)}`);
    process.exit(1);
  }
  checked++;
}
await checker.close();

// 4. Publish one area while ten clients query the others.
const area = routing.areas[Math.floor(routing.areas.length / 2)]!.id;
const admin = (p: string, init: RequestInit = {}) =>
  fetch(`${server.url}/v1/admin/areas/${area}${p}`, {
    ...init,
    headers: {
      authorization: `Bearer ${TOKEN}`,
      'content-type': 'application/json',
      ...(init.headers ?? {}),
    },
  });
await admin('/draft', { method: 'POST', body: JSON.stringify({ from: 'active', replace: true }) });
const others = postcodes
  .filter((_, i) => routing.areas[routing.firstClaim(rows[i]!)]!.id !== area)
  .map(encode);
const before = await load(server.url, others.slice(0, 2_000), CLIENTS);
let publishMs = 0;
const during = load(server.url, others.slice(2_000, 6_000), CLIENTS);
const active = ((await (await fetch(`${server.url}/v1/areas/${area}`)).json()) as { version: number })
  .version;
const t = performance.now();
const published = await admin('/draft/publish', {
  method: 'POST',
  headers: { 'if-match': String(active) },
  body: JSON.stringify({ message: 'Benchmark: publish one area while the others serve' }),
});
publishMs = performance.now() - t;
if (!published.ok) {
  console.error(`publish answered ${published.status}: ${await published.text()}`);
  process.exit(1);
}
// From the publish's answer until the area answers with its new version (the others still loading).
const areaPostcode = postcodes.find((_, i) => routing.areas[routing.firstClaim(rows[i]!)]!.id === area)!;
const servedAt = performance.now();
let newVersionMs = Number.NaN;
for (;;) {
  const body = (await (await fetch(server.url + encode(areaPostcode))).json()) as { version: number };
  if (body.version === active + 1) {
    newVersionMs = performance.now() - servedAt;
    break;
  }
  if (performance.now() - servedAt > (REFRESH_SECONDS + 10) * 1000) break;
  await new Promise((resolve) => setTimeout(resolve, 20));
}
const duringRun = await during;
await stopServer(server);
rmSync(work, { recursive: true, force: true });

const ms = (v: number) => `${v.toFixed(1)} ms`;
printTable(
  `National serving: ${routing.areas.length} areas, ${routing.postcodeCount.toLocaleString('en-GB')} postcodes (under whatever load the machine has)`,
  [
    ['what', 'figure'],
    ['first answer after process start: compiled server (node dist/server.js)', ms(direct.firstAnswerMs)],
    ['first answer after `npm start` (npm, web build, server)', ms(npm.firstAnswerMs)],
    [
      `${LOOKUPS.toLocaleString('en-GB')} postcodes over ${areasSampled} areas, ${CLIENTS} clients: 200s`,
      `${LOOKUPS - postcodeRun.failures.length} of ${LOOKUPS}`,
    ],
    [
      '  p50 / p99 / max, first loads of areas included',
      `${ms(percentile(postcodeRun.times, 50))} / ${ms(percentile(postcodeRun.times, 99))} / ${ms(postcodeRun.times.at(-1)!)}`,
    ],
    [
      '2,000 random points in England, p50 / p99',
      `${ms(percentile(pointRun.times, 50))} / ${ms(percentile(pointRun.times, 99))}`,
    ],
    ['answers equal to the brute force over the candidate areas', `${checked} of ${checked} checked`],
    [
      'RSS: started / after the postcodes / after the points',
      `${rssAtStart.toFixed(0)} / ${rssAfterPostcodes.toFixed(0)} / ${rssAfterAll.toFixed(0)} MB`,
    ],
    [`publish of ${area} (admin API) while ${CLIENTS} clients query the others`, ms(publishMs)],
    [
      '  other areas p50 / p99 before',
      `${ms(percentile(before.times, 50))} / ${ms(percentile(before.times, 99))}`,
    ],
    [
      '  other areas p50 / p99 during',
      `${ms(percentile(duringRun.times, 50))} / ${ms(percentile(duringRun.times, 99))}`,
    ],
    ['  errors during', String(duringRun.failures.length)],
    [`  new version served, after the publish answered (refresh ${REFRESH_SECONDS} s)`, ms(newVersionMs)],
    [
      'connections reset and sent again (HTTP client race, not answers)',
      String(postcodeRun.resent + pointRun.resent + duringRun.resent),
    ],
  ],
);
