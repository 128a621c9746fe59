// A first start killed at any moment (kill -9 of a real child process) leaves a store that the next
// start heals: it serves version 1 of every area, once, with no leftover draft or temporary file.
// The child (test/support/seed-child.ts, bundled once with esbuild so each child starts in a
// fraction of a second) seeds the Testshire fixture and stops before a chosen write; the kill points
// are the first write of every kind of step of the first start, found by a dry run.
import { type ChildProcess, fork } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../functions/config.js';
import { startLocalApp } from '../../functions/local-app.js';
import { expectedHub } from '../support/boundary-sets.js';
import { FIXTURE_AREAS_DIR } from '../support/fixtures.js';

const SOURCE = fileURLToPath(new URL('../support/seed-child.ts', import.meta.url));
// Inside node_modules, so the bundle's packages (left external) resolve as they do for the source.
const CACHE = fileURLToPath(new URL('../../node_modules/.cache/catchments-tests/', import.meta.url));
const CHILD = path.join(CACHE, `seed-child-${process.pid}.mjs`);
const base = await mkdtemp(path.join(tmpdir(), 'catchments-first-start-'));
beforeAll(async () => {
  await mkdir(CACHE, { recursive: true });
  await build({
    entryPoints: [SOURCE],
    outfile: CHILD,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'error',
  });
});
afterAll(async () => {
  await rm(base, { recursive: true, force: true });
  await rm(CHILD, { force: true });
});

interface ChildReport {
  readonly stoppedAt?: number;
  readonly step?: string;
  readonly done?: boolean;
  readonly writes?: string[];
}

/** Runs the child's seeding on `dir`, killing it with SIGKILL when it stops at `stopAt`. */
function runChild(dir: string, stopAt: number): Promise<ChildReport> {
  const child: ChildProcess = fork(CHILD, [dir, FIXTURE_AREAS_DIR, String(stopAt)], {
    execArgv: [],
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (c: string) => {
    stderr += c;
  });
  return new Promise((resolve, reject) => {
    let report: ChildReport | undefined;
    child.on('message', (message: ChildReport) => {
      report = message;
      if (message.stoppedAt !== undefined) child.kill('SIGKILL');
    });
    child.on('exit', (code, signal) => {
      if (report?.stoppedAt !== undefined && signal === 'SIGKILL') resolve(report);
      else if (report?.done && code === 0) resolve(report);
      else reject(new Error(`seed child exited with ${code ?? signal}: ${stderr.slice(-2000)}`));
    });
  });
}

/** Starts the real local app on the folder, checks what it serves, and stops it. */
async function startAndCheck(dir: string): Promise<void> {
  const app = await startLocalApp(
    loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      CATCHMENTS_STORE_DIR: dir,
      CATCHMENTS_DATA_DIR: FIXTURE_AREAS_DIR,
    }),
  );
  try {
    const health = (await (await fetch(`${app.url}/health`)).json()) as { areas: unknown };
    expect(health.areas).toEqual([{ id: 'testshire', version: 1 }]);
    const answer = await fetch(`${app.url}/v1/postcodes/TE1%201AA`);
    expect(answer.status).toBe(200);
    expect(((await answer.json()) as { hub: { id: string } }).hub.id).toBe(expectedHub(1, 'TE1 1AA'));
    expect((await app.store.versions('testshire')).map((v) => v.version)).toEqual([1]);
    expect(await app.store.draftMeta('testshire')).toBeNull();
  } finally {
    await app.close();
  }
}

async function temporaryFiles(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && entry.name.endsWith('.tmp')) found.push(entry.name);
  }
  return found;
}

let n = 0;
const freshDir = () => path.join(base, String(n++));

describe('first start killed with SIGKILL', () => {
  it('resumes from the first write of every step and serves version 1', { timeout: 300_000 }, async () => {
    const dry = await runChild(freshDir(), -1);
    const writes = dry.writes!;
    // The first write of each kind of step, and the last write: ~15 points for one area.
    const points = writes
      .map((step, i) => ({ step, i }))
      .filter(({ step, i }) => writes.indexOf(step) === i || i === writes.length - 1);
    expect(points.map((p) => p.step)).toEqual(
      expect.arrayContaining([
        'put AREAS DIRECTORY',
        'put AREAS HEAD',
        'put AREA DRAFT',
        'put AREA VERSION',
        'put LOCAL SEEDED',
        'put blob part',
        'put blob part (routing)',
      ]),
    );
    const failures: string[] = [];
    for (const { step, i } of points) {
      const dir = freshDir();
      const report = await runChild(dir, i);
      expect(report.stoppedAt).toBe(i);
      try {
        await startAndCheck(dir);
        // The healed store stays healed: a second start changes nothing.
        await startAndCheck(dir);
        expect(await temporaryFiles(dir)).toEqual([]);
      } catch (error) {
        failures.push(`killed before write ${i} (${step}): ${(error as Error).message.split('\n')[0]}`);
      }
    }
    expect(failures).toEqual([]);
  });
});
