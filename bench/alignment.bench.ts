// Boundary alignment speed: the Gloucestershire OA (2,001) × ward (142) alignment — every intersecting
// pair with its ellipsoidal area, best fits and scores — with our exact engine and with bbox-filtered
// turf.intersect (polyclip), side by side; then an England-scale run (32,844 LSOAs × their 326 districts,
// dissolved from the LSOAs by our own union), and the refusals of pathological input.
//
// Each measurement runs in a fresh child process (this file with --child=<name>), so the cold time
// includes JIT warm-up and the peak RSS is that run's alone. Correctness is checked before the tables:
// the pair count must be PostGIS's 3,863 and the total overlap area must match turf's within 0.1%.
// Deterministic: no sampling, no randomness.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { featureCollection, feature as geoFeature, intersect } from '@turf/turf';
import Flatbush from 'flatbush';
import geodesicLib from 'geographiclib-geodesic';
import type { FeatureCollection, MultiPolygon, Polygon, Position } from 'geojson';
import { alignLayers } from '../functions/core/alignment/align.js';
import { InvalidGeometryError } from '../functions/core/errors.js';
import { geometryAreaM2 } from '../functions/core/geo/area.js';
import type { Layer } from '../functions/core/model.js';
import { prepareLayer, projectionFor } from '../functions/core/overlay/prepared.js';
import { unionLayer } from '../functions/core/overlay/union.js';
import { machineSummary, printTable, realDataDir } from './common.js';

const here = fileURLToPath(import.meta.url);
const POSTGIS_PAIRS = 3863;

type Raw = FeatureCollection<Polygon | MultiPolygon, Record<string, string>>;

function readLayer(file: string, id: string, name?: string): Layer {
  const text = file.endsWith('.gz')
    ? gunzipSync(readFileSync(file)).toString('utf8')
    : readFileSync(file, 'utf8');
  const fc = JSON.parse(text) as Raw;
  return {
    type: 'FeatureCollection',
    features: fc.features.map((f) => ({
      type: 'Feature',
      geometry: f.geometry,
      properties: {
        ...f.properties,
        id: f.properties[id]!,
        name: name ? f.properties[name]! : f.properties[id]!,
      },
    })),
  };
}

const mb = (bytes: number) => bytes / 2 ** 20;
const peakRssMB = () => process.resourceUsage().maxRSS / 1024;

/** One measurement, in this (child) process. */
const children: Record<string, () => Record<string, unknown>> = {
  areas() {
    // Area accuracy on every Gloucestershire feature: against GeographicLib (geodesic edges, Karney) and
    // PostGIS ST_Area(geography) from reference-areas.csv; and the time of each method.
    const dir = realDataDir();
    const reference = new Map(
      readFileSync(path.join(dir, 'reference-areas.csv'), 'utf8')
        .trim()
        .split('\n')
        .slice(1)
        .map((line) => {
          const [layer, code, area] = line.split(',');
          return [`${layer}/${code}`, Number(area)] as const;
        }),
    );
    const wgs84 = geodesicLib.Geodesic.WGS84;
    const karney = (g: Polygon | MultiPolygon) => {
      let total = 0;
      for (const poly of g.type === 'Polygon' ? [g.coordinates] : g.coordinates) {
        poly.forEach((ring, i) => {
          const p = wgs84.Polygon(false);
          for (const [lng, lat] of ring.slice(0, -1)) p.AddPoint(lat!, lng!);
          total += (i === 0 ? 1 : -1) * Math.abs(p.Compute(false, true).area ?? Number.NaN);
        });
      }
      return total;
    };
    const rows: Record<string, unknown>[] = [];
    for (const [name, id] of [
      ['oa', 'OA11CD'],
      ['lsoa', 'LSOA11CD'],
      ['msoa', 'MSOA11CD'],
      ['wards', 'WD13CD'],
      ['districts', 'LAD13CD'],
    ] as const) {
      const layer = readLayer(path.join(dir, `gloucestershire-${name}.geojson`), id);
      const geoms = layer.features.map((f) => f.geometry);
      let t = performance.now();
      const ours = geoms.map((g) => geometryAreaM2(g));
      const oursMs = performance.now() - t;
      t = performance.now();
      const exact = geoms.map(karney);
      const karneyMs = performance.now() - t;
      const lngLat = geoms.map((g) => geometryAreaM2(g, { edges: 'lnglat' }));
      const rel = (x: number[], y: number[]) =>
        x.map((v, i) => Math.abs(v / y[i]! - 1)).sort((p, q) => p - q);
      const postgis = layer.features.map((f) => reference.get(`gloucestershire-${name}/${f.properties.id}`)!);
      const vsKarney = rel(ours, exact);
      const vsPostgis = rel(ours, postgis);
      const planeVsKarney = rel(lngLat, exact);
      const q = (a: number[], p: number) => a[Math.min(a.length - 1, Math.floor(a.length * p))]!;
      rows.push({
        layer: name,
        n: geoms.length,
        vsKarneyMax: vsKarney.at(-1),
        vsPostgisMax: vsPostgis.at(-1),
        planeMedian: q(planeVsKarney, 0.5),
        planeP99: q(planeVsKarney, 0.99),
        planeMax: planeVsKarney.at(-1),
        oursMs,
        karneyMs,
      });
    }
    return { rows };
  },

  ours() {
    const dir = realDataDir();
    const oa = readLayer(path.join(dir, 'gloucestershire-oa.geojson'), 'OA11CD');
    const wards = readLayer(path.join(dir, 'gloucestershire-wards.geojson'), 'WD13CD', 'WD13NM');
    const rssBefore = peakRssMB();
    const heapBefore = mb(process.memoryUsage().heapUsed);
    const t0 = performance.now();
    const r = alignLayers(oa, wards);
    const cold = performance.now() - t0;
    const heapAfter = mb(process.memoryUsage().heapUsed);
    const warm: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      alignLayers(oa, wards);
      warm.push(performance.now() - t);
    }
    warm.sort((a, b) => a - b);
    return {
      pairs: r.pairs.filter((p) => p.areaM2 > 0).length,
      touching: r.stats.touchingPairs,
      candidates: r.stats.candidatePairs,
      crossings: r.stats.crossings,
      fallbacks: r.stats.fallbacks.length,
      totalM2: r.pairs.reduce((s, p) => s + p.areaM2, 0),
      fragments: r.fragments.features.length,
      slivers: r.slivers.count,
      score: r.scores.aInB.byArea,
      coldMs: cold,
      warmMs: warm[2]!,
      heapBeforeMB: heapBefore,
      heapAfterMB: heapAfter,
      rssBeforeMB: rssBefore,
      peakRssMB: peakRssMB(),
    };
  },

  turf() {
    const dir = realDataDir();
    const oa = readLayer(path.join(dir, 'gloucestershire-oa.geojson'), 'OA11CD');
    const wards = readLayer(path.join(dir, 'gloucestershire-wards.geojson'), 'WD13CD');
    const rssBefore = peakRssMB();
    const box = (g: Polygon | MultiPolygon) => {
      let x0 = Infinity;
      let y0 = Infinity;
      let x1 = -Infinity;
      let y1 = -Infinity;
      const rings: Position[][] = g.type === 'Polygon' ? g.coordinates : g.coordinates.flat();
      for (const ring of rings) {
        for (const [x, y] of ring) {
          x0 = Math.min(x0, x!);
          y0 = Math.min(y0, y!);
          x1 = Math.max(x1, x!);
          y1 = Math.max(y1, y!);
        }
      }
      return [x0, y0, x1, y1] as const;
    };
    let peakHeap = mb(process.memoryUsage().heapUsed);
    const t0 = performance.now();
    const index = new Flatbush(wards.features.length);
    for (const w of wards.features) index.add(...box(w.geometry));
    index.finish();
    let pairs = 0;
    let total = 0;
    let thrown = 0;
    let tested = 0;
    for (const a of oa.features) {
      for (const j of index.search(...box(a.geometry))) {
        const b = wards.features[j]!;
        try {
          const x = intersect(
            featureCollection([geoFeature(a.geometry), geoFeature(b.geometry)]) as Parameters<
              typeof intersect
            >[0],
          );
          if (x) {
            const area = geometryAreaM2(x.geometry);
            if (area > 0) {
              pairs++;
              total += area;
            }
          }
        } catch {
          thrown++;
        }
        if (++tested % 100 === 0) peakHeap = Math.max(peakHeap, mb(process.memoryUsage().heapUsed));
      }
    }
    const ms = performance.now() - t0;
    peakHeap = Math.max(peakHeap, mb(process.memoryUsage().heapUsed));
    return {
      pairs,
      totalM2: total,
      thrown,
      tested,
      ms,
      peakHeapMB: peakHeap,
      rssBeforeMB: rssBefore,
      peakRssMB: peakRssMB(),
    };
  },

  england() {
    const dir = realDataDir();
    let t = performance.now();
    const lsoa = readLayer(path.join(dir, 'england-lsoa.geojson.gz'), 'LSOA11CD', 'LSOA11NM');
    const loadMs = performance.now() - t;
    const rssBefore = peakRssMB();
    // The coarser layer: each district as the union of its LSOAs (dissolved by our own union).
    t = performance.now();
    const byLad = new Map<string, Layer['features'][number][]>();
    for (const f of lsoa.features) {
      const lad = String(f.properties.lad);
      byLad.set(lad, [...(byLad.get(lad) ?? []), f]);
    }
    const projection = projectionFor([{ id: 'first', geometry: lsoa.features[0]!.geometry }]);
    const lads: Layer['features'][number][] = [];
    let unionFailures = 0;
    for (const [lad, features] of byLad) {
      const u = unionLayer(
        prepareLayer(
          features.map((f) => ({ id: f.properties.id, geometry: f.geometry })),
          { projection },
        ),
      );
      if (u.status !== 'ok') unionFailures++;
      lads.push({ type: 'Feature', geometry: u.geometry, properties: { id: lad, name: lad } });
    }
    const dissolveMs = performance.now() - t;
    t = performance.now();
    const r = alignLayers(lsoa, { type: 'FeatureCollection', features: lads }, { geometry: false });
    const alignMs = performance.now() - t;
    let wrong = 0;
    r.unitsA.forEach((u, i) => {
      if (u.bestFit !== lsoa.features[i]!.properties.lad || u.shareByArea < 0.99) wrong++;
    });
    const vertices = lsoa.features.reduce(
      (s, f) =>
        s +
        (f.geometry.type === 'Polygon' ? f.geometry.coordinates : f.geometry.coordinates.flat()).reduce(
          (k, ring) => k + ring.length,
          0,
        ),
      0,
    );
    return {
      lsoas: lsoa.features.length,
      vertices,
      lads: lads.length,
      unionFailures,
      pairs: r.pairs.length,
      touching: r.stats.touchingPairs,
      fallbacks: r.stats.fallbacks.length,
      wrongBestFits: wrong,
      score: r.scores.aInB.byArea,
      loadMs,
      dissolveMs,
      alignMs,
      heapAfterMB: mb(process.memoryUsage().heapUsed),
      rssBeforeMB: rssBefore,
      peakRssMB: peakRssMB(),
    };
  },

  limits() {
    const timed = (fn: () => string) => {
      const t = performance.now();
      const outcome = fn();
      return { ms: performance.now() - t, outcome };
    };
    const refusal = (fn: () => unknown) => () => {
      try {
        fn();
        return 'accepted';
      } catch (e) {
        return e instanceof InvalidGeometryError
          ? `InvalidGeometryError: ${e.problems[0]?.kind}`
          : `threw ${String(e)}`;
      }
    };
    const ring: Position[] = [];
    for (let i = 0; i < 100_000; i++)
      ring.push([0.1 * Math.cos((2 * Math.PI * i) / 1e5), 51 + 0.1 * Math.sin((2 * Math.PI * i) / 1e5)]);
    ring.push(ring[0]!);
    const square = (x: number, y: number, d: number): Position[] => [
      [x, y],
      [x + d, y],
      [x + d, y + d],
      [x, y + d],
      [x, y],
    ];
    const layer = (geometry: Polygon): Layer => ({
      type: 'FeatureCollection',
      features: [{ type: 'Feature', geometry, properties: { id: 'x', name: 'x' } }],
    });
    const bowtie: Polygon = {
      type: 'Polygon',
      coordinates: [
        [
          [0, 51],
          [0.02, 51.02],
          [0.02, 51],
          [0, 51.02],
          [0, 51],
        ],
      ],
    };
    return {
      vertices100001: timed(
        refusal(() =>
          alignLayers(
            layer({ type: 'Polygon', coordinates: [ring] }),
            layer({ type: 'Polygon', coordinates: [square(0, 51, 0.1)] }),
          ),
        ),
      ),
      bng: timed(
        refusal(() =>
          alignLayers(
            layer({ type: 'Polygon', coordinates: [square(383_000, 218_000, 1000)] }),
            layer({ type: 'Polygon', coordinates: [square(0, 51, 0.1)] }),
          ),
        ),
      ),
      bowtie: timed(() => {
        const r = alignLayers(
          layer(bowtie),
          layer({ type: 'Polygon', coordinates: [square(0.005, 50.99, 0.04)] }),
        );
        return `aligned: ${r.pairs.length} pair(s), ${r.stats.fallbacks.length} by fallback`;
      }),
    };
  },
};

function runChild(name: string): Record<string, unknown> {
  const result = spawnSync(
    process.execPath,
    ['--expose-gc', '--max-old-space-size=8192', '--import', 'tsx', here, `--child=${name}`],
    {
      env: process.env,
      encoding: 'utf8',
      maxBuffer: 1 << 24,
    },
  );
  if (result.status !== 0) throw new Error(`child ${name} failed (${result.status}): ${result.stderr}`);
  const last = result.stdout.trim().split('\n').pop()!;
  return JSON.parse(last) as Record<string, unknown>;
}

const childArg = process.argv.find((a) => a.startsWith('--child='));
if (childArg) {
  const fn = children[childArg.slice('--child='.length)]!;
  console.log(JSON.stringify(fn()));
} else {
  realDataDir();
  console.log(machineSummary());
  const f1 = (x: unknown) => (x as number).toFixed(1);
  const f0 = (x: unknown) => Math.round(x as number).toLocaleString('en-GB');
  const areas = runChild('areas').rows as Record<string, number | string>[];
  const e = (x: unknown) => (x as number).toExponential(1);
  printTable(
    'Ellipsoidal area: every Gloucestershire feature vs GeographicLib (geodesic edges) and PostGIS',
    [
      [
        'layer',
        'features',
        'vs GeographicLib max',
        'vs PostGIS max',
        'lng/lat edges vs GeographicLib median / p99 / max',
        'ours (ms)',
        'GeographicLib (ms)',
      ],
      ...areas.map((r) => [
        String(r.layer),
        String(r.n),
        e(r.vsKarneyMax),
        e(r.vsPostgisMax),
        `${e(r.planeMedian)} / ${e(r.planeP99)} / ${e(r.planeMax)}`,
        (r.oursMs as number).toFixed(1),
        (r.karneyMs as number).toFixed(1),
      ]),
    ],
  );
  if (areas.some((r) => (r.vsPostgisMax as number) > 5e-4)) process.exitCode = 1;
  const ours = runChild('ours');
  const turf = runChild('turf');
  // Correctness before any timing is reported.
  const agreement = Math.abs((ours.totalM2 as number) / (turf.totalM2 as number) - 1);
  const checks = [
    [`ours: ${ours.pairs} pairs with area > 0 (PostGIS ${POSTGIS_PAIRS})`, ours.pairs === POSTGIS_PAIRS],
    [`turf: ${turf.pairs} pairs with area > 0, ${turf.thrown} throws`, turf.pairs === POSTGIS_PAIRS],
    [`total overlap area agrees within 0.1% (${(agreement * 100).toExponential(2)}%)`, agreement < 1e-3],
    [`no pair needed the polyclip fallback (${ours.fallbacks})`, ours.fallbacks === 0],
  ] as const;
  for (const [what, ok] of checks) console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (checks.some(([, ok]) => !ok)) process.exitCode = 1;
  printTable('OA (2,001) × ward (142) alignment: every intersecting pair, areas, best fits, scores', [
    ['engine', 'cold (ms)', 'warm median (ms)', 'pairs', 'heap (MB)', 'peak RSS (MB)'],
    [
      "exact Green's-theorem overlay (alignLayers)",
      f0(ours.coldMs),
      f0(ours.warmMs),
      `${ours.pairs} (+${ours.touching} touching, 0 m²)`,
      `${f1(ours.heapBeforeMB)} → ${f1(ours.heapAfterMB)} after`,
      `${f0(ours.rssBeforeMB)} → ${f0(ours.peakRssMB)}`,
    ],
    [
      'bbox-filtered turf.intersect (pairs and areas only)',
      f0(turf.ms),
      '—',
      `${turf.pairs} (${turf.tested} tested)`,
      `peak ${f1(turf.peakHeapMB)} (sampled / 100 pairs)`,
      `${f0(turf.rssBeforeMB)} → ${f0(turf.peakRssMB)}`,
    ],
  ]);
  console.log(
    `\nSpeed-up: ${((turf.ms as number) / (ours.coldMs as number)).toFixed(0)}× cold, ${((turf.ms as number) / (ours.warmMs as number)).toFixed(0)}× warm. ` +
      `Total overlap ${f0(ours.totalM2)} m² vs turf ${f0(turf.totalM2)} m². ${ours.candidates} candidate pairs, ${ours.crossings} edge crossings, ` +
      `${ours.fragments} misaligned fragments, ${ours.slivers} slivers; OA→ward score ${(ours.score as number).toFixed(4)}.`,
  );
  const england = runChild('england');
  printTable('England: 32,844 LSOAs × 326 districts (dissolved from the LSOAs by unionLayer)', [
    ['step', 'time (ms)', 'result'],
    [
      'read + parse england-lsoa.geojson.gz',
      f0(england.loadMs),
      `${f0(england.lsoas)} LSOAs, ${f0(england.vertices)} vertices`,
    ],
    [
      'dissolve into districts (exact union)',
      f0(england.dissolveMs),
      `${england.lads} districts, ${england.unionFailures} failures`,
    ],
    [
      'alignLayers(LSOA, district)',
      f0(england.alignMs),
      `${f0(england.pairs)} pairs, ${england.fallbacks} fallbacks, ${england.wrongBestFits} LSOAs not best-fitting their district, score ${(england.score as number).toFixed(6)}`,
    ],
    [
      'memory',
      '',
      `heap ${f1(england.heapAfterMB)} MB after; peak RSS ${f0(england.rssBeforeMB)} → ${f0(england.peakRssMB)} MB`,
    ],
  ]);
  if (england.wrongBestFits !== 0 || england.unionFailures !== 0) process.exitCode = 1;
  const limits = runChild('limits') as Record<string, { ms: number; outcome: string }>;
  printTable('Pathological input', [
    ['input', 'time (ms)', 'outcome'],
    ...Object.entries(limits).map(([k, v]) => [k, v.ms.toFixed(1), v.outcome]),
  ]);
}
