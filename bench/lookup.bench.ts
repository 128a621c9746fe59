// Postcode and coordinate lookups through the service core on the sample area, against the floor
// of a plain Map.get of a precomputed answer (string keys whose hashes V8 has cached). Correctness
// first: every sampled postcode's precomputed answer must equal a fresh point-in-polygon answer.
import { loadFileCatalog } from '../functions/adapters/file-catalog.js';
import { pointAnswer, postcodeAnswer } from '../functions/core/lookup/answer.js';
import { formatRate, heapUsedMB, machineSummary, opsPerSecond, printTable, seededRandom } from './common.js';

console.log(machineSummary());
const heapBefore = heapUsedMB();
const loadStart = performance.now();
const catalog = await loadFileCatalog();
const loadMs = performance.now() - loadStart;
const heapAfter = heapUsedMB();

const all = [...catalog.assignments()];
const random = seededRandom(42);
const sample = Array.from({ length: 50_000 }, () => all[Math.floor(random() * all.length)]!);
const postcodes = sample.map((r) => r.record.postcode);
// Inputs as people type them: lower case, no space, a non-breaking space.
const messy = postcodes.map((p, i) =>
  i % 3 === 0 ? p.toLowerCase() : i % 3 === 1 ? p.replace(' ', '') : p.replace(' ', '\u00a0'),
);

// Correctness before timing.
let mismatches = 0;
for (const r of sample.slice(0, 5000)) {
  const fresh = catalog.resolvePoint(r.record.location!);
  if (JSON.stringify(fresh.assignment) !== JSON.stringify(r.assignment)) mismatches++;
}
for (const [i, p] of messy.slice(0, 5000).entries()) {
  if (catalog.resolvePostcode(p).record.postcode !== postcodes[i]) mismatches++;
}
if (mismatches > 0) {
  console.error(`${mismatches} precomputed answers differ from fresh lookups: not timing a wrong answer`);
  process.exit(1);
}

const floor = new Map(all.map((r) => [r.record.postcode, r]));
let sink = 0;
const n = postcodes.length;
const mapGet = opsPerSecond(() => {
  for (let i = 0; i < n; i++) sink += floor.get(postcodes[i]!) ? 1 : 0;
}, n);
const resolve = opsPerSecond(() => {
  for (let i = 0; i < n; i++) sink += catalog.resolvePostcode(postcodes[i]!) ? 1 : 0;
}, n);
const resolveMessy = opsPerSecond(() => {
  for (let i = 0; i < n; i++) sink += catalog.resolvePostcode(messy[i]!) ? 1 : 0;
}, n);
const m = 5000;
const answer = opsPerSecond(() => {
  for (let i = 0; i < m; i++) sink += postcodeAnswer(catalog.resolvePostcode(postcodes[i]!)).spokes.length;
}, m);
const points = sample.slice(0, m).map((r) => r.record.location!);
const pointRate = opsPerSecond(() => {
  for (let i = 0; i < m; i++) sink += pointAnswer(catalog.resolvePoint(points[i]!)).spokes.length;
}, m);

printTable('Lookups on the sample area (22k postcodes, 17 hubs)', [
  ['operation', 'rate', 'vs Map.get floor'],
  ['Map.get of a precomputed answer (floor)', formatRate(mapGet), '1.00×'],
  ['resolvePostcode, canonical input', formatRate(resolve), `${(mapGet / resolve).toFixed(2)}× slower`],
  [
    'resolvePostcode, messy input (case, NBSP, no space)',
    formatRate(resolveMessy),
    `${(mapGet / resolveMessy).toFixed(2)}× slower`,
  ],
  [
    'postcode → full public answer (spokes, distances)',
    formatRate(answer),
    `${(mapGet / answer).toFixed(1)}× slower`,
  ],
  [
    'point → full public answer (3 point-in-polygon + distances)',
    formatRate(pointRate),
    `${(mapGet / pointRate).toFixed(1)}× slower`,
  ],
]);
printTable('Start-up', [
  ['step', 'value'],
  ['load sample area + precompute every postcode', `${loadMs.toFixed(0)} ms`],
  ['heap for catalog', `${(heapAfter - heapBefore).toFixed(1)} MB`],
  ['postcodes precomputed', String(catalog.postcodeCount)],
]);
if (sink < 0) console.log(sink);
