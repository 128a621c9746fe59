// The national postcode directory through the admin API on DynamoDB (dynalite) + S3 (s3rver), both
// through the real AWS SDK: a presigned PUT straight to the bucket, then an ingest that works in
// bounded calls (202 until done) and resumes from the pieces stored, and serving of the result
// checked against a catalog built from the uploaded rows themselves.
import { gzipSync } from 'node:zlib';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryEventPublisher } from '../../functions/adapters/events/memory-event-publisher.js';
import { DynamoBoundaryStore } from '../../functions/adapters/store/dynamo-boundary-store.js';
import { EmbeddedBoundaryStore } from '../../functions/adapters/store/embedded-boundary-store.js';
import { S3DirectoryUploads } from '../../functions/adapters/store/s3-directory-uploads.js';
import { S3Objects } from '../../functions/adapters/store/s3-objects.js';
import { assignAreaPostcodes } from '../../functions/application/area-postcodes.js';
import { BoundarySetService } from '../../functions/application/boundary-set-service.js';
import { NationalDirectoryService } from '../../functions/application/national-directory-service.js';
import type { BoundaryStore } from '../../functions/application/ports/boundary-store.js';
import type { LookupResolver } from '../../functions/application/serving/lookup-resolver.js';
import { RoutingMaintainer } from '../../functions/application/serving/routing-maintainer.js';
import { ServingProvider } from '../../functions/application/serving-provider.js';
import { versionCounts } from '../../functions/core/boundary-set/counts.js';
import { postcodeAnswer } from '../../functions/core/lookup/answer.js';
import { AreaLookup } from '../../functions/core/lookup/area-lookup.js';
import { encodeAssignmentTable } from '../../functions/core/lookup/assignment-table.js';
import { LookupCatalog } from '../../functions/core/lookup/catalog.js';
import type { PostcodeRecord } from '../../functions/core/model.js';
import { PostcodeDirectory } from '../../functions/core/postcode-directory.js';
import { encodeAreaDigest } from '../../functions/core/routing/area-digest.js';
import { decodeDirectoryColumns } from '../../functions/core/routing/directory-columns.js';
import { createAdminApiHandler } from '../../functions/handlers/admin-api.js';
import { silentLogger } from '../../functions/http/logger.js';
import { startDynalite } from '../support/dynamo.js';
import { nationalWorld, syntheticDirectory } from '../support/national-areas.js';
import { type LocalS3, startS3rver } from '../support/s3.js';

function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 48271) % 2147483647;
    return state / 2147483647;
  };
}

// The points format has no status: every uploaded postcode is live.
const records = syntheticDirectory(20_000, seeded(11))
  .filter((r) => r.location !== null)
  .map((r): PostcodeRecord => ({ ...r, status: 'live' }));
const pointsCsv = (rows: readonly PostcodeRecord[]) =>
  `postcode,lat,lng\n${rows.map((r) => `${r.postcode},${r.location!.lat},${r.location!.lng}`).join('\n')}\n`;

const event = (method: string, path: string, query: Record<string, string> = {}) =>
  ({
    httpMethod: method,
    path,
    headers: { 'X-Author': 'uploader' },
    queryStringParameters: query,
    requestContext: { requestId: 'test' },
  }) as unknown as APIGatewayProxyEvent;

describe('national directory upload on DynamoDB + S3', () => {
  let dynamo: Awaited<ReturnType<typeof startDynalite>>;
  let s3: LocalS3;
  let store: BoundaryStore;
  let objects: S3Objects;

  beforeAll(async () => {
    [dynamo, s3] = await Promise.all([startDynalite(), startS3rver()]);
    objects = new S3Objects(s3.client(), await s3.newBucket());
    // 256 KB directory pieces (4 MB in use), so an ingest of 20,000 postcodes can stop between pieces.
    store = new DynamoBoundaryStore(dynamo.client(), await dynamo.newTable(), {
      objects,
      directoryPieceBytes: 256 * 1024,
    });
  }, 30_000);
  afterAll(async () => {
    await dynamo?.close();
    await s3?.close();
  });

  const service = (budgetMs: number, maxUploadBytes = 50_000_000) =>
    new NationalDirectoryService({
      store,
      uploads: new S3DirectoryUploads(objects),
      routing: new RoutingMaintainer(store),
      maxUploadBytes,
      ingestBudgetMs: budgetMs,
    });

  const put = async (url: string, body: Uint8Array | string) => {
    const response = await fetch(url, { method: 'PUT', body });
    expect(response.status).toBe(200);
  };

  it('a gzipped upload is ingested over several bounded calls and served', async () => {
    const directory = PostcodeDirectory.fromRecords(records);
    // An area published over the same postcodes, so the routing claims some of them.
    const alpha = nationalWorld().editions.alpha![0]!;
    const rows = assignAreaPostcodes(alpha, { own: null, national: directory.sortedColumns() });
    await store.publish(
      'alpha',
      {
        set: { ...alpha, version: null },
        assignments: encodeAssignmentTable(rows),
        digest: encodeAreaDigest(alpha, rows, 'national'),
        meta: {
          publishedAt: '2026-12-02T00:00:00Z',
          publishedBy: 'test',
          message: 'alpha',
          basedOn: null,
          counts: versionCounts(alpha, rows),
          hubChanges: 0,
          directoryStamp: 'national',
          draft: null,
        },
      },
      { active: null },
    );

    // A budget that runs out at once: each call stores one piece, then the routing gets its own call.
    const loader = service(1);
    const target = await loader.createUpload();
    expect(target.url).toMatch(/X-Amz-Signature=/);
    expect(target.url).toContain(`uploads/directory/${target.upload}`);
    await put(target.url, gzipSync(pointsCsv(records)));

    const states: string[] = [];
    let result = await loader.ingest(target.upload, 'points', 'uploader');
    states.push(result.state);
    while (result.state !== 'done' && states.length < 6) {
      result = await loader.ingest(target.upload, 'points', 'uploader');
      states.push(result.state);
    }
    expect(states).toEqual(['storing', 'routing', 'done']);
    expect(result.postcodes).toBe(records.length);
    expect(result.totalBytes).toBeGreaterThan(256 * 1024);
    expect(result.routing).toEqual({ action: 'built', areasRead: 1 });

    // What is stored is the uploaded rows, column for column.
    const stored = await store.nationalDirectory();
    expect(stored?.pointer.stamp).toBe(result.stamp);
    expect(stored?.pointer.updatedBy).toBe('uploader');
    const columns = decodeDirectoryColumns(stored!.bytes);
    const expected = directory.sortedColumns();
    expect(columns.keys).toEqual(expected.keys);
    expect(columns.lat).toEqual(expected.lat);
    expect(columns.lng).toEqual(expected.lng);
    // The upload is gone once done.
    expect(await objects.size(`uploads/directory/${target.upload}`)).toBeNull();

    // Served: every uploaded postcode answers as a catalog over the uploaded rows does.
    const provider = new ServingProvider<LookupResolver>({
      store,
      refreshMs: 0,
      makeContext: (r) => r,
      areaCacheBytes: 2 ** 24,
    });
    const served = await provider.context();
    expect(served.postcodeCount).toBe(records.length);
    const oracle = LookupCatalog.build([AreaLookup.build(alpha)], directory);
    const sample = records.filter((_, i) => i % 997 === 0);
    let inAlpha = 0;
    for (const { postcode } of sample) {
      const want = postcodeAnswer(oracle.resolvePostcode(postcode));
      expect(postcodeAnswer(await served.resolvePostcode(postcode))).toEqual(want);
      if ((want as { area?: string }).area === 'alpha') inAlpha++;
    }
    expect(inAlpha).toBeGreaterThan(0);
  }, 120_000);

  it('answers through the admin API: 201 with the URL, 200 when done, 202 with progress, problems for bad uploads', async () => {
    const embedded = await EmbeddedBoundaryStore.open(':memory:');
    const boundarySets = new BoundarySetService({
      store,
      events: new MemoryEventPublisher(undefined, 0),
      sliverToleranceM2: 100,
    });
    const handler = (directory: NationalDirectoryService) =>
      createAdminApiHandler({
        context: () => ({ service: boundarySets, maxBodyBytes: 1_048_576, directory }),
        logger: silentLogger,
        corsOrigins: [],
        auth: { mode: 'iam' },
      });
    const call = async (api: ReturnType<typeof handler>, e: APIGatewayProxyEvent) => {
      const response = await api(e, {} as Context);
      return { status: response.statusCode, body: JSON.parse(response.body) as Record<string, unknown> };
    };
    const api = handler(service(20_000, 100_000));

    const created = await call(api, event('POST', '/v1/admin/directory/uploads'));
    expect(created.status).toBe(201);
    const upload = created.body.upload as string;
    const ingestPath = created.body.ingest as string;
    expect(ingestPath).toBe(`/v1/admin/directory/uploads/${upload}/ingest`);

    // Nothing uploaded yet: 404 saying what to do.
    const early = await call(api, event('POST', ingestPath));
    expect(early.status).toBe(404);
    expect(early.body.detail).toMatch(/PUT the file/);

    // Not the format: 400 naming it, and the directory is untouched.
    const before = (await store.servingState()).nationalDirectory?.stamp;
    await put(created.body.url as string, 'this,is,not\na,postcode,file\n');
    const wrong = await call(api, event('POST', ingestPath));
    expect(wrong.status).toBe(400);
    expect(wrong.body.detail).toMatch(/could not be read as points/);
    const unknownFormat = await call(api, event('POST', ingestPath, { format: 'xlsx' }));
    expect(unknownFormat.status).toBe(400);

    // Over the configured size: 400 before anything is read.
    await put(created.body.url as string, gzipSync(pointsCsv(records), { level: 0 }));
    const tooBig = await call(api, event('POST', ingestPath));
    expect(tooBig.status).toBe(400);
    expect(tooBig.body.detail).toMatch(/over the limit/);
    expect((await store.servingState()).nationalDirectory?.stamp).toBe(before);

    // A small directory goes in with one call: 200, done.
    const small = records.slice(0, 500);
    await put(created.body.url as string, pointsCsv(small));
    const done = await call(api, event('POST', ingestPath));
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ state: 'done', postcodes: 500 });
    expect((await store.servingState()).nationalDirectory?.postcodes).toBe(500);

    // A call whose budget runs out stores what it can and answers 202 with its progress.
    const slow = handler(service(1));
    await put(created.body.url as string, gzipSync(pointsCsv(records)));
    const partial = await call(slow, event('POST', ingestPath, { format: 'points' }));
    expect(partial.status).toBe(202);
    expect(partial.body.state).toBe('storing');
    expect(partial.body.storedBytes as number).toBeLessThan(partial.body.totalBytes as number);
    expect((await store.servingState()).nationalDirectory?.postcodes).toBe(500);

    // Ids are the server's own; the embedded store has no bucket and says to use the CLI.
    expect((await call(api, event('POST', '/v1/admin/directory/uploads/..%2Fblobs/ingest'))).status).toBe(
      404,
    );
    const local = handler(
      new NationalDirectoryService({
        store: embedded,
        uploads: null,
        routing: new RoutingMaintainer(embedded),
        maxUploadBytes: 1000,
        ingestBudgetMs: 1000,
      }),
    );
    const refused = await call(local, event('POST', '/v1/admin/directory/uploads'));
    expect(refused.status).toBe(404);
    expect(refused.body.detail).toMatch(/catchments load-postcodes/);
    await embedded.close();
  }, 120_000);
});
