// The middleware stack of the API handlers, run by @middy/core 6: before hooks in order, then the
// handler, then after hooks in reverse; onError hooks in reverse when anything throws; a value
// returned by a before hook answers at once.
//
// Chosen by measurement (issue 15): an earlier round replaced middy with a hand-written runner on a
// microbenchmark. Measured again on the whole request path once routing and the answer cache were
// fixed (in process, fake sockets: `GET /v1/postcodes/{pc}` over 5,000 postcodes, medians of 5 x
// 50,000): middy 8.3 µs a request (6.9 µs with its Lambda timeout race off), the runner 4.4 µs; on
// the HTTP bench (`npm run bench -- http`, under contention) middy kept 0.65x bare node:http by server
// CPU per request with p99 4 ms, inside the 0.6x / 20 ms budget, so the well-kept library stays.
// Checking auth before any body is read is the local server's job (http/local-server.ts) and the API
// Gateway authorizer's on AWS, not a hook's.
import middy from '@middy/core';
import type { Context } from 'aws-lambda';

export interface HandlerRequest<TEvent, TResult, TContext, TInternal extends object = object> {
  readonly event: TEvent;
  readonly context: TContext;
  response: TResult | undefined;
  error: unknown;
  /** Scratch space shared by the hooks of one request. */
  readonly internal: TInternal;
}

type Hook<TEvent, TResult, TContext, TInternal extends object> = (
  request: HandlerRequest<TEvent, TResult, TContext, TInternal>,
  // biome-ignore lint/suspicious/noConfusingVoidType: most hooks return nothing (void), some a response
) => TResult | undefined | void | Promise<TResult | undefined>;

export interface Middleware<TEvent, TResult, TContext, TInternal extends object = object> {
  /** Runs before the handler; a value returned answers the request (no handler, no after hooks). */
  readonly before?: Hook<TEvent, TResult, TContext, TInternal>;
  /** Runs after the handler, last-added first; may change `request.response`. */
  readonly after?: Hook<TEvent, TResult, TContext, TInternal>;
  /** Runs when anything threw, last-added first; sets `request.response` (or returns it) to answer. */
  readonly onError?: Hook<TEvent, TResult, TContext, TInternal>;
}

/**
 * Wraps `handler` in the middlewares, in order. Middy's defaults are kept, including its race
 * against the Lambda's remaining time (an answer 5 ms before the timeout instead of none).
 */
export function withMiddleware<TEvent, TResult, TContext extends Context, TInternal extends object>(
  middlewares: readonly Middleware<TEvent, TResult, TContext, TInternal>[],
  handler: (event: TEvent, context: TContext) => TResult | Promise<TResult>,
): (event: TEvent, context: TContext) => Promise<TResult> {
  const wrapped = middy<TEvent, TResult, Error, TContext>(async (event: TEvent, context: TContext) =>
    handler(event, context),
  );
  // Our hooks see `internal` as their own typed scratch object; middy types it as a string record.
  for (const m of middlewares)
    wrapped.use(m as unknown as middy.MiddlewareObj<TEvent, TResult, Error, TContext>);
  return (event, context) => wrapped(event, context);
}
