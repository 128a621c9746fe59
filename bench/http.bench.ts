// Local HTTP throughput and latency of GET /v1/postcodes/{pc} (rotating over real sample-area
// postcodes) against a bare node:http server answering a constant body of the same size, in one run.
// Servers run in child processes on loopback; autocannon runs here. Bounded: 10 s per target.
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { loadFileCatalog } from '../functions/adapters/file-catalog.js';
import { machineSummary, printTable, seededRandom } from './common.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const DURATION_S = Number(process.env.BENCH_HTTP_SECONDS ?? 10);
const CONNECTIONS = 10;

function startChild(script: string, args: string[] = []): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'support', script), ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (url) => resolve({ child, url: url.trim() }));
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
}

async function load(url: string, paths: readonly string[]): Promise<autocannon.Result> {
  let next = 0;
  return autocannon({
    url,
    connections: CONNECTIONS,
    duration: DURATION_S,
    requests: [
      {
        setupRequest: (req) => ({ ...req, path: paths[next++ % paths.length]! }),
      },
    ],
  });
}

console.log(machineSummary());
const catalog = await loadFileCatalog();
const random = seededRandom(7);
const all = [...catalog.assignments()].map((r) => r.record.postcode);
const paths = Array.from(
  { length: 5000 },
  () => `/v1/postcodes/${encodeURIComponent(all[Math.floor(random() * all.length)]!)}`,
);

const local = await startChild('serve-local.ts');
// Correctness before timing: the server answers the sampled postcodes with 200 and the right hub.
for (const p of paths.slice(0, 200)) {
  const response = await fetch(local.url + p);
  const body = (await response.json()) as { postcode: string; hub: { id: string } | null };
  const expected = catalog.resolvePostcode(decodeURIComponent(p.split('/').pop()!));
  if (response.status !== 200 || body.hub?.id !== (expected.assignment.hubId ?? undefined)) {
    console.error(`wrong answer for ${p}: ${response.status}`);
    process.exit(1);
  }
}
const sampleSize = (await (await fetch(local.url + paths[0])).text()).length;
const bare = await startChild('serve-bare.ts', [String(sampleSize)]);

await load(local.url, paths.slice(0, 500)); // warm-up (JIT)
const ours = await load(local.url, paths);
const floor = await load(bare.url, ['/']);
local.child.kill();
bare.child.kill();

const row = (name: string, r: autocannon.Result) => [
  name,
  Math.round(r.requests.average).toLocaleString('en-GB'),
  `${r.latency.p50} ms`,
  `${r.latency.p99} ms`,
  String(r.non2xx + r.errors + r.timeouts),
];
printTable(`Local HTTP, ${CONNECTIONS} connections, ${DURATION_S} s each, loopback`, [
  ['server', 'req/s', 'p50', 'p99', 'errors/non-2xx'],
  row('GET /v1/postcodes/{pc} (5,000 rotating postcodes)', ours),
  row(`bare node:http, constant ${sampleSize}-byte body`, floor),
]);
console.log(
  `\nOurs / bare: ${((100 * ours.requests.average) / floor.requests.average).toFixed(0)}% of bare req/s`,
);
