// The compiled local server (dist/server.js, what `npm start` runs) answers as the sources do: it
// finds the sample data, the web pages and the branding file from inside dist/, so a module that
// locates files next to itself keeps working once bundled.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('../..', import.meta.url));
let child: ChildProcess;
let url: string;

beforeAll(async () => {
  child = spawn(process.execPath, [path.join(repo, 'dist', 'server.js')], {
    cwd: mkdtempSync(path.join(tmpdir(), 'compiled-server-')), // not the repository: paths must not depend on it
    env: {
      PATH: process.env.PATH ?? '',
      PORT: '0',
      LOG_LEVEL: 'warn',
      CATCHMENTS_STORE_DIR: path.join(mkdtempSync(path.join(tmpdir(), 'compiled-store-')), 'store'),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  url = await new Promise<string>((resolve, reject) => {
    let seen = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(seen);
      if (match) resolve(match[1]!);
    });
    child.on('exit', (code) => reject(new Error(`dist/server.js exited ${code}: ${seen}`)));
  });
});
afterAll(() => {
  child.kill('SIGTERM');
});

describe('dist/server.js', () => {
  it('serves the sample area it seeded from data/', async () => {
    const answer = await fetch(`${url}/v1/postcodes/GL1%201AD`);
    expect(answer.status).toBe(200);
    expect(((await answer.json()) as { area: string }).area).toBe('gloucestershire');
  });

  it('runs analysis in its worker pool (dist/analysis-worker.js beside the chunks)', async () => {
    const answer = await fetch(`${url}/v1/areas/gloucestershire/alignment`);
    expect(answer.status).toBe(200);
    const body = (await answer.json()) as { area: string };
    expect(body.area).toBe('gloucestershire');
  });

  it('serves the built web pages', async () => {
    const page = await fetch(`${url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
  });
});
