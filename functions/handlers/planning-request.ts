// The JSON body of the analysis POST routes (…/impact, …/alignment): a planner's weights and
// capacities, sent with each request rather than stored, so every container (Lambda) answers the
// same and nothing needs cleaning up. The CSVs are read by the one CSV module and checked by the
// core (functions/core/weights/); the service caches results by a hash of the parsed content.
//
//   { "weights": { "csv": "lsoa11,births\nE01022380,17\n…", "key": "lsoa", "column": "births",
//                  "keyColumn": "lsoa11" },                  // keyColumn optional
//     "capacity": { "csv": "layer,unit_id,capacity\nhv-patches,hv-stroud-1,120\n…" },
//     "underShare": 0.8 }                                     // every member optional
//
// The body is bounded by the admin body limit (CATCHMENTS_ADMIN_MAX_BODY_BYTES, default 5 MB): a
// county's births per postcode are ~0.3 MB, England's LSOAs ~0.7 MB.
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { parseCapacityCsv, parseWeightsCsv } from '../adapters/weights-file.js';
import type { PlanningInput } from '../application/analysis-jobs.js';
import { InvalidRequestError, truncate } from '../core/errors.js';
import { isWeightKey, WEIGHT_KEYS } from '../core/weights/weights-table.js';
import { jsonBody } from '../http/request.js';

const MEMBERS = ['weights', 'capacity', 'underShare'];
const WEIGHTS_MEMBERS = ['csv', 'key', 'column', 'keyColumn'];

export async function planningRequest(event: APIGatewayProxyEvent, maxBytes: number): Promise<PlanningInput> {
  const body = jsonBody(event, maxBytes);
  const object = plainObject(body, 'The body');
  unknownMembers(object, MEMBERS, 'The body');
  const planning: { -readonly [K in keyof PlanningInput]: PlanningInput[K] } = {};
  if (object.weights !== undefined) {
    const w = plainObject(object.weights, 'weights');
    unknownMembers(w, WEIGHTS_MEMBERS, 'weights');
    const key = w.key;
    if (typeof key !== 'string' || !isWeightKey(key)) {
      throw new InvalidRequestError(
        `weights.key says what the weights file is keyed by: one of ${WEIGHT_KEYS.join(', ')}; got ${describe(key)}.`,
      );
    }
    planning.weights = await parseWeightsCsv(csvText(w.csv, 'weights.csv'), {
      key,
      column: name(w.column, 'weights.column', 'the column holding the counts, e.g. "births"'),
      ...(w.keyColumn !== undefined
        ? { keyColumn: name(w.keyColumn, 'weights.keyColumn', 'the column holding the postcodes or codes') }
        : {}),
    });
  }
  if (object.capacity !== undefined) {
    const c = plainObject(object.capacity, 'capacity');
    unknownMembers(c, ['csv'], 'capacity');
    planning.capacity = await parseCapacityCsv(csvText(c.csv, 'capacity.csv'));
  }
  if (object.underShare !== undefined) {
    const u = object.underShare;
    if (typeof u !== 'number' || !(u > 0 && u <= 1)) {
      throw new InvalidRequestError(
        `underShare is the share of its capacity below which a unit is flagged under: a number in (0, 1], e.g. 0.8; got ${describe(u)}.`,
      );
    }
    planning.underShare = u;
  }
  return planning;
}

function plainObject(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidRequestError(
      `${what} must be a JSON object (e.g. {"weights": {"csv": "…", "key": "lsoa", "column": "births"}}); got ${describe(value)}.`,
    );
  }
  return value as Record<string, unknown>;
}

function unknownMembers(object: Record<string, unknown>, known: readonly string[], what: string): void {
  const unknown = Object.keys(object).filter((k) => !known.includes(k));
  if (unknown.length > 0) {
    throw new InvalidRequestError(
      `${what} has ${unknown.length === 1 ? 'a member' : 'members'} this route does not read (${unknown
        .slice(0, 5)
        .map((k) => `"${truncate(k, 30)}"`)
        .join(', ')}); it reads ${known.join(', ')}.`,
    );
  }
}

function csvText(value: unknown, what: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new InvalidRequestError(
      `${what} is the file's CSV text (header first) as one string; got ${describe(value)}.`,
    );
  }
  return value;
}

function name(value: unknown, what: string, meaning: string): string {
  if (typeof value !== 'string' || value.trim() === '' || value.length > 200) {
    throw new InvalidRequestError(`${what} is ${meaning}; got ${describe(value)}.`);
  }
  return value;
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return `"${truncate(value, 40)}"`;
  return truncate(JSON.stringify(value) ?? String(value), 40);
}
