// Vitest global setup: compiles dist/ (scripts/build.js) once before any suite runs, so the tests
// that run the CLI as users do (test/support/cli.ts) run the current sources, never an old build.
import { buildDist } from '../../scripts/build.js';

export default async function setup(): Promise<void> {
  await buildDist();
}
