// Serves API Gateway-style Lambda handlers over node:http, for `npm start`, e2e tests and the
// HTTP benchmark. It converts each request to the REST API (v1) proxy event the Lambdas get on AWS,
// so the same handler code answers locally and in the cloud.
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
}

export interface LocalServerOptions {
  readonly mounts: readonly Mount[];
  /** Bodies larger than this are refused with 413 before being buffered whole. */
  readonly maxBodyBytes: number;
  readonly logger: Logger;
}

/** Bytes read past the limit before the connection is dropped (to let the 413 reach the client). */
const DRAIN_LIMIT_BYTES = 64 * 1024 * 1024;

const LAMBDA_CONTEXT = {
  callbackWaitsForEmptyEventLoop: false,
  functionName: 'local',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:local:000000000000:function:local',
  memoryLimitInMB: '1024',
  awsRequestId: 'local',
  logGroupName: 'local',
  logStreamName: 'local',
} as Context;

export function createLocalServer(options: LocalServerOptions): Server {
  const { mounts, maxBodyBytes, logger } = options;
  return createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      logger.error('local server failure', { error: (error as Error)?.stack ?? String(error) });
      if (!res.headersSent) send(res, problemResult(error, 'local'));
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    const url = new URL(req.url ?? '/', 'http://localhost');
    const mount = mounts.find((m) => url.pathname.startsWith(m.prefix)) ?? mounts[mounts.length - 1]!;
    const limit = mount.maxBodyBytes ?? maxBodyBytes;
    const body = await readBody(req, limit);
    if (body === null) {
      res.setHeader('Connection', 'close');
      send(
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
    const event = toEvent(req, url, body, requestId);
    const result = await mount.handler(event, { ...LAMBDA_CONTEXT, awsRequestId: requestId });
    send(res, result);
  }
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
  // One writeHead with every header: cheaper than a setHeader per header on the hot path.
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(result.headers ?? {})) headers[name] = String(value);
  for (const [name, values] of Object.entries(result.multiValueHeaders ?? {}))
    headers[name] = values.map(String);
  res.writeHead(result.statusCode, headers);
  res.end(result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body);
}

/** Reads the body, or returns null once it exceeds the limit (draining a bounded amount). */
function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (tooLarge) {
        if (size > DRAIN_LIMIT_BYTES) req.destroy();
        return;
      }
      if (size > maxBytes) {
        tooLarge = true;
        chunks.length = 0;
        resolve(null);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!tooLarge) resolve(Buffer.concat(chunks));
    });
    req.on('error', (error) => (tooLarge ? undefined : reject(error)));
  });
}

function toEvent(req: IncomingMessage, url: URL, raw: Buffer, requestId: string): APIGatewayProxyEvent {
  const mediaType = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  const binary = BINARY_MEDIA_TYPES.includes(mediaType); // base64, as API Gateway passes them
  const body = binary ? raw.toString('base64') : raw.toString('utf8');
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    const values = Array.isArray(value) ? value : [value];
    headers[name] = values.join(', ');
    multiValueHeaders[name] = values;
  }
  let query: Record<string, string> | null = null;
  let multiQuery: Record<string, string[]> | null = null;
  for (const [name, value] of url.searchParams) {
    query ??= Object.create(null) as Record<string, string>;
    multiQuery ??= Object.create(null) as Record<string, string[]>;
    query[name] = value;
    const list = multiQuery[name] ?? [];
    list.push(value);
    multiQuery[name] = list;
  }
  return {
    httpMethod: req.method ?? 'GET',
    path: url.pathname,
    resource: url.pathname,
    headers,
    multiValueHeaders,
    queryStringParameters: query,
    multiValueQueryStringParameters: multiQuery,
    pathParameters: null,
    stageVariables: null,
    body: body === '' ? null : body,
    isBase64Encoded: binary,
    requestContext: { requestId } as APIGatewayProxyEvent['requestContext'],
  };
}
