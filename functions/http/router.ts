// Matches a method and path against the route table. Path parameters are percent-decoded; a path
// that exists with another method answers 405 with Allow, anything else 404.
import { MethodNotAllowedError, NotFoundError, truncate } from '../core/errors.js';
import type { ApiRoute } from './routes.js';

export interface RouteMatch<R extends ApiRoute = ApiRoute> {
  readonly route: R;
  readonly params: Readonly<Record<string, string>>;
}

interface CompiledRoute<R> {
  readonly route: R;
  readonly segments: readonly { readonly literal?: string; readonly param?: string }[];
}

export class Router<R extends ApiRoute = ApiRoute> {
  /** Routes by number of path segments: a path is only compared with routes of its length. */
  private readonly bySegments = new Map<number, CompiledRoute<R>[]>();

  constructor(readonly routes: readonly R[]) {
    for (const route of routes) {
      const segments = route.path
        .split('/')
        .slice(1)
        .map((s) => (s.startsWith('{') && s.endsWith('}') ? { param: s.slice(1, -1) } : { literal: s }));
      const list = this.bySegments.get(segments.length) ?? [];
      list.push({ route, segments });
      this.bySegments.set(segments.length, list);
    }
  }

  /** Allowed methods for a path (for CORS preflight and 405 answers); empty when no route matches. */
  allowedMethods(path: string): string[] {
    const parts = splitPath(path);
    return this.candidates(parts)
      .filter((c) => matchSegments(c, parts) !== null)
      .map((c) => c.route.method);
  }

  /** The path template a path matches (for logs that must not carry parameters), or null. */
  templateOf(path: string): string | null {
    const parts = splitPath(path);
    return this.candidates(parts).find((c) => matchSegments(c, parts) !== null)?.route.path ?? null;
  }

  match(method: string, path: string): RouteMatch<R> {
    const parts = splitPath(path);
    let allowed: string[] | null = null;
    for (const candidate of this.candidates(parts)) {
      const params = matchSegments(candidate, parts);
      if (params === null) continue;
      if (candidate.route.method === method || (method === 'HEAD' && candidate.route.method === 'GET')) {
        return { route: candidate.route, params };
      }
      allowed ??= [];
      allowed.push(candidate.route.method);
    }
    if (allowed) throw new MethodNotAllowedError(method, path, allowed);
    throw new NotFoundError(
      `No endpoint at ${truncate(path)}. See GET /openapi.json for the endpoints this API offers.`,
      { path: truncate(path) },
    );
  }

  private candidates(parts: readonly string[]): readonly CompiledRoute<R>[] {
    return this.bySegments.get(parts.length) ?? NONE;
  }
}

const NONE: readonly never[] = [];

function splitPath(path: string): string[] {
  const clean = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  return clean.split('/').slice(1);
}

function matchSegments<R>(
  candidate: CompiledRoute<R>,
  parts: readonly string[],
): Record<string, string> | null {
  let params: Record<string, string> | null = null;
  for (let i = 0; i < parts.length; i++) {
    const segment = candidate.segments[i]!;
    const part = parts[i]!;
    if (segment.literal !== undefined) {
      if (segment.literal !== part) return null;
    } else {
      if (part === '') return null;
      params ??= Object.create(null) as Record<string, string>;
      params[segment.param!] = safeDecode(part);
    }
  }
  return params ?? {};
}

/** Percent-decoding that never throws: a malformed escape is kept as typed and validated later. */
function safeDecode(part: string): string {
  if (!part.includes('%')) return part;
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}
