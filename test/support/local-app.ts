// Starts the real local server (node:http + the Lambda handlers) on a free loopback port.
import { loadConfig } from '../../functions/config.js';
import { type LocalApp, startLocalApp } from '../../functions/local-app.js';
import { checkAgainstOpenApi, checkRequestAgainstOpenApi } from './openapi-validator.js';

/** Each app gets its own in-memory store (seeded from CATCHMENTS_DATA_DIR) unless env says otherwise. */
export async function startTestApp(env: Record<string, string> = {}): Promise<LocalApp> {
  return startLocalApp(
    loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      CATCHMENTS_STORE_DIR: ':memory:',
      // The validity budget is wall-clock time: on a machine busy with the rest of the suite the
      // sample's checks can pass the 5 s default. Tests of the budget set their own.
      CATCHMENTS_VALIDITY_MAX_MS: '60000',
      ...env,
    }),
  );
}

export interface CallResult {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  readonly json: unknown;
  /** Differences from the OpenAPI document (empty when the request and response are as documented). */
  readonly contractProblems: string[];
}

export interface CallInit extends RequestInit {
  /**
   * The request is deliberately off the documented contract (a test of what the service does with
   * it): it must then be refused (4xx), or, for a bulk item, answered with that item's own problem.
   */
  readonly offContract?: boolean;
}

/**
 * One HTTP request against the app, checked against the OpenAPI document both ways: the response
 * must be as documented, and a request the service accepts (2xx) must be as documented too (so the
 * document is never stricter than the service, and a generated client can send what works).
 */
export async function call(app: LocalApp, path: string, init: CallInit = {}): Promise<CallResult> {
  const { offContract, ...requestInit } = init;
  const response = await fetch(app.url + path, requestInit);
  const text = await response.text();
  const contentType = response.headers.get('content-type');
  let json: unknown = null;
  if (text && contentType?.includes('json')) json = JSON.parse(text);
  const contractProblems =
    response.status === 304 || response.status === 204
      ? []
      : checkAgainstOpenApi({
          method: init.method ?? 'GET',
          path,
          status: response.status,
          contentType,
          body: text,
        });
  const requestProblems = checkRequestAgainstOpenApi({
    method: init.method ?? 'GET',
    path,
    headers: Object.fromEntries(new Headers(init.headers).entries()),
    // A binary body (a zipped Shapefile) is checked for its documented media type only.
    ...(init.body == null ? {} : { body: typeof init.body === 'string' ? init.body : '<binary>' }),
  });
  if (response.status < 300 && requestProblems.length > 0 && !offContract) {
    contractProblems.push(...requestProblems.map((p) => `accepted an undocumented request: ${p}`));
  }
  if (offContract && requestProblems.length === 0 && response.status !== 404) {
    contractProblems.push(`${init.method ?? 'GET'} ${path} was marked off-contract but is as documented`);
  }
  return { status: response.status, headers: response.headers, text, json, contractProblems };
}
