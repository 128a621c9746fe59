// Vitest global setup: compiles dist/ (scripts/build.js) before any suite runs when a source changed
// since the last build, so the tests that run the CLI as users do (test/support/cli.ts) run the
// current sources, never an old build.
import { buildDist, isBuildFresh } from '../../scripts/build.js';

export default async function setup(): Promise<void> {
  if (!isBuildFresh()) await buildDist();
}
