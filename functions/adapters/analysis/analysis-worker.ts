// Worker-thread entry for the analysis jobs (functions/application/analysis-jobs.ts), run by the
// pool in worker-runner.ts. Typed domain errors do not survive the trip between threads (only a
// plain Error's message and stack do), so they travel as data and are rebuilt on the other side.
import { type AnalysisJobs, analysisJobs } from '../../application/analysis-jobs.js';
import { DomainError, type ErrorCode } from '../../core/errors.js';

export interface WorkerTask {
  readonly job: keyof AnalysisJobs;
  readonly input: unknown;
}

export type WorkerResult =
  | { readonly ok: true; readonly value: unknown }
  | {
      readonly ok: false;
      readonly error: {
        readonly code: ErrorCode;
        readonly message: string;
        readonly extensions: Readonly<Record<string, unknown>>;
      };
    };

export default function runJob(task: WorkerTask): WorkerResult {
  try {
    return { ok: true, value: (analysisJobs[task.job] as (input: unknown) => unknown)(task.input) };
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return { ok: false, error: { code: error.code, message: error.message, extensions: error.extensions } };
  }
}
