// Request checks generated from the operations' schemas (operations/*.ts): the same schemas the
// OpenAPI document prints. Each schema is compiled once per container (TypeBox's TypeCompiler:
// generated code, no interpretation per request), on first use. Query and path values arrive as
// strings: a parameter declared as a number or integer is read strictly as a decimal number
// first (no `Number('')` = 0 or `Number('0x1f')` surprises). Failures become one 400 problem
// naming the parameter or member, what was wrong and what to send; coordinates keep their own
// problem type (/problems/invalid-coordinates). Unknown query parameters are ignored (caches and
// tools add their own); unknown body members are refused, so typos do not pass silently.
import { FormatRegistry, type Static, type TObject, type TProperties, type TSchema } from '@sinclair/typebox';
import { type TypeCheck, TypeCompiler } from '@sinclair/typebox/compiler';
import { type ValueError, ValueErrorType } from '@sinclair/typebox/errors';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { parseInstant } from '../core/boundary-set/active-periods.js';
import { InvalidCoordinatesError, InvalidRequestError, safeEcho, truncate } from '../core/errors.js';
import { OPERATIONS, type OperationId } from './operations/index.js';
import type { OperationSpec } from './operations/operation.js';
import { jsonBody } from './request.js';

// The formats the schemas use, checked (TypeBox knows none by default).
if (!FormatRegistry.Has('date-time')) FormatRegistry.Set('date-time', (v) => parseInstant(v) !== null);

type Spec<K extends OperationId> = (typeof OPERATIONS)[K];
type PartOf<K extends OperationId, P extends 'path' | 'query'> =
  Spec<K> extends { readonly [Q in P]: infer T }
    ? T extends TSchema
      ? Static<T>
      : never
    : Record<string, never>;
export type QueryOf<K extends OperationId> = PartOf<K, 'query'>;
export type PathOf<K extends OperationId> = PartOf<K, 'path'>;
export type BodyOf<K extends OperationId> =
  Spec<K> extends {
    readonly body: { readonly content: { readonly 'application/json': infer T } };
  }
    ? T extends TSchema
      ? Static<T>
      : never
    : never;

const COORDINATES = new Set(['lat', 'lng']);

interface CompiledParams {
  readonly check: TypeCheck<TObject>;
  readonly numeric: ReadonlyMap<string, 'number' | 'integer'>;
  readonly names: readonly string[];
}

const compiledParams = new Map<string, CompiledParams>();
const compiledSchemas = new WeakMap<TSchema, TypeCheck<TSchema>>();

function spec(op: OperationId): OperationSpec {
  return OPERATIONS[op] as OperationSpec;
}

function params(op: OperationId, where: 'path' | 'query'): CompiledParams | null {
  const schema = spec(op)[where];
  if (!schema) return null;
  const key = `${op}:${where}`;
  let compiled = compiledParams.get(key);
  if (!compiled) {
    const numeric = new Map<string, 'number' | 'integer'>();
    for (const [name, property] of Object.entries(schema.properties as TProperties)) {
      const type = (property as { type?: unknown }).type;
      if (type === 'number' || type === 'integer') numeric.set(name, type);
    }
    compiled = { check: TypeCompiler.Compile(schema), numeric, names: Object.keys(schema.properties) };
    compiledParams.set(key, compiled);
  }
  return compiled;
}

/** A schema's compiled check (once per schema object). */
export function compiled<T extends TSchema>(schema: T): TypeCheck<T> {
  let check = compiledSchemas.get(schema);
  if (!check) {
    check = TypeCompiler.Compile(schema);
    compiledSchemas.set(schema, check);
  }
  return check as TypeCheck<T>;
}

const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** The raw values as typed by the schema: numbers read strictly, anything unreadable left as text. */
function coerce(compiledParams: CompiledParams, raw: Readonly<Record<string, string | undefined>>) {
  const value: Record<string, unknown> = {};
  for (const name of compiledParams.names) {
    const text = raw[name];
    if (text === undefined || text === '') continue;
    value[name] =
      compiledParams.numeric.has(name) && text.length <= 40 && DECIMAL.test(text.trim())
        ? Number(text.trim())
        : text;
  }
  return value;
}

/** The operation's query parameters, checked against its schema (each given at most once). */
export function queryOf<K extends OperationId>(op: K, event: APIGatewayProxyEvent): QueryOf<K> {
  const compiledQuery = params(op, 'query');
  if (!compiledQuery) return {} as QueryOf<K>;
  const multi = event.multiValueQueryStringParameters;
  if (multi) {
    for (const name of compiledQuery.names) {
      const values = multi[name];
      if (values && values.length > 1) {
        throw new InvalidRequestError(
          `Query parameter "${name}" was given ${values.length} times; give it once.`,
        );
      }
    }
  }
  return checked(
    compiledQuery,
    coerce(compiledQuery, event.queryStringParameters ?? {}),
    'parameter',
  ) as QueryOf<K>;
}

/** The operation's path parameters, checked against its schema. */
export function pathOf<K extends OperationId>(op: K, raw: Readonly<Record<string, string>>): PathOf<K> {
  const compiledPath = params(op, 'path');
  if (!compiledPath) return {} as PathOf<K>;
  return checked(compiledPath, coerce(compiledPath, raw), 'path segment') as PathOf<K>;
}

/** The JSON body, media type and size checked first, then its shape (the spec's `validate` schema, if any). */
export function bodyOf<K extends OperationId>(
  op: K,
  event: APIGatewayProxyEvent,
  maxBytes: number,
): BodyOf<K> {
  const body = spec(op).body;
  const schema = body?.validate ?? body?.content['application/json'];
  if (!schema) throw new Error(`${op} takes no JSON body`);
  const value = jsonBody(event, maxBytes);
  const check = compiled(schema);
  if (!check.Check(value)) throw problemFor(check.Errors(value).First()!, 'body');
  return value as BodyOf<K>;
}

/** Checks one value (e.g. one bulk item) against a schema; throws the problem naming what is wrong. */
export function assertMatches<T extends TSchema>(schema: T, value: unknown, what: string): Static<T> {
  const check = compiled(schema);
  if (!check.Check(value)) throw problemFor(check.Errors(value).First()!, what);
  return value as Static<T>;
}

function checked(compiledParams: CompiledParams, value: Record<string, unknown>, kind: string) {
  if (compiledParams.check.Check(value)) return value;
  throw problemFor(compiledParams.check.Errors(value).First()!, kind);
}

/** One clear problem for the first error: the name, what was wrong, and what to send. */
function problemFor(error: ValueError, kind: string): Error {
  const name = error.path.split('/').filter(Boolean).join('.') || kind;
  const schema = error.schema as Record<string, unknown>;
  const got = error.value;
  let message: string;
  switch (error.type) {
    case ValueErrorType.ObjectRequiredProperty:
      message = `"${name}" is required.`;
      break;
    case ValueErrorType.ObjectAdditionalProperties: {
      // The error's schema is the object holding the unknown member.
      const allowed = Object.keys((schema.properties as object | undefined) ?? {});
      message = `${kind === 'body' ? 'The body' : `"${name}"`} has an unknown member "${truncate(error.path.split('/').pop() ?? '', 40)}"; allowed: ${allowed.join(', ')}.`;
      break;
    }
    case ValueErrorType.Number:
    case ValueErrorType.Integer:
      message =
        typeof got === 'number'
          ? `"${name}" must be a whole number, got ${got}.`
          : `"${name}" must be a ${error.type === ValueErrorType.Integer ? 'whole' : 'decimal'} number${
              COORDINATES.has(name) ? ' of degrees' : ''
            }, got ${JSON.stringify(safeEcho(got))}.`;
      break;
    case ValueErrorType.NumberMinimum:
    case ValueErrorType.NumberMaximum:
    case ValueErrorType.IntegerMinimum:
    case ValueErrorType.IntegerMaximum:
      message =
        schema.minimum !== undefined && schema.maximum !== undefined
          ? `"${name}" must be between ${schema.minimum} and ${schema.maximum}, got ${got}.`
          : schema.minimum !== undefined
            ? `"${name}" must be at least ${schema.minimum}, got ${got}.`
            : `"${name}" must be at most ${schema.maximum}, got ${got}.`;
      break;
    case ValueErrorType.ArrayMaxItems:
      message = `"${name}" has ${(got as unknown[]).length} items; at most ${schema.maxItems} are allowed.`;
      break;
    case ValueErrorType.StringFormat:
      message =
        schema.format === 'date-time'
          ? `"${name}" must be an ISO 8601 date-time with a time zone, e.g. 2025-04-01T09:30:00Z, got ${JSON.stringify(safeEcho(got))}.`
          : `"${name}" is not a valid ${schema.format}.`;
      break;
    case ValueErrorType.Union: {
      const options = ((schema.anyOf as { const?: unknown }[] | undefined) ?? []).map((o) => o.const);
      message = options.every((o) => o !== undefined)
        ? `"${name}" must be one of ${options.map((o) => JSON.stringify(o)).join(', ')}, got ${JSON.stringify(safeEcho(got))}.`
        : `"${name}" ${error.message.toLowerCase()}.`;
      break;
    }
    case ValueErrorType.Object:
      message = `${kind === 'body' ? 'The body' : `"${name}"`} must be a JSON object.`;
      break;
    default:
      message = `"${name}": ${error.message.toLowerCase()}${
        typeof schema.description === 'string' ? ` (${truncate(schema.description, 120)})` : ''
      }.`;
  }
  const top = error.path.split('/')[1] ?? '';
  if (COORDINATES.has(top) || COORDINATES.has(error.path.split('/').pop() ?? '')) {
    return new InvalidCoordinatesError(message, got);
  }
  return new InvalidRequestError(message);
}
