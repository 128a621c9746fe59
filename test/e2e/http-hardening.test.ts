// The local server as an attacker and an unlucky client meet it: the admin token is checked before
// any body is read, admin CORS names only configured origins, a layer that is not UTF-8 is refused
// (not silently repaired), and a client that hangs up mid-request is an info line, not an error.
import { request } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../functions/config.js';
import { createLogger } from '../../functions/http/logger.js';
import { type LocalApp, startLocalApp } from '../../functions/local-app.js';
import { testshireSet } from '../support/boundary-sets.js';
import { FIXTURE_AREAS_DIR } from '../support/fixtures.js';

const TOKEN = 'hardening-admin-token-0123456789';
const ADMIN = '/v1/admin/areas/testshire';
const MB5 = 5 * 1024 * 1024;

let app: LocalApp;
const lines: string[] = [];
beforeAll(async () => {
  app = await startLocalApp(
    loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      CATCHMENTS_STORE_DIR: ':memory:',
      CATCHMENTS_DATA_DIR: FIXTURE_AREAS_DIR,
      CATCHMENTS_ADMIN_TOKEN: TOKEN,
      CATCHMENTS_CORS_ORIGINS: '*',
      CATCHMENTS_ADMIN_CORS_ORIGINS: 'https://gis.council.example',
    }),
    createLogger('info', (line) => lines.push(line)),
  );
});
afterAll(async () => {
  await app.close();
});

/**
 * Starts a PUT of a 5 MB body, sends only its first 64 KiB, and waits for an answer. Resolves with
 * the status and how many body bytes had been sent when it came; rejects if none comes in `ms`.
 */
function partialUpload(path: string, headers: Record<string, string | undefined>, ms = 5000) {
  const url = new URL(app.url + path);
  return new Promise<{ status: number; sent: number; body: string }>((resolve, reject) => {
    let sent = 0;
    const req = request({
      host: url.hostname,
      port: url.port,
      path,
      method: 'PUT',
      headers: { 'Content-Type': 'application/json', 'Content-Length': String(MB5), ...headers },
    });
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Error(`no answer within ${ms} ms after ${sent} of ${MB5} bytes`));
    }, ms);
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        body += c;
      });
      res.on('end', () => {
        clearTimeout(timer);
        req.destroy();
        resolve({ status: res.statusCode ?? 0, sent, body });
      });
    });
    req.on('error', () => {}); // the server closes the connection after answering
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    sent += chunk.length;
    req.write(chunk);
  });
}

describe('admin authentication comes before the body', () => {
  it('refuses an unauthenticated 5 MB upload at once, having read 64 KiB of it', async () => {
    for (const headers of [{}, { Authorization: 'Bearer not-the-token-at-all' }]) {
      for (const path of [`${ADMIN}/draft/layers/catchments?idProperty=id`, `${ADMIN}/draft/sites`]) {
        const started = performance.now();
        const answer = await partialUpload(path, headers);
        expect(answer.status, path).toBe(401);
        expect(answer.sent).toBe(64 * 1024);
        expect(JSON.parse(answer.body)).toMatchObject({ type: '/problems/unauthorized', status: 401 });
        expect(performance.now() - started).toBeLessThan(2000);
      }
    }
  });

  it('keeps answering lookups while 200 unauthenticated uploads hang open', async () => {
    const uploads = Array.from({ length: 200 }, () =>
      partialUpload(`${ADMIN}/draft/layers/catchments?idProperty=id`, {}, 10_000),
    );
    const answers = await Promise.all(uploads);
    expect(answers.every((a) => a.status === 401)).toBe(true);
    const started = performance.now();
    const r = await fetch(`${app.url}/health`);
    expect(r.status).toBe(200);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('still reads the body of an authenticated upload', async () => {
    const r = await fetch(`${app.url}${ADMIN}/draft`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ replace: true }),
    });
    expect(r.status).toBe(201);
  });
});

describe('admin CORS', () => {
  const preflight = (path: string, origin: string) =>
    fetch(app.url + path, {
      method: 'OPTIONS',
      headers: { Origin: origin, 'Access-Control-Request-Method': 'PUT' },
    });

  it('never answers "*" on admin routes, even when the public API allows any origin', async () => {
    for (const path of [`${ADMIN}/draft`, `${ADMIN}/draft/impact`, `${ADMIN}/versions`]) {
      const stranger = await preflight(path, 'https://evil.example');
      expect(stranger.headers.get('access-control-allow-origin'), path).toBeNull();
      const planner = await preflight(path, 'https://gis.council.example');
      expect(planner.headers.get('access-control-allow-origin'), path).toBe('https://gis.council.example');
      expect(planner.headers.get('vary')).toBe('Origin');
    }
    const answer = await fetch(`${app.url}${ADMIN}/versions`, {
      headers: { Authorization: `Bearer ${TOKEN}`, Origin: 'https://evil.example' },
    });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
    // The public API and the public alignment summary keep their own (open) policy.
    const lookups = await preflight('/v1/lookups', 'https://evil.example');
    expect(lookups.headers.get('access-control-allow-origin')).toBe('*');
    const summary = await preflight('/v1/areas/testshire/alignment', 'https://evil.example');
    expect(summary.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('refuses "*" as an admin origin in the configuration', () => {
    expect(() => loadConfig({ CATCHMENTS_ADMIN_CORS_ORIGINS: '*' })).toThrow(/CATCHMENTS_ADMIN_CORS_ORIGINS/);
    expect(() => loadConfig({ CATCHMENTS_ADMIN_CORS_ORIGINS: 'https://a.example/path' })).toThrow();
    expect(loadConfig({}).admin.corsOrigins).toEqual([]);
  });
});

describe('bodies that are not UTF-8', () => {
  it('refuses a layer with a Latin-1 byte, naming where, and keeps the draft as it was', async () => {
    const auth = { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' };
    await fetch(`${app.url}${ADMIN}/draft`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ replace: true }),
    });
    const before = (await (await fetch(`${app.url}${ADMIN}/draft`, { headers: auth })).json()) as {
      revision: number;
    };
    const layer = (await testshireSet()).layers.catchments;
    const text = JSON.stringify(layer).replace('"name":"', '"name":"Caf\u00e9 ');
    const at = text.indexOf('Caf\u00e9') + 3;
    const bytes = Buffer.from(text, 'latin1'); // é as the single byte 0xE9
    const r = await fetch(`${app.url}${ADMIN}/draft/layers/catchments?idProperty=id`, {
      method: 'PUT',
      headers: auth,
      body: bytes,
    });
    expect(r.status).toBe(400);
    const problem = (await r.json()) as { type: string; detail: string; byteOffset: number };
    expect(problem.type).toBe('/problems/invalid-request');
    expect(problem.detail).toMatch(/not valid UTF-8.*0xe9.*UTF-8/);
    expect(problem.byteOffset).toBe(at);
    const after = (await (await fetch(`${app.url}${ADMIN}/draft`, { headers: auth })).json()) as {
      revision: number;
    };
    expect(after.revision).toBe(before.revision);
    // The same layer in UTF-8 is taken, accent and all.
    const good = await fetch(`${app.url}${ADMIN}/draft/layers/catchments?idProperty=id`, {
      method: 'PUT',
      headers: auth,
      body: Buffer.from(text, 'utf8'),
    });
    expect(good.status).toBe(200);
  });

  it('refuses a bulk lookup body with an overlong encoding', async () => {
    const prefix = Buffer.from('{"postcodes":["GL1');
    const body = Buffer.concat([prefix, Buffer.from([0xc0, 0xa0]), Buffer.from('1AA"]}')]);
    const r = await fetch(`${app.url}/v1/lookups`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body,
    });
    expect(r.status).toBe(400);
    expect(((await r.json()) as { byteOffset: number }).byteOffset).toBe(prefix.length);
  });
});

describe('clients that hang up', () => {
  it('logs a client abort as one info line, without a stack trace', async () => {
    const url = new URL(app.url);
    const before = lines.length;
    await new Promise<void>((resolve) => {
      const socket = connect(Number(url.port), url.hostname, () => {
        socket.write(
          'POST /v1/lookups HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"postcodes":',
        );
        setTimeout(() => {
          socket.destroy();
          resolve();
        }, 50);
      });
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const logged = lines.slice(before).map((l) => JSON.parse(l) as Record<string, unknown>);
    const aborts = logged.filter((l) => l.message === 'client closed the connection');
    expect(aborts).toHaveLength(1);
    expect(aborts[0]!.level).toBe('info');
    expect(logged.filter((l) => l.level === 'error')).toEqual([]);
    expect(JSON.stringify(logged)).not.toMatch(/\n\s+at |stack/);
  });
});
