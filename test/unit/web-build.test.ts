// The web build (scripts/build-web.ts): a self-contained static site whose pages reference only
// files it wrote (content-hashed), MapLibre copied from node_modules (never a CDN), nothing inline
// that the pages' CSP would block, the tile setting off by default, and the same output every time.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildWeb } from '../../scripts/build-web.js';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'web-build-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('buildWeb', () => {
  it('writes both pages referencing only local, hashed files it wrote', async () => {
    const out = tempDir();
    const result = await buildWeb({ outDir: out });
    for (const page of ['index.html', 'embed.html', 'planner.html']) {
      const html = readFileSync(join(out, page), 'utf8');
      expect(html, page).not.toMatch(/\{\{/);
      const refs = [...html.matchAll(/(?:src|href|content)="([^"]+)"/g)]
        .map((m) => m[1]!)
        .filter((v) => v.startsWith('/'));
      expect(refs.length, page).toBeGreaterThan(4);
      for (const ref of refs) expect(existsSync(join(out, ref)), `${page} -> ${ref}`).toBe(true);
      // Scripts and styles come from this site only, and none is inline (the CSP forbids it): the one
      // script element without src is the strings' JSON data block, which browsers never run.
      expect(
        html.replace(/<script type="application\/json" id="fh-strings">[^<]*<\/script>/, ''),
      ).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
      expect(html).not.toMatch(/<style|\sstyle="/);
      expect(html).not.toMatch(/(?:src|href)="(?:https?:)?\/\/(?!maplibre\.org)/);
    }
    expect(Object.keys(result.assets)).toEqual(
      expect.arrayContaining([
        'public.js',
        'planner.js',
        'styles.css',
        'maplibre.js',
        'maplibre-worker.js',
        'maplibre.css',
      ]),
    );
    for (const name of ['public.js', 'planner.js', 'styles.css', 'maplibre.js', 'maplibre-worker.js']) {
      expect(result.assets[name], name).toMatch(/-[A-Z0-9]{8}\.(js|css)$/);
    }
  });

  it('copies MapLibre’s CSP bundle unchanged, with its licence', async () => {
    const out = tempDir();
    const { assets } = await buildWeb({ outDir: out });
    const dist = join('node_modules', 'maplibre-gl', 'dist');
    // Buffer.equals: a deep toEqual over a megabyte of bytes takes seconds.
    expect(
      readFileSync(join(out, assets['maplibre.js']!)).equals(readFileSync(join(dist, 'maplibre-gl-csp.js'))),
    ).toBe(true);
    expect(
      readFileSync(join(out, assets['maplibre-worker.js']!)).equals(
        readFileSync(join(dist, 'maplibre-gl-csp-worker.js')),
      ),
    ).toBe(true);
    expect(readFileSync(join(out, 'vendor', 'maplibre-gl-LICENSE.txt'), 'utf8')).toContain('BSD');
    // Our bundles do not contain MapLibre (it is loaded once, from /vendor).
    expect(readFileSync(join(out, assets['public.js']!)).length).toBeLessThan(60_000);
  });

  it('leaves tiles off by default, and takes a tile URL when configured', async () => {
    const out = tempDir();
    await buildWeb({ outDir: out });
    expect(JSON.parse(readFileSync(join(out, 'assets', 'config.json'), 'utf8'))).toEqual({
      apiBase: '',
      tiles: null,
      basemap: null,
      areas: [],
    });
    const tiles = { url: 'https://tiles.example.org/{z}/{x}/{y}.png', attribution: '© Example' };
    await buildWeb({ outDir: out, config: { tiles } });
    expect(JSON.parse(readFileSync(join(out, 'assets', 'config.json'), 'utf8')).tiles).toEqual(tiles);
  });

  it('writes the widget under a stable name with the strings compiled in, and the strings into the pages', async () => {
    const out = tempDir();
    const result = await buildWeb({ outDir: out });
    const widget = readFileSync(join(out, 'widget.js'), 'utf8');
    expect(widget).toContain('family-hub-finder');
    expect(widget).toContain(result.branding.strings['form.button']);
    expect(widget).not.toMatch(/__FH_/);
    const html = readFileSync(join(out, 'index.html'), 'utf8');
    const block = /id="fh-strings">([^<]*)<\/script>/.exec(html)![1]!;
    expect(JSON.parse(block)).toEqual(result.branding.strings);
    expect(html).toContain(`<title>${result.branding.strings['page.title']}</title>`);
    expect(html).toContain('action="/find"');
    expect(readFileSync(join(out, 'embed.html'), 'utf8')).toContain('action="/embed/find"');
  });

  it('is deterministic, and prunes files an earlier build left behind', async () => {
    const a = await buildWeb({ outDir: tempDir() });
    const out = tempDir();
    await buildWeb({ outDir: out, minify: false });
    const b = await buildWeb({ outDir: out });
    expect(b.files).toEqual(a.files);
    expect(b.assets).toEqual(a.assets);
    const unminified = await buildWeb({ outDir: tempDir(), minify: false });
    for (const path of Object.keys(unminified.files)) {
      if (!(path in b.files)) expect(existsSync(join(out, path)), path).toBe(false);
    }
  });
});
