// The national illustrative data set, built in full: every district of England's LSOA layer made
// into an area and published into an embedded store folder (what `catchments national-sample` does),
// then the same run again, which must find every area unchanged (the resume path).
// Correctness first: every district published, the versions' postcode counts add up to the
// postcodes routed, and for a seeded sample of areas and postcodes the stored answer's hub catchment
// holds the postcode (turf point-in-polygon on the published catchment as the independent check).
//   CATCHMENTS_BENCH_DISTRICTS=20 npm run bench -- national-sample    (a subset: n, or codes)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { booleanPointInPolygon, point } from '@turf/turf';
import { generateNationalSample } from '../functions/adapters/national-sample/generate.js';
import { EmbeddedBoundaryStore } from '../functions/adapters/store/embedded-boundary-store.js';
import { BoundarySetService } from '../functions/application/boundary-set-service.js';
import { selectionOf } from '../functions/cli/commands/national-sample.js';
import { LIMITS } from '../functions/config.js';
import { decodeAssignmentTable } from '../functions/core/lookup/assignment-table.js';
import { machineSummary, printTable, realDataDir, seededRandom } from './common.js';

const AREAS_CHECKED = 25;
const POSTCODES_PER_AREA = 40;

async function run(storeDir: string) {
  const store = await EmbeddedBoundaryStore.open(storeDir);
  const service = new BoundarySetService({
    store,
    events: { publish: async () => {} },
    sliverToleranceM2: LIMITS.sliverToleranceM2.default,
  });
  const cpu = process.cpuUsage();
  const started = performance.now();
  try {
    const report = await generateNationalSample({
      sources: {
        lsoaFile: path.join(realDataDir(), 'england-lsoa.geojson.gz'),
        postcodeFile: path.join(realDataDir(), 'gb-postcodes.csv.gz'),
      },
      selection: selectionOf(process.env.CATCHMENTS_BENCH_DISTRICTS),
      service,
      store,
    });
    const used = process.cpuUsage(cpu);
    return {
      report,
      wallS: (performance.now() - started) / 1000,
      cpuS: (used.user + used.system) / 1e6,
      rssMB: process.memoryUsage().rss / 2 ** 20,
    };
  } finally {
    await store.close();
  }
}

async function check(storeDir: string, report: Awaited<ReturnType<typeof run>>['report']): Promise<string[]> {
  const problems: string[] = [];
  if (report.failures.length > 0)
    problems.push(`${report.failures.length} districts failed: ${report.failures[0]!.message}`);
  const store = await EmbeddedBoundaryStore.open(storeDir);
  try {
    const pointers = await store.pointers();
    if (pointers.length !== report.areas.length)
      problems.push(`${pointers.length} areas in the store, ${report.areas.length} built`);
    let stored = 0;
    for (const p of pointers) {
      const header = (await store.versions(p.area)).find((v) => v.version === p.active)!;
      stored += header.counts.postcodes;
    }
    if (stored !== report.sources.routing.routed) {
      problems.push(`the versions hold ${stored} postcodes, ${report.sources.routing.routed} were routed`);
    }
    const random = seededRandom(326);
    for (let a = 0; a < Math.min(AREAS_CHECKED, pointers.length); a++) {
      const pointer = pointers[Math.floor(random() * pointers.length)]!;
      const version = await store.version(pointer.area, pointer.active!);
      const catchments = new Map(version.set.layers.catchments.features.map((f) => [f.properties.id, f]));
      const rows = decodeAssignmentTable(version.assignments);
      for (let i = 0; i < POSTCODES_PER_AREA; i++) {
        const row = rows[Math.floor(random() * rows.length)]!;
        const { hubId, match } = row.assignment;
        if (match === 'outside') continue; // the few points outside every LSOA
        const catchment = hubId ? catchments.get(hubId) : undefined;
        if (!catchment || !booleanPointInPolygon(point([row.lng, row.lat]), catchment)) {
          problems.push(
            `${pointer.area}: ${row.postcode} answered ${hubId} (${match}), whose catchment does not hold it`,
          );
        }
      }
    }
  } finally {
    await store.close();
  }
  return problems;
}

async function main() {
  const storeDir = mkdtempSync(path.join(tmpdir(), 'national-sample-bench-'));
  try {
    const first = await run(storeDir);
    const problems = await check(storeDir, first.report);
    if (problems.length > 0) {
      console.error(
        `national-sample: wrong answers, no timings reported:\n  ${problems.slice(0, 10).join('\n  ')}`,
      );
      process.exitCode = 1;
      return;
    }
    const again = await run(storeDir);
    if (again.report.outcomes.unchanged !== first.report.areas.length) {
      console.error(
        `national-sample: the re-run republished ${again.report.areas.length - again.report.outcomes.unchanged} areas`,
      );
      process.exitCode = 1;
      return;
    }
    const { totals, seconds, sources } = first.report;
    const n = (v: number) => v.toLocaleString('en-GB');
    console.log(machineSummary());
    printTable(
      `National sample: ${n(totals.areas)} areas from ${n(sources.lsoas)} LSOAs and ${n(sources.postcodeFile.rows)} postcode rows`,
      [
        ['what', 'figure'],
        ['areas / hubs / spokes', `${n(totals.areas)} / ${n(totals.hubs)} / ${n(totals.spokes)}`],
        [
          'HV patches / CoC teams / misalignments',
          `${n(totals.patches)} / ${n(totals.teams)} / ${n(totals.misalignments)}`,
        ],
        [
          'postcodes published (outside every LSOA)',
          `${n(totals.postcodes)} (${n(sources.routing.nearest)})`,
        ],
        ['first run, wall', `${first.wallS.toFixed(1)} s`],
        ['  reading + routing postcodes', `${seconds.load.toFixed(1)} s`],
        ['  building areas (plans, LSOA unions)', `${seconds.build.toFixed(1)} s`],
        ['  publishing (checks, validation, answers, store)', `${seconds.publish.toFixed(1)} s`],
        ['first run, CPU (user + system)', `${first.cpuS.toFixed(1)} s`],
        ['RSS after the run', `${first.rssMB.toFixed(0)} MB`],
        ['re-run, every area unchanged (resume)', `${again.wallS.toFixed(1)} s`],
        [
          'answers checked against the published catchments (turf)',
          `${n(AREAS_CHECKED * POSTCODES_PER_AREA)} postcodes in ${AREAS_CHECKED} sampled areas`,
        ],
      ],
    );
  } finally {
    rmSync(storeDir, { recursive: true, force: true });
  }
}

await main();
