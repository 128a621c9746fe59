// Publishing to DynamoDB (dynalite in a child process, reached through the real AWS SDK) and
// serving postcode lookups from what was published:
//   1. the sample area (17 catchments, 22,051 postcodes) and the full Gloucestershire OA layer as
//      a catchments layer (2,001 polygons and hubs, 22,019 real postcodes): validation, the
//      precomputed answers, and the store's staged write + conditional commit, timed apart;
//   2. postcode lookups through the public handler on a DynamoDB-backed catalog provider with the
//      container warm: the first answer per postcode, a repeated one (answer cache), and the cost
//      of re-checking the active pointer on every request (refresh 0).
// Correctness first: the served answers must equal the file catalog's, and the stored answers the
// live index's.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { readBoundarySetDir, SAMPLE_DATA_DIR } from '../functions/adapters/boundary-set-files.js';
import { MemoryEventPublisher } from '../functions/adapters/events/memory-event-publisher.js';
import { loadFileCatalog } from '../functions/adapters/file-catalog.js';
import {
  createBoundaryTable,
  DynamoBoundaryStore,
} from '../functions/adapters/store/dynamo-boundary-store.js';
import { assignAll, BoundarySetService } from '../functions/application/boundary-set-service.js';
import { ServingProvider } from '../functions/application/serving-provider.js';
import { versionCounts } from '../functions/core/boundary-set/counts.js';
import { validateDraftSet } from '../functions/core/boundary-set/validate.js';
import { checkLayer } from '../functions/core/layer-validation.js';
import { postcodeAnswer } from '../functions/core/lookup/answer.js';
import { encodeAssignmentTable } from '../functions/core/lookup/assignment-table.js';
import type { BoundarySet, Layer, PostcodeRecord, Site } from '../functions/core/model.js';
import { encodeDirectoryCsv, PostcodeDirectory } from '../functions/core/postcode-directory.js';
import {
  createPublicApiHandler,
  type PublicContext,
  publicContext,
} from '../functions/handlers/public-api.js';
import { silentLogger } from '../functions/http/logger.js';
import { machineSummary, printTable, realDataDir, seededRandom } from './common.js';

console.log(machineSummary());
const dataDir = realDataDir();

// --- dynalite in its own process, as DynamoDB would be -------------------------------------------
async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}
const port = await freePort();
const dynalite: ChildProcess = spawn(
  process.execPath,
  [
    path.join('node_modules', 'dynalite', 'cli.js'),
    '--port',
    String(port),
    '--host',
    '127.0.0.1',
    '--createTableMs',
    '0',
  ],
  { stdio: 'ignore' },
);
const client = new DynamoDBClient({
  endpoint: `http://127.0.0.1:${port}`,
  region: 'eu-west-2',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
});
for (let i = 0; ; i++) {
  try {
    await createBoundaryTable(client, 'catchments-sample');
    await createBoundaryTable(client, 'catchments-oa');
    break;
  } catch (error) {
    if (i > 100) throw error;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
// One table per boundary set, so the lookup figures below load the sample area alone.
const stores = {
  sample: new DynamoBoundaryStore(client, 'catchments-sample'),
  oa: new DynamoBoundaryStore(client, 'catchments-oa'),
};
const ms = (start: number) => performance.now() - start;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

// --- 1. publishing ------------------------------------------------------------------------------
interface PublishFigures {
  validateMs: number;
  precomputeMs: number;
  storeMs: number;
  serviceMs: number;
  postcodes: number;
  contentBytes: number;
}

/** Times the phases on their own, then the whole service publish (draft -> version), `runs` times. */
async function benchPublish(
  store: DynamoBoundaryStore,
  area: string,
  set: BoundarySet,
  directory: PostcodeDirectory,
  runs: number,
): Promise<PublishFigures> {
  const service = new BoundarySetService({
    store,
    events: new MemoryEventPublisher(),
    sliverToleranceM2: 100,
  });
  await service.putDirectory(area, encodeDirectoryCsv(directory.records()), 'bench');
  const figures: PublishFigures[] = [];
  for (let run = 0; run < runs; run++) {
    let t = performance.now();
    const validation = validateDraftSet(
      { area: set.area, layers: set.layers, sites: set.sites },
      { sliverToleranceM2: 100 },
    );
    const validateMs = ms(t);
    if (!validation.publishable)
      throw new Error(`${area} does not validate: ${validation.problems[0]?.message}`);
    t = performance.now();
    const rows = assignAll(set, directory);
    const assignments = encodeAssignmentTable(rows);
    const precomputeMs = ms(t);
    const active = (await store.pointer(area))?.active ?? null;
    t = performance.now();
    const { header } = await store.publish(
      area,
      {
        set,
        assignments,
        meta: {
          publishedAt: new Date().toISOString(),
          publishedBy: 'bench',
          message: `store-only run ${run}`,
          basedOn: active,
          counts: versionCounts(set, rows),
          hubChanges: 0,
          directoryStamp: null,
          draft: null,
        },
      },
      { active },
    );
    const storeMs = ms(t);
    // The whole thing as a planner's publish runs it: read the draft, validate, precompute, diff, write, commit.
    await store.createDraft(
      area,
      {
        areaInfo: set.area,
        baseVersion: header.version,
        layers: set.layers,
        sites: set.sites,
        at: new Date().toISOString(),
        by: 'bench',
      },
      { replace: true },
    );
    t = performance.now();
    await service.publish(area, {
      expectedActive: header.version,
      message: `service run ${run}`,
      by: 'bench',
    });
    const serviceMs = ms(t);
    const contentBytes =
      Object.values(set.layers).reduce((n, l) => n + Buffer.byteLength(JSON.stringify(l)), 0) +
      Buffer.byteLength(assignments);
    figures.push({ validateMs, precomputeMs, storeMs, serviceMs, postcodes: rows.length, contentBytes });
  }
  const pick = (k: keyof PublishFigures) => median(figures.map((f) => f[k]));
  return {
    validateMs: pick('validateMs'),
    precomputeMs: pick('precomputeMs'),
    storeMs: pick('storeMs'),
    serviceMs: pick('serviceMs'),
    postcodes: figures[0]!.postcodes,
    contentBytes: figures[0]!.contentBytes,
  };
}

const sample = await readBoundarySetDir(path.join(SAMPLE_DATA_DIR, 'gloucestershire'), null);
const sampleDirectory = PostcodeDirectory.fromCsv(
  gunzipSync(await readFile(path.join(SAMPLE_DATA_DIR, 'gloucestershire', 'postcodes.csv.gz'))).toString(
    'utf8',
  ),
);
const sampleFigures = await benchPublish(stores.sample, 'gloucestershire', sample, sampleDirectory, 5);

// The full OA layer as hub catchments: 2,001 polygons, one (made-up) hub each, real postcodes.
const oaRaw = JSON.parse(await readFile(path.join(dataDir, 'gloucestershire-oa.geojson'), 'utf8')) as unknown;
const oa = checkLayer(oaRaw, { idProperty: 'OA11CD' }).layer as Layer;
const hubs: Site[] = oa.features.map((f) => {
  const ring = (f.geometry.type === 'Polygon' ? f.geometry.coordinates[0] : f.geometry.coordinates[0]![0])!;
  const [lng, lat] = ring[0]!;
  return {
    id: f.properties.id,
    kind: 'hub',
    name: `Hub ${f.properties.id}`,
    address: 'bench',
    postcode: 'GL1 1AD',
    location: { lat: lat!, lng: lng! },
    operator: 'bench',
    services: ['early-years'],
    ages: { min: 0, max: 19 },
    contact: {},
    openingHours: 'Mo-Fr 09:00-17:00',
  };
});
const realRecords: PostcodeRecord[] = (
  await readFile(path.join(dataDir, 'gloucestershire-postcodes.csv'), 'utf8')
)
  .split('\n')
  .slice(1)
  .filter(Boolean)
  .map((line) => {
    const [postcode, lat, lng] = line.split(',');
    return { postcode: postcode!, location: { lat: Number(lat), lng: Number(lng) }, status: 'live' as const };
  });
const realDirectory = PostcodeDirectory.fromRecords(realRecords);
const oaSet: BoundarySet = {
  area: {
    id: 'gloucestershire-oa',
    name: 'Gloucestershire OAs as catchments',
    illustrative: true,
    attribution: [],
  },
  version: null,
  layers: { outline: sample.layers.outline, catchments: oa },
  sites: hubs,
};
const oaFigures = await benchPublish(stores.oa, 'gloucestershire-oa', oaSet, realDirectory, 3);

const row = (label: string, f: PublishFigures, polygons: number) => [
  label,
  String(polygons),
  f.postcodes.toLocaleString('en-GB'),
  `${(f.contentBytes / 2 ** 20).toFixed(1)} MB`,
  `${f.validateMs.toFixed(0)} ms`,
  `${f.precomputeMs.toFixed(0)} ms`,
  `${f.storeMs.toFixed(0)} ms`,
  `${f.serviceMs.toFixed(0)} ms`,
];
printTable('Publish to DynamoDB (dynalite on loopback, real SDK), median', [
  [
    'boundary set',
    'catchments',
    'postcodes',
    'content',
    'validate',
    'precompute answers',
    'store write + commit',
    'whole publish (service)',
  ],
  row('sample area (all layers)', sampleFigures, sample.layers.catchments.features.length),
  row('OA layer as catchments', oaFigures, oa.features.length),
]);

// --- 2. lookups through the DynamoDB-backed provider, container warm ----------------------------
function providerFor(refreshMs: number) {
  return new ServingProvider<PublicContext>({
    store: new DynamoBoundaryStore(client, 'catchments-sample'),
    refreshMs,
    makeContext: (resolver, exports) => ({
      ...publicContext(resolver, { maxBulkItems: 100, maxBodyBytes: 1 << 20 }),
      exports,
    }),
    areaCacheBytes: 256 * 2 ** 20,
  });
}
const lambdaContext = { awsRequestId: 'bench' } as Context;
const event = (postcode: string) =>
  ({
    httpMethod: 'GET',
    path: `/v1/postcodes/${encodeURIComponent(postcode)}`,
    headers: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    requestContext: { requestId: 'bench' },
  }) as unknown as APIGatewayProxyEvent;

const warm = providerFor(30_000);
let t = performance.now();
await warm.check();
const coldLoadMs = ms(t);
const handler = createPublicApiHandler({
  context: () => warm.context(),
  logger: silentLogger,
  cacheSeconds: 60,
  corsOrigins: ['*'],
});

// Correctness: the served answers are the file catalog's (the sample area published unchanged).
const fileCatalog = await loadFileCatalog();
const random = seededRandom(7);
const located = [...sampleDirectory.records()].filter((r) => r.location).map((r) => r.postcode);
const picks = Array.from({ length: 5_000 }, () => located[Math.floor(random() * located.length)]!);
let mismatches = 0;
for (const postcode of picks.slice(0, 2_000)) {
  const served = JSON.parse((await handler(event(postcode), lambdaContext)).body) as Record<string, unknown>;
  const expected = JSON.parse(
    JSON.stringify(postcodeAnswer(fileCatalog.resolvePostcode(postcode))),
  ) as Record<string, unknown>;
  if (JSON.stringify({ ...served, version: null }) !== JSON.stringify({ ...expected, version: null }))
    mismatches++;
}
if (mismatches > 0) {
  console.error(
    `${mismatches} answers served from DynamoDB differ from the file catalog's: not timing wrong answers`,
  );
  process.exit(1);
}

async function latencies(h: typeof handler, postcodes: readonly string[]): Promise<number[]> {
  const out: number[] = [];
  for (const postcode of postcodes) {
    const start = performance.now();
    const r = await h(event(postcode), lambdaContext);
    out.push(performance.now() - start);
    if (r.statusCode !== 200) throw new Error(`${postcode}: ${r.statusCode}`);
  }
  return out;
}
const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;
const fmt = (xs: number[]) => [
  `${(pct(xs, 0.5) * 1000).toFixed(0)} µs`,
  `${(pct(xs, 0.99) * 1000).toFixed(0)} µs`,
  `${((xs.reduce((a, b) => a + b, 0) / xs.length) * 1000).toFixed(0)} µs`,
];

// A fresh provider, so the first pass really is each postcode's first answer.
const fresh = providerFor(30_000);
await fresh.check();
const freshHandler = createPublicApiHandler({
  context: () => fresh.context(),
  logger: silentLogger,
  cacheSeconds: 60,
  corsOrigins: ['*'],
});
const unique = [...new Set(picks)];
const first = await latencies(freshHandler, unique);
const repeat = await latencies(freshHandler, unique);
const everyRequest = providerFor(0);
await everyRequest.check();
const checking = await latencies(
  createPublicApiHandler({
    context: () => everyRequest.context(),
    logger: silentLogger,
    cacheSeconds: 60,
    corsOrigins: ['*'],
  }),
  unique.slice(0, 1_000),
);
t = performance.now();
for (let i = 0; i < 200; i++) await stores.sample.pointers();
const pointerCheckMs = ms(t) / 200;

printTable(
  `Postcode lookups through the public handler, DynamoDB-backed catalog (${unique.length.toLocaleString('en-GB')} distinct postcodes)`,
  [
    ['request', 'p50', 'p99', 'mean'],
    ['first answer for a postcode (routing + area digest + answer built)', ...fmt(first)],
    ['repeated postcode (answer cache hit)', ...fmt(repeat)],
    ['refresh 0: pointer re-read from DynamoDB on every request', ...fmt(checking)],
  ],
);
printTable('Container start and freshness', [
  ['step', 'time'],
  [
    'cold load: pointers + national routing from DynamoDB (areas load on first use)',
    `${coldLoadMs.toFixed(0)} ms`,
  ],
  ['pointer re-check (one strongly consistent Query), mean of 200', `${pointerCheckMs.toFixed(2)} ms`],
  ['area cache', JSON.stringify(warm.cacheStats())],
]);

client.destroy();
dynalite.kill();
