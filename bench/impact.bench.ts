// Redraw impact speed on the sample area (data/gloucestershire: 17 catchments, 40 HV patches, 9 CoC
// teams, 22,051 postcodes): a draft that moves the ground of HV patch hv-stroud-1 from hub-stroud to
// hub-gloucester-south. Correctness first: the moved postcodes must equal an independent turf
// point-in-polygon recount (lowest id on ties). Then the whole impact (validation, every postcode
// assigned twice, per-unit counts, alignment before and after) cold (first call in this process)
// and warm (median of 5), and the parts: with the old version's answers from its assignment table
// and its alignment scores cached (what the analysis API does), validation alone, alignment alone.
import { fileURLToPath } from 'node:url';
import { booleanPointInPolygon, difference, featureCollection, intersect, union } from '@turf/turf';
import { readAreaDirectories, readBoundarySetDir } from '../functions/adapters/boundary-set-files.js';
import { assignAll } from '../functions/application/boundary-set-service.js';
import { validateDraftSet } from '../functions/core/boundary-set/validate.js';
import { summariseAlignment } from '../functions/core/impact/alignment-summary.js';
import { computeRedrawImpact, livePoints } from '../functions/core/impact/redraw-impact.js';
import { assignmentMap } from '../functions/core/lookup/assignment-table.js';
import type { BoundarySet, Layer, PostcodeRecord } from '../functions/core/model.js';
import { machineSummary, printTable } from './common.js';

const SAMPLE = fileURLToPath(new URL('../data/gloucestershire', import.meta.url));

function moveGround(set: BoundarySet, patch: string, fromHub: string, toHub: string): BoundarySet {
  const features = set.layers.catchments.features;
  const P = set.layers['hv-patches']!.features.find((f) => f.properties.id === patch)!;
  const A = features.find((f) => f.properties.id === fromHub)!;
  const B = features.find((f) => f.properties.id === toHub)!;
  const piece = intersect(featureCollection([P, A]))!;
  const rest = difference(featureCollection([A, piece]))!;
  const grown = union(featureCollection([B, piece]))!;
  const catchments: Layer = {
    ...set.layers.catchments,
    features: features.map((f) =>
      f === A ? { ...f, geometry: rest.geometry } : f === B ? { ...f, geometry: grown.geometry } : f,
    ),
  };
  return { ...set, version: null, layers: { ...set.layers, catchments } };
}

function recount(layer: Layer, records: readonly PostcodeRecord[]): Map<string, string | null> {
  const out = new Map<string, string | null>();
  for (const r of records) {
    if (!r.location) continue;
    const ids = layer.features
      .filter((f) => booleanPointInPolygon([r.location!.lng, r.location!.lat], f))
      .map((f) => f.properties.id)
      .sort();
    out.set(r.postcode, ids[0] ?? null);
  }
  return out;
}

function time<T>(fn: () => T): { ms: number; value: T } {
  const t = performance.now();
  const value = fn();
  return { ms: performance.now() - t, value };
}

function median(fn: () => unknown, runs = 5): number {
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) ms.push(time(fn).ms);
  return ms.sort((a, b) => a - b)[Math.floor(runs / 2)]!;
}

console.log(machineSummary());
const from = await readBoundarySetDir(SAMPLE, 1);
const { directory } = await readAreaDirectories([SAMPLE]);
const records = [...directory];
const draft = moveGround(from, 'hv-stroud-1', 'hub-stroud', 'hub-gloucester-south');

// Cold: the first impact in this process (JIT warm-up included).
const cold = time(() => computeRedrawImpact(from, draft, records, { maxListed: 100_000 }));
const impact = cold.value;

// Correctness before any table.
const before = recount(from.layers.catchments, records);
const after = recount(draft.layers.catchments, records);
const expected = [...before.keys()].filter((p) => before.get(p) !== after.get(p)).sort();
const got = impact.hubs.moved.map((m) => m.postcode).sort();
if (expected.length === 0 || JSON.stringify(expected) !== JSON.stringify(got)) {
  console.error(`moved postcodes differ from the turf recount: ${got.length} vs ${expected.length}`);
  process.exit(1);
}
console.log(
  `\ncorrect: ${got.length} postcodes move hub-stroud → hub-gloucester-south, as the turf recount says; ` +
    `${impact.postcodes.located} postcodes compared`,
);

const table = assignmentMap(assignAll(from, directory));
const points = livePoints(records);
const summaryBefore = summariseAlignment(from, { points });
const rows: string[][] = [['run', 'time', 'notes']];
const fmt = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`);
rows.push([
  'impact, cold (first call)',
  fmt(cold.ms),
  'validation, 2 × 22,051 assignments, counts, alignment before and after',
]);
rows.push([
  'impact, warm (median of 5)',
  fmt(median(() => computeRedrawImpact(from, draft, records))),
  'same',
]);
rows.push([
  'impact as the API runs it, warm',
  fmt(
    median(() =>
      computeRedrawImpact(from, draft, records, { fromAssignments: table, alignmentBefore: summaryBefore }),
    ),
  ),
  "old answers from v1's assignment table, v1's alignment scores cached",
]);
rows.push([
  'impact without alignment, warm',
  fmt(median(() => computeRedrawImpact(from, draft, records, { fromAssignments: table, alignment: false }))),
  'validation + assignments + counts',
]);
rows.push([
  'validation alone (validateDraftSet)',
  fmt(
    median(() =>
      validateDraftSet(
        { area: draft.area, layers: draft.layers, sites: draft.sites },
        { sliverToleranceM2: 100 },
      ),
    ),
  ),
  'layer checks, sites, coverage of 3 layers',
]);
rows.push([
  'alignment summary of one set',
  fmt(median(() => summariseAlignment(draft, { points }))),
  `three-way on ${points.length.toLocaleString('en-GB')} live postcodes`,
]);
printTable('Redraw impact on the sample area (22,051 postcodes)', rows);
console.log(`\npeak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`);
