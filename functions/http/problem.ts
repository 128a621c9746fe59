// RFC 9457 problem details: every error the API returns is rendered here and only here.
// 4xx bodies say what was wrong and what to do; 5xx bodies never carry internals (the cause is
// logged with the request id, which the body repeats so an operator can find it).
import { DomainError, type ErrorCode, MethodNotAllowedError } from '../core/errors.js';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** Problem `type` URIs are stable relative references, one per error code (listed in docs/semantics.md#errors). */
export const PROBLEM_TYPE_BASE = '/problems/';

export const STATUS_BY_CODE: Readonly<Record<ErrorCode, number>> = {
  'invalid-postcode': 400,
  'invalid-coordinates': 400,
  'invalid-request': 400,
  'invalid-geometry': 422,
  'postcode-not-found': 404,
  'postcode-without-location': 404,
  'area-not-found': 404,
  'hub-not-found': 404,
  'not-found': 404,
  'method-not-allowed': 405,
  'unsupported-media-type': 415,
  'payload-too-large': 413,
  unauthorized: 401,
  'version-conflict': 409,
  'precondition-required': 428,
  'service-unavailable': 503,
};

export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly instance?: string;
  readonly [extension: string]: unknown;
}

export interface RenderedProblem {
  readonly status: number;
  readonly problem: Problem;
  readonly headers: Readonly<Record<string, string>>;
}

/** Maps any thrown value to a problem. Unknown errors become an opaque 500. */
export function renderProblem(error: unknown, requestId?: string): RenderedProblem {
  if (error instanceof DomainError) {
    const status = STATUS_BY_CODE[error.code];
    const headers: Record<string, string> = {};
    if (error instanceof MethodNotAllowedError) headers.Allow = error.allow.join(', ');
    if (error.code === 'unauthorized') headers['WWW-Authenticate'] = 'Bearer realm="catchments-admin"';
    if (error.code === 'service-unavailable') headers['Retry-After'] = '5';
    return {
      status,
      headers,
      problem: {
        ...error.extensions,
        type: PROBLEM_TYPE_BASE + error.code,
        title: error.title,
        status,
        detail: error.message,
        ...(requestId ? { requestId } : {}),
      },
    };
  }
  return {
    status: 500,
    headers: {},
    problem: {
      type: PROBLEM_TYPE_BASE + 'internal-error',
      title: 'Internal error',
      status: 500,
      detail:
        'The service failed to answer. Try again; if it keeps failing, report the requestId to the operators.',
      ...(requestId ? { requestId } : {}),
    },
  };
}

/** A problem as a bulk-lookup item carries it (no headers, same body). */
export function problemBody(error: unknown): Problem {
  return renderProblem(error).problem;
}
