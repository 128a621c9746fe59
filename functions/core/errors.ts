// Typed errors of the domain. Each names what went wrong, the value received and what to do.
// They carry no HTTP status: `functions/http/problem.ts` maps every `code` to a status and a
// problem `type` URI in exactly one place.

/** Stable machine-readable codes; also the last segment of the problem `type` URI. */
export type ErrorCode =
  | 'invalid-postcode'
  | 'postcode-not-found'
  | 'postcode-without-location'
  | 'invalid-coordinates'
  | 'invalid-request'
  | 'invalid-geometry'
  | 'area-not-found'
  | 'hub-not-found'
  | 'not-found'
  | 'method-not-allowed'
  | 'unsupported-media-type'
  | 'payload-too-large'
  | 'unauthorized'
  | 'version-conflict'
  | 'precondition-required'
  | 'service-unavailable';

export abstract class DomainError extends Error {
  abstract readonly code: ErrorCode;
  /** Short, constant summary of the kind of problem (the problem+json `title`). */
  abstract readonly title: string;
  /** Extra members for the problem body (e.g. `received`, `problems`); must be JSON-safe. */
  readonly extensions: Readonly<Record<string, unknown>>;

  constructor(message: string, extensions: Record<string, unknown> = {}) {
    super(message);
    this.name = new.target.name;
    this.extensions = extensions;
  }
}

export class InvalidPostcodeError extends DomainError {
  readonly code = 'invalid-postcode';
  readonly title = 'Malformed postcode';
  constructor(received: string, reason: string) {
    super(
      `"${truncate(received)}" is not a UK postcode: ${reason}. ` +
        'Send the full postcode, for example "GL1 1AD" (spaces and case do not matter).',
      { received: truncate(received) },
    );
  }
}

export class PostcodeNotFoundError extends DomainError {
  readonly code = 'postcode-not-found';
  readonly title = 'Postcode not found';
  constructor(postcode: string) {
    super(
      `${postcode} is a well-formed postcode but it is not in the postcode directory. ` +
        'Check it for typos; a new postcode may not be listed yet, so try a neighbouring one or search by location.',
      { postcode },
    );
  }
}

export class PostcodeWithoutLocationError extends DomainError {
  readonly code = 'postcode-without-location';
  readonly title = 'Postcode has no location';
  constructor(postcode: string) {
    super(
      `${postcode} is in the postcode directory but has no grid reference (a non-geographic or ` +
        "Crown dependency postcode), so no hub can be assigned. Search by the family's home location instead.",
      { postcode },
    );
  }
}

export class InvalidCoordinatesError extends DomainError {
  readonly code = 'invalid-coordinates';
  readonly title = 'Invalid coordinates';
  constructor(message: string, received: unknown) {
    super(`${message} Send WGS84 decimal degrees, e.g. lat=51.8642&lng=-2.2382.`, {
      received: safeEcho(received),
    });
  }
}

export class InvalidRequestError extends DomainError {
  readonly code = 'invalid-request';
  readonly title = 'Invalid request';
}

/** One located problem found in submitted geometry. */
export interface GeometryProblem {
  readonly kind: string;
  readonly message: string;
  /** Id (or index, as `#3`) of the feature the problem is in, when it is in one. */
  readonly feature?: string;
  /** Where the problem is, as [lng, lat], when it has a place. */
  readonly location?: readonly [number, number];
}

export class InvalidGeometryError extends DomainError {
  readonly code = 'invalid-geometry';
  readonly title = 'Invalid geometry';
  readonly problems: readonly GeometryProblem[];
  constructor(message: string, problems: readonly GeometryProblem[]) {
    super(message, { problems });
    this.problems = problems;
  }
}

export class AreaNotFoundError extends DomainError {
  readonly code = 'area-not-found';
  readonly title = 'Area not found';
  constructor(area: string, known: readonly string[]) {
    super(`No area "${truncate(area)}". Known areas: ${known.join(', ') || '(none)'}.`, {
      received: truncate(area),
    });
  }
}

export class HubNotFoundError extends DomainError {
  readonly code = 'hub-not-found';
  readonly title = 'Hub not found';
  constructor(area: string, hubId: string) {
    super(`Area "${area}" has no hub "${truncate(hubId)}". List the hubs with GET /v1/areas/${area}/hubs.`, {
      received: truncate(hubId),
    });
  }
}

export class NotFoundError extends DomainError {
  readonly code = 'not-found';
  readonly title = 'Not found';
}

export class MethodNotAllowedError extends DomainError {
  readonly code = 'method-not-allowed';
  readonly title = 'Method not allowed';
  readonly allow: readonly string[];
  constructor(method: string, path: string, allow: readonly string[]) {
    super(`${truncate(method)} is not supported on ${truncate(path)}. Use ${allow.join(' or ')}.`);
    this.allow = allow;
  }
}

export class UnsupportedMediaTypeError extends DomainError {
  readonly code = 'unsupported-media-type';
  readonly title = 'Unsupported media type';
}

export class PayloadTooLargeError extends DomainError {
  readonly code = 'payload-too-large';
  readonly title = 'Payload too large';
}

export class UnauthorizedError extends DomainError {
  readonly code = 'unauthorized';
  readonly title = 'Unauthorized';
}

export class VersionConflictError extends DomainError {
  readonly code = 'version-conflict';
  readonly title = 'Version conflict';
}

export class PreconditionRequiredError extends DomainError {
  readonly code = 'precondition-required';
  readonly title = 'Precondition required';
}

export class ServiceUnavailableError extends DomainError {
  readonly code = 'service-unavailable';
  readonly title = 'Service unavailable';
}

/** Keep echoed input short: error bodies must stay small whatever the caller sent. */
export function truncate(value: string, max = 80): string {
  return value.length > max ? `${value.slice(0, max)}…` : value;
}

/** A JSON-safe, bounded echo of a received value for error bodies. */
export function safeEcho(value: unknown): unknown {
  if (typeof value === 'string') return truncate(value);
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (value === null || typeof value === 'boolean') return value;
  if (value === undefined) return null;
  return truncate(Object.prototype.toString.call(value));
}
