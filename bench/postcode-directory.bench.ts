// The postcode directory at national scale: every GB postcode (Code-Point Open Oct 2025,
// 1,745,849 rows). gb-postcodes.csv.gz is a derived lat/lng file, not Code-Point's own format, so
// the directory records are built from it directly; the Code-Point importer is timed on the
// Gloucestershire extract instead. Measures: directory file size, decode+load time, heap,
// get() against a plain Map.get floor, and normalisePostcode/parsePostcode rates.
//
// Run: CATCHMENTS_REAL_DATA=../shared/data npm run bench -- postcode-directory
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { DIRECTORY_GZIP_LEVEL } from '../functions/adapters/directory-file.js';
import { importPostcodes } from '../functions/adapters/postcode-import.js';
import type { PostcodeRecord } from '../functions/core/model.js';
import { normalisePostcode, parsePostcode } from '../functions/core/postcode.js';
import {
  encodeDirectoryCsv,
  PostcodeDirectory,
  roundCoordinate,
} from '../functions/core/postcode-directory.js';
import {
  formatRate,
  heapUsedMB,
  machineSummary,
  opsPerSecond,
  printTable,
  realDataDir,
  seededRandom,
} from './common.js';

const dataDir = realDataDir();
const ONSPD_HEADER =
  'pcd,pcd2,pcds,dointr,doterm,oscty,ced,oslaua,osward,parish,usertype,oseast1m,osnrth1m,osgrdind,oshlthau,' +
  'nhser,ctry,rgn,streg,pcon,eer,teclec,ttwa,pct,itl,statsward,oa01,casward,park,lsoa01,msoa01,ur01ind,oac01,' +
  'oa11,lsoa11,msoa11,wz11,sicbl,bua24,ru11ind,oac11,lat,long,lep1,lep2,pfa,imd,calncv,icb,oa21,lsoa21,msoa21,' +
  'ruc21ind,globalid';
console.log(machineSummary());

function time<T>(fn: () => T): [T, number] {
  const start = performance.now();
  const value = fn();
  return [value, performance.now() - start];
}

function best<T>(runs: number, fn: () => T): [T, number] {
  let result = time(fn);
  for (let i = 1; i < runs; i++) {
    const next = time(fn);
    if (next[1] < result[1]) result = next;
  }
  return result;
}

function check(condition: boolean, message: string): void {
  if (!condition) {
    console.error(`correctness check failed: ${message}`);
    process.exit(1);
  }
}

/**
 * Heap plus typed-array backing stores after full GCs (needs --expose-gc, as bench/run.ts gives).
 * Backing stores of dead typed arrays are released in the background, hence the pause.
 */
async function memoryMB(): Promise<number> {
  heapUsedMB();
  await new Promise((resolve) => setTimeout(resolve, 100));
  return heapUsedMB() + process.memoryUsage().arrayBuffers / 2 ** 20;
}

const ms = (value: number) => `${value.toFixed(0)} ms`;
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`;

// ---- source rows -> records ---------------------------------------------------------------
const [source, gunzipSourceMs] = time(() =>
  gunzipSync(readFileSync(path.join(dataDir, 'gb-postcodes.csv.gz'))).toString('utf8'),
);
const [records, buildMs] = time(() => {
  const out: PostcodeRecord[] = [];
  const lines = source.split('\n');
  check(lines[0] === 'postcode,lat,lng,admin_district_code', 'gb-postcodes.csv header');
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === '') continue;
    const [postcode, lat, lng] = line.split(',');
    out.push({
      postcode: postcode!,
      location: lat ? { lat: Number(lat), lng: Number(lng) } : null,
      status: 'live',
    });
  }
  return out;
});
check(records.length === 1_745_849, `expected 1,745,849 rows, got ${records.length}`);
check(
  records.every((r) => parsePostcode(r.postcode).ok),
  'parsePostcode accepts every GB postcode',
);

// ---- encode ---------------------------------------------------------------------------------
const [encoded, encodeMs] = time(() => encodeDirectoryCsv(records));
const [gzipped, gzipMs] = time(() => gzipSync(encoded, { level: DIRECTORY_GZIP_LEVEL }));

// ---- decode + load --------------------------------------------------------------------------
// Memory first, before any discarded copies exist: one directory, loaded with everything else in place.
const memoryBefore = await memoryMB();
const directory = PostcodeDirectory.fromCsv(encoded);
const directoryMB = (await memoryMB()) - memoryBefore;
const [, gunzipMs] = best(3, () => gunzipSync(gzipped).toString('utf8'));
const [, loadMs] = best(3, () => PostcodeDirectory.fromCsv(encoded));
check(directory.size === records.length, 'directory size');
check(
  directory.counts.withoutLocation === 836,
  `836 without location, got ${directory.counts.withoutLocation}`,
);
for (const record of records) {
  const got = directory.get(record.postcode);
  const ok =
    got !== undefined &&
    (record.location === null
      ? got.location === null
      : got.location?.lat === roundCoordinate(record.location.lat) &&
        got.location?.lng === roundCoordinate(record.location.lng));
  if (!ok) check(false, `directory.get(${record.postcode}) does not match its source row`);
}
const [, fromRecordsMs] = best(2, () => PostcodeDirectory.fromRecords(records));

// The naive structure for comparison: a Map of record objects (the Map.get floor below). It owns
// its key strings and objects, as if parsed from a file, so the comparison is like for like.
const mapBefore = await memoryMB();
const [map, mapBuildMs] = time(() => {
  const m = new Map<string, PostcodeRecord>();
  for (const r of records) {
    m.set(` ${r.postcode}`.slice(1), { ...r, location: r.location && { ...r.location } });
  }
  return m;
});
const mapMB = (await memoryMB()) - mapBefore;

printTable('Directory file and load (1,745,849 GB postcodes)', [
  ['measure', 'value'],
  ['read source (gunzip 16 MB)', ms(gunzipSourceMs)],
  [
    'build records from source rows',
    `${ms(buildMs)} (${formatRate(records.length / (buildMs / 1000))} rows)`,
  ],
  ['encodeDirectoryCsv', ms(encodeMs)],
  ['file size, plain', mb(encoded.length)],
  [
    `file size, gzip level ${DIRECTORY_GZIP_LEVEL} (postcodes.csv.gz)`,
    `${mb(gzipped.length)} (gzip took ${ms(gzipMs)})`,
  ],
  ['gunzip of postcodes.csv.gz (best of 3)', ms(gunzipMs)],
  [
    'PostcodeDirectory.fromCsv (best of 3)',
    `${ms(loadMs)} (${formatRate(records.length / (loadMs / 1000))} rows)`,
  ],
  ['PostcodeDirectory.fromRecords (best of 2)', ms(fromRecordsMs)],
  [
    'directory memory (heap + typed arrays)',
    `${directoryMB.toFixed(0)} MB (${((directoryMB * 2 ** 20) / records.length).toFixed(0)} B/postcode)`,
  ],
  ['Map<string, record> of the same, for comparison', `${mapMB.toFixed(0)} MB, built in ${ms(mapBuildMs)}`],
]);

// ---- get() vs Map.get -----------------------------------------------------------------------
const random = seededRandom(20251123);
const SAMPLE = 200_000;
// Fresh string copies, as a request delivers them (no cached hash), in random order.
const hits = Array.from({ length: SAMPLE }, () =>
  ` ${records[Math.floor(random() * records.length)]!.postcode}`.slice(1),
);
// Well-formed but unknown: the same districts with inward letters that mostly do not exist.
const unknown = hits.map((p) => `${p.slice(0, -2)}ZZ`).filter((p) => !map.has(p));
check(
  hits.every((p) => directory.get(p)?.postcode === p && map.get(p)?.postcode === p),
  'every sampled postcode is found by both',
);
check(
  unknown.every((p) => directory.get(p) === undefined),
  'unknown postcodes are not found',
);

let sink = 0;
const batch = (fn: (p: string) => unknown, list: readonly string[]) => () => {
  for (let i = 0; i < list.length; i++) if (fn(list[i]!) !== undefined) sink++;
};
const getRate = opsPerSecond(
  batch((p) => directory.get(p), hits),
  hits.length,
);
const mapRate = opsPerSecond(
  batch((p) => map.get(p), hits),
  hits.length,
);
const getMissRate = opsPerSecond(
  batch((p) => directory.get(p), unknown),
  unknown.length,
);
const mapMissRate = opsPerSecond(
  batch((p) => map.get(p), unknown),
  unknown.length,
);
const lookupRate = opsPerSecond(
  batch((p) => directory.lookup(p), hits),
  hits.length,
);

printTable(`get() vs Map.get (${SAMPLE.toLocaleString('en-GB')} random GB postcodes, fresh strings)`, [
  ['operation', 'rate', 'vs Map.get'],
  ['Map<string, record>.get, hit (floor)', formatRate(mapRate), '1.00×'],
  ['PostcodeDirectory.get, hit', formatRate(getRate), `${(getRate / mapRate).toFixed(2)}×`],
  ['Map<string, record>.get, miss', formatRate(mapMissRate), '1.00×'],
  ['PostcodeDirectory.get, miss', formatRate(getMissRate), `${(getMissRate / mapMissRate).toFixed(2)}×`],
  [
    'PostcodeDirectory.lookup(raw), hit (parse + get)',
    formatRate(lookupRate),
    `${(lookupRate / mapRate).toFixed(2)}×`,
  ],
]);

// ---- normalise / parse ----------------------------------------------------------------------
const messy = hits.slice(0, 50_000).map((p, i) => {
  const compact = p.replace(' ', '');
  switch (i % 4) {
    case 0:
      return compact.toLowerCase();
    case 1:
      return ` ${p.replace(' ', '\u00a0')}\t`;
    case 2:
      return p.replace(/[A-Z0-9]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)); // full width
    default:
      return `${p.slice(0, 2)}  ${p.slice(2).toLowerCase()}`;
  }
});
check(
  messy.every((m, i) => normalisePostcode(m) === hits[i] && parsePostcode(m).ok),
  'messy inputs normalise to the canonical postcode',
);
const huge = 'x'.repeat(6 * 2 ** 20);
const [, hugeMs] = best(5, () => parsePostcode(huge));
const [, hugeNormaliseMs] = best(5, () => normalisePostcode(huge));

const canonicalSample = hits.slice(0, 50_000);
printTable('normalisePostcode / parsePostcode', [
  ['input', 'normalisePostcode', 'parsePostcode'],
  [
    'canonical ("GL50 1AD": fast path)',
    formatRate(opsPerSecond(batch(normalisePostcode, canonicalSample), canonicalSample.length)),
    formatRate(opsPerSecond(batch(parsePostcode, canonicalSample), canonicalSample.length)),
  ],
  [
    'messy (lower case, NBSP/tab, full width, extra spaces)',
    formatRate(opsPerSecond(batch(normalisePostcode, messy), messy.length)),
    formatRate(opsPerSecond(batch(parsePostcode, messy), messy.length)),
  ],
  ['a 6 MiB string (best of 5)', `${hugeNormaliseMs.toFixed(3)} ms`, `${hugeMs.toFixed(3)} ms`],
]);

// ---- importers ----------------------------------------------------------------------------
async function timedImport(file: string, format: 'codepoint' | 'onspd') {
  const start = performance.now();
  const result = await importPostcodes(file, { format });
  return { summary: result.summary, ms: performance.now() - start };
}

const glos = await timedImport(path.join(dataDir, 'gloucestershire-postcodes.csv'), 'codepoint');
check(glos.summary.imported === 22_019 && glos.summary.rejected === 0, 'Gloucestershire import');

// An ONSPD-shaped file (54 quoted columns, gzipped) of 200,000 GB postcodes, to time the ONS path.
const onsColumns = ONSPD_HEADER.split(',');
const onsRows = records.slice(0, 200_000).map((r, i) => {
  const cells = onsColumns.map(() => `E0${String(i).padStart(7, '0')}`);
  cells[0] = r.postcode.replace(' ', '').padEnd(7);
  cells[1] = r.postcode;
  cells[2] = r.postcode;
  cells[4] = i % 10 === 0 ? '201806' : '';
  cells[onsColumns.indexOf('osgrdind')] = r.location ? '1' : '9';
  cells[onsColumns.indexOf('lat')] = r.location ? r.location.lat.toFixed(6) : '99.999999';
  cells[onsColumns.indexOf('long')] = r.location ? r.location.lng.toFixed(6) : '0.000000';
  return cells.map((c) => `"${c}"`).join(',');
});
const onsDir = mkdtempSync(path.join(tmpdir(), 'bench-onspd-'));
const onsFile = path.join(onsDir, 'onspd-sample.csv.gz');
writeFileSync(onsFile, gzipSync(`${onsColumns.map((c) => `"${c}"`).join(',')}\n${onsRows.join('\n')}\n`));
const ons = await timedImport(onsFile, 'onspd');
rmSync(onsDir, { recursive: true, force: true });
check(
  ons.summary.imported === 200_000 && ons.summary.terminated === 20_000 && ons.summary.rejected === 0,
  `ONSPD sample import: ${JSON.stringify(ons.summary)}`,
);

printTable('Importers (streaming, node:readline)', [
  ['file', 'rows', 'time', 'rows/s'],
  ...[
    ['gloucestershire-postcodes.csv (Code-Point, headed, BNG -> WGS84)', glos] as const,
    ['ONSPD-shaped sample (54 quoted columns, .gz)', ons] as const,
  ].map(([name, run]) => [
    name,
    run.summary.rowsRead.toLocaleString('en-GB'),
    ms(run.ms),
    formatRate(run.summary.rowsRead / (run.ms / 1000)),
  ]),
]);

console.log(`\n(checksum ${sink % 997})`);
