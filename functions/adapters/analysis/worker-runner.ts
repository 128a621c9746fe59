// The analysis runner of the local server: jobs run in a pool of worker threads (piscina), so a
// planner's validation, impact or alignment never stalls the thread that answers lookups.
//
// Every job is bounded: it runs at most `timeoutMs` (then its worker is terminated and the caller
// gets a 422 saying the work was too large), in a heap of at most `memoryMb` (the same 422 if it
// needs more), and waits at most `timeoutMs` for a free worker with at most `maxQueue` jobs
// waiting (beyond either, a 503 with Retry-After). Workers run at a lower OS priority (nice +10)
// than the serving thread.
//
// Why piscina rather than node:worker_threads by hand: the pool already does what a hand-written one
// would have to get right — restarting a worker that was terminated or ran out of memory,
// resource limits, aborting a running task by terminating its worker, thread niceness — and it is
// the Node.js project's own pool. Its queue is not used: jobs are admitted here only when a worker
// is free, so the deadline measures running time, not time spent queued behind another planner.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Piscina } from 'piscina';
import { JOB_DESCRIPTIONS } from '../../application/analysis-jobs.js';
import type {
  AnalysisJobName,
  AnalysisRunner,
  JobInput,
  JobOutput,
} from '../../application/ports/analysis-runner.js';
import type { Logger } from '../../application/ports/logger.js';
import { InvalidGeometryError, InvalidRequestError, ServiceUnavailableError } from '../../core/errors.js';
import type { WorkerResult, WorkerTask } from './analysis-worker.js';

export interface WorkerRunnerOptions {
  readonly threads: number;
  readonly timeoutMs: number;
  readonly memoryMb: number;
  readonly maxQueue: number;
  readonly logger?: Logger;
}

/** Running from TypeScript sources (tsx, vitest): the worker needs the same loader. */
const FROM_SOURCE = import.meta.url.endsWith('.ts');
const WORKER = new URL(`./analysis-worker.${FROM_SOURCE ? 'ts' : 'js'}`, import.meta.url);

export class WorkerAnalysisRunner implements AnalysisRunner {
  private readonly pool: Piscina<WorkerTask, WorkerResult>;
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly options: WorkerRunnerOptions) {
    this.pool = new Piscina({
      filename: WORKER.href,
      // Started on first use and kept for a while: a server nobody analyses on spends nothing.
      minThreads: 0,
      maxThreads: options.threads,
      idleTimeout: 10 * 60_000,
      resourceLimits: { maxOldGenerationSizeMb: options.memoryMb },
      niceIncrement: 10,
      ...(FROM_SOURCE
        ? { execArgv: ['--import', pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href] }
        : {}),
    });
  }

  async run<K extends AnalysisJobName>(job: K, input: JobInput<K>): Promise<JobOutput<K>> {
    await this.admit(job);
    const started = performance.now();
    let result: WorkerResult;
    try {
      result = await this.pool.run({ job, input }, { signal: AbortSignal.timeout(this.options.timeoutMs) });
    } catch (error) {
      throw this.stopped(job, error, performance.now() - started);
    } finally {
      this.release();
    }
    if (!result.ok) throw rebuild(result.error);
    return result.value as JobOutput<K>;
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }

  /** Waits for a free worker: at most `maxQueue` jobs wait, each at most `timeoutMs`. */
  private async admit(job: AnalysisJobName): Promise<void> {
    if (this.running < this.options.threads) {
      this.running++;
      return;
    }
    const busy = () =>
      new ServiceUnavailableError(
        `${JOB_DESCRIPTIONS[job]} could not start: the analysis workers are busy with other planners' work. Try again in a minute.`,
      );
    if (this.waiting.length >= this.options.maxQueue) throw busy();
    await new Promise<void>((resolve, reject) => {
      const turn = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiting.splice(this.waiting.indexOf(turn), 1);
        reject(busy());
      }, this.options.timeoutMs);
      this.waiting.push(turn);
    });
  }

  /** Hands the worker to the next waiting job, or frees it. */
  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.running--;
  }

  /** The error for a job the pool did not finish: too long, too big, or a failure of ours. */
  private stopped(job: AnalysisJobName, error: unknown, ms: number): Error {
    const what = JOB_DESCRIPTIONS[job];
    const name = (error as Error | undefined)?.name;
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    if (name === 'AbortError') {
      this.options.logger?.warn('analysis job stopped at its deadline', { job, ms: Math.round(ms) });
      return new InvalidGeometryError(
        `${what} took longer than ${this.options.timeoutMs / 1000} s and was stopped; nothing was saved or published. ` +
          'The layers are too complex to check within the service’s budget: simplify them (fewer vertices, e.g. mapshaper -simplify 10%) or split large features, and try again.',
        [],
      );
    }
    if (code === 'ERR_WORKER_OUT_OF_MEMORY') {
      this.options.logger?.warn('analysis job stopped at its memory cap', { job, ms: Math.round(ms) });
      return new InvalidGeometryError(
        `${what} needed more than ${this.options.memoryMb} MB and was stopped; nothing was saved or published. ` +
          'Simplify the layers (fewer vertices or features) and try again.',
        [],
      );
    }
    return error instanceof Error ? error : new Error(String(error));
  }
}

/**
 * A domain error from a worker, as the class the rest of the code knows. Jobs refuse input with
 * these two only; any other code would be a bug, reported as one (a 500, logged).
 */
function rebuild(error: Extract<WorkerResult, { ok: false }>['error']): Error {
  if (error.code === 'invalid-geometry') {
    const problems = (error.extensions.problems ?? []) as ConstructorParameters<
      typeof InvalidGeometryError
    >[1];
    return new InvalidGeometryError(error.message, problems);
  }
  if (error.code === 'invalid-request')
    return new InvalidRequestError(error.message, { ...error.extensions });
  return new Error(`analysis job failed with ${error.code}: ${error.message}`);
}
