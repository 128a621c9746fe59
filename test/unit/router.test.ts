// The route tree answers exactly as a scan of the route table in order would (the oracle below):
// every route's own path, paths with encoded and empty parameters, trailing slashes, wrong methods.
import { describe, expect, it } from 'vitest';
import { MethodNotAllowedError, NotFoundError } from '../../functions/core/errors.js';
import { Router } from '../../functions/http/router.js';
import { type ApiRoute, ROUTES } from '../../functions/http/routes.js';

/** The oracle: the first route in table order whose pattern matches, as a regular expression. */
function scan(routes: readonly ApiRoute[], method: string, path: string) {
  const clean = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  const matching = routes.flatMap((route) => {
    const names: string[] = [];
    const pattern = route.path.replace(/\{([^}]+)\}/g, (_, name: string) => {
      names.push(name);
      return '([^/]+)';
    });
    const m = new RegExp(`^${pattern}$`).exec(clean);
    if (!m) return [];
    const params: Record<string, string> = {};
    names.forEach((n, i) => {
      let v = m[i + 1]!;
      try {
        v = decodeURIComponent(v);
      } catch {}
      params[n] = v;
    });
    return [{ route, params }];
  });
  const hit = matching.find(
    (c) => c.route.method === method || (method === 'HEAD' && c.route.method === 'GET'),
  );
  return { hit, allowed: matching.map((c) => c.route.method) };
}

const samplesOf = (route: ApiRoute) => [
  route.path.replace(/\{[^}]+\}/g, 'x1'),
  route.path.replace(/\{[^}]+\}/g, 'GL1%201AD'),
  `${route.path.replace(/\{[^}]+\}/g, 'a%ZZb')}/`,
  route.path.replace(/\{[^}]+\}/g, ''),
  route.path.replace(/\{[^}]+\}/g, 'versions'),
  route.path.replace(/\{[^}]+\}/g, 'nearest'),
];

describe('Router', () => {
  const router = new Router(ROUTES);
  const paths = [...new Set([...ROUTES.flatMap(samplesOf), '/', '/v1', '/nope', '/v1/postcodes', '//', ''])];

  it('matches every sample path as the in-order scan of the table does', () => {
    let compared = 0;
    for (const path of paths) {
      for (const method of ['GET', 'HEAD', 'POST', 'PUT', 'DELETE']) {
        const want = scan(ROUTES, method, path);
        expect(router.allowedMethods(path)).toEqual(want.allowed);
        if (want.hit) {
          const got = router.match(method, path);
          expect(got.route).toBe(want.hit.route);
          expect({ ...got.params }).toEqual(want.hit.params);
          compared++;
        } else if (want.allowed.length > 0) {
          expect(() => router.match(method, path)).toThrow(MethodNotAllowedError);
        } else {
          expect(() => router.match(method, path)).toThrow(NotFoundError);
        }
      }
    }
    expect(compared).toBeGreaterThan(ROUTES.length);
  });

  it('gives the template of a path, never its parameters', () => {
    expect(router.templateOf('/v1/postcodes/GL1%201AD')).toBe('/v1/postcodes/{postcode}');
    expect(router.templateOf('/v1/nothing/here')).toBeNull();
  });
});
