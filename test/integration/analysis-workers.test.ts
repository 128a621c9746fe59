// The analysis runner of the local server: jobs run in worker threads with the same results as
// inline, typed errors survive the trip, and every job is bounded (deadline, memory cap, queue), while
// the serving thread stays free — its event loop keeps turning during a multi-second job.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { WorkerAnalysisRunner } from '../../functions/adapters/analysis/worker-runner.js';
import { listAreaDirs, readBoundarySetDir } from '../../functions/adapters/boundary-set-files.js';
import { type CheckDraftInput, inlineRunner } from '../../functions/application/analysis-jobs.js';
import { InvalidGeometryError, ServiceUnavailableError } from '../../functions/core/errors.js';
import type { BoundarySet } from '../../functions/core/model.js';
import { SAMPLE_DIR } from '../support/fixtures.js';

const runners: WorkerAnalysisRunner[] = [];
function runner(options: Partial<ConstructorParameters<typeof WorkerAnalysisRunner>[0]> = {}) {
  const made = new WorkerAnalysisRunner({
    threads: 1,
    timeoutMs: 60_000,
    memoryMb: 512,
    maxQueue: 4,
    ...options,
  });
  runners.push(made);
  return made;
}
afterAll(async () => {
  for (const r of runners) await r.close();
});

/** The sample area's draft checks: validation and 22,000 postcode answers, ~1-2 s of work. */
async function sampleCheck(): Promise<CheckDraftInput> {
  const dir = listAreaDirs(SAMPLE_DIR)[0]!;
  const set: BoundarySet = await readBoundarySetDir(dir, null);
  const csv = gunzipSync(await readFile(path.join(dir, 'postcodes.csv.gz'))).toString('utf8');
  return {
    area: set.area.id,
    draft: { area: set.area, layers: set.layers, sites: set.sites },
    directory: { stamp: 'sample', csv },
    sliverToleranceM2: 100,
  };
}

describe('analysis in worker threads', () => {
  it('gives the same answers as inline, and keeps the serving thread free meanwhile', async () => {
    const input = await sampleCheck();
    const workers = runner();
    // The event loop of this thread, sampled every 10 ms while the job runs elsewhere.
    let worstLagMs = 0;
    let last = performance.now();
    const ticker = setInterval(() => {
      const now = performance.now();
      worstLagMs = Math.max(worstLagMs, now - last - 10);
      last = now;
    }, 10);
    const started = performance.now();
    const inWorker = await workers.run('checkDraft', input);
    const workerMs = performance.now() - started;
    clearInterval(ticker);
    const inline = await inlineRunner.run('checkDraft', input);
    expect(inWorker).toEqual(inline);
    expect(inWorker.postcodes.assigned).toBeGreaterThan(20_000);
    expect(workerMs).toBeGreaterThan(200);
    // Copying the input and the answers costs the serving thread a few ms; the work costs it nothing.
    expect(worstLagMs).toBeLessThan(Math.min(250, workerMs / 3));
  });

  it('carries typed errors across threads', async () => {
    const input = await sampleCheck();
    const { catchments: _dropped, ...layers } = input.draft.layers;
    const error = await runner()
      .run('redrawImpact', {
        area: input.area,
        from: {
          ...input.draft,
          version: 1,
          layers: { ...layers, catchments: input.draft.layers.catchments! },
        } as never,
        to: { ...input.draft, layers },
        directory: null,
        fromAssignments: '',
        maxListed: 10,
        threshold: 0.95,
        sliverToleranceM2: 100,
        labels: { from: 'v1', to: 'draft' },
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidGeometryError);
    expect((error as InvalidGeometryError).message).toMatch(/has no catchments layer yet/);
    expect((error as InvalidGeometryError).problems.length).toBeGreaterThan(0);
  });

  it('stops a job at its deadline with a 422, and frees its worker for the next job', async () => {
    const input = await sampleCheck();
    const workers = runner({ timeoutMs: 50 });
    for (let attempt = 0; attempt < 3; attempt++) {
      // Each attempt gets a fresh worker (the last one was terminated) and the same deadline: were
      // the slot not freed, the second attempt would wait for it and fail as "busy" instead.
      const started = performance.now();
      const error = await workers.run('checkDraft', input).catch((e: unknown) => e);
      expect(performance.now() - started).toBeLessThan(2_000);
      expect(error).toBeInstanceOf(InvalidGeometryError);
      expect((error as Error).message).toMatch(/took longer than 0.05 s and was stopped; nothing was saved/);
    }
  });

  it('stops a job that needs more memory than its cap, with a 422, and the process lives on', async () => {
    const workers = runner({ memoryMb: 32 });
    // Many small objects, as a real layer is: the worker's heap fills gradually and it is terminated.
    const features = Array.from({ length: 100_000 }, (_, i) => ({
      type: 'Feature',
      properties: { id: `f${i}`, name: `Feature ${i}` },
      geometry: {
        type: 'Polygon',
        coordinates: [
          [
            [0, 0],
            [0.001, 0],
            [0.001, 0.001],
            [0, 0],
          ],
        ],
      },
    }));
    const error = await workers
      .run('uploadedLayer', {
        upload: { type: 'FeatureCollection', features },
        options: { idProperty: 'id', limits: { maxFeatures: 1e6, maxVerticesPerLayer: 1e7 } },
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidGeometryError);
    expect((error as Error).message).toMatch(/needed more than 32 MB and was stopped/);
    expect(await workers.run('directoryCheck', { csv: 'postcode,lat,lng,status,terminated\n' })).toEqual({
      postcodes: 0,
    });
  });

  it('refuses work with a 503 when the workers are busy and the queue is full', async () => {
    const input = await sampleCheck();
    const workers = runner({ maxQueue: 1 });
    const results = await Promise.allSettled([
      workers.run('checkDraft', input),
      workers.run('checkDraft', { ...input, directory: { ...input.directory!, stamp: 'other' } }),
      workers.run('checkDraft', input),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected']);
    expect((results[2] as PromiseRejectedResult).reason).toBeInstanceOf(ServiceUnavailableError);
  });
});
