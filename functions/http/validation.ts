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

const compiledParams = new WeakMap<TObject, CompiledParams>();
const compiledSchemas = new WeakMap<TSchema, TypeCheck<TSchema>>();

function spec(op: OperationId): OperationSpec {
  return OPERATIONS[op] as OperationSpec;
}

function params(schema: TObject | undefined): CompiledParams | null {
  if (!schema) return null;
  let compiled = compiledParams.get(schema);
  if (!compiled) {
    const numeric = new Map<string, 'number' | 'integer'>();
    for (const [name, property] of Object.entries(schema.properties as TProperties)) {
      const type = (property as { type?: unknown }).type;
      if (type === 'number' || type === 'integer') numeric.set(name, type);
    }
    compiled = { check: TypeCompiler.Compile(schema), numeric, names: Object.keys(schema.properties) };
    compiledParams.set(schema, compiled);
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
  return queryMatching(spec(op).query, event) as QueryOf<K>;
}

/**
 * Query parameters checked against a query schema several operations share (e.g. the analysis
 * routes' `threshold`): the schema object is the one their operations print.
 */
export function queryMatching<T extends TObject>(
  schema: T | undefined,
  event: APIGatewayProxyEvent,
): Static<T> {
  const compiledQuery = params(schema);
  if (!compiledQuery) return {} as Static<T>;
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
  ) as Static<T>;
}

/** The operation's path parameters, checked against its schema. */
export function pathOf<K extends OperationId>(op: K, raw: Readonly<Record<string, string>>): PathOf<K> {
  const compiledPath = params(spec(op).path);
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

/**
 * What the schema says a value is for, and its default: the "what to send" half of a message,
 * written once beside the parameter in operations/*.ts (so the OpenAPI document says it too).
 */
function hint(schema: Record<string, unknown>): string {
  const parts: string[] = [];
  const description = typeof schema.description === 'string' ? truncate(schema.description, 240) : '';
  if (description) parts.push(/[.!?)]$/.test(description) ? description : `${description}.`);
  if (schema.default !== undefined && !/\bdefault\b/i.test(description)) {
    parts.push(`Default ${JSON.stringify(schema.default)}.`);
  }
  return parts.length > 0 ? ` ${parts.join(' ')}` : '';
}

/** The bounds of a number schema in words: "between 0 and 1", "more than 0 and at most 1". */
function bounds(schema: Record<string, unknown>): string {
  const low =
    schema.exclusiveMinimum !== undefined
      ? `more than ${schema.exclusiveMinimum}`
      : schema.minimum !== undefined
        ? `at least ${schema.minimum}`
        : '';
  const high =
    schema.exclusiveMaximum !== undefined
      ? `less than ${schema.exclusiveMaximum}`
      : schema.maximum !== undefined
        ? `at most ${schema.maximum}`
        : '';
  if (schema.minimum !== undefined && schema.maximum !== undefined) {
    return `between ${schema.minimum} and ${schema.maximum}`;
  }
  return [low, high].filter(Boolean).join(' and ');
}

/** One clear problem for the first error: the name, what was wrong, and what to send. */
function problemFor(error: ValueError, kind: string): Error {
  const name = error.path.split('/').filter(Boolean).join('.') || kind;
  const schema = error.schema as Record<string, unknown>;
  const got = error.value;
  const echo = JSON.stringify(safeEcho(got));
  let message: string;
  switch (error.type) {
    case ValueErrorType.ObjectRequiredProperty:
      message = `"${name}" is required.${hint(schema)}`;
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
          ? `"${name}" must be a whole number, got ${got}.${hint(schema)}`
          : `"${name}" must be a ${error.type === ValueErrorType.Integer ? 'whole' : 'decimal'} number${
              COORDINATES.has(name) ? ' of degrees' : ''
            }, got ${echo}.${hint(schema)}`;
      break;
    case ValueErrorType.NumberMinimum:
    case ValueErrorType.NumberMaximum:
    case ValueErrorType.NumberExclusiveMinimum:
    case ValueErrorType.NumberExclusiveMaximum:
    case ValueErrorType.IntegerMinimum:
    case ValueErrorType.IntegerMaximum:
    case ValueErrorType.IntegerExclusiveMinimum:
    case ValueErrorType.IntegerExclusiveMaximum:
      message = `"${name}" must be ${bounds(schema)}, got ${got}.${hint(schema)}`;
      break;
    case ValueErrorType.Boolean:
      message = `"${name}" must be true or false, got ${echo}.${hint(schema)}`;
      break;
    case ValueErrorType.String:
      message = `"${name}" must be text, got ${echo}.${hint(schema)}`;
      break;
    case ValueErrorType.StringMinLength:
    case ValueErrorType.StringMaxLength:
      message = `"${name}" must be ${
        schema.minLength !== undefined && schema.maxLength !== undefined
          ? `${schema.minLength} to ${schema.maxLength}`
          : schema.maxLength !== undefined
            ? `at most ${schema.maxLength}`
            : `at least ${schema.minLength}`
      } characters long, got ${(got as string).length}.${hint(schema)}`;
      break;
    case ValueErrorType.StringPattern:
      message = `"${name}" is not in the expected form, got ${echo}.${hint(schema)}`;
      break;
    case ValueErrorType.ArrayMaxItems:
      message = `"${name}" has ${(got as unknown[]).length} items; at most ${schema.maxItems} are allowed.`;
      break;
    case ValueErrorType.StringFormat:
      message =
        schema.format === 'date-time'
          ? `"${name}" must be an ISO 8601 date-time with a time zone, e.g. 2025-04-01T09:30:00Z, got ${echo}.`
          : `"${name}" is not a valid ${schema.format}.`;
      break;
    case ValueErrorType.Union: {
      const options = ((schema.anyOf as { const?: unknown }[] | undefined) ?? []).map((o) => o.const);
      message = options.every((o) => o !== undefined)
        ? `"${name}" must be one of ${options.map((o) => JSON.stringify(o)).join(', ')}, got ${echo}.${hint(schema)}`
        : `"${name}" ${error.message.toLowerCase()}.${hint(schema)}`;
      break;
    }
    case ValueErrorType.Object:
      message = `${kind === 'body' ? 'The body' : `"${name}"`} must be a JSON object${example(schema)}.`;
      break;
    default:
      message = `"${name}": ${error.message.toLowerCase()}.${hint(schema)}`;
  }
  const top = error.path.split('/')[1] ?? '';
  if (COORDINATES.has(top) || COORDINATES.has(error.path.split('/').pop() ?? '')) {
    return new InvalidCoordinatesError(message, got);
  }
  return new InvalidRequestError(message);
}

/** ", e.g. {…}" from the schema's first example, when it has one. */
function example(schema: Record<string, unknown>): string {
  const examples = schema.examples;
  return Array.isArray(examples) && examples.length > 0 ? `, e.g. ${JSON.stringify(examples[0])}` : '';
}
