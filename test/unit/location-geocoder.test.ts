import {
  AccessDeniedException,
  LocationClient,
  ResourceNotFoundException,
  SearchPlaceIndexForTextCommand,
  type SearchPlaceIndexForTextCommandOutput,
  ThrottlingException,
} from '@aws-sdk/client-location';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type GeocodeOutcome,
  LocationGeocoder,
  locationOrThrow,
  matchPostcode,
} from '../../functions/adapters/location-geocoder.js';
import { PostcodeNotFoundError, ServiceUnavailableError } from '../../functions/core/errors.js';
import { createLogger } from '../../functions/http/logger.js';
import { renderProblem } from '../../functions/http/problem.js';

const location = mockClient(LocationClient);
const client = new LocationClient({ region: 'eu-west-2' });
afterEach(() => location.reset());

type Output = SearchPlaceIndexForTextCommandOutput;

function place(postalCode: string | undefined, point: number[], country = 'GBR') {
  return {
    Place: {
      PostalCode: postalCode,
      Geometry: { Point: point },
      Country: country,
      Label: `${postalCode}, England`,
    },
    Relevance: 1,
    PlaceId: `id-${postalCode}`,
  };
}

function results(...places: ReturnType<typeof place>[]): Output {
  return { Summary: { Text: 'x', DataSource: 'Esri' }, Results: places, $metadata: {} } as Output;
}

function geocoder(options: Partial<ConstructorParameters<typeof LocationGeocoder>[0]> = {}) {
  const lines: string[] = [];
  const g = new LocationGeocoder({
    client,
    indexName: 'catchments-test',
    logger: createLogger('debug', (line) => lines.push(line)),
    ...options,
  });
  return { g, lines };
}

describe('LocationGeocoder', () => {
  it('finds a postcode Location knows exactly, searching Great Britain only', async () => {
    location.on(SearchPlaceIndexForTextCommand).resolves(results(place('GL1 9ZZ', [-2.2451, 51.8642])));
    const { g } = geocoder();
    const outcome = await g.geocode('GL1 9ZZ');
    expect(outcome).toEqual({
      kind: 'found',
      postcode: 'GL1 9ZZ',
      location: { lat: 51.8642, lng: -2.2451 },
      label: 'GL1 9ZZ, England',
    });
    const calls = location.commandCalls(SearchPlaceIndexForTextCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.args[0].input).toMatchObject({
      IndexName: 'catchments-test',
      Text: 'GL1 9ZZ',
      FilterCountries: ['GBR'],
    });
    expect(locationOrThrow(outcome)).toEqual({ lat: 51.8642, lng: -2.2451 });
  });

  it('matches the postcode however Location spaces or cases it, skipping other results', async () => {
    location
      .on(SearchPlaceIndexForTextCommand)
      .resolves(results(place('GL1', [-2.24, 51.86]), place('gl19zz', [-2.2, 51.9])));
    const { g } = geocoder();
    expect(await g.geocode('GL1 9ZZ')).toMatchObject({ kind: 'found', location: { lat: 51.9, lng: -2.2 } });
  });

  it('answers not-found for no results, a district-only match, another country or a bad point', async () => {
    const cases: Output[] = [
      results(),
      results(place('GL1', [-2.24, 51.86])),
      results(place('GL1 9ZZ', [-2.24, 51.86], 'IRL')),
      results(place('GL1 9ZZ', [Number.NaN, 51.86])),
      results(place(undefined, [-2.24, 51.86])),
    ];
    for (const output of cases) expect(matchPostcode('GL1 9ZZ', output).kind).toBe('not-found');

    location.on(SearchPlaceIndexForTextCommand).resolves(results(place('GL1', [-2.24, 51.86])));
    const { g } = geocoder();
    const outcome = await g.geocode('GL1 9ZZ');
    expect(outcome).toEqual({ kind: 'not-found', postcode: 'GL1 9ZZ' });
    expect(() => locationOrThrow(outcome)).toThrow(PostcodeNotFoundError);
    try {
      locationOrThrow(outcome);
    } catch (error) {
      expect(renderProblem(error).status).toBe(404);
    }
  });

  it('answers unavailable (503, Retry-After) when Amazon Location throttles', async () => {
    location.on(SearchPlaceIndexForTextCommand).rejects(
      new ThrottlingException({
        message: 'Rate exceeded',
        Message: 'Rate exceeded',
        $metadata: { httpStatusCode: 429 },
      }),
    );
    const { g, lines } = geocoder();
    const outcome = await g.geocode('GL1 9ZZ');
    expect(outcome).toMatchObject({ kind: 'unavailable', reason: 'throttled' });
    expect(lines.some((l) => l.includes('throttled'))).toBe(true);
    let rendered: ReturnType<typeof renderProblem> | undefined;
    try {
      locationOrThrow(outcome);
    } catch (error) {
      expect(error).toBeInstanceOf(ServiceUnavailableError);
      rendered = renderProblem(error, 'req-1');
    }
    expect(rendered?.status).toBe(503);
    expect(rendered?.headers['Retry-After']).toBeDefined();
    expect(rendered?.problem.detail).toContain('GL1 9ZZ');
  });

  it('times out a call that never answers, within its budget, instead of hanging', async () => {
    location.on(SearchPlaceIndexForTextCommand).callsFake(() => new Promise(() => {}));
    const { g } = geocoder({ timeoutMs: 100 });
    const started = performance.now();
    const outcome = await g.geocode('GL1 9ZZ');
    const elapsed = performance.now() - started;
    expect(outcome).toMatchObject({ kind: 'unavailable', reason: 'timeout' });
    expect(elapsed).toBeGreaterThanOrEqual(90);
    expect(elapsed).toBeLessThan(1000);
  });

  it('treats access denied or a missing index as unavailable and logs it as an error', async () => {
    for (const error of [
      new AccessDeniedException({
        message: 'not allowed',
        Message: 'not allowed',
        $metadata: { httpStatusCode: 403 },
      }),
      new ResourceNotFoundException({
        message: 'no index',
        Message: 'no index',
        $metadata: { httpStatusCode: 404 },
      }),
      new Error('socket hang up'),
    ]) {
      location.reset();
      location.on(SearchPlaceIndexForTextCommand).rejects(error);
      const { g, lines } = geocoder();
      expect(await g.geocode('GL1 9ZZ')).toMatchObject({ kind: 'unavailable', reason: 'error' });
      expect(lines.some((l) => JSON.parse(l).level === 'error')).toBe(true);
    }
  });

  it('keeps found and not-found answers but asks again after an outage', async () => {
    location
      .on(SearchPlaceIndexForTextCommand)
      .rejectsOnce(new ThrottlingException({ message: 'slow down', Message: 'slow down', $metadata: {} }))
      .resolves(results(place('GL1 9ZZ', [-2.2, 51.9])));
    const { g } = geocoder();
    expect((await g.geocode('GL1 9ZZ')).kind).toBe('unavailable');
    expect((await g.geocode('GL1 9ZZ')).kind).toBe('found');
    expect((await g.geocode('GL1 9ZZ')).kind).toBe('found');
    expect(location.commandCalls(SearchPlaceIndexForTextCommand)).toHaveLength(2);
  });

  it('caps the paid calls a flood of made-up postcodes can cause', async () => {
    location.on(SearchPlaceIndexForTextCommand).resolves(results());
    let now = 0;
    const { g } = geocoder({ callsPerSecond: 2, now: () => now });
    const first = await Promise.all(['GL1 1AA', 'GL1 1AB', 'GL1 1AD'].map((p) => g.geocode(p)));
    expect(first.map((o) => o.kind)).toEqual(['not-found', 'not-found', 'unavailable']);
    expect(location.commandCalls(SearchPlaceIndexForTextCommand)).toHaveLength(2);
    now = 1000;
    expect((await g.geocode('GL1 1AD')).kind).toBe('not-found');
    expect(location.commandCalls(SearchPlaceIndexForTextCommand)).toHaveLength(3);
  });

  it('rejects out-of-range options', () => {
    expect(() => geocoder({ timeoutMs: 10 })).toThrow(RangeError);
    expect(() => geocoder({ callsPerSecond: 0 })).toThrow(RangeError);
  });

  it('always settles with a well-formed outcome, whatever Location does', async () => {
    type Behaviour =
      | { kind: 'resolve'; postal: string | undefined; lng: number; lat: number }
      | { kind: 'reject'; name: string; status: number | undefined }
      | { kind: 'hang' };
    const behaviour: fc.Arbitrary<Behaviour> = fc.oneof(
      fc.record({
        kind: fc.constant('resolve' as const),
        postal: fc.option(fc.constantFrom('GL1 9ZZ', 'GL1', 'gl19zz', 'XX1 1XX', ''), { nil: undefined }),
        lng: fc.double({ noNaN: false }),
        lat: fc.double({ noNaN: false }),
      }),
      fc.record({
        kind: fc.constant('reject' as const),
        name: fc.constantFrom(
          'ThrottlingException',
          'ValidationException',
          'InternalServerException',
          'Error',
        ),
        status: fc.option(fc.constantFrom(400, 429, 500, 503), { nil: undefined }),
      }),
      fc.record({ kind: fc.constant('hang' as const) }),
    );
    await fc.assert(
      fc.asyncProperty(behaviour, async (b) => {
        location.reset();
        location.on(SearchPlaceIndexForTextCommand).callsFake(() => {
          if (b.kind === 'hang') return new Promise(() => {});
          if (b.kind === 'reject') {
            const error = Object.assign(new Error('boom'), {
              name: b.name,
              $metadata: { httpStatusCode: b.status },
            });
            return Promise.reject(error);
          }
          return Promise.resolve(results(place(b.postal, [b.lng, b.lat])));
        });
        const g = new LocationGeocoder({ client, indexName: 'i', timeoutMs: 100 });
        const outcome: GeocodeOutcome = await g.geocode('GL1 9ZZ');
        expect(['found', 'not-found', 'unavailable']).toContain(outcome.kind);
        if (outcome.kind === 'found') {
          expect(Number.isFinite(outcome.location.lat) && Math.abs(outcome.location.lat) <= 90).toBe(true);
          expect(Number.isFinite(outcome.location.lng) && Math.abs(outcome.location.lng) <= 180).toBe(true);
        }
        if (b.kind !== 'resolve') expect(outcome.kind).toBe('unavailable');
      }),
      { numRuns: 40, seed: 6 },
    );
  });
});

describe('LocationGeocoder logs', () => {
  // Postcodes are personal data here: a log line may carry the outward code ("GL1"), never more.
  const POSTCODE = 'GL1 9ZZ';
  const leaks = (lines: readonly string[]) =>
    lines.filter((l) => /GL1\s*9ZZ/i.test(l) || !JSON.parse(l).outward?.startsWith('GL1'));

  it('never logs a whole postcode, whatever happens to the call', async () => {
    const outcomes: [string, () => void][] = [
      [
        'found',
        () => location.on(SearchPlaceIndexForTextCommand).resolves(results(place(POSTCODE, [-2, 51]))),
      ],
      [
        'throttled',
        () =>
          location
            .on(SearchPlaceIndexForTextCommand)
            .rejects(new ThrottlingException({ message: 'slow', Message: 'slow', $metadata: {} })),
      ],
      [
        // Error messages may echo the text searched for, in any case and spacing.
        'failed',
        () =>
          location
            .on(SearchPlaceIndexForTextCommand)
            .rejects(new Error(`Invalid text "gl19zz" (from ${POSTCODE})`)),
      ],
      ['timeout', () => location.on(SearchPlaceIndexForTextCommand).callsFake(() => new Promise(() => {}))],
    ];
    for (const [name, arrange] of outcomes) {
      location.reset();
      arrange();
      const { g, lines } = geocoder({ timeoutMs: 100 });
      await g.geocode(POSTCODE);
      expect(lines.length, name).toBeGreaterThan(0);
      expect(leaks(lines), name).toEqual([]);
    }
    // The call budget, exhausted: refused without a call, and logged.
    location.reset();
    location.on(SearchPlaceIndexForTextCommand).resolves(results());
    const { g, lines } = geocoder({ callsPerSecond: 1, now: () => 0 });
    await g.geocode('GL1 9ZY');
    await g.geocode(POSTCODE);
    expect(lines.some((l) => l.includes('budget'))).toBe(true);
    expect(leaks(lines.filter((l) => l.includes('budget')))).toEqual([]);
  });
});
