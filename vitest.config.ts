import { existsSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

// Suites that read the real open data in ../shared/data (or wherever CATCHMENTS_REAL_DATA points)
// are named *.real.test.ts. CI sets the variable; without it they are not collected, and we say so
// loudly rather than letting them pass vacuously.
const realData = process.env.CATCHMENTS_REAL_DATA;
if (realData && !existsSync(realData)) {
  throw new Error(`CATCHMENTS_REAL_DATA=${realData} does not exist: point it at the shared data folder.`);
}
if (!realData) {
  console.warn(
    '[vitest] CATCHMENTS_REAL_DATA is not set: the real-data suites (*.real.test.ts) are not run.',
  );
}
const realDataExclude = realData ? [] : ['**/*.real.test.ts'];

// Files that replace a module with vi.mock run in their own process: in a shared one the mock would
// reach the files after them (and miss modules the files before them imported).
const mocksModules = ['test/integration/embedded-store-durability.test.ts'];

// Test files share their worker's module cache (isolate: false): a fresh process per file re-imported
// the sources, the AWS SDK and the CDK for each of ~110 files, ~3-4 s a file and 40% of the suite's
// wall time. Files leave no global state behind (servers, stores and temporary folders are their
// own, closed in afterAll; env changes are restored). Two workers on the two cores: the e2e and CLI
// tests spend much of their time waiting on chromium and child processes, and the other worker
// runs meanwhile.
export default defineConfig({
  test: {
    globalSetup: ['test/support/build-dist.ts'],
    maxWorkers: 2,
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          isolate: false,
          exclude: realDataExclude,
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          isolate: false,
          exclude: [...realDataExclude, ...mocksModules],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'integration-mocks',
          include: mocksModules,
          isolate: true,
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'infra',
          include: ['test/infra/**/*.test.ts'],
          isolate: false,
          testTimeout: 180_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          isolate: false,
          exclude: realDataExclude,
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
