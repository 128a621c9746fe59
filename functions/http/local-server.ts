// Serves API Gateway-style Lambda handlers over node:http, for `npm start`, e2e tests and the
// HTTP benchmark. It converts each request to the REST API (v1) proxy event the Lambdas get on AWS,
// so the same handler code answers locally and in the cloud.
//
// What API Gateway does before a Lambda runs is done here before a body is read: a mount's
// `authorize` (the admin token; the IAM authorizer on AWS) refuses a caller at once, so nobody
// without the token can make the server buffer a 5 MB body. A body that is not valid UTF-8 is
// passed on base64-encoded (as API Gateway passes binary bodies), so the handler can refuse it with
// a clear problem instead of reading U+FFFD replacement characters.
import { isUtf8 } from 'node:buffer';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { PayloadTooLargeError } from '../core/errors.js';
import type { ApiHandler } from './api.js';
import type { Logger } from './logger.js';
import { PROBLEM_CONTENT_TYPE, renderProblem } from './problem.js';
import { BINARY_MEDIA_TYPES } from './routes.js';

export interface Mount {
  /** Path prefix the handler serves, e.g. `/v1/admin/`; the first matching mount wins. */
  readonly prefix: string;
  readonly handler: ApiHandler;
  /** Body limit for this mount (the admin API takes whole layers); default the server's. */
  readonly maxBodyBytes?: number;
  /**
   * Checks the caller from the request line and headers alone, before any body is read; throws
   * (e.g. UnauthorizedError) to refuse. CORS preflights (OPTIONS) are not checked: browsers send
   * them without credentials.
   */
  readonly authorize?: (request: IncomingMessage) => void;
}

export interface LocalServerOptions {
  readonly mounts: readonly Mount[];
  /** Bodies larger than this are refused with 413 before being buffered whole. */
  readonly maxBodyBytes: number;
  readonly logger: Logger;
}

/** Bytes read past the limit before the connection is dropped (to let the 413 reach the client). */
const DRAIN_LIMIT_BYTES = 64 * 1024 * 1024;

/** The Lambda context a local request runs with (one shape, made per request). */
class LocalContext implements Context {
  readonly callbackWaitsForEmptyEventLoop = false;
  readonly functionName = 'local';
  readonly functionVersion = '$LATEST';
  readonly invokedFunctionArn = 'arn:aws:lambda:local:000000000000:function:local';
  readonly memoryLimitInMB = '1024';
  readonly logGroupName = 'local';
  readonly logStreamName = 'local';
  constructor(readonly awsRequestId: string) {}
  getRemainingTimeInMillis(): number {
    return 30_000;
  }
  done(): void {}
  fail(): void {}
  succeed(): void {}
}

export function createLocalServer(options: LocalServerOptions): Server {
  const { mounts, maxBodyBytes, logger } = options;
  return createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      if (isClientAbort(req, error)) {
        // The caller went away mid-request: nothing to answer, nothing broken on our side.
        logger.info('client closed the connection', { method: req.method, mount: mountOf(req).prefix });
        return;
      }
      logger.error('local server failure', { error: (error as Error)?.stack ?? String(error) });
      if (!res.headersSent) send(res, problemResult(error, 'local'));
      else res.destroy();
    });
  });

  function mountOf(req: IncomingMessage): Mount {
    const url = req.url ?? '/';
    return mounts.find((m) => url.startsWith(m.prefix)) ?? mounts[mounts.length - 1]!;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    const target = requestTarget(req.url ?? '/');
    const mount = mounts.find((m) => target.path.startsWith(m.prefix)) ?? mounts[mounts.length - 1]!;
    if (mount.authorize && req.method !== 'OPTIONS') {
      try {
        mount.authorize(req);
      } catch (error) {
        refuse(req, res, problemResult(error, requestId));
        return;
      }
    }
    const limit = mount.maxBodyBytes ?? maxBodyBytes;
    // Most requests (GET) have no body: no stream to wait for.
    const body = hasBody(req) ? await readBody(req, limit) : NO_BODY;
    if (body === null) {
      refuse(
        req,
        res,
        problemResult(
          new PayloadTooLargeError(`The body is larger than ${limit} bytes. Split the request.`, {
            limitBytes: limit,
          }),
          requestId,
        ),
      );
      return;
    }
    const event = toEvent(req, target, body, requestId);
    const result = await mount.handler(event, new LocalContext(requestId));
    send(res, result);
  }
}

/** Paths that need no normalising: no dot segments, no characters URL parsing would escape. */
const PLAIN_PATH = /^\/(?:[A-Za-z0-9\-_~%][A-Za-z0-9\-_~%/]*)?$/;

interface RequestTarget {
  readonly path: string;
  readonly query: URLSearchParams | null;
}

/**
 * The path and query of a request target. A plain path (the usual case) is taken as is; anything
 * else goes through WHATWG URL parsing, which resolves dot segments and escapes what needs escaping.
 */
function requestTarget(url: string): RequestTarget {
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  if (PLAIN_PATH.test(path)) {
    return { path, query: q === -1 || q === url.length - 1 ? null : new URLSearchParams(url.slice(q + 1)) };
  }
  const parsed = new URL(url, 'http://localhost');
  return { path: parsed.pathname, query: parsed.search === '' ? null : parsed.searchParams };
}

function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return (length !== undefined && length !== '0') || req.headers['transfer-encoding'] !== undefined;
}

/**
 * Answers without reading (the rest of) the body, then closes the connection. What the client is
 * still sending is discarded, never buffered, up to a bound, so the answer reaches a client that
 * reads it only after sending everything.
 */
function refuse(req: IncomingMessage, res: ServerResponse, result: APIGatewayProxyResult): void {
  res.setHeader('Connection', 'close');
  send(res, result);
  let discarded = 0;
  req.resume();
  req.on('data', (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > DRAIN_LIMIT_BYTES) req.destroy();
  });
  req.on('error', () => {});
}

/** True when the request failed because the client closed the connection (not our failure). */
function isClientAbort(req: IncomingMessage, error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return (
    code === 'ECONNRESET' ||
    code === 'ERR_STREAM_PREMATURE_CLOSE' ||
    (req.destroyed && !req.complete) ||
    (error as Error | undefined)?.message === 'aborted'
  );
}

function problemResult(error: unknown, requestId: string): APIGatewayProxyResult {
  const rendered = renderProblem(error, requestId);
  return {
    statusCode: rendered.status,
    headers: { 'Content-Type': PROBLEM_CONTENT_TYPE, ...rendered.headers },
    body: JSON.stringify(rendered.problem),
  };
}

function send(res: ServerResponse, result: APIGatewayProxyResult): void {
  // One writeHead with every header, and a Content-Length, so Node writes the head and the body in
  // one go (without it, the answer goes out chunked: more bytes and more writes per response).
  const body = result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body;
  const headers: Record<string, string | string[] | number> = {};
  const single = result.headers;
  if (single) for (const name in single) headers[name] = String(single[name]);
  const multi = result.multiValueHeaders;
  if (multi) for (const name in multi) headers[name] = multi[name]!.map(String);
  // A HEAD answer has no body but describes the GET one, whose length is not known here.
  if (res.req.method !== 'HEAD') {
    headers['Content-Length'] = typeof body === 'string' ? Buffer.byteLength(body) : body.length;
  }
  res.writeHead(result.statusCode, headers);
  res.end(body);
}

/**
 * A request body: UTF-8 text, or base64 — for binary media types (zipped Shapefiles), as API Gateway
 * passes them, and for bytes that are not valid UTF-8 (refused downstream with the byte offset).
 */
interface Body {
  readonly text: string;
  readonly base64: boolean;
}

const NO_BODY: Body = { text: '', base64: false };

/** Reads the body, or returns null once it exceeds the limit (the caller refuses and drains). */
function readBody(req: IncomingMessage, maxBytes: number): Promise<Body | null> {
  const mediaType = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  const binary = BINARY_MEDIA_TYPES.includes(mediaType);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        tooLarge = true;
        chunks.length = 0;
        req.off('data', onData);
        req.pause();
        resolve(null);
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.on('end', () => {
      if (tooLarge) return;
      if (chunks.length === 0) return resolve(NO_BODY);
      const bytes = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
      resolve(
        !binary && isUtf8(bytes)
          ? { text: bytes.toString('utf8'), base64: false }
          : { text: bytes.toString('base64'), base64: true },
      );
    });
    req.on('error', (error) => (tooLarge ? undefined : reject(error)));
  });
}

function toEvent(
  req: IncomingMessage,
  target: RequestTarget,
  body: Body,
  requestId: string,
): APIGatewayProxyEvent {
  let query: Record<string, string> | null = null;
  let multiQuery: Record<string, string[]> | null = null;
  if (target.query) {
    for (const [name, value] of target.query) {
      query ??= Object.create(null) as Record<string, string>;
      multiQuery ??= Object.create(null) as Record<string, string[]>;
      query[name] = value;
      const list = multiQuery[name] ?? [];
      list.push(value);
      multiQuery[name] = list;
    }
  }
  return new LocalEvent(req, target.path, query, multiQuery, body, requestId);
}

/**
 * A REST API (v1) proxy event for a local request. A class, not an object literal, so every event
 * has one shape (cheap to make and read); the multi-value headers are built only if read.
 */
class LocalEvent implements APIGatewayProxyEvent {
  readonly httpMethod: string;
  readonly resource: string;
  readonly headers: Record<string, string>;
  readonly pathParameters = null;
  readonly stageVariables = null;
  readonly body: string | null;
  readonly isBase64Encoded: boolean;
  readonly requestContext: APIGatewayProxyEvent['requestContext'];

  constructor(
    private readonly req: IncomingMessage,
    readonly path: string,
    readonly queryStringParameters: Record<string, string> | null,
    readonly multiValueQueryStringParameters: Record<string, string[]> | null,
    body: Body,
    requestId: string,
  ) {
    this.httpMethod = req.method ?? 'GET';
    this.resource = path;
    // Node joins repeated headers with ", " already, as API Gateway's `headers` does; only
    // set-cookie stays an array.
    const cookies = req.headers['set-cookie'];
    if (Array.isArray(cookies)) (req.headers as Record<string, string>)['set-cookie'] = cookies.join(', ');
    this.headers = req.headers as Record<string, string>;
    this.body = body.text === '' ? null : body.text;
    this.isBase64Encoded = body.base64;
    this.requestContext = { requestId } as APIGatewayProxyEvent['requestContext'];
  }

  get multiValueHeaders(): Record<string, string[]> {
    const values: Record<string, string[]> = {};
    for (const [name, value] of Object.entries(this.req.headersDistinct)) if (value) values[name] = value;
    return values;
  }
}
