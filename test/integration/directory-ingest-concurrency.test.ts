// Concurrent ingests of the national directory, on both stores (embedded in a folder; DynamoDB on
// dynalite), with the uploads in a real S3 bucket (s3rver): two calls at once, for one upload or
// two, give one 200 and one 409 problem that says what to do, never a 500; what is served after is
// exactly one upload's rows; a hold left by a call that died expires; and two loads racing below
// the hold (the CLI's path) end in a VersionConflictError, not a raw storage error.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryEventPublisher } from '../../functions/adapters/events/memory-event-publisher.js';
import { DynamoBoundaryStore } from '../../functions/adapters/store/dynamo-boundary-store.js';
import { EmbeddedBoundaryStore } from '../../functions/adapters/store/embedded-boundary-store.js';
import { S3DirectoryUploads } from '../../functions/adapters/store/s3-directory-uploads.js';
import { S3Objects } from '../../functions/adapters/store/s3-objects.js';
import { BoundarySetService } from '../../functions/application/boundary-set-service.js';
import { NationalDirectoryService } from '../../functions/application/national-directory-service.js';
import type { BoundaryStore } from '../../functions/application/ports/boundary-store.js';
import { RoutingMaintainer } from '../../functions/application/serving/routing-maintainer.js';
import { VersionConflictError } from '../../functions/core/errors.js';
import type { PostcodeRecord } from '../../functions/core/model.js';
import { PostcodeDirectory } from '../../functions/core/postcode-directory.js';
import {
  decodeDirectoryColumns,
  encodeDirectoryColumns,
} from '../../functions/core/routing/directory-columns.js';
import { createAdminApiHandler } from '../../functions/handlers/admin-api.js';
import { silentLogger } from '../../functions/http/logger.js';
import { startDynalite } from '../support/dynamo.js';
import { syntheticDirectory } from '../support/national-areas.js';
import { type LocalS3, startS3rver } from '../support/s3.js';

function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 48271) % 2147483647;
    return state / 2147483647;
  };
}

/** Two different directories (the points format has no status: every row is live). */
const directoryRows = (seed: number) =>
  syntheticDirectory(6_000, seeded(seed))
    .filter((r) => r.location !== null)
    .map((r): PostcodeRecord => ({ ...r, status: 'live' }));
const first = directoryRows(3);
const second = directoryRows(5);
const pointsCsv = (rows: readonly PostcodeRecord[]) =>
  `postcode,lat,lng\n${rows.map((r) => `${r.postcode},${r.location!.lat},${r.location!.lng}`).join('\n')}\n`;
const keysOf = (rows: readonly PostcodeRecord[]) => PostcodeDirectory.fromRecords(rows).sortedColumns().keys;

const event = (method: string, path: string) =>
  ({
    httpMethod: method,
    path,
    headers: { 'X-Author': 'uploader' },
    queryStringParameters: {},
    requestContext: { requestId: 'test' },
  }) as unknown as APIGatewayProxyEvent;

interface Response {
  readonly status: number;
  readonly type: string | undefined;
  readonly body: Record<string, unknown>;
}

let s3: LocalS3;
let dynamo: Awaited<ReturnType<typeof startDynalite>>;
let folder: string;

beforeAll(async () => {
  [dynamo, s3] = await Promise.all([startDynalite(), startS3rver()]);
  folder = await mkdtemp(path.join(tmpdir(), 'ingest-race-'));
}, 30_000);
afterAll(async () => {
  await dynamo?.close();
  await s3?.close();
  if (folder) await rm(folder, { recursive: true, force: true });
});

// Small directory pieces, so each ingest stores several and two calls overlap while storing.
const PIECE_BYTES = 16 * 1024;
const stores: readonly [string, () => Promise<{ store: BoundaryStore; close: () => Promise<void> }>][] = [
  [
    'embedded',
    async () => {
      const store = await EmbeddedBoundaryStore.open(await mkdtemp(path.join(folder, 'store-')), {
        directoryPieceBytes: PIECE_BYTES,
      });
      return { store, close: () => store.close() };
    },
  ],
  [
    'DynamoDB + S3',
    async () => {
      const objects = new S3Objects(s3.client(), await s3.newBucket());
      const store = new DynamoBoundaryStore(dynamo.client(), await dynamo.newTable(), {
        objects,
        directoryPieceBytes: PIECE_BYTES,
      });
      return { store, close: async () => {} };
    },
  ],
];

describe.each(stores)('concurrent directory ingests on the %s store', (_name, open) => {
  let store: BoundaryStore;
  let close: () => Promise<void>;
  let uploads: S3DirectoryUploads;
  let api: ReturnType<typeof createAdminApiHandler>;

  beforeAll(async () => {
    ({ store, close } = await open());
    uploads = new S3DirectoryUploads(new S3Objects(s3.client(), await s3.newBucket()));
    const directory = new NationalDirectoryService({
      store,
      uploads,
      routing: new RoutingMaintainer(store),
      maxUploadBytes: 50_000_000,
      ingestBudgetMs: 20_000,
    });
    const boundarySets = new BoundarySetService({
      store,
      events: new MemoryEventPublisher(undefined, 0),
      sliverToleranceM2: 100,
    });
    api = createAdminApiHandler({
      context: () => ({ service: boundarySets, maxBodyBytes: 1_048_576, directory }),
      logger: silentLogger,
      corsOrigins: [],
      auth: { mode: 'iam' },
    });
  }, 30_000);
  afterAll(async () => close?.());

  const call = async (method: string, route: string): Promise<Response> => {
    const response = await api(event(method, route), {} as Context);
    return {
      status: response.statusCode,
      type: response.headers?.['Content-Type'] as string | undefined,
      body: JSON.parse(response.body) as Record<string, unknown>,
    };
  };
  const upload = async (rows: readonly PostcodeRecord[]) => {
    const created = await call('POST', '/v1/admin/directory/uploads');
    expect(created.status).toBe(201);
    const put = await fetch(created.body.url as string, { method: 'PUT', body: pointsCsv(rows) });
    expect(put.status).toBe(200);
    return { id: created.body.upload as string, ingest: created.body.ingest as string };
  };
  const storedKeys = async () => {
    const stored = await store.nationalDirectory();
    return stored ? decodeDirectoryColumns(stored.bytes).keys : null;
  };
  const expectBusy = (refused: Response, holder: string) => {
    expect(refused.status).toBe(409);
    expect(refused.type).toMatch(/^application\/problem\+json/);
    expect(refused.body.type).toBe('/problems/version-conflict');
    expect(refused.body.detail).toMatch(/changed nothing/);
    expect(refused.body.detail).toMatch(/call (this ingest )?again/i);
    expect((refused.body.ingesting as { upload: string }).upload).toBe(holder);
  };

  it('two ingests of one upload at once: one 200 done, one 409 saying it is already being ingested', async () => {
    const { id, ingest } = await upload(first);
    const answers = await Promise.all([call('POST', ingest), call('POST', ingest)]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    const done = answers.find((a) => a.status === 200)!;
    expect(done.body).toMatchObject({ state: 'done', postcodes: first.length });
    const refused = answers.find((a) => a.status === 409)!;
    expectBusy(refused, id);
    expect(refused.body.detail).toMatch(/already being ingested/);
    // Served: exactly the upload's rows.
    expect(await storedKeys()).toEqual(keysOf(first));
    expect((await store.servingState()).nationalDirectory?.postcodes).toBe(first.length);
    // The hold ended with the call: the loser's retry is answered, not refused (the upload is gone).
    const again = await call('POST', ingest);
    expect(again.status).toBe(404);
    expect(again.body.detail).toMatch(/removed once an ingest of it answers done/);
  }, 60_000);

  it('ingests of two uploads at once: the one holding the directory wins, the other gets 409 and goes in when called again', async () => {
    const a = await upload(second);
    const b = await upload(first);
    const answers = await Promise.all([call('POST', a.ingest), call('POST', b.ingest)]);
    expect(answers.map((r) => r.status).sort()).toEqual([200, 409]);
    const [winner, loser] = answers[0]!.status === 200 ? [a, b] : [b, a];
    const winnerRows = winner === a ? second : first;
    const loserRows = winner === a ? first : second;
    expectBusy(answers.find((r) => r.status === 409)!, winner.id);
    expect(answers.find((r) => r.status === 409)!.body.detail).toMatch(
      new RegExp(`being replaced from upload ${winner.id}`),
    );
    // Not a mix: every stored row is the winner's.
    expect(await storedKeys()).toEqual(keysOf(winnerRows));

    const retried = await call('POST', loser.ingest);
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ state: 'done', postcodes: loserRows.length });
    expect(await storedKeys()).toEqual(keysOf(loserRows));
  }, 60_000);

  it('a live hold refuses an ingest; one left by a call that died is taken over when it expires', async () => {
    const { id, ingest } = await upload(second);
    const now = Date.now();
    const live = {
      holder: 'crashed-call',
      upload: '00000000-0000-4000-8000-000000000000',
      by: 'someone',
      since: new Date(now).toISOString(),
      until: new Date(now + 60_000).toISOString(),
    };
    expect(await store.holdNationalDirectory(live)).toBeNull();
    const before = await storedKeys();
    const refused = await call('POST', ingest);
    expectBusy(refused, live.upload);
    expect(refused.body.ingesting).toMatchObject({ by: 'someone', until: live.until });
    expect(await storedKeys()).toEqual(before);

    // The same holder dies for good: its hold ends in the past, and the next ingest goes ahead.
    await store.releaseNationalDirectory(live.holder);
    const expired = {
      ...live,
      since: new Date(now - 120_000).toISOString(),
      until: new Date(now - 60_000).toISOString(),
    };
    expect(await store.holdNationalDirectory(expired)).toBeNull();
    const taken = await call('POST', ingest);
    expect(taken.status).toBe(200);
    expect(taken.body.upload).toBe(id);
    expect(await storedKeys()).toEqual(keysOf(second));
    // Its release no longer frees anything (the hold is not its own): a new hold is still granted.
    await store.releaseNationalDirectory(expired.holder);
    const next = { ...live, holder: 'next', since: new Date(Date.now()).toISOString() };
    expect(await store.holdNationalDirectory(next)).toBeNull();
    await store.releaseNationalDirectory(next.holder);
  }, 60_000);

  it('two loads racing without the hold (the CLI path): one switches, the other is a VersionConflictError', async () => {
    const bytesOf = (rows: readonly PostcodeRecord[]) =>
      encodeDirectoryColumns(PostcodeDirectory.fromRecords(rows).sortedColumns());
    const rows = [first.slice(0, 4_000), second.slice(0, 4_000)] as const;
    const loads = await Promise.allSettled(
      rows.map((r, i) =>
        store.putNationalDirectory(bytesOf(r), {
          postcodes: r.length,
          at: new Date().toISOString(),
          by: `cli-${i}`,
        }),
      ),
    );
    const won = loads.findIndex((l) => l.status === 'fulfilled');
    const lost = loads.find((l) => l.status === 'rejected') as PromiseRejectedResult | undefined;
    expect(won).toBeGreaterThanOrEqual(0);
    expect(lost?.reason).toBeInstanceOf(VersionConflictError);
    expect(String(lost?.reason)).toMatch(/was not switched to/);
    expect(await storedKeys()).toEqual(keysOf(rows[won]!));
  }, 60_000);
});
