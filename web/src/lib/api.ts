// Talking to the API: JSON in and out, RFC 9457 problems turned into ApiError with the service's
// own words (`detail`), and the config file the pages read first.
import type { WebConfigShape } from './types.js';

export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly [extension: string]: unknown;
}

export class ApiError extends Error {
  /** HTTP status, or 0 when the service could not be reached. */
  readonly status: number;
  readonly problem: Problem | null;

  constructor(status: number, problem: Problem | null, message: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.problem = problem;
  }

  /** The last segment of the problem type, e.g. `invalid-postcode`; '' when there is none. */
  get code(): string {
    return this.problem?.type.split('/').pop() ?? '';
  }
}

export interface JsonResponse<T> {
  readonly data: T;
  readonly etag: string | null;
  readonly status: number;
}

export interface RequestOptions {
  readonly method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly body?: unknown;
  /** Sent as is, e.g. an uploaded file (JSON text, or a zip as a Blob). */
  readonly rawBody?: string | Blob;
  /** The rawBody's Content-Type. @default application/json */
  readonly contentType?: string;
  readonly headers?: Record<string, string>;
  readonly signal?: AbortSignal;
}

export class Api {
  constructor(
    private readonly base: string,
    private readonly token: () => string | null = () => null,
    /**
     * The browser cache mode. The public page uses the default (answers may be up to the API's
     * max-age old, like any cache); the planner revalidates everything ('no-cache'), because right
     * after a publish it must see the version it just made active.
     */
    private readonly cache: RequestCache = 'default',
  ) {}

  url(path: string): string {
    return `${this.base}${path}`;
  }

  async json<T>(path: string, options: RequestOptions = {}): Promise<JsonResponse<T>> {
    const headers: Record<string, string> = {
      Accept: 'application/json, application/geo+json, application/problem+json',
    };
    const token = this.token();
    if (token) headers.Authorization = `Bearer ${token}`;
    let body: string | Blob | undefined;
    if (options.rawBody !== undefined) body = options.rawBody;
    else if (options.body !== undefined) body = JSON.stringify(options.body);
    if (body !== undefined) headers['Content-Type'] = options.contentType ?? 'application/json';
    let response: Response;
    try {
      response = await fetch(this.url(path), {
        method: options.method ?? 'GET',
        cache: this.cache,
        headers: { ...headers, ...options.headers },
        ...(body !== undefined ? { body } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      });
    } catch (error) {
      if ((error as Error).name === 'AbortError') throw error;
      throw new ApiError(0, null, 'The service could not be reached. Check your connection and try again.');
    }
    const text = await response.text();
    const type = response.headers.get('content-type') ?? '';
    let parsed: unknown = null;
    if (text && /json/.test(type)) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = null;
      }
    }
    if (!response.ok) {
      const problem = isProblem(parsed) ? parsed : null;
      throw new ApiError(
        response.status,
        problem,
        problem?.detail ?? `The service answered ${response.status} ${response.statusText}.`,
      );
    }
    return { data: parsed as T, etag: response.headers.get('etag'), status: response.status };
  }
}

function isProblem(value: unknown): value is Problem {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Problem).type === 'string' &&
    typeof (value as Problem).detail === 'string'
  );
}

/** The pages' settings (web/src/config.json and the branding, served as /assets/config.json). */
export async function loadConfig(): Promise<WebConfigShape> {
  const fallback: WebConfigShape = { apiBase: '', tiles: null, basemap: null, areas: [] };
  try {
    const response = await fetch('/assets/config.json', { headers: { Accept: 'application/json' } });
    if (!response.ok) return fallback;
    return readConfig((await response.json()) as Partial<WebConfigShape>);
  } catch {
    return fallback;
  }
}

/** A config as sent, with anything missing or of the wrong type left at its default. */
export function readConfig(value: Partial<WebConfigShape>): WebConfigShape {
  const basemap = value.basemap;
  return {
    apiBase: typeof value.apiBase === 'string' ? value.apiBase.replace(/\/$/, '') : '',
    tiles:
      value.tiles && typeof value.tiles.url === 'string'
        ? {
            url: value.tiles.url,
            attribution: String(value.tiles.attribution ?? ''),
            ...(typeof value.tiles.maxzoom === 'number' ? { maxzoom: value.tiles.maxzoom } : {}),
          }
        : null,
    basemap:
      basemap && typeof basemap.url === 'string'
        ? {
            url: basemap.url,
            attribution: String(basemap.attribution ?? ''),
            maxzoom: typeof basemap.maxzoom === 'number' ? basemap.maxzoom : 15,
          }
        : null,
    areas: Array.isArray(value.areas) ? value.areas.filter((a): a is string => typeof a === 'string') : [],
  };
}
