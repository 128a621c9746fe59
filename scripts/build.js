#!/usr/bin/env node
// Compiles the `catchments` CLI, the local server (`npm start`) and the web build script from
// TypeScript to JavaScript in dist/, once, so no command transpiles at run time (tsx cost ~1.5 s a
// command). esbuild bundles our code and its runtime packages into a few ES modules; the AWS SDK
// (loaded only for DynamoDB and SigV4) and esbuild itself stay in node_modules.
//
//   node scripts/build.js              # build dist/ (npm ci runs it as `prepare`; also `npm run build`)
//   node scripts/build.js --if-stale   # only when a source changed since the last build
//   node scripts/build.js --web        # also build the web pages (web/dist), as `npm start` does
//
// Plain JavaScript on purpose: `npm ci`, `npm start` and bin/catchments.js run it with no TypeScript
// loader. dist/build-manifest.json lists every input with the build's start time, so freshness is a
// few hundred stat() calls (~5 ms), and bin/catchments.js rebuilds a stale dist/ before running, so
// an edited source is never run from an old build. Outputs are written to temporary names and renamed
// into place, so builds running side by side (parallel tests) do not see each other's half-written files.
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const REPO = fileURLToPath(new URL('..', import.meta.url));
export const DIST = join(REPO, 'dist');
const MANIFEST = join(DIST, 'build-manifest.json');
const ENTRY_POINTS = {
  catchments: 'bin/catchments.ts',
  server: 'bin/server.ts',
  'build-web': 'scripts/web-build-entry.ts',
  // Loaded by piscina from beside the chunk that starts the pool (functions/adapters/analysis/worker-runner.ts).
  'analysis-worker': 'functions/adapters/analysis/analysis-worker.ts',
};
/**
 * Loaded lazily and big (the AWS SDK), native (esbuild), or finding files beside itself (piscina starts
 * its own worker script from its package folder): resolved from node_modules at run time.
 */
const EXTERNAL = ['esbuild', 'piscina', '@aws-sdk/*', '@smithy/*'];
/** Lets bundled CommonJS packages call require(). */
const REQUIRE_SHIM =
  "import { createRequire as __catchmentsCreateRequire } from 'node:module';\n" +
  'const require = __catchmentsCreateRequire(import.meta.url);';

/** True when dist/ was built after the last change to any of its inputs (sources, packages, this script). */
export function isBuildFresh() {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(MANIFEST, 'utf8'));
  } catch {
    return false;
  }
  try {
    for (const file of manifest.inputs)
      if (statSync(join(REPO, file)).mtimeMs > manifest.startedAt) return false;
    for (const file of manifest.outputs) statSync(join(REPO, file));
  } catch {
    return false; // an input was deleted or an output is missing
  }
  return true;
}

/** Builds dist/ and returns what it wrote. */
export async function buildDist() {
  const { build } = await import('esbuild');
  const startedAt = Date.now();
  const result = await build({
    absWorkingDir: REPO,
    entryPoints: ENTRY_POINTS,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    splitting: true, // dynamic imports (SigV4 signing, the AWS SDK) stay lazy
    outdir: 'dist',
    // Chunks beside the entries: every output is one folder down from the repository, which the
    // source-location rewrite below relies on.
    chunkNames: '[name]-[hash]',
    sourcemap: 'linked',
    external: EXTERNAL,
    banner: { js: REQUIRE_SHIM },
    plugins: [sourceLocationPlugin()],
    metafile: true,
    write: false,
    logLevel: 'warning',
  });
  const outputs = [];
  for (const file of result.outputFiles) {
    writeAtomically(file.path, file.contents);
    outputs.push(relative(REPO, file.path));
  }
  pruneOldChunks(new Set(result.outputFiles.map((f) => f.path)));
  const inputs = [...Object.keys(result.metafile.inputs), 'scripts/build.js', 'package.json'];
  writeAtomically(MANIFEST, Buffer.from(`${JSON.stringify({ startedAt, inputs, outputs }, null, 1)}\n`));
  return { ms: Date.now() - startedAt, inputs: inputs.length, outputs };
}

/**
 * Code that finds files next to itself (`new URL('../../data', import.meta.url)`) must keep finding
 * them once bundled into dist/: each source's `import.meta.url` becomes its own source file's URL,
 * computed from the bundle's location, so dist/ still works wherever the clone is moved.
 */
function sourceLocationPlugin() {
  return {
    name: 'source-location',
    setup(build) {
      build.onLoad({ filter: /\.ts$/ }, (args) => {
        if (args.path.includes(`${join('node_modules', '')}`)) return undefined;
        const text = readFileSync(args.path, 'utf8');
        if (!text.includes('import.meta.url')) return undefined;
        const fromDist = relative(DIST, args.path).split('\\').join('/');
        const contents = text.replaceAll(
          'import.meta.url',
          `new URL(${JSON.stringify(fromDist)}, import.meta.url).href`,
        );
        return { contents, loader: 'ts' };
      });
    },
  };
}

function writeAtomically(path, contents) {
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  writeFileSync(temp, contents);
  renameSync(temp, path);
}

/** Chunks of earlier builds (content-hashed names), left a minute for any process still loading them. */
function pruneOldChunks(keep) {
  for (const name of readdirSync(DIST)) {
    const path = join(DIST, name);
    if (!/-[A-Z0-9]{8}\.js(\.map)?$/.test(name) || keep.has(path)) continue;
    if (statSync(path).mtimeMs < Date.now() - 60_000) rmSync(path, { force: true });
  }
}

const WEB_STAMP = join(DIST, 'web-build.json');

/** Newest modification time of the files under `dir` (0 when it does not exist). */
function newestUnder(dir) {
  let newest = 0;
  let entries = [];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestUnder(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * Builds the web pages (scripts/build-web.ts, compiled), with the configured branding, unless the
 * last build is newer than every input: web/, the branding file and the compiled build script.
 */
async function buildWebPages() {
  const { buildConfiguredWeb, configuredBrandingFile } = await import(
    pathToFileURL(join(DIST, 'build-web.js')).href
  );
  const branding = configuredBrandingFile();
  const newest = Math.max(
    newestUnder(join(REPO, 'web', 'src')),
    newestUnder(join(REPO, 'web', 'strings')),
    newestUnder(join(REPO, 'web', 'branding')),
    statSync(branding, { throwIfNoEntry: false })?.mtimeMs ?? Number.POSITIVE_INFINITY,
    statSync(join(DIST, 'build-web.js')).mtimeMs,
  );
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(WEB_STAMP, 'utf8'));
  } catch {
    stamp = undefined;
  }
  const built = statSync(join(REPO, 'web', 'dist', 'index.html'), { throwIfNoEntry: false });
  if (built && stamp?.branding === branding && stamp.startedAt > newest) return;
  const startedAt = Date.now();
  await buildConfiguredWeb();
  writeAtomically(WEB_STAMP, Buffer.from(`${JSON.stringify({ startedAt, branding })}\n`));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  if (!args.includes('--if-stale') || !isBuildFresh()) {
    const { ms, inputs, outputs } = await buildDist();
    const entries = outputs.filter((f) => /^dist\/[a-z-]+\.js$/.test(f) && !f.includes('sigv4'));
    console.log(`build: ${entries.join(', ')} from ${inputs} inputs in ${ms} ms`);
  }
  if (args.includes('--web')) await buildWebPages();
}
