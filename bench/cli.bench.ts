// The CLI and the local server from the shell, as users start them: `catchments --help` (compiled,
// against the old way of transpiling with tsx on every run), `npm start` until the first answer, the
// layer checks on the sample area's layers, and `catchments align` of the 2,001 Gloucestershire OAs
// × 142 wards. Each command's answer is checked before it is timed.
//
// Run: CATCHMENTS_REAL_DATA=../shared/data npm run bench -- cli
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { machineSummary, printTable, realDataDir } from './common.js';

const data = realDataDir();
const repo = fileURLToPath(new URL('..', import.meta.url));
const sample = (name: string) => path.join(repo, 'data', 'gloucestershire', name);
const bin = path.join(repo, 'bin', 'catchments.js');
console.log(machineSummary());

function check(condition: boolean, message: string): void {
  if (!condition) {
    console.error(`correctness check failed: ${message}`);
    process.exit(1);
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** Runs a command `runs` times after checking its first answer; wall seconds of each timed run. */
function timeCommand(
  args: string[],
  runs: number,
  expect: (result: { status: number | null; stdout: string; stderr: string }) => boolean,
): number[] {
  const first = spawnSync(args[0]!, args.slice(1), { encoding: 'utf8', cwd: repo, maxBuffer: 1 << 26 });
  check(expect(first), `${args.slice(1).join(' ')}: exit ${first.status} ${first.stderr.slice(0, 400)}`);
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const result = spawnSync(args[0]!, args.slice(1), { cwd: repo, stdio: 'ignore' });
    out.push((performance.now() - started) / 1000);
    check(result.status === first.status, 'exit code changed between runs');
  }
  return out;
}

check(
  spawnSync(process.execPath, [path.join(repo, 'scripts', 'build.js')], { stdio: 'inherit' }).status === 0,
  'build',
);
const rows: string[][] = [['command (end to end from the shell)', 'median', 'runs (s)', 'target']];
const add = (label: string, times: number[], target: string) =>
  rows.push([label, `${median(times).toFixed(3)} s`, times.map((t) => t.toFixed(2)).join(', '), target]);

const helpText = (r: { stdout: string }) => r.stdout.includes('Usage: catchments <command>');
add('catchments --help (compiled)', timeCommand([process.execPath, bin, '--help'], 5, helpText), '< 0.3 s');
add(
  'tsx bin/catchments.ts --help (before: transpiled each run)',
  timeCommand([path.join(repo, 'node_modules', '.bin', 'tsx'), 'bin/catchments.ts', '--help'], 3, helpText),
  '—',
);

// Layer checks on the sample area's layers.
for (const layer of ['catchments', 'hv-patches', 'coc-teams', 'outline']) {
  add(
    `catchments validate ${layer}.geojson`,
    timeCommand(
      [process.execPath, bin, 'validate', sample(`${layer}.geojson`), '--id-property', 'id'],
      3,
      (r) => r.status === 0 && r.stdout.includes('no problems'),
    ),
    '< 0.5 s',
  );
}
add(
  'catchments coverage catchments.geojson --outline outline.geojson',
  timeCommand(
    [
      process.execPath,
      bin,
      'coverage',
      sample('catchments.geojson'),
      '--id-property',
      'id',
      '--outline',
      sample('outline.geojson'),
    ],
    3,
    (r) => r.status !== null && r.status <= 1 && r.stdout.includes('Coverage of'),
  ),
  '< 0.5 s',
);
add(
  'catchments validate hv-patches-bng.zip (Shapefile, BNG)',
  timeCommand(
    [
      process.execPath,
      bin,
      'validate',
      path.join(repo, 'test/fixtures/shapefile/hv-patches-bng.zip'),
      '--id-property',
      'id',
    ],
    3,
    (r) => r.status === 0 && r.stdout.includes('40 features'),
  ),
  '< 0.5 s',
);

// OA × ward alignment, as issue 12 measured it.
add(
  'catchments align OA (2,001) × ward (142) --json',
  timeCommand(
    [
      process.execPath,
      bin,
      'align',
      '--a',
      path.join(data, 'gloucestershire-oa.geojson'),
      '--a-id',
      'OA11CD',
      '--b',
      path.join(data, 'gloucestershire-wards.geojson'),
      '--b-id',
      'WD13CD',
      '--json',
    ],
    3,
    (r) => {
      if (r.status === null || r.status > 1) return false;
      const result = JSON.parse(r.stdout) as { a: { units: number }; b: { units: number }; pairs: unknown[] };
      return result.a.units === 2001 && result.b.units === 142 && result.pairs.length > 3000;
    },
  ),
  '≤ ~1.0 s (PostGIS)',
);

// `npm start` to the first answer, with a store seeded by an earlier start (as on a second day).
const store = mkdtempSync(path.join(tmpdir(), 'bench-start-'));
async function startUntilAnswer(): Promise<number> {
  const started = performance.now();
  const child: ChildProcess = spawn('npm', ['start', '--silent'], {
    cwd: repo,
    env: { ...process.env, PORT: '0', CATCHMENTS_STORE_DIR: store, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
    detached: true,
  });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let seen = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        seen += chunk.toString();
        const match = /listening on (http:\/\/\S+)/.exec(seen);
        if (match) resolve(match[1]!);
      });
      child.on('exit', (code) => reject(new Error(`npm start exited ${code}: ${seen}`)));
    });
    const answer = await fetch(`${url}/v1/postcodes/GL1%201AD`);
    const body = (await answer.json()) as { hub?: { name?: string } };
    check(answer.status === 200 && typeof body.hub?.name === 'string', 'first answer');
    return (performance.now() - started) / 1000;
  } finally {
    process.kill(-child.pid!, 'SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
}
await startUntilAnswer(); // seeds the store
const starts: number[] = [];
for (let i = 0; i < 3; i++) starts.push(await startUntilAnswer());
add('npm start → first answer (GET /v1/postcodes/GL1 1AD)', starts, '< 1.5 s');
rmSync(store, { recursive: true, force: true });

printTable('The CLI and the local server, end to end', rows);
