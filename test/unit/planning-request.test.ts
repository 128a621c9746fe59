// The analysis POST routes' body (functions/handlers/planning-request.ts): a planner's weights and
// capacities as JSON. Hand cases name what is wrong; fuzzing sends arbitrary JSON and arbitrary CSV
// text and checks that the only failures are the typed 4xx errors (never a crash or a TypeError).
import type { APIGatewayProxyEvent } from 'aws-lambda';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  InvalidRequestError,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
} from '../../functions/core/errors.js';
import { planningRequest } from '../../functions/handlers/planning-request.js';

const MAX = 64 * 1024;
const event = (body: string, contentType = 'application/json') =>
  ({
    headers: { 'content-type': contentType },
    body,
    isBase64Encoded: false,
  }) as unknown as APIGatewayProxyEvent;
const send = (body: unknown) => planningRequest(event(JSON.stringify(body)), MAX);
const WEIGHTS = {
  csv: 'lsoa11,births\nE01000001,8\ne01000002,6.5\nTotal,14.5\n',
  key: 'lsoa',
  column: 'births',
};

async function refusal(body: unknown, contentType?: string): Promise<Error> {
  try {
    await planningRequest(event(typeof body === 'string' ? body : JSON.stringify(body), contentType), MAX);
  } catch (error) {
    return error as Error;
  }
  throw new Error(`accepted ${JSON.stringify(body)}`);
}

describe('the planning body of the analysis POST routes', () => {
  it('reads weights, capacities and the under share', async () => {
    const p = await send({
      weights: { ...WEIGHTS, keyColumn: 'lsoa11' },
      capacity: { csv: 'layer;unit_id;capacity\nhv-patches;hv-a;12\n' }, // `;` detected
      underShare: 0.75,
    });
    expect(p.weights!.rows.map((r) => [r.code, r.weight, r.row])).toEqual([
      ['E01000001', 8, 1],
      ['E01000002', 6.5, 2],
    ]);
    expect(p.weights!.malformed).toEqual([{ code: 'Total', weight: 14.5, row: 3 }]);
    expect(p.weights!.total).toBe(29);
    expect(p.capacity!.entries).toEqual([{ layer: 'hv-patches', unit: 'hv-a', capacity: 12, row: 1 }]);
    expect(p.underShare).toBe(0.75);
    expect(await send({})).toEqual({});
  });

  it('says what is wrong and what to do, for each part of the body', async () => {
    const cases: [unknown, RegExp][] = [
      [[1, 2], /The body must be a JSON object/],
      [{ weight: WEIGHTS }, /a member this route does not read \("weight"\); it reads weights, capacity/],
      [{ weights: { ...WEIGHTS, key: 'msoa' } }, /weights\.key .* one of postcode, oa, lsoa/],
      [{ weights: { ...WEIGHTS, column: '' } }, /weights\.column is the column holding the counts/],
      [{ weights: { ...WEIGHTS, csv: '' } }, /weights\.csv is the file's CSV text/],
      [
        { weights: { ...WEIGHTS, csv: 'lsoa11,births\nE01000001,*\n' } },
        /row 1 \(E01000001\): births is "\*"/,
      ],
      [{ weights: { ...WEIGHTS, csv: 'lsoa11,births\nE01000001,1\nE01000001,2\n' } }, /rows 1 and 2/],
      [{ weights: { ...WEIGHTS, csv: 'lsoa11,count\nE01000001,1\n' } }, /births/],
      [
        { weights: { ...WEIGHTS, csv: 'lsoa11,births\n"E01000001,1\n' } },
        /line \d+: a quoted field is never closed/,
      ],
      [{ capacity: { csv: 'unit_id,capacity\nhv-a,0\n' } }, /Capacity row 1 \(hv-a\): capacity is "0"/],
      [{ capacity: { csv: 'unit,size\nhv-a,3\n' } }, /columns unit_id and capacity/],
      [{ capacity: { csv: 'unit_id,capacity\nhv-a,3\n', extra: 1 } }, /capacity has a member/],
      [{ underShare: 1.5 }, /underShare .* in \(0, 1\]/],
      [{ underShare: '0.8' }, /underShare/],
    ];
    for (const [body, message] of cases) {
      const error = await refusal(body);
      expect(error, JSON.stringify(body)).toBeInstanceOf(InvalidRequestError);
      expect(error.message, JSON.stringify(body)).toMatch(message);
    }
    expect(await refusal('{"weights":')).toBeInstanceOf(InvalidRequestError);
    expect(await refusal('lsoa11,births\n', 'text/csv')).toBeInstanceOf(UnsupportedMediaTypeError);
    const big = { weights: { ...WEIGHTS, csv: `lsoa11,births\n${'E01000001,1\n'.repeat(MAX / 10)}` } };
    expect(await refusal(big)).toBeInstanceOf(PayloadTooLargeError);
  });

  const typed = (error: unknown) =>
    error instanceof InvalidRequestError ||
    error instanceof PayloadTooLargeError ||
    error instanceof UnsupportedMediaTypeError;

  it('answers arbitrary JSON with a result or a typed 4xx error (fuzz)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), async (body) => {
        await send(body).catch((error: unknown) => {
          if (!typed(error)) throw error;
        });
      }),
      { numRuns: 500 },
    );
  });

  it('answers arbitrary CSV text in every member with a result or a typed 4xx error (fuzz)', async () => {
    const cell = fc.oneof(
      fc.constantFrom('E01000001', 'gl1 1ad', 'GL1 1AD', '12', '-3', '1e400', '*', '', '"', '""', 'births'),
      fc.string({ maxLength: 8 }),
    );
    // A header a weights or capacity file has, or a random one; then random rows.
    const header = fc.oneof(
      {
        arbitrary: fc.constantFrom(['lsoa11', 'births'], ['postcode', 'births'], ['unit_id', 'capacity']),
        weight: 4,
      },
      { arbitrary: fc.array(cell, { minLength: 1, maxLength: 4 }), weight: 1 },
    );
    const csv = fc
      .tuple(
        header,
        fc.array(
          fc.oneof(
            // A plausible row (key, count), mostly valid, or a random one.
            {
              arbitrary: fc.tuple(
                fc.oneof(fc.constantFrom('GL1 1AD', 'e01022380', 'hv-a'), fc.string({ maxLength: 9 })),
                fc.oneof(
                  { arbitrary: fc.nat().map(String), weight: 6 },
                  { arbitrary: fc.constantFrom('3.5', '.5', '1e3', '-1', '*', ''), weight: 1 },
                ),
              ),
              weight: 6,
            },
            { arbitrary: fc.array(cell, { minLength: 1, maxLength: 4 }), weight: 1 },
          ),
          { minLength: 0, maxLength: 6 },
        ),
        fc.constantFrom(',', ';', '\t'),
        fc.constantFrom('\n', '\r\n'),
        fc.boolean(),
      )
      .map(
        ([head, rows, delimiter, eol, bom]) =>
          `${bom ? '\uFEFF' : ''}${[head, ...rows].map((r) => r.join(delimiter)).join(eol)}`,
      );
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(
        csv,
        fc.option(csv, { freq: 2 }),
        fc.constantFrom('postcode', 'lsoa', 'lsoa11', 'oa21'),
        fc.constantFrom('births', 'births', '12', ''),
        async (weights, capacity, key, column) => {
          const body = {
            weights: { csv: weights, key, column },
            ...(capacity === null ? {} : { capacity: { csv: capacity } }),
          };
          const p = await send(body).catch((error: unknown) => {
            if (!typed(error)) throw error;
            return null;
          });
          if (p?.weights) accepted++;
          if (p?.weights) {
            // What it accepts adds up: every row's weight is a finite number ≥ 0, and totals agree.
            const all = [...p.weights.rows, ...p.weights.malformed];
            expect(all.every((r) => Number.isFinite(r.weight) && r.weight >= 0)).toBe(true);
            expect(all.reduce((s, r) => s + r.weight, 0)).toBeCloseTo(p.weights.total, 9);
          }
        },
      ),
      { numRuns: 2000 },
    );
    expect(accepted).toBeGreaterThan(10);
  });
});
