// Reading what callers send: headers, query parameters, JSON bodies and coordinates, each with a
// precise 4xx when it is wrong. Works on API Gateway REST (v1) proxy events, which the local
// server also produces.
import type { APIGatewayProxyEvent } from 'aws-lambda';
import {
  InvalidCoordinatesError,
  InvalidRequestError,
  PayloadTooLargeError,
  truncate,
  UnsupportedMediaTypeError,
} from '../core/errors.js';
import type { LatLng } from '../core/model.js';

/** Case-insensitive header read (API Gateway keeps the caller's case; node lower-cases). */
export function header(event: APIGatewayProxyEvent, name: string): string | undefined {
  const headers = event.headers;
  if (!headers) return undefined;
  const direct = headers[name] ?? headers[name.toLowerCase()];
  if (direct !== undefined) return direct;
  const lower = name.toLowerCase();
  for (const key of Object.keys(headers)) if (key.toLowerCase() === lower) return headers[key];
  return undefined;
}

/** One query parameter; repeating it is an error rather than a silent pick. */
export function queryParam(event: APIGatewayProxyEvent, name: string): string | undefined {
  const multi = event.multiValueQueryStringParameters?.[name];
  if (multi && multi.length > 1) {
    throw new InvalidRequestError(`Query parameter "${name}" was given ${multi.length} times; give it once.`);
  }
  return event.queryStringParameters?.[name] ?? undefined;
}

/** Parses a request body as JSON, enforcing the media type and the size limit first. */
export function jsonBody(event: APIGatewayProxyEvent, maxBytes: number): unknown {
  const contentType = header(event, 'content-type');
  if (!contentType || !/^application\/(?:[\w.+-]+\+)?json\b/i.test(contentType.trim())) {
    throw new UnsupportedMediaTypeError(
      `Send the body as JSON with "Content-Type: application/json"${contentType ? `, not "${truncate(contentType, 60)}"` : ''}.`,
    );
  }
  const text = bodyText(event, maxBytes);
  if (text.trim() === '') throw new InvalidRequestError('The request body is empty; send a JSON object.');
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new InvalidRequestError(`The body is not valid JSON (${truncate((error as Error).message, 120)}).`);
  }
}

/** A text body of one of the given media types (e.g. text/csv), size-checked. */
export function textBody(event: APIGatewayProxyEvent, maxBytes: number, mediaType: string): string {
  const contentType = header(event, 'content-type');
  if (!contentType || contentType.split(';')[0]!.trim().toLowerCase() !== mediaType) {
    throw new UnsupportedMediaTypeError(
      `Send the body as "Content-Type: ${mediaType}"${contentType ? `, not "${truncate(contentType, 60)}"` : ''}.`,
    );
  }
  return bodyText(event, maxBytes);
}

/** A binary body of the given media type (e.g. application/zip), size-checked, as bytes. */
export function binaryBody(event: APIGatewayProxyEvent, maxBytes: number, mediaType: string): Uint8Array {
  const contentType = header(event, 'content-type');
  if (!contentType || contentType.split(';')[0]!.trim().toLowerCase() !== mediaType) {
    throw new UnsupportedMediaTypeError(
      `Send the body as "Content-Type: ${mediaType}"${contentType ? `, not "${truncate(contentType, 60)}"` : ''}.`,
    );
  }
  const raw = event.body ?? '';
  const bytes = event.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'latin1');
  if (bytes.length > maxBytes) {
    throw new PayloadTooLargeError(`The body is ${bytes.length} bytes; the limit is ${maxBytes}.`, {
      limitBytes: maxBytes,
    });
  }
  return bytes;
}

function bodyText(event: APIGatewayProxyEvent, maxBytes: number): string {
  const raw = event.body ?? '';
  // Characters <= bytes, so a cheap length check catches most oversize bodies before encoding.
  const bytes = event.isBase64Encoded
    ? Math.floor((raw.length * 3) / 4)
    : raw.length > maxBytes
      ? raw.length
      : Buffer.byteLength(raw);
  if (bytes > maxBytes) {
    throw new PayloadTooLargeError(
      `The body is ${bytes} bytes; the limit is ${maxBytes}. Split the request.`,
      {
        limitBytes: maxBytes,
      },
    );
  }
  return event.isBase64Encoded ? utf8Text(Buffer.from(raw, 'base64')) : raw;
}

/**
 * Decodes UTF-8 strictly: a body with bytes that are not UTF-8 (a file saved as Latin-1 or
 * Windows-1252) is refused with where it goes wrong, never read with replacement characters that
 * would end up in names and ids.
 */
export function utf8Text(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const at = firstInvalidUtf8(bytes);
    throw new InvalidRequestError(
      `The body is not valid UTF-8 (first bad byte 0x${bytes[at]?.toString(16).padStart(2, '0') ?? '??'} at byte offset ${at}). ` +
        'Save the file as UTF-8 (GeoJSON and JSON are always UTF-8; in QGIS choose the UTF-8 encoding on export) and send it again.',
      { byteOffset: at },
    );
  }
}

/** Offset of the first byte that does not start or continue a well-formed UTF-8 sequence (RFC 3629). */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    let length: number;
    if (b < 0x80) length = 1;
    else if (b >= 0xc2 && b <= 0xdf) length = 2;
    else if (b >= 0xe0 && b <= 0xef) length = 3;
    else if (b >= 0xf0 && b <= 0xf4) length = 4;
    else return i;
    if (length === 1) {
      i++;
      continue;
    }
    let code = b & (0xff >> (length + 1));
    for (let k = 1; k < length; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      code = (code << 6) | (c & 0x3f);
    }
    const min = length === 2 ? 0x80 : length === 3 ? 0x800 : 0x10000;
    if (code < min || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return i;
    i += length;
  }
  return bytes.length;
}

const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Parses one coordinate from a string or number: finite decimal degrees within range. */
export function coordinate(name: 'lat' | 'lng', value: unknown): number {
  let n: number;
  if (typeof value === 'number') n = value;
  else if (typeof value === 'string' && value.length <= 40 && DECIMAL.test(value.trim()))
    n = Number(value.trim());
  else {
    throw new InvalidCoordinatesError(
      value === undefined || value === null || value === ''
        ? `"${name}" is required.`
        : `"${name}" must be a decimal number of degrees.`,
      value,
    );
  }
  if (!Number.isFinite(n)) throw new InvalidCoordinatesError(`"${name}" must be a finite number.`, value);
  const limit = name === 'lat' ? 90 : 180;
  if (n < -limit || n > limit) {
    throw new InvalidCoordinatesError(`"${name}" must be between -${limit} and ${limit}, got ${n}.`, value);
  }
  return n;
}

export function latLng(lat: unknown, lng: unknown): LatLng {
  return { lat: coordinate('lat', lat), lng: coordinate('lng', lng) };
}

/** True for plain JSON objects (not arrays, not null). */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Rejects members the endpoint does not know, naming them, so typos do not pass silently. */
export function onlyKnownMembers(
  value: Record<string, unknown>,
  allowed: readonly string[],
  where: string,
): void {
  const unknown = Object.keys(value).filter((k) => !allowed.includes(k));
  if (unknown.length > 0) {
    throw new InvalidRequestError(
      `${where} has unknown member${unknown.length > 1 ? 's' : ''} ${unknown
        .slice(0, 5)
        .map((k) => `"${truncate(k, 40)}"`)
        .join(', ')}; allowed: ${allowed.join(', ')}.`,
    );
  }
}
