// The Lambda bundles, built exactly as the CDK functions build them (lib/bundle-options.ts):
// tree-shaken (no whole-turf import on the lookup path), ESM exporting `handler`, and loadable by a
// bare `node` with no configuration (handlers read it on the first request, not at import).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ROUTES, type RouteGroup } from '../../functions/http/routes.js';
import { handlerEntries } from '../../lib/app.js';
import {
  type BuiltBundle,
  buildBundle,
  bytesByPackage,
  wholeTurfInputs,
} from '../../scripts/measure-bundles.js';
import { PROJECT_ROOT } from './fixture.js';

const outdir = mkdtempSync(join(tmpdir(), 'catchments-bundle-test-'));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

const entries = Object.entries(handlerEntries(ROUTES, PROJECT_ROOT)) as [RouteGroup, string][];
const bundles = new Map<RouteGroup, BuiltBundle>();
for (const [group, entry] of entries) bundles.set(group, await buildBundle(group, entry, outdir));

describe('Lambda bundles', () => {
  it('keeps the whole @turf/turf package off the lookup path (per-module turf imports only)', () => {
    const lookup = bundles.get('public')!;
    expect(wholeTurfInputs(lookup.metafile)).toEqual([]);
    // The check can see turf when it is there: the metafile lists every input by path.
    expect(Object.keys(lookup.metafile.inputs).length).toBeGreaterThan(20);
    expect([...bytesByPackage(lookup.metafile).keys()]).toContain('@smithy/core');
  });

  it('emits one minified ESM file per function that exports handler', () => {
    for (const [group, bundle] of bundles) {
      const output = Object.values(bundle.metafile.outputs)[0]!;
      expect(output.exports, group).toContain('handler');
      expect(bundle.bytes, group).toBeGreaterThan(10_000);
      expect(bundle.gzipBytes).toBeLessThan(bundle.bytes);
    }
  });

  it('imports in a bare node process without configuration or network', () => {
    const lookup = bundles.get('public')!;
    const script = `const m = await import(${JSON.stringify(pathToFileURL(lookup.file).href)}); process.stdout.write(typeof m.handler);`;
    const child = spawnSync(process.execPath, ['--no-warnings', '--input-type=module', '-e', script], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '' },
      timeout: 30_000,
    });
    expect(child.stderr).toBe('');
    expect(child.stdout).toBe('function');
  });
});
