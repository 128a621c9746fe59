// Starts the real local server (node:http + the Lambda handlers) on a free loopback port.
import { loadConfig } from '../../functions/config.js';
import { type LocalApp, startLocalApp } from '../../functions/local-app.js';
import { checkAgainstOpenApi } from './openapi-validator.js';

/** Each app gets its own in-memory store (seeded from CATCHMENTS_DATA_DIR) unless env says otherwise. */
export async function startTestApp(env: Record<string, string> = {}): Promise<LocalApp> {
  return startLocalApp(
    loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      CATCHMENTS_STORE_DIR: ':memory:',
      ...env,
    }),
  );
}

export interface CallResult {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  readonly json: unknown;
  /** Differences from the OpenAPI document (empty when the response is as documented). */
  readonly contractProblems: string[];
}

/** One HTTP request against the app, checked against the OpenAPI document. */
export async function call(app: LocalApp, path: string, init: RequestInit = {}): Promise<CallResult> {
  const response = await fetch(app.url + path, init);
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
  return { status: response.status, headers: response.headers, text, json, contractProblems };
}
