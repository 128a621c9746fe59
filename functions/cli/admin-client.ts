// The admin API as the CLI's `draft`, `rollback` and `versions` commands call it: a local
// `npm start` (default http://127.0.0.1:3000) or a deployed service (--url). Locally the token is
// CATCHMENTS_ADMIN_TOKEN; a deployment behind IAM auth gets requests signed with the caller's AWS
// credentials (SigV4: functions/adapters/sigv4-signer.ts), the default for execute-api URLs.
import { executeApiRegion } from '../adapters/sigv4-signer.js';
import { type CliCommand, type CommandInput, stringOption, UsageError } from './framework.js';

export const ADMIN_OPTIONS: CliCommand['options'] = {
  area: {
    type: 'string',
    valueName: 'id',
    description: 'Area id, e.g. gloucestershire (env CATCHMENTS_AREA)',
  },
  url: {
    type: 'string',
    valueName: 'url',
    description: 'Service URL (env CATCHMENTS_URL; default http://127.0.0.1:3000)',
  },
  token: { type: 'string', valueName: 'token', description: 'Admin token (env CATCHMENTS_ADMIN_TOKEN)' },
  auth: {
    type: 'string',
    valueName: 'token|iam',
    description: 'token, or iam: sign with your AWS credentials (default for execute-api URLs)',
  },
  author: { type: 'string', valueName: 'name', description: 'Who you are, for the history (default $USER)' },
  json: { type: 'boolean', description: 'Print the API answer as JSON' },
};

export interface AdminTarget {
  readonly url: string;
  readonly area: string;
  /** Bearer token of a local service; unused when requests are signed. */
  readonly token: string | undefined;
  /** `iam`: sign every request with SigV4 (a deployment behind API Gateway's IAM authorizer). */
  readonly auth: 'token' | 'iam';
  /** AWS region signatures are scoped to (from the execute-api URL, else AWS_REGION). */
  readonly region: string | undefined;
  readonly author: string;
}

export function adminTarget(input: CommandInput): AdminTarget {
  const env = input.io.env;
  const area = stringOption(input, 'area') ?? env.CATCHMENTS_AREA;
  if (!area) throw new UsageError('say which area: --area gloucestershire (or set CATCHMENTS_AREA)');
  const url = (stringOption(input, 'url') ?? env.CATCHMENTS_URL ?? 'http://127.0.0.1:3000').replace(
    /\/+$/,
    '',
  );
  if (!/^https?:\/\//.test(url))
    throw new UsageError(`--url must start with http:// or https://, got "${url}"`);
  const urlRegion = executeApiRegion(url);
  const auth = stringOption(input, 'auth') ?? (urlRegion ? 'iam' : 'token');
  if (auth !== 'token' && auth !== 'iam') throw new UsageError(`--auth is "token" or "iam", got "${auth}"`);
  const region = urlRegion ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (auth === 'iam' && !region) {
    throw new UsageError('--auth iam needs the AWS region: set AWS_REGION (e.g. eu-west-2)');
  }
  const token = stringOption(input, 'token') ?? env.CATCHMENTS_ADMIN_TOKEN;
  if (auth === 'token' && !token) {
    throw new UsageError(
      'the admin API needs its token: --token <token> or CATCHMENTS_ADMIN_TOKEN (the value the service was started with)',
    );
  }
  const author = stringOption(input, 'author') ?? env.USER ?? env.USERNAME ?? 'cli';
  return { url, area, token, auth, region, author };
}

export interface AdminResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly json: unknown;
  readonly text: string;
}

/** An answer of 400 or more, with the problem+json body's title, detail and listed problems. */
export class AdminApiError extends Error {
  override readonly name = 'AdminApiError';
  constructor(
    readonly status: number,
    readonly problem: {
      title?: string;
      detail?: string;
      problems?: { kind: string; message: string; feature?: string }[];
    },
  ) {
    super(`${problem.title ?? `HTTP ${status}`}: ${problem.detail ?? ''}`.trim());
  }
}

export async function adminRequest(
  target: AdminTarget,
  method: string,
  path: string,
  options: { body?: string | Uint8Array; contentType?: string; headers?: Record<string, string> } = {},
): Promise<AdminResponse> {
  const url = `${target.url}/v1/admin/areas/${encodeURIComponent(target.area)}${path}`;
  let headers: Record<string, string> = {
    'X-Author': target.author,
    ...(options.contentType ? { 'Content-Type': options.contentType } : {}),
    ...options.headers,
  };
  if (target.auth === 'iam') headers = await signedHeaders(target, method, url, headers, options.body);
  else headers.Authorization = `Bearer ${target.token}`;
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers,
      ...(options.body !== undefined ? { body: options.body } : {}),
    });
  } catch (error) {
    throw new UsageError(
      `cannot reach ${target.url} (${(error as Error).message}). Is the service running (npm start with CATCHMENTS_ADMIN_TOKEN set)?`,
    );
  }
  const text = await response.text();
  let json: unknown = null;
  if (text && (response.headers.get('content-type') ?? '').includes('json')) json = JSON.parse(text);
  if (response.status >= 400) {
    if (response.status === 404 && !json) {
      throw new UsageError(
        `${target.url} has no admin API (is CATCHMENTS_ADMIN_TOKEN set where the service runs?)`,
      );
    }
    throw new AdminApiError(response.status, (json ?? {}) as AdminApiError['problem']);
  }
  return { status: response.status, headers: response.headers, json, text };
}

/** The request's headers plus a SigV4 signature made with the caller's AWS credentials. */
async function signedHeaders(
  target: AdminTarget,
  method: string,
  url: string,
  headers: Record<string, string>,
  body: string | Uint8Array | undefined,
): Promise<Record<string, string>> {
  // Loaded only for signed calls: the credential chain is not needed against a local service.
  const { createSigV4Signer, defaultCredentialSource } = await import('../adapters/sigv4-signer.js');
  const sign = createSigV4Signer({ region: target.region!, credentials: await defaultCredentialSource() });
  return sign({ method, url, headers, ...(body !== undefined ? { body } : {}) });
}

/** Prints an API error the way a planner can act on: the detail, then each listed problem. */
export function describeApiError(error: AdminApiError): string {
  const lines = [error.message];
  for (const p of error.problem.problems?.slice(0, 20) ?? []) {
    lines.push(`  - [${p.kind}]${p.feature ? ` ${p.feature}:` : ''} ${p.message}`);
  }
  const more = (error.problem.problems?.length ?? 0) - 20;
  if (more > 0) lines.push(`  … and ${more} more`);
  return `${lines.join('\n')}\n`;
}

/** Runs an admin call, turning API errors into a printed message and an exit code (1: the request was refused on its merits). */
export async function withApiErrors(input: CommandInput, run: () => Promise<number>): Promise<number> {
  try {
    return await run();
  } catch (error) {
    if (!(error instanceof AdminApiError)) throw error;
    input.io.stderr.write(describeApiError(error));
    // 401/400/415/428 are usage; 404/409/422 are findings about the draft or the versions.
    return [404, 409, 412, 422].includes(error.status) ? 1 : 2;
  }
}

export function printJson(input: CommandInput, value: unknown): void {
  input.io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

interface DraftView {
  area: string;
  revision: number;
  baseVersion: number | null;
  updatedAt: string;
  updatedBy: string;
  publishedAs: number | null;
  areaInfo: { name: string };
  layers: Record<string, { features: number; bytes: number }>;
  sites: { hubs: number; spokes: number } | null;
}

/** A draft, readably. */
export function describeDraft(value: unknown): string {
  const d = value as DraftView;
  const lines = [
    `Draft of ${d.area} (${d.areaInfo.name}) — revision ${d.revision}, based on ${d.baseVersion === null ? 'nothing (new area)' : `v${d.baseVersion}`}`,
    `  last changed by ${d.updatedBy} at ${d.updatedAt}${d.publishedAs !== null ? `; PUBLISHED as v${d.publishedAs}` : ''}`,
  ];
  for (const [name, info] of Object.entries(d.layers)) {
    lines.push(`  layer ${name.padEnd(17)} ${String(info.features).padStart(6)} features  ${kb(info.bytes)}`);
  }
  lines.push(d.sites ? `  sites: ${d.sites.hubs} hubs, ${d.sites.spokes} spokes` : '  sites: none yet');
  return `${lines.join('\n')}\n`;
}

function kb(bytes: number): string {
  return bytes >= 1_048_576 ? `${(bytes / 1_048_576).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`;
}
