// Builds the web pages (web/src -> web/dist): the public "find your family hub" page and the
// planner's map. esbuild bundles the TypeScript and CSS into content-hashed files, MapLibre GL's CSP
// bundle is copied from node_modules (never a CDN) under content-hashed names too, and the HTML
// templates get the final asset names. web/dist is then a self-contained static site: the local
// server serves it (functions/http/static-files.ts) and it deploys as is to any static host.
//
//   npx tsx scripts/build-web.ts            # minified, with source maps
//   npx tsx scripts/build-web.ts --dev      # readable output
//
// Safe to run while another build runs (tests build in parallel): every file is written to a
// temporary name and renamed into place, and the output is deterministic, so two builds agree.
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const REPO = fileURLToPath(new URL('..', import.meta.url));
export const WEB_SRC = join(REPO, 'web', 'src');
export const WEB_DIST = join(REPO, 'web', 'dist');
const MAPLIBRE_DIST = join(REPO, 'node_modules', 'maplibre-gl', 'dist');

/** Browsers the pages support: the last two years of evergreen browsers (ES2022, CSS nesting not used). */
export const BROWSER_TARGETS = ['chrome111', 'edge111', 'firefox115', 'safari16.4'];

export interface WebConfig {
  /** Base URL of the API ('' = same origin as the pages). */
  readonly apiBase: string;
  /**
   * Optional raster tile server drawn under the layers, e.g. an OS Maps API or council tile URL
   * with {z}/{x}/{y}. Off (null) by default: the pages draw on a plain background, because no
   * third-party tile service may be required.
   */
  readonly tiles: { readonly url: string; readonly attribution: string; readonly maxzoom?: number } | null;
}

export interface WebBuildOptions {
  readonly outDir?: string;
  /** Minify (default true). */
  readonly minify?: boolean;
  /** Overrides merged into web/src/config.json for this build (e.g. a tile URL). */
  readonly config?: Partial<WebConfig>;
  readonly log?: (line: string) => void;
}

export interface WebBuildResult {
  readonly outDir: string;
  /** Served path -> bytes, for every file written. */
  readonly files: Readonly<Record<string, number>>;
  /** Logical name (e.g. `public.js`, `maplibre.js`) -> served path. */
  readonly assets: Readonly<Record<string, string>>;
  readonly ms: number;
}

const PAGES = ['index.html', 'planner.html'] as const;

export async function buildWeb(options: WebBuildOptions = {}): Promise<WebBuildResult> {
  const started = performance.now();
  const outDir = options.outDir ?? WEB_DIST;
  const minify = options.minify ?? true;
  const written = new Map<string, Buffer>();
  const assets: Record<string, string> = {};

  const bundled = await build({
    absWorkingDir: REPO,
    entryPoints: {
      public: join(WEB_SRC, 'public.ts'),
      planner: join(WEB_SRC, 'planner.ts'),
      styles: join(WEB_SRC, 'styles.css'),
    },
    bundle: true,
    format: 'esm',
    splitting: true,
    target: BROWSER_TARGETS,
    minify,
    sourcemap: 'linked',
    legalComments: 'linked',
    outdir: 'assets',
    entryNames: '[name]-[hash]',
    chunkNames: 'chunk-[hash]',
    assetNames: '[name]-[hash]',
    write: false,
    metafile: true,
    logLevel: 'silent',
    // Types only: MapLibre itself is loaded as a separate script from /vendor.
    external: ['maplibre-gl'],
  });
  for (const file of bundled.outputFiles) {
    const path = relative(REPO, file.path).split('\\').join('/');
    written.set(path, Buffer.from(file.contents));
  }
  for (const [path, output] of Object.entries(bundled.metafile.outputs)) {
    const entry = output.entryPoint
      ? /web\/src\/(public|planner|styles)\.(ts|css)$/.exec(output.entryPoint)
      : null;
    if (entry) assets[`${entry[1]}.${entry[2] === 'ts' ? 'js' : 'css'}`] = `/${path}`;
  }

  // MapLibre's CSP build: its worker is a file served from this origin, so the pages' CSP needs no
  // blob: workers. Copied, not bundled, so browsers cache it across both pages and across releases.
  const vendor = (logical: string, source: string, ext: string) => {
    const content = readFileSync(join(MAPLIBRE_DIST, source));
    const path = `vendor/maplibre-gl${logical}-${contentHash(content)}.${ext}`;
    written.set(path, content);
    assets[`maplibre${logical}.${ext}`] = `/${path}`;
  };
  vendor('', 'maplibre-gl-csp.js', 'js');
  vendor('-worker', 'maplibre-gl-csp-worker.js', 'js');
  vendor('', 'maplibre-gl.css', 'css');
  written.set('vendor/maplibre-gl-LICENSE.txt', readFileSync(join(MAPLIBRE_DIST, 'LICENSE.txt')));
  assets['maplibre-license.txt'] = '/vendor/maplibre-gl-LICENSE.txt';

  const favicon = readFileSync(join(WEB_SRC, 'favicon.svg'));
  const faviconPath = `assets/favicon-${contentHash(favicon)}.svg`;
  written.set(faviconPath, favicon);
  assets['favicon.svg'] = `/${faviconPath}`;

  const config: WebConfig = {
    ...(JSON.parse(readFileSync(join(WEB_SRC, 'config.json'), 'utf8')) as WebConfig),
    ...options.config,
  };
  written.set('assets/config.json', Buffer.from(`${JSON.stringify(config, null, 2)}\n`));
  assets['config.json'] = '/assets/config.json';

  for (const page of PAGES) {
    const template = readFileSync(join(WEB_SRC, page), 'utf8');
    const html = template.replace(/\{\{([a-z.-]+)\}\}/g, (whole, name: string) => {
      const path = assets[name];
      if (!path)
        throw new Error(`${page}: unknown asset ${whole} (known: ${Object.keys(assets).join(', ')})`);
      return path;
    });
    written.set(page, Buffer.from(html));
  }

  for (const [path, content] of written) writeAtomically(join(outDir, path), content);
  prune(outDir, new Set([...written.keys()].map((p) => join(outDir, p))));
  const files = Object.fromEntries([...written].map(([path, content]) => [`/${path}`, content.length]));
  const ms = Math.round(performance.now() - started);
  options.log?.(`web: built ${written.size} files into ${relative(REPO, outDir) || outDir} in ${ms} ms`);
  return { outDir, files, assets, ms };
}

/** 8 characters of the SHA-256, upper-case base32-like like esbuild's `[hash]` (the static server caches these). */
function contentHash(content: Buffer): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const digest = createHash('sha256').update(content).digest();
  let out = '';
  for (let i = 0; i < 8; i++) out += alphabet[digest[i]! % 32];
  return out;
}

function writeAtomically(path: string, content: Buffer): void {
  mkdirSync(dirname(path), { recursive: true });
  if (existsSync(path) && statSync(path).size === content.length && readFileSync(path).equals(content))
    return;
  const temp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  writeFileSync(temp, content);
  renameSync(temp, path);
}

/** Removes files an earlier build wrote that this one did not (old hashed names), but not temp files in flight. */
function prune(dir: string, keep: ReadonlySet<string>): void {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) prune(path, keep);
    else if (!keep.has(path) && !entry.name.endsWith('.tmp')) rmSync(path, { force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const dev = process.argv.includes('--dev');
  const result = await buildWeb({ minify: !dev, log: console.log });
  for (const [path, bytes] of Object.entries(result.files).sort())
    console.log(`  ${path}  ${bytes.toLocaleString('en-GB')} B`);
}
