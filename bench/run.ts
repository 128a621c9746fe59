// `npm run bench`: runs every bench/*.bench.ts in its own process (clean heap for each), in name
// order, and prints their tables. Pass names to run a subset: `npm run bench -- lookup http`.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { machineSummary, realDataDir } from './common.js';

const here = path.dirname(fileURLToPath(import.meta.url));
realDataDir();
const wanted = process.argv.slice(2);
const exact = (word: string) => existsSync(path.join(here, `${word}.bench.ts`));
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  // A name picks its own benchmark (`national` is national.bench.ts, not national-sample too);
  // any other word picks every benchmark whose file name contains it.
  .filter(
    (f) => wanted.length === 0 || wanted.some((w) => f === `${w}.bench.ts` || (!exact(w) && f.includes(w))),
  )
  .sort();
console.log(`# family-hub-catchments benchmarks\n\n${machineSummary()}\n`);
let failed = 0;
for (const file of files) {
  console.log(`\n## ${file}`);
  const result = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', path.join(here, file)], {
    stdio: 'inherit',
    env: process.env,
  });
  if (result.status !== 0) {
    failed++;
    console.error(`${file} failed with exit code ${result.status}`);
  }
}
process.exitCode = failed === 0 ? 0 : 1;
