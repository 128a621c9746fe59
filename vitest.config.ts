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

export default defineConfig({
  test: {
    globalSetup: ['test/support/build-dist.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          exclude: realDataExclude,
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          exclude: realDataExclude,
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'infra',
          include: ['test/infra/**/*.test.ts'],
          testTimeout: 180_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          exclude: realDataExclude,
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
