// National bulk point-in-polygon from the shell: `catchments assign` of every GB postcode
// (gb-postcodes.csv.gz, 1,745,849 rows) to England's 32,844 LSOAs (england-lsoa.geojson.gz, id
// LSOA11CD), end to end as users run it (node bin/catchments.js, the compiled CLI), against the
// plain which-polygon script an analyst would write (bench/assign-which-polygon.js), run as plain
// Node at its own full speed. Both write every row with its LSOA; the answers are compared row by
// row before any timing, then each runs alternately and the medians are compared.
//
// Run: CATCHMENTS_REAL_DATA=../shared/data npm run bench -- assign
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { machineSummary, printTable, realDataDir } from './common.js';

const data = realDataDir();
const repo = fileURLToPath(new URL('..', import.meta.url));
const layer = path.join(data, 'england-lsoa.geojson.gz');
const points = path.join(data, 'gb-postcodes.csv.gz');
const work = mkdtempSync(path.join(tmpdir(), 'bench-assign-'));
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
console.log(machineSummary());

function check(condition: boolean, message: string): void {
  if (!condition) {
    console.error(`correctness check failed: ${message}`);
    process.exit(1);
  }
}

// The compiled CLI, as `npm ci` leaves it.
check(
  spawnSync(process.execPath, [path.join(repo, 'scripts', 'build.js')], { stdio: 'inherit' }).status === 0,
  'build',
);

const commands = {
  catchments: (out: string) => [
    path.join(repo, 'bin', 'catchments.js'),
    'assign',
    '--polygons',
    layer,
    '--id-property',
    'LSOA11CD',
    '--points',
    points,
    '--out',
    out,
    '--json',
  ],
  'which-polygon script': (out: string) => [
    path.join(repo, 'bench', 'assign-which-polygon.js'),
    layer,
    'LSOA11CD',
    points,
    out,
  ],
} as const;
type Tool = keyof typeof commands;

interface Timing {
  readonly wall: number;
  readonly cpu: number | null;
  readonly maxRssMB: number | null;
}

/** One run from the shell, through /usr/bin/time when there is one (for CPU and peak memory). */
function run(tool: Tool, out: string): Timing {
  const args = [process.execPath, ...commands[tool](out)];
  const timed = existsSync('/usr/bin/time');
  const started = performance.now();
  const result = timed
    ? spawnSync('/usr/bin/time', ['-f', 'TIME %U %S %M', ...args], { encoding: 'utf8', maxBuffer: 1 << 24 })
    : spawnSync(args[0]!, args.slice(1), { encoding: 'utf8', maxBuffer: 1 << 24 });
  const wall = (performance.now() - started) / 1000;
  check(result.status === 0, `${tool} exited ${result.status}: ${result.stderr?.slice(-500)}`);
  const time = /TIME ([\d.]+) ([\d.]+) (\d+)/.exec(result.stderr ?? '');
  return {
    wall,
    cpu: time ? Number(time[1]) + Number(time[2]) : null,
    maxRssMB: time ? Number(time[3]) / 1024 : null,
  };
}

/** Row by row: the assigned LSOA of every row, where either tool found one. */
function compare(oursFile: string, referenceFile: string) {
  const ours = readFileSync(oursFile, 'utf8').split('\n');
  const reference = readFileSync(referenceFile, 'utf8').split('\n');
  check(ours.length === reference.length, `row counts differ: ${ours.length} vs ${reference.length}`);
  check(ours[0] === `${reference[0]},match`, `headers differ: ${ours[0]} / ${reference[0]}`);
  let inPolygon = 0;
  let agree = 0;
  let onlyOurs = 0;
  let onlyReference = 0;
  for (let i = 1; i < ours.length; i++) {
    if (ours[i] === '') continue;
    // Quote-free rows: the id is the second-to-last field of ours, the last of the reference.
    const o = ours[i]!.split(',');
    const r = reference[i]!.split(',');
    check(o.slice(0, -2).join(',') === r.slice(0, -1).join(','), `row ${i} is not the same input row`);
    const a = o[o.length - 2]!;
    const b = r[r.length - 1]!;
    if (a === '' && b === '') continue;
    inPolygon++;
    if (a === b) agree++;
    else if (b === '') onlyOurs++;
    else if (a === '') onlyReference++;
  }
  return { rows: ours.length - 2, inPolygon, agree, onlyOurs, onlyReference };
}

// Correctness first: one run each, compared row by row.
const oursOut = path.join(work, 'catchments.csv');
const referenceOut = path.join(work, 'which-polygon.csv');
run('catchments', oursOut);
run('which-polygon script', referenceOut);
const agreement = compare(oursOut, referenceOut);
check(agreement.rows === 1_745_849, `rows: ${agreement.rows}`);
const share = agreement.agree / agreement.inPolygon;
check(share >= 0.9999, `agreement ${share} on rows in a polygon`);

// Then the timings, alternating so both see the same machine.
const timings: Record<Tool, Timing[]> = { catchments: [], 'which-polygon script': [] };
for (let i = 0; i < RUNS; i++) {
  timings['which-polygon script'].push(run('which-polygon script', referenceOut));
  timings.catchments.push(run('catchments', oursOut));
}
rmSync(work, { recursive: true, force: true });

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};
const summary = (tool: Tool) => {
  const t = timings[tool];
  const cpu = t.every((x) => x.cpu !== null) ? median(t.map((x) => x.cpu!)) : null;
  const rss = t.every((x) => x.maxRssMB !== null) ? Math.max(...t.map((x) => x.maxRssMB!)) : null;
  return { wall: median(t.map((x) => x.wall)), cpu, rss, all: t.map((x) => x.wall.toFixed(1)).join(', ') };
};
const ours = summary('catchments');
const reference = summary('which-polygon script');
printTable(
  `gb-postcodes.csv.gz (1,745,849 rows) → england-lsoa.geojson.gz (32,844 LSOAs), end to end, median of ${RUNS}`,
  [
    ['tool', 'wall', 'CPU (user+sys)', 'peak RSS', 'runs (s)'],
    ...(
      [
        ['catchments assign', ours],
        ['which-polygon script', reference],
      ] as const
    ).map(([name, s]) => [
      name,
      `${s.wall.toFixed(2)} s`,
      s.cpu === null ? '—' : `${s.cpu.toFixed(2)} s`,
      s.rss === null ? '—' : `${s.rss.toFixed(0)} MB`,
      s.all,
    ]),
  ],
);
console.log(
  `\ncatchments / which-polygon wall: ${(ours.wall / reference.wall).toFixed(2)}× ` +
    `(${ours.wall <= reference.wall ? 'at least as fast' : 'SLOWER'}); row-by-row agreement on rows in a polygon: ` +
    `${agreement.agree.toLocaleString('en-GB')} of ${agreement.inPolygon.toLocaleString('en-GB')} ` +
    `(${(share * 100).toFixed(4)}%; only ours ${agreement.onlyOurs}, only which-polygon ${agreement.onlyReference}, ` +
    `different LSOA ${agreement.inPolygon - agreement.agree - agreement.onlyOurs - agreement.onlyReference}).`,
);
