// The middleware runner of the API handlers: middy's model (before hooks in order, then the handler,
// then after hooks in reverse; onError hooks in reverse when anything throws; a value returned by a
// hook answers at once) with middy 6's semantics, in a few lines.
//
// Why not @middy/core itself: it awaits every hook and races the handler against a timeout, ~4 µs
// a request with no middleware and ~7 µs with our three, against ~11 µs for the whole public API
// answering a postcode (measured on the local server, issue 15). Here a hook that returns no
// promise costs a function call, so the stack is a small share of a lookup. Hooks may still be
// async where they need to be. Measured again after the routing and answer-cache fixes, on a quiet
// machine (`npm run bench -- http`, one run each): @middy/core 6 31.5 µs of server CPU per answer
// (bare node:http 17.5 µs in that run: 0.56×), this runner 31.7 µs (bare 21.5 µs: 0.68×) — within
// the bench's noise; in process (fake sockets) middy costs 8.3 µs a request, this runner 4.4 µs.

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

export function withMiddleware<TEvent, TResult, TContext, TInternal extends object>(
  middlewares: readonly Middleware<TEvent, TResult, TContext, TInternal>[],
  handler: (event: TEvent, context: TContext) => TResult | Promise<TResult>,
): (event: TEvent, context: TContext) => Promise<TResult> {
  type Request = HandlerRequest<TEvent, TResult, TContext, TInternal>;
  const before = middlewares.flatMap((m) => (m.before ? [m.before] : []));
  const after = middlewares.flatMap((m) => (m.after ? [m.after] : [])).reverse();
  const onError = middlewares.flatMap((m) => (m.onError ? [m.onError] : [])).reverse();

  /**
   * Runs hooks in order until one returns a value (it becomes the response): true when one did.
   * Synchronous until a hook returns a promise, so sync hooks cost no microtask.
   */
  const run = (
    hooks: readonly Hook<TEvent, TResult, TContext, TInternal>[],
    request: Request,
    from = 0,
  ): boolean | Promise<boolean> => {
    for (let i = from; i < hooks.length; i++) {
      const value = hooks[i]!(request);
      if (value instanceof Promise) {
        return value.then((settled) => {
          if (settled === undefined) return run(hooks, request, i + 1);
          request.response = settled as TResult;
          return true;
        });
      }
      if (value !== undefined) {
        request.response = value as TResult;
        return true;
      }
    }
    return false;
  };

  return async (event, context) => {
    const request: Request = {
      event,
      context,
      response: undefined,
      error: undefined,
      internal: {} as TInternal,
    };
    try {
      const answered = run(before, request);
      if (answered === true || (answered instanceof Promise && (await answered))) {
        return request.response as TResult;
      }
      const response = handler(event, context);
      request.response = response instanceof Promise ? await response : response;
      const changed = run(after, request);
      if (changed instanceof Promise) await changed;
    } catch (error) {
      request.response = undefined;
      request.error = error;
      const handled = run(onError, request);
      if (handled instanceof Promise) await handled;
      if (request.response === undefined) throw error;
    }
    return request.response as TResult;
  };
}
