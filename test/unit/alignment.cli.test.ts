import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { alignCommand } from '../../functions/cli/commands/align.js';
import { coverageCommand } from '../../functions/cli/commands/coverage.js';
import { runCli } from '../../functions/cli/framework.js';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/alignment/${name}`, import.meta.url));

async function run(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli([alignCommand, coverageCommand], argv, {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
    interactive: false,
    env: {},
  });
  return { code, stdout, stderr };
}

describe('catchments align', () => {
  const args = [
    'align',
    '--a',
    fixture('align-patches.geojson'),
    '--a-id',
    'id',
    '--b',
    fixture('align-teams.geojson'),
    '--b-id',
    'id',
  ];

  it('prints a report with the misaligned fragment and the fix, and exits 1 (findings)', async () => {
    const r = await run(args);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/Misaligned fragments \(1;/);
    expect(r.stdout).toMatch(
      /1\. \[align-teams\.geojson\] move the part of .* NW in .* EAST .* to .* WEST: coterminosity 0\.9\d\d → 1\.000/,
    );
  });

  it('prints the full result as JSON with --json', async () => {
    const r = await run([...args, '--json', '--threshold', '0.7']);
    const json = JSON.parse(r.stdout);
    expect(json.threshold).toBe(0.7);
    expect(json.unitsA.find((u: { id: string }) => u.id === 'nw')).toMatchObject({
      bestFit: 'west',
      nested: true,
    });
    expect(json.fragments.type).toBe('FeatureCollection');
  });

  it('exits 2 on bad usage, naming the problem', async () => {
    const missing = await run(['align', '--a', fixture('align-patches.geojson'), '--a-id', 'id']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--b is required/);
    const badThreshold = await run([...args, '--threshold', '1.5']);
    expect(badThreshold.code).toBe(2);
    const noIds = await run([
      'align',
      '--a',
      fixture('align-patches.geojson'),
      '--a-id',
      'nope',
      '--b',
      fixture('align-teams.geojson'),
      '--b-id',
      'id',
    ]);
    expect(noIds.code).toBe(2);
    expect(noIds.stderr).toMatch(/missing-id/);
  });
});

describe('catchments coverage', () => {
  it('reports the gap, the overlap and the part outside the outline, and exits 1', async () => {
    const r = await run([
      'coverage',
      fixture('coverage-layer.geojson'),
      '--id-property',
      'id',
      '--outline',
      fixture('coverage-outline.geojson'),
    ]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/Overlaps between features \(1,/);
    expect(r.stdout).toMatch(/Gaps \(1,/);
    expect(r.stdout).toMatch(/Outside the outline \(1,/);
  });

  it('exits 0 for a layer that tiles its outline, with --json', async () => {
    const r = await run(['coverage', fixture('align-patches.geojson'), '--id-property', 'id', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, features: 4, gaps: [], overlaps: [] });
  });
});
