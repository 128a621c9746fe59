// The analysis service's redraw impact and the publish checks it runs (issue 15): they carry the
// configured validity budget, so a draft past it gets the clear 422 at once instead of a long run, and
// they are run once per draft revision (or version), whatever the impact's other parameters, in a
// bounded cache that forgets failures.
import { describe, expect, it } from 'vitest';
import { MemoryEventPublisher } from '../../functions/adapters/events/memory-event-publisher.js';
import {
  EmbeddedBoundaryStore,
  MEMORY_STORE,
} from '../../functions/adapters/store/embedded-boundary-store.js';
import { inlineRunner, type ValidityBudget } from '../../functions/application/analysis-jobs.js';
import { AnalysisService } from '../../functions/application/analysis-service.js';
import { BoundarySetService } from '../../functions/application/boundary-set-service.js';
import type { AnalysisRunner } from '../../functions/application/ports/analysis-runner.js';
import { PromiseCache } from '../../functions/application/promise-cache.js';
import { InvalidGeometryError } from '../../functions/core/errors.js';
import type { Layer } from '../../functions/core/model.js';
import { edition, testshireDirectoryCsv, testshireSet } from '../support/boundary-sets.js';
import { star } from '../support/hostile-layers.js';

const AREA = 'testshire';
const REQUEST = { maxListed: 10, threshold: 0.95 };

/** The inline runner, counting the jobs it runs. */
function countingRunner(): { runner: AnalysisRunner; runs: (job: string) => number } {
  const calls: string[] = [];
  return {
    runner: {
      run: (job, input) => {
        calls.push(job);
        return inlineRunner.run(job, input);
      },
      close: async () => {},
    },
    runs: (job) => calls.filter((c) => c === job).length,
  };
}

/** Testshire edition 1 published, and a draft of edition 2's catchments. */
async function setUp(validity?: ValidityBudget) {
  const set = await testshireSet();
  const store = await EmbeddedBoundaryStore.open(MEMORY_STORE);
  const service = new BoundarySetService({
    store,
    events: new MemoryEventPublisher(),
    sliverToleranceM2: 100,
  });
  await service.putDirectory(AREA, await testshireDirectoryCsv(), 'seed');
  await service.importSet(edition(set, 1), 'seed', 'edition 1');
  await service.createDraft(AREA, { from: 'active' }, 'ann');
  const putCatchments = (catchments: Layer) =>
    service.putDraftLayer(AREA, 'catchments', catchments, { idProperty: 'id' }, 'ann');
  await putCatchments(edition(set, 2).layers.catchments!);
  const { runner, runs } = countingRunner();
  const analysis = new AnalysisService({
    store,
    sliverToleranceM2: 100,
    refreshMs: 0,
    runner,
    ...(validity ? { validity } : {}),
  });
  return { set, analysis, runs, putCatchments };
}

describe('redraw impact: the publish checks of the new set', () => {
  it('are run once per draft revision, whatever the impact’s parameters', async () => {
    const { set, analysis, runs, putCatchments } = await setUp();
    const first = await analysis.draftImpact(AREA, REQUEST);
    const longer = await analysis.draftImpact(AREA, { ...REQUEST, maxListed: 20 });
    expect(runs('redrawImpact')).toBe(2);
    expect(runs('validateDraft')).toBe(1);
    expect(longer.validation).toEqual(first.validation);
    // The same answer as a service with nothing cached computes.
    const fresh = (await setUp()).analysis;
    expect((await fresh.draftImpact(AREA, REQUEST)).validation).toEqual(first.validation);

    // A new revision is checked again.
    await putCatchments(edition(set, 4).layers.catchments!);
    const next = await analysis.draftImpact(AREA, REQUEST);
    expect(next.draft!.revision).toBe(first.draft!.revision + 1);
    expect(runs('validateDraft')).toBe(2);
  });

  it('carry the configured budget: a hostile draft gets the clear 422 at once, and is not cached', async () => {
    const { set, analysis, runs, putCatchments } = await setUp({ maxVertices: 10_000, maxMs: 5_000 });
    const catchments = edition(set, 2).layers.catchments!;
    await putCatchments({
      ...catchments,
      features: catchments.features.map((f) =>
        f.properties.id === 'hub-b' ? { ...f, geometry: star(20_000, { cx: -1.95, cy: 51.05 }) } : f,
      ),
    });
    for (let attempt = 1; attempt <= 2; attempt++) {
      const started = performance.now();
      const error = await analysis.draftImpact(AREA, REQUEST).catch((e: unknown) => e);
      expect(performance.now() - started).toBeLessThan(5_000);
      // InvalidGeometryError is the 422 (functions/http/problem.ts).
      expect(error).toBeInstanceOf(InvalidGeometryError);
      expect((error as Error).message).toMatch(/^No impact computed: .*over its budget of 10,000.*Simplify/);
      expect(runs('validateDraft')).toBe(attempt);
    }
    expect(runs('redrawImpact')).toBe(0);
  });
});

describe('PromiseCache', () => {
  it('keeps at most its bound, least recently used out first, and forgets failures', async () => {
    const cache = new PromiseCache<number>(2);
    let made = 0;
    const make = (value: number) => () => {
      made++;
      return Promise.resolve(value);
    };
    await cache.get('a', make(1));
    await cache.get('b', make(2));
    expect(await cache.get('a', make(99))).toBe(1); // a is now the most recent
    await cache.get('c', make(3)); // evicts b
    expect(made).toBe(3);
    expect(await cache.get('a', make(99))).toBe(1);
    expect(await cache.get('b', make(22))).toBe(22);
    expect(made).toBe(4);

    await expect(cache.get('d', () => Promise.reject(new Error('no')))).rejects.toThrow('no');
    expect(await cache.get('d', make(4))).toBe(4);
  });
});
