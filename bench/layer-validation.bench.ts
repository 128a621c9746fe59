// Layer input checks: time to answer real and oversized layers. Correctness is checked before timing.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { checkLayer } from '../functions/core/layer-validation.js';
import { machineSummary, printTable, realDataDir } from './common.js';

const dir = realDataDir();
console.log(machineSummary());
function time(fn: () => void, minMs = 1000): number {
  fn();
  let n = 0;
  const start = performance.now();
  while (performance.now() - start < minMs) {
    fn();
    n++;
  }
  return (performance.now() - start) / n;
}
const rows: string[][] = [['input', 'answer', 'ms per check']];
const oa = JSON.parse(readFileSync(path.join(dir, 'gloucestershire-oa.geojson'), 'utf8'));
const lsoa = JSON.parse(readFileSync(path.join(dir, 'gloucestershire-lsoa.geojson'), 'utf8'));
const england = JSON.parse(
  gunzipSync(readFileSync(path.join(dir, 'england-lsoa.geojson.gz'))).toString('utf8'),
);
const big: number[][] = [];
for (let i = 0; i < 100_000; i++) {
  const a = (2 * Math.PI * i) / 1e5;
  big.push([-2.2 + 0.1 * Math.cos(a), 51.8 + 0.1 * Math.sin(a)]);
}
big.push(big[0]!);
const bigLayer = {
  type: 'FeatureCollection',
  features: [
    { type: 'Feature', properties: { id: 'BIG' }, geometry: { type: 'Polygon', coordinates: [big] } },
  ],
};
const tenM = {
  type: 'FeatureCollection',
  features: Array.from({ length: 200 }, (_, i) => {
    const r: number[][] = [];
    r.length = 50_000;
    return { type: 'Feature', properties: { id: `F${i}` }, geometry: { type: 'Polygon', coordinates: [r] } };
  }),
};
const cases: [string, unknown, Parameters<typeof checkLayer>[1], string][] = [
  ['Gloucestershire LSOAs (373 f, 29,491 v)', lsoa, { idProperty: 'LSOA11CD' }, ''],
  ['Gloucestershire OAs (2,001 f, 61,851 v)', oa, { idProperty: 'OA11CD' }, ''],
  [
    'England LSOAs, default limits',
    england,
    { idProperty: 'LSOA11CD' },
    'too-many-features,too-many-vertices-in-layer',
  ],
  [
    'England LSOAs, raised limits',
    england,
    { idProperty: 'LSOA11CD', limits: { maxFeatures: 40000, maxVerticesPerLayer: 2e6 } },
    '',
  ],
  ['one 100,001-vertex polygon', bigLayer, { idProperty: 'id' }, 'too-many-vertices-in-feature'],
  ['200 × 50,000 vertices (10 M)', tenM, { idProperty: 'id' }, 'too-many-vertices-in-layer'],
];
for (const [name, input, options, expected] of cases) {
  const kinds = checkLayer(input, options)
    .problems.map((p) => p.kind)
    .join(',');
  if (kinds !== expected) throw new Error(`${name}: expected [${expected}], got [${kinds}]`);
  rows.push([
    name,
    expected || 'no problems, layer built',
    time(() => checkLayer(input, options), 2000).toFixed(3),
  ]);
}
printTable('checkLayer', rows);
