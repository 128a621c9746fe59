#!/usr/bin/env node
// npm `bin` shim for `catchments`: runs the compiled CLI (dist/catchments.js, built from
// bin/catchments.ts by scripts/build.js, which `npm ci` runs). If a source changed since that build,
// it rebuilds first (~0.3 s, once), so what runs is always what the sources say.
import { pathToFileURL } from 'node:url';
import { buildDist, DIST, isBuildFresh } from '../scripts/build.js';

if (!isBuildFresh()) {
  if (process.stderr.isTTY)
    process.stderr.write('catchments: sources changed since the last build; rebuilding dist/\n');
  await buildDist();
}
await import(pathToFileURL(`${DIST}/catchments.js`).href);
