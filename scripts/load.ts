// `npm run load`: the local server under a seeded, mixed workload on loopback, then under hostile
// planner uploads. Stops by itself and prints what it saw; no real data needed (the sample area).
//
// 1. Mixed load (LOAD_SECONDS, default 60; 10 connections): postcode lookups (50%), point lookups
//    (20%), bulk lookups of 100 items (5%), an area's hubs (10%), the areas (15%), in a seeded order.
//    Every kind is checked once before the clock starts. Reports req/s, p50/p99/max latency, errors
//    (non-2xx, socket errors, timeouts) and the server's RSS (start, max, end).
// 2. Hostile uploads: the four layers of issue 15 (test/support/hostile-layers.ts) each uploaded as
//    the draft's catchments and validated, while a probe asks GET /v1/postcodes/… every 100 ms.
//    Reports each upload's outcome and time, and the probe's p50/p99/max latency.
//
// Usage: npm run load [-- --seconds 60]
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import autocannon from 'autocannon';
import { machineSummary, printTable, seededRandom } from '../bench/common.js';
import { listAreaDirs, SAMPLE_DATA_DIR } from '../functions/adapters/boundary-set-files.js';
import type { Layer } from '../functions/core/model.js';
import { PostcodeDirectory } from '../functions/core/postcode-directory.js';
import { HOSTILE_KINDS, vertexCount, withHostileFeature } from '../test/support/hostile-layers.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const SECONDS = Number(args[args.indexOf('--seconds') + 1] || process.env.LOAD_SECONDS || 60);
const CONNECTIONS = 10;
const TOKEN = 'load-test-admin-token-0123456789';
const AREA = 'gloucestershire';

interface Server {
  readonly child: ChildProcess;
  readonly url: string;
}

async function startServer(): Promise<Server> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(here, '..', 'bench', 'support', 'serve-local.ts')],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, CATCHMENTS_STORE_DIR: ':memory:', CATCHMENTS_ADMIN_TOKEN: TOKEN },
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', (line) => resolve(line.trim()));
    child.once('exit', (code) => reject(new Error(`the server exited with ${code}`)));
  });
  return { child, url };
}

/** The server's resident memory now (MB), from /proc. */
function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'));
  return Number(line?.split(/\s+/)[1] ?? 0) / 1024;
}

async function getJson(url: string, init?: RequestInit): Promise<{ status: number; json: unknown }> {
  const response = await fetch(url, init);
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : null };
}

function fail(message: string): never {
  console.error(`load: ${message}`);
  process.exit(1);
}

console.log(machineSummary());
const server = await startServer();
const random = seededRandom(15);
const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;

// The workload's inputs: live, located postcodes of the sample area's directory.
const directory = PostcodeDirectory.fromCsv(
  gunzipSync(readFileSync(path.join(listAreaDirs(SAMPLE_DATA_DIR)[0]!, 'postcodes.csv.gz'))).toString('utf8'),
);
const located = [...directory.records()].filter((r) => r.location && r.status === 'live');
if (located.length < 1000) fail('the sample area has too few located postcodes');
const postcodes = Array.from({ length: 2000 }, () => pick(located).postcode);
const points = Array.from({ length: 500 }, () => pick(located).location!);

const json = { 'content-type': 'application/json' };
const kinds: { share: number; make: () => autocannon.Request }[] = [
  {
    share: 50,
    make: () => ({ method: 'GET', path: `/v1/postcodes/${encodeURIComponent(pick(postcodes))}` }),
  },
  {
    share: 20,
    make: () => {
      const p = pick(points);
      return { method: 'GET', path: `/v1/locations?lat=${p.lat}&lng=${p.lng}` };
    },
  },
  {
    share: 5,
    make: () => ({
      method: 'POST',
      path: '/v1/lookups',
      headers: json,
      body: JSON.stringify({ postcodes: Array.from({ length: 100 }, () => pick(postcodes)) }),
    }),
  },
  { share: 10, make: () => ({ method: 'GET', path: `/v1/areas/${AREA}/hubs` }) },
  { share: 15, make: () => ({ method: 'GET', path: random() < 0.5 ? '/v1/areas' : `/v1/areas/${AREA}` }) },
];
const requests: autocannon.Request[] = [];
for (const kind of kinds) for (let i = 0; i < kind.share * 20; i++) requests.push(kind.make());
for (let i = requests.length - 1; i > 0; i--) {
  const j = Math.floor(random() * (i + 1));
  [requests[i], requests[j]] = [requests[j]!, requests[i]!];
}

// Correctness before timing: one of every kind answers 200 with the right shape.
for (const kind of kinds) {
  const r = kind.make();
  const answer = await getJson(server.url + r.path, {
    method: r.method ?? 'GET',
    ...(r.headers ? { headers: r.headers as Record<string, string> } : {}),
    ...(r.body ? { body: r.body as string } : {}),
  });
  const body = answer.json as Record<string, unknown>;
  const shaped = r.path!.startsWith('/v1/lookups')
    ? Array.isArray(body.postcodes) && (body.postcodes as unknown[]).length === 100
    : r.path!.startsWith('/v1/postcodes') || r.path!.startsWith('/v1/locations')
      ? body.version === 1 && 'match' in body
      : 'areas' in body || 'hubs' in body || body.id === AREA;
  if (answer.status !== 200 || !shaped) fail(`${r.method} ${r.path} answered ${answer.status}`);
}

// 1. Mixed load.
const rss: number[] = [rssMb(server.child.pid!)];
const sampler = setInterval(() => rss.push(rssMb(server.child.pid!)), 1000);
const mixed = await autocannon({ url: server.url, connections: CONNECTIONS, duration: SECONDS, requests });
clearInterval(sampler);
rss.push(rssMb(server.child.pid!));
const errors = mixed.non2xx + mixed.errors + mixed.timeouts;
printTable(`Mixed load, ${CONNECTIONS} connections, ${SECONDS} s, loopback`, [
  ['req/s', 'requests', 'p50', 'p99', 'max', 'errors', 'RSS start / max / end'],
  [
    Math.round(mixed.requests.average).toLocaleString('en-GB'),
    mixed.requests.total.toLocaleString('en-GB'),
    `${mixed.latency.p50} ms`,
    `${mixed.latency.p99} ms`,
    `${mixed.latency.max} ms`,
    String(errors),
    `${rss[0]!.toFixed(0)} / ${Math.max(...rss).toFixed(0)} / ${rss.at(-1)!.toFixed(0)} MB`,
  ],
]);

// 2. Hostile uploads while a probe looks up postcodes every 100 ms.
const admin = { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' };
const base = `${server.url}/v1/admin/areas/${AREA}`;
const created = await getJson(`${base}/draft`, {
  method: 'POST',
  headers: admin,
  body: JSON.stringify({ replace: true }),
});
if (created.status !== 201) fail(`creating a draft answered ${created.status}`);
const catchments = (await getJson(`${base}/draft/layers/catchments`, { headers: admin })).json as Layer;

const probe: number[] = [];
let probing = true;
const probeLoop = (async () => {
  while (probing) {
    const started = performance.now();
    const r = await fetch(`${server.url}/v1/postcodes/${encodeURIComponent(pick(postcodes))}`);
    await r.text();
    if (r.status !== 200) fail(`the probe got ${r.status}`);
    probe.push(performance.now() - started);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
})();

const hostile: string[][] = [];
for (const kind of HOSTILE_KINDS) {
  const layer = withHostileFeature(catchments, kind);
  const started = performance.now();
  const put = await getJson(`${base}/draft/layers/catchments?idProperty=id`, {
    method: 'PUT',
    headers: admin,
    body: JSON.stringify(layer),
  });
  const validation = put.status === 200 ? await getJson(`${base}/draft/validation`, { headers: admin }) : put;
  const seconds = (performance.now() - started) / 1000;
  const body = validation.json as {
    publishable?: boolean;
    errors?: number;
    detail?: string;
    // The problems, as GeoJSON features (a problem's kind and severity are its properties).
    features?: { properties: { kind: string; severity: string } }[];
  };
  const errorKinds = [
    ...new Set(
      (body.features ?? [])
        .map((f) => f.properties)
        .filter((p) => p.severity === 'error')
        .map((p) => p.kind),
    ),
  ];
  hostile.push([
    kind,
    vertexCount(layer.features[0]!.geometry).toLocaleString('en-GB'),
    `${(JSON.stringify(layer).length / 1e6).toFixed(2)} MB`,
    `PUT ${put.status}, validation ${validation.status}`,
    validation.status === 200
      ? `${body.errors} errors (${errorKinds.join(', ') || 'none'}), publishable ${body.publishable}`
      : (body.detail ?? '').slice(0, 70),
    `${seconds.toFixed(1)} s`,
  ]);
}
probing = false;
await probeLoop;
server.child.kill();

const sorted = [...probe].sort((a, b) => a - b);
const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
printTable('Hostile catchment uploads (PUT layer + GET validation), one after another', [
  ['layer', 'vertices', 'size', 'status', 'outcome', 'time'],
  ...hostile,
]);
printTable('Meanwhile, GET /v1/postcodes/{pc} every 100 ms', [
  ['probes', 'p50', 'p99', 'max'],
  [
    String(probe.length),
    `${at(0.5).toFixed(1)} ms`,
    `${at(0.99).toFixed(1)} ms`,
    `${sorted.at(-1)!.toFixed(1)} ms`,
  ],
]);
process.exit(errors === 0 ? 0 : 1);
