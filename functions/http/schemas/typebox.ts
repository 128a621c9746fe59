// Small builders on top of TypeBox used across the schema modules.
import {
  type SchemaOptions,
  type Static,
  type TLiteral,
  type TNull,
  type TSchema,
  type TUnion,
  Type,
} from '@sinclair/typebox';

/** `T | null` (JSON Schema `anyOf: [T, {type: null}]`). */
export function Nullable<T extends TSchema>(schema: T, options: SchemaOptions = {}): TUnion<[T, TNull]> {
  return Type.Union([schema, Type.Null()], options);
}

/** A union of string literals (JSON Schema `anyOf` of `const`s), checked and typed as such. */
export function StringEnum<const V extends readonly string[]>(
  values: V,
  options: SchemaOptions = {},
): TUnion<TLiteral<V[number]>[]> {
  return Type.Union(
    values.map((v) => Type.Literal(v)),
    options,
  );
}

export type { Static, TSchema };
