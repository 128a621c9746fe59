// The public postcode lookup with the Amazon Location fallback wired in: postcodes missing from the
// directory are located by address search (mocked: Location cannot run here), and every failure
// degrades to a clear 404 or 503, never a hang or a 500.
import {
  LocationClient,
  SearchPlaceIndexForTextCommand,
  type SearchPlaceIndexForTextCommandOutput,
  ThrottlingException,
} from '@aws-sdk/client-location';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { loadFileCatalog } from '../../functions/adapters/file-catalog.js';
import { LocationGeocoder } from '../../functions/adapters/location-geocoder.js';
import { createPublicApiHandler, publicContext } from '../../functions/handlers/public-api.js';
import { silentLogger } from '../../functions/http/logger.js';
import { FIXTURE_AREAS_DIR } from '../support/fixtures.js';

const location = mockClient(LocationClient);
afterEach(() => location.reset());

const catalog = await loadFileCatalog(FIXTURE_AREAS_DIR);
const geocoder = new LocationGeocoder({
  client: new LocationClient({ region: 'eu-west-2' }),
  indexName: 'catchments-test',
  timeoutMs: 200,
  logger: silentLogger,
});
const handler = createPublicApiHandler({
  context: () => ({ ...publicContext(catalog, { maxBulkItems: 100, maxBodyBytes: 1_048_576 }), geocoder }),
  logger: silentLogger,
  cacheSeconds: 60,
  corsOrigins: ['*'],
});

async function get(postcode: string) {
  const event = {
    httpMethod: 'GET',
    path: `/v1/postcodes/${encodeURIComponent(postcode)}`,
    headers: {},
    requestContext: { requestId: 'test' },
  } as unknown as APIGatewayProxyEvent;
  const response = await handler(event, {} as Context);
  return { status: response.statusCode, body: JSON.parse(response.body) as Record<string, unknown> };
}

const found = (postalCode: string, point: [number, number]): SearchPlaceIndexForTextCommandOutput =>
  ({
    Summary: { Text: postalCode, DataSource: 'Esri' },
    Results: [
      {
        Place: { PostalCode: postalCode, Geometry: { Point: point }, Country: 'GBR', Label: postalCode },
        Relevance: 1,
      },
    ],
    $metadata: {},
  }) as SearchPlaceIndexForTextCommandOutput;

describe('postcode lookup with the Location fallback', () => {
  it('answers a postcode missing from the directory from its geocoded point, saying so', async () => {
    location.on(SearchPlaceIndexForTextCommand).resolves(found('TE7 7AA', [-1.92, 51.02]));
    const r = await get('te7 7aa');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      postcode: 'TE7 7AA',
      locationSource: 'geocoder',
      match: 'inside',
      hub: { id: 'hub-b' },
    });
  });

  it('keeps directory answers on the directory (no Location call)', async () => {
    const r = await get('TE1 1AA');
    expect(r.status).toBe(200);
    expect(r.body.locationSource).toBeUndefined();
    expect(location.commandCalls(SearchPlaceIndexForTextCommand)).toHaveLength(0);
  });

  it('answers 404 when Location does not know the postcode either', async () => {
    location
      .on(SearchPlaceIndexForTextCommand)
      .resolves({ Summary: {}, Results: [], $metadata: {} } as never);
    const r = await get('TE7 7AB');
    expect(r.status).toBe(404);
    expect(r.body.type).toBe('/problems/postcode-not-found');
  });

  it('answers 503 with Retry-After when Location throttles or times out, without hanging', async () => {
    location
      .on(SearchPlaceIndexForTextCommand)
      .rejects(new ThrottlingException({ message: 'slow down', Message: 'slow down', $metadata: {} }));
    expect((await get('TE7 7AE')).status).toBe(503);
    location.reset();
    location.on(SearchPlaceIndexForTextCommand).callsFake(() => new Promise(() => {}));
    const started = performance.now();
    const r = await get('TE7 7AF');
    expect(r.status).toBe(503);
    expect(r.body.type).toBe('/problems/service-unavailable');
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('still rejects malformed postcodes before any search', async () => {
    expect((await get('not a postcode')).status).toBe(400);
    expect(location.commandCalls(SearchPlaceIndexForTextCommand)).toHaveLength(0);
  });
});
