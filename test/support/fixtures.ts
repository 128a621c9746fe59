// Paths to committed test fixtures and the sample area.
import { fileURLToPath } from 'node:url';

export const TESTSHIRE_DIR = fileURLToPath(new URL('../fixtures/areas/testshire', import.meta.url));
export const FIXTURE_AREAS_DIR = fileURLToPath(new URL('../fixtures/areas', import.meta.url));
export const SAMPLE_DIR = fileURLToPath(new URL('../../data', import.meta.url));

/** The real open data folder, for *.real.test.ts suites (vitest.config.ts collects them only when set). */
export function realDataDir(): string {
  const dir = process.env.CATCHMENTS_REAL_DATA;
  if (!dir) throw new Error('CATCHMENTS_REAL_DATA is not set');
  return dir;
}
