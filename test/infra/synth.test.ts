// `npx cdk synth` as a user or CI runs it, offline: no AWS credentials, no metadata service, no
// notices. It bundles every function for real (local esbuild, no Docker), runs cdk-nag, and must
// succeed; the bundle it packages is byte-for-byte the one scripts/measure-bundles.ts measures.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROUTES, type RouteGroup } from '../../functions/http/routes.js';
import { handlerEntries } from '../../lib/app.js';
import { buildBundle } from '../../scripts/measure-bundles.js';
import { PROJECT_ROOT } from './fixture.js';

const outdir = mkdtempSync(join(tmpdir(), 'catchments-synth-'));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

/** The environment of a machine with no AWS access at all. */
function offlineEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(AWS_|CDK_)/.test(key)) env[key] = value;
  }
  return {
    ...env,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    CDK_DISABLE_CLI_TELEMETRY: 'true',
    CI: 'true',
  };
}

// Built just before the synth too: in a checkout where someone is editing, sources may change while
// the synth runs, and the packaged bundle then matches one of the two builds.
const entries = handlerEntries(ROUTES, PROJECT_ROOT);
const before = new Map<RouteGroup, Buffer>();
for (const [group, entry] of Object.entries(entries) as [RouteGroup, string][]) {
  const built = await buildBundle(group, entry, mkdtempSync(join(outdir, 'before-')));
  before.set(group, readFileSync(built.file));
}

describe('npx cdk synth', () => {
  const started = performance.now();
  const run = spawnSync('npx', ['cdk', 'synth', '--quiet', '--no-notices', '--output', outdir], {
    cwd: PROJECT_ROOT,
    env: offlineEnv(),
    encoding: 'utf8',
    timeout: 240_000,
  });
  const seconds = (performance.now() - started) / 1000;

  it('succeeds offline and writes both stacks', () => {
    expect(run.error, String(run.error)).toBeUndefined();
    expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(`${run.stdout}${run.stderr}`).toContain('Successfully synthesized');
    for (const stack of ['Catchments-dev-Data', 'Catchments-dev-Service', 'Catchments-dev-Web']) {
      expect(existsSync(join(outdir, `${stack}.template.json`)), stack).toBe(true);
    }
    const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as {
      pluginReports: { conclusion: string }[];
    };
    expect(report.pluginReports.filter((r) => r.conclusion !== 'success')).toEqual([]);
    console.info(`cdk synth took ${seconds.toFixed(1)} s`);
  });

  it('packages the built, branded pages with the no-JavaScript answer function', () => {
    const template = JSON.parse(readFileSync(join(outdir, 'Catchments-dev-Web.template.json'), 'utf8')) as {
      Resources: Record<
        string,
        { Type: string; Properties: { Code?: { S3Key: string }; Description?: string } }
      >;
    };
    const fn = Object.values(template.Resources).find(
      (r) => r.Type === 'AWS::Lambda::Function' && /answer pages/.test(r.Properties.Description ?? ''),
    )!;
    const asset = join(outdir, `asset.${fn.Properties.Code!.S3Key.replace(/\.zip$/, '')}`);
    for (const page of ['index.html', 'embed.html']) {
      expect(readFileSync(join(asset, 'pages', page), 'utf8')).toContain('id="fh-strings"');
    }
  });

  it('packages each function as the bundle the measurement script builds', async () => {
    const template = JSON.parse(
      readFileSync(join(outdir, 'Catchments-dev-Service.template.json'), 'utf8'),
    ) as {
      Resources: Record<
        string,
        { Type: string; Properties: { Code: { S3Key: string }; Description: string } }
      >;
    };
    const functions = Object.values(template.Resources).filter((r) => r.Type === 'AWS::Lambda::Function');
    expect(functions).toHaveLength(Object.keys(entries).length);
    const scratch = mkdtempSync(join(outdir, 'measure-'));
    for (const fn of functions) {
      const group = fn.Properties.Description.match(/catchments (\w+) API/)![1] as RouteGroup;
      const asset = join(outdir, `asset.${fn.Properties.Code.S3Key.replace(/\.zip$/, '')}`, 'index.mjs');
      expect(existsSync(asset), asset).toBe(true);
      const measured = await buildBundle(group, entries[group]!, scratch);
      const packaged = readFileSync(asset);
      const same = packaged.equals(readFileSync(measured.file)) || packaged.equals(before.get(group)!);
      expect(same, `${group} bundle`).toBe(true);
    }
  });
});
