// Builds the web pages (web/src -> web/dist): the public "find your family hub" page, its iframe
// mode (/embed), the embeddable <family-hub-finder> widget (/widget.js) and the planner's map.
// esbuild bundles the TypeScript and CSS into content-hashed files, MapLibre GL's CSP bundle is
// copied from node_modules (never a CDN) under content-hashed names too, and the HTML templates get
// the final asset names. The council's branding (functions/config.ts `loadBranding`: name, logo,
// colours checked for contrast, contact and privacy links, page strings in its language) is applied
// here: a theme stylesheet, the logo, the header and footer, every `{{t:key}}` string, and the
// strings as a JSON data block the scripts read. web/dist is then a self-contained static site: the
// local server serves it (functions/http/static-files.ts) and it deploys as is to any static host.
//
//   npx tsx scripts/build-web.ts            # minified, with source maps (branding: $CATCHMENTS_BRANDING)
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
import { dirname, extname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { type Branding, loadBranding, loadConfig } from '../functions/config.js';

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
  /** The branding's same-origin PMTiles basemap (url, attribution, maxzoom), or null. */
  readonly basemap: { readonly url: string; readonly attribution: string; readonly maxzoom: number } | null;
  /** The branding's areas ([]: every area the API serves). */
  readonly areas: readonly string[];
}

export interface WebBuildOptions {
  /** The branding file (default: functions/config.ts DEFAULT_BRANDING_FILE). */
  readonly branding?: string;
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
  readonly branding: Branding;
}

/** Output page -> template, and how the public template is laid out for it. */
const PAGES = {
  'index.html': { template: 'index.html', full: true, action: '/find', className: 'public' },
  'embed.html': { template: 'index.html', full: false, action: '/embed/find', className: 'public embed' },
  'planner.html': { template: 'planner.html', full: true, action: '', className: 'planner' },
} as const;

export async function buildWeb(options: WebBuildOptions = {}): Promise<WebBuildResult> {
  const started = performance.now();
  const outDir = options.outDir ?? WEB_DIST;
  const minify = options.minify ?? true;
  const written = new Map<string, Buffer>();
  const assets: Record<string, string> = {};
  const branding = loadBranding(options.branding);

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

  const hashed = (name: string, ext: string, content: Buffer) => {
    const path = `assets/${name}-${contentHash(content)}${ext}`;
    written.set(path, content);
    assets[`${name}${ext}`] = `/${path}`;
    return `/${path}`;
  };
  hashed('theme', '.css', Buffer.from(themeCss(branding)));
  const logoPath = branding.logo
    ? hashed('logo', extname(branding.logo.file).toLowerCase(), readFileSync(branding.logo.file))
    : null;
  await buildWidget(branding, minify, written);

  const config: WebConfig = {
    ...(JSON.parse(readFileSync(join(WEB_SRC, 'config.json'), 'utf8')) as Pick<
      WebConfig,
      'apiBase' | 'tiles'
    >),
    basemap: branding.basemap
      ? {
          url: branding.basemap.url,
          attribution: branding.basemap.attribution,
          maxzoom: branding.basemap.maxzoom,
        }
      : null,
    areas: branding.areas,
    ...options.config,
  };
  written.set('assets/config.json', Buffer.from(`${JSON.stringify(config, null, 2)}\n`));
  assets['config.json'] = '/assets/config.json';

  for (const [page, layout] of Object.entries(PAGES)) {
    let template = readFileSync(join(WEB_SRC, layout.template), 'utf8');
    // The iframe mode drops the skip link, header, lede and footer: the council's page around it has them.
    template = layout.full
      ? template.replace(/<!--\/?fh:full-->/g, '')
      : template.replace(/<!--fh:full-->[\s\S]*?<!--\/fh:full-->/g, '');
    const fills: Record<string, string> = {
      'page:class': layout.className,
      'page:action': layout.action,
      'brand:areas': escapeHtml(branding.areas.join(',')),
      'brand:header': headerHtml(branding, logoPath),
      'brand:footer': footerHtml(branding),
    };
    const html = template.replace(/\{\{([a-z:.-]+)\}\}/gi, (whole, name: string) => {
      if (name.startsWith('t:')) {
        const text = branding.strings[name.slice(2)];
        if (text === undefined)
          throw new Error(`${layout.template}: no string ${whole} in web/strings/en.json`);
        return escapeHtml(text);
      }
      const value = fills[name] ?? assets[name];
      if (value === undefined)
        throw new Error(
          `${layout.template}: unknown placeholder ${whole} (assets: ${Object.keys(assets).join(', ')})`,
        );
      return value;
    });
    // The page's language, and its strings as a data block (never run: the CSP allows no inline
    // script), `<` escaped so no string can close the tag.
    const strings = JSON.stringify(branding.strings).replace(/</g, '\\u003c');
    const branded = html
      .replace('<html lang="en-GB">', () => `<html lang="${escapeHtml(branding.strings.lang ?? 'en-GB')}">`)
      .replace('id="fh-strings">{}</script>', () => `id="fh-strings">${strings}</script>`);
    written.set(page, Buffer.from(branded));
  }

  for (const [path, content] of written) writeAtomically(join(outDir, path), content);
  prune(outDir, new Set([...written.keys()].map((p) => join(outDir, p))));
  const files = Object.fromEntries([...written].map(([path, content]) => [`/${path}`, content.length]));
  const ms = Math.round(performance.now() - started);
  options.log?.(`web: built ${written.size} files into ${relative(REPO, outDir) || outDir} in ${ms} ms`);
  return { outDir, files, assets, ms, branding };
}

// ------------------------------------------------------------------------------------------------
// Branding

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The brand colours as the custom properties styles.css draws with (checked for contrast by loadBranding). */
function themeCss(branding: Branding): string {
  const c = branding.colours;
  return `:root{--brand:${c.brand};--brand-dark:${c.brandDark};--brand-text:${c.brandText};--link:${c.link};--link-visited:${c.linkVisited};--text:${c.text}}\n`;
}

/** The header's brand: the council's logo (with its alt text) or its name, linking to its site. */
function headerHtml(branding: Branding, logoPath: string | null): string {
  const { council, logo } = branding;
  const inner = logo
    ? `<img class="brand__logo" src="${logoPath}" alt="${escapeHtml(logo.alt)}" width="${logo.width}" height="${logo.height}">`
    : escapeHtml(council.name);
  return `<a class="brand" href="${escapeHtml(council.url)}">${inner}</a>`;
}

/** The footer's contact line and privacy link, when the branding has them. */
function footerHtml(branding: Branding): string {
  const t = (key: string) => escapeHtml(branding.strings[key] ?? key);
  const parts: string[] = [];
  const c = branding.contact;
  if (c) {
    const links = [
      c.phone
        ? `<a href="tel:${escapeHtml(c.phone.replace(/[^0-9+]/g, ''))}">${escapeHtml(c.phone)}</a>`
        : '',
      c.email ? `<a href="mailto:${escapeHtml(c.email)}">${escapeHtml(c.email)}</a>` : '',
      c.url ? `<a href="${escapeHtml(c.url)}">${escapeHtml(c.url.replace(/^https:\/\//, ''))}</a>` : '',
    ].filter(Boolean);
    parts.push(
      `<p id="council-contact"><strong>${t('footer.contact')}:</strong> ${escapeHtml(c.text)}${links.length ? ` ${links.join(' · ')}` : ''}</p>`,
    );
  }
  if (branding.privacyUrl)
    parts.push(
      `<p><a id="privacy-link" href="${escapeHtml(branding.privacyUrl)}">${t('footer.privacy')}</a></p>`,
    );
  return parts.join('\n    ');
}

/**
 * The embeddable <family-hub-finder> (web/src/widget.ts): one self-contained script under a stable
 * name (/widget.js, revalidated rather than cached for a year, so a council's pasted snippet picks up
 * releases), with the page strings and brand colours compiled in.
 */
async function buildWidget(branding: Branding, minify: boolean, written: Map<string, Buffer>): Promise<void> {
  const widget = await build({
    absWorkingDir: REPO,
    entryPoints: [join(WEB_SRC, 'widget.ts')],
    bundle: true,
    format: 'esm',
    target: BROWSER_TARGETS,
    minify,
    write: false,
    logLevel: 'silent',
    legalComments: 'none',
    define: {
      __FH_STRINGS__: JSON.stringify(branding.strings),
      __FH_COLOURS__: JSON.stringify(branding.colours),
    },
  });
  written.set('widget.js', Buffer.from(widget.outputFiles[0]!.contents));
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
  const result = await buildWeb({ minify: !dev, log: console.log, branding: loadConfig().brandingFile });
  for (const [path, bytes] of Object.entries(result.files).sort())
    console.log(`  ${path}  ${bytes.toLocaleString('en-GB')} B`);
}
