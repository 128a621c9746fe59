// Measures what each Lambda ships and how fast the lookup function's code loads:
//
//   npx tsx scripts/measure-bundles.ts            # print the tables
//   npx tsx scripts/measure-bundles.ts --write    # also refresh them in docs/deploy.md
//   npx tsx scripts/measure-bundles.ts --runs 21  # more import-time samples (default 11)
//
// Bundles are built with the same esbuild settings as the deployed functions (lib/bundle-options.ts):
// ESM, minified, tree-shaken, nothing external. The cold-start figure is the median time for a
// fresh `node` process to import the lookup bundle (module loading and top-level code, which is
// what Lambda's init phase adds before the first request). Targets: lookup bundle < 500 KB,
// import < 150 ms. A measurement, not a CI gate (CONVENTIONS #12).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, type Metafile } from 'esbuild';
import { machineSummary } from '../bench/common.js';
import { ROUTES, type RouteGroup } from '../functions/http/routes.js';
import { handlerEntries } from '../lib/app.js';
import {
  BUNDLE_FILE,
  ESBUILD_TARGET,
  ESM_BANNER,
  EXTERNAL_MODULES,
  MAIN_FIELDS,
} from '../lib/bundle-options.js';

const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));
export const TARGETS = { lookupBundleBytes: 500 * 1024, lookupImportMs: 150 } as const;

export interface BuiltBundle {
  readonly group: RouteGroup;
  readonly file: string;
  readonly bytes: number;
  readonly gzipBytes: number;
  readonly metafile: Metafile;
}

/** Builds one handler exactly as the CDK functions do, with a metafile. */
export async function buildBundle(group: RouteGroup, entry: string, outdir: string): Promise<BuiltBundle> {
  const file = join(outdir, group, BUNDLE_FILE);
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    target: ESBUILD_TARGET,
    format: 'esm',
    minify: true,
    mainFields: [...MAIN_FIELDS],
    banner: { js: ESM_BANNER },
    external: [...EXTERNAL_MODULES],
    metafile: true,
    outfile: file,
    absWorkingDir: PROJECT_ROOT,
    logLevel: 'silent',
  });
  const code = readFileSync(file);
  return { group, file, bytes: code.length, gzipBytes: gzipSync(code).length, metafile: result.metafile };
}

/** Bytes in the output per package (node_modules) or per top-level source folder. */
export function bytesByPackage(metafile: Metafile): Map<string, number> {
  const output = Object.values(metafile.outputs)[0];
  const totals = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(output?.inputs ?? {})) {
    const parts = input.split('/');
    const nm = parts.lastIndexOf('node_modules');
    const key =
      nm >= 0
        ? parts.slice(nm + 1, parts[nm + 1]?.startsWith('@') ? nm + 3 : nm + 2).join('/')
        : parts.slice(0, 2).join('/');
    totals.set(key, (totals.get(key) ?? 0) + bytesInOutput);
  }
  return new Map([...totals].sort((a, b) => b[1] - a[1]));
}

/** Inputs from the whole-turf package (`@turf/turf`), which must stay off the lookup path. */
export function wholeTurfInputs(metafile: Metafile): string[] {
  return Object.keys(metafile.inputs).filter((input) => /(^|\/)node_modules\/@turf\/turf\//.test(input));
}

/** Median milliseconds for a fresh node process to import the bundle (after one warm-up run). */
export function importTimes(file: string, runs: number): number[] {
  const script = `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)}); process.stdout.write(String(performance.now() - t));`;
  const times: number[] = [];
  for (let i = 0; i <= runs; i++) {
    const child = spawnSync(process.execPath, ['--no-warnings', '--input-type=module', '-e', script], {
      encoding: 'utf8',
      // What Lambda sets; importing must not need anything else (handlers read config lazily).
      env: { PATH: process.env.PATH ?? '', AWS_REGION: 'eu-west-2', NODE_ENV: 'production' },
      timeout: 30_000,
    });
    if (child.status !== 0) throw new Error(`importing ${file} failed: ${child.stderr}`);
    if (i > 0) times.push(Number(child.stdout)); // the first run warms the file cache
  }
  return times.sort((a, b) => a - b);
}

export function median(sorted: readonly number[]): number {
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

/**
 * What a lookup container does once at cold start, measured on the sample area: build the
 * catalog (index every polygon, precompute every directory postcode's answer). Sizes the memory
 * (and so the CPU) of the lookup function.
 */
export async function catalogBuild(): Promise<{ ms: number; heapMB: number; postcodes: number }> {
  const { loadFileCatalog } = await import('../functions/adapters/file-catalog.js');
  globalThis.gc?.();
  const before = process.memoryUsage().heapUsed;
  const started = performance.now();
  const catalog = await loadFileCatalog();
  const ms = performance.now() - started;
  globalThis.gc?.();
  const heapMB = (process.memoryUsage().heapUsed - before) / 2 ** 20;
  return { ms, heapMB, postcodes: catalog.postcodeCount };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const runsAt = args.indexOf('--runs');
  const runs = runsAt >= 0 ? Number(args[runsAt + 1]) : 11;
  const outdir = mkdtempSync(join(tmpdir(), 'catchments-bundles-'));
  try {
    const entries = handlerEntries(ROUTES, PROJECT_ROOT);
    const bundles: BuiltBundle[] = [];
    for (const [group, entry] of Object.entries(entries) as [RouteGroup, string][]) {
      bundles.push(await buildBundle(group, entry, outdir));
    }
    const lines: string[] = [];
    lines.push(
      `Measured ${new Date().toISOString().slice(0, 10)} on ${machineSummary()} with \`npx tsx scripts/measure-bundles.ts\`.`,
    );
    lines.push('');
    lines.push('| function | entry | bundle (minified) | gzip | largest parts | whole `@turf/turf` |');
    lines.push('| --- | --- | ---: | ---: | --- | --- |');
    for (const b of bundles) {
      const parts = [...bytesByPackage(b.metafile)]
        .slice(0, 4)
        .map(([name, bytes]) => `${name} ${kb(bytes)}`)
        .join(', ');
      const turf = wholeTurfInputs(b.metafile).length === 0 ? 'no' : 'YES';
      lines.push(
        `| ${b.group} | \`${relative(PROJECT_ROOT, entries[b.group]!)}\` | ${kb(b.bytes)} | ${kb(b.gzipBytes)} | ${parts} | ${turf} |`,
      );
    }
    const lookup = bundles.find((b) => b.group === 'public');
    if (lookup) {
      const times = importTimes(lookup.file, runs);
      const med = median(times);
      lines.push('');
      lines.push(
        `Lookup bundle cold import (fresh \`node\` process, ${runs} runs after a warm-up): median **${med.toFixed(1)} ms** ` +
          `(min ${times[0]!.toFixed(1)}, max ${times.at(-1)!.toFixed(1)}).`,
      );
      lines.push(
        `Targets: bundle < ${kb(TARGETS.lookupBundleBytes)}: ${lookup.bytes < TARGETS.lookupBundleBytes ? 'met' : 'NOT met'} ` +
          `(${kb(lookup.bytes)}); import < ${TARGETS.lookupImportMs} ms: ${med < TARGETS.lookupImportMs ? 'met' : 'NOT met'}.`,
      );
    }
    const sizing = await catalogBuild();
    lines.push('');
    lines.push(
      `Lookup cold-start work on the sample area (data/, ${sizing.postcodes} postcodes): catalog built in ` +
        `${sizing.ms.toFixed(0)} ms on one core, ${sizing.heapMB.toFixed(1)} MB of heap retained` +
        `${globalThis.gc ? '' : ' (run with node --expose-gc for an exact heap figure)'}.`,
    );
    const table = lines.join('\n');
    console.log(table);
    if (args.includes('--write')) {
      const docs = join(PROJECT_ROOT, 'docs', 'deploy.md');
      const text = readFileSync(docs, 'utf8');
      const start = '<!-- measure-bundles:start -->';
      const end = '<!-- measure-bundles:end -->';
      const from = text.indexOf(start);
      const to = text.indexOf(end);
      if (from < 0 || to < from) throw new Error(`docs/deploy.md needs the ${start} ... ${end} markers.`);
      writeFileSync(docs, `${text.slice(0, from + start.length)}\n${table}\n${text.slice(to)}`);
      // The project's formatter pads Markdown tables; keep the file as `biome check` wants it.
      spawnSync('npx', ['biome', 'format', '--write', docs], { cwd: PROJECT_ROOT, stdio: 'ignore' });
      console.log(`\nwrote ${relative(PROJECT_ROOT, docs)} (${statSync(docs).size} bytes)`);
    }
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}
