// Local HTTP throughput and latency of GET /v1/postcodes/{pc} (rotating over 5,000 real sample-area
// postcodes) against a bare node:http server answering the same paths with the same bytes.
//
// The load generator must not be the bottleneck, or the ratio flatters the slower server: requests
// are a static list autocannon builds once (a per-request `setupRequest` callback capped it near 27k
// req/s), and every round reports the CPU the generator and the server used. A generator under ~90%
// of a core is not saturated, so the server it measured was the limit. Servers run in child processes
// on loopback; rounds alternate ours/bare (so drifting machine load hits both alike) and the figures
// are medians of 5 rounds. Bounded: BENCH_HTTP_SECONDS (default 5) per round.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { loadFileCatalog } from '../functions/adapters/file-catalog.js';
import { machineSummary, printTable, seededRandom } from './common.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const DURATION_S = Number(process.env.BENCH_HTTP_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_HTTP_ROUNDS ?? 5);
const CONNECTIONS = 10;

interface Child {
  readonly child: ChildProcess;
  readonly url: string;
}

function startChild(script: string, args: string[] = []): Promise<Child> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'support', script), ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (url) => resolve({ child, url: url.trim() }));
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
}

/** CPU seconds a process has used so far (user + system), from /proc. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
}

interface Round {
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly errors: number;
  /** Share of one core used by the generator (this process) and by the server during the round. */
  readonly generatorCpu: number;
  readonly serverCpu: number;
}

async function round(target: Child, requests: autocannon.Request[], seconds = DURATION_S): Promise<Round> {
  const serverBefore = cpuSeconds(target.child.pid!);
  const ownBefore = process.cpuUsage();
  const started = performance.now();
  const result = await autocannon({ url: target.url, connections: CONNECTIONS, duration: seconds, requests });
  const wall = (performance.now() - started) / 1000;
  const own = process.cpuUsage(ownBefore);
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.non2xx + result.errors + result.timeouts,
    generatorCpu: (own.user + own.system) / 1e6 / wall,
    serverCpu: (cpuSeconds(target.child.pid!) - serverBefore) / wall,
  };
}

/** Server CPU per answer (µs): what throughput would be limited by on a core of its own. */
function cpuPerRequest(r: Round): number {
  return (1e6 * r.serverCpu) / r.rps;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
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
// The bare server answers every path with our answer's bytes.
const bodies: Record<string, string> = {};
for (const p of new Set(paths)) bodies[p] = await (await fetch(local.url + p)).text();
const scratch = mkdtempSync(path.join(tmpdir(), 'bench-http-'));
writeFileSync(path.join(scratch, 'bodies.json'), JSON.stringify(bodies));
const bare = await startChild('serve-bare.ts', [path.join(scratch, 'bodies.json')]);
const meanBytes = Math.round(
  Object.values(bodies).reduce((n, b) => n + Buffer.byteLength(b), 0) / Object.keys(bodies).length,
);

const ourRequests: autocannon.Request[] = paths.map((p) => ({ method: 'GET', path: p }));
const bareRequests = ourRequests;
await round(local, ourRequests, 2); // warm-up (JIT, answer cache)
await round(bare, bareRequests, 2);
const ours: Round[] = [];
const floor: Round[] = [];
for (let i = 0; i < ROUNDS; i++) {
  ours.push(await round(local, ourRequests));
  floor.push(await round(bare, bareRequests));
}
local.child.kill();
bare.child.kill();
rmSync(scratch, { recursive: true, force: true });

const pct = (x: number) => `${Math.round(100 * x)}%`;
const row = (name: string, rounds: readonly Round[]) => [
  name,
  Math.round(median(rounds.map((r) => r.rps))).toLocaleString('en-GB'),
  rounds.map((r) => Math.round(r.rps / 1000)).join(' / '),
  `${median(rounds.map((r) => r.p50))} ms`,
  `${median(rounds.map((r) => r.p99))} ms`,
  String(rounds.reduce((n, r) => n + r.errors, 0)),
  pct(median(rounds.map((r) => r.serverCpu))),
  median(rounds.map(cpuPerRequest)).toFixed(1),
  pct(Math.max(...rounds.map((r) => r.generatorCpu))),
];
printTable(
  `Local HTTP, ${CONNECTIONS} connections, ${ROUNDS} alternating rounds of ${DURATION_S} s, loopback (medians)`,
  [
    [
      'server',
      'req/s',
      'per round (k)',
      'p50',
      'p99',
      'errors',
      'server CPU',
      'CPU µs/request',
      'generator CPU (max)',
    ],
    row('GET /v1/postcodes/{pc} (5,000 rotating postcodes)', ours),
    row(`bare node:http, the same answers (mean ${meanBytes} bytes) by Map.get`, floor),
  ],
);
const ratio = median(ours.map((r) => r.rps)) / median(floor.map((r) => r.rps));
const cpuRatio = median(floor.map(cpuPerRequest)) / median(ours.map(cpuPerRequest));
console.log(
  `\nOurs / bare: ${ratio.toFixed(2)}× (median req/s); ${cpuRatio.toFixed(2)}× by server CPU per request`,
);
// On a busy machine neither side gets a whole core, and req/s follows the machine's load more than
// the servers; CPU per request is what each server costs, so its ratio is the steadier figure then.
const busiest = Math.max(...floor.map((r) => r.generatorCpu), ...ours.map((r) => r.generatorCpu));
const serversBusy = Math.min(...floor.map((r) => r.serverCpu), ...ours.map((r) => r.serverCpu)) >= 0.8;
console.log(
  busiest >= 0.9
    ? `Load generator reached ${pct(busiest)} of a core: it may be the limit; the ratio may flatter the slower server.`
    : serversBusy
      ? `Load generator at most ${pct(busiest)} of a core: not saturated, so each server was the limit.`
      : `Load generator at most ${pct(busiest)} of a core, servers under 80%: the machine is busy (other load), so req/s follows it; compare CPU per request.`,
);
