// How an operation is described once: its parameters, body and answers as TypeBox schemas. The
// same description gives the handlers their types and checks (functions/http/validation.ts) and
// the OpenAPI document (functions/http/openapi.ts), so they cannot disagree.
import type { TObject, TSchema } from '@sinclair/typebox';
import { Problem } from '../schemas/common.js';

export interface ResponseSpec {
  readonly description: string;
  /** Media type -> schema; absent for answers without a body (204, 304). */
  readonly content?: Readonly<Record<string, TSchema>>;
  /** The answer carries the version's ETag. */
  readonly etag?: boolean;
  /** Other response headers, documented. */
  readonly headers?: Readonly<Record<string, { readonly description: string; readonly schema: TSchema }>>;
}

export interface BodySpec {
  readonly required: boolean;
  /** Media type -> schema, as documented. */
  readonly content: Readonly<Record<string, TSchema>>;
  /**
   * What the server checks before the operation runs, when it differs from the documented schema:
   * bulk lookups check the envelope and answer each item on its own, so one bad item gets its own
   * problem rather than failing the request.
   */
  readonly validate?: TSchema;
}

export interface OperationSpec {
  readonly tags: readonly string[];
  readonly description?: string;
  readonly path?: TObject;
  readonly query?: TObject;
  /** Request headers the operation reads (documented; checked by the operation). */
  readonly headers?: TObject;
  readonly body?: BodySpec;
  readonly responses: Readonly<Record<number, ResponseSpec>>;
}

/** Keeps the literal type of a spec (so handlers get precise types from it). */
export const operation = <const S extends OperationSpec>(spec: S): S => spec;

export const ok = (
  description: string,
  content: Readonly<Record<string, TSchema>>,
  options: { readonly etag?: boolean; readonly headers?: ResponseSpec['headers'] } = {},
): ResponseSpec => ({ description, content, ...options });

export const problem = (description: string): ResponseSpec => ({
  description,
  content: { 'application/problem+json': Problem },
});

export const empty = (description: string): ResponseSpec => ({ description });
