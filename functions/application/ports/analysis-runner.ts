// The analysis runner port: where the heavy, pure checks run — draft validation with the postcode
// answers, redraw impact, alignment. A Lambda runs them inline (analysis has its own functions on
// AWS); the local server runs them in worker threads (functions/adapters/analysis/worker-runner.ts)
// so that lookups and /health keep their latency while a planner works. Jobs take and return plain
// data (structured-clone safe) and are defined in functions/application/analysis-jobs.ts.
import type { AnalysisJobs } from '../analysis-jobs.js';

export type AnalysisJobName = keyof AnalysisJobs;
export type JobInput<K extends AnalysisJobName> = Parameters<AnalysisJobs[K]>[0];
export type JobOutput<K extends AnalysisJobName> = ReturnType<AnalysisJobs[K]>;

export interface AnalysisRunner {
  /**
   * Runs one job. Throws what the job throws (typed domain errors), InvalidGeometryError when the
   * job exceeds the runner's time or memory budget, ServiceUnavailableError when too many jobs wait.
   */
  run<K extends AnalysisJobName>(job: K, input: JobInput<K>): Promise<JobOutput<K>>;
  close(): Promise<void>;
}
