import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { alignCommand } from '../../functions/cli/commands/align.js';
import { coverageCommand } from '../../functions/cli/commands/coverage.js';
import { validateCommand } from '../../functions/cli/commands/validate.js';
import { runCli } from '../../functions/cli/framework.js';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/alignment/${name}`, import.meta.url));

async function run(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli([alignCommand, coverageCommand, validateCommand], argv, {
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

  it('reports detached parts as validate does, in the text, the JSON and --problems', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'coverage-cli-'));
    const square = (x: number, y: number) => [
      [
        [x, y],
        [x + 0.01, y],
        [x + 0.01, y + 0.01],
        [x, y + 0.01],
        [x, y],
      ],
    ];
    const layer = path.join(dir, 'two-pieces.geojson');
    writeFileSync(
      layer,
      JSON.stringify({
        type: 'FeatureCollection',
        features: [
          // hub-a: a main square and a smaller one 10 km away.
          {
            type: 'Feature',
            properties: { id: 'hub-a' },
            geometry: {
              type: 'MultiPolygon',
              coordinates: [
                square(-2.2, 51.8),
                [
                  [
                    [-2.05, 51.8],
                    [-2.045, 51.8],
                    [-2.045, 51.805],
                    [-2.05, 51.805],
                    [-2.05, 51.8],
                  ],
                ],
              ],
            },
          },
          {
            type: 'Feature',
            properties: { id: 'hub-b' },
            geometry: { type: 'Polygon', coordinates: square(-2.19, 51.8) },
          },
        ],
      }),
    );
    const problems = path.join(dir, 'problems.geojson');
    const text = await run(['coverage', layer, '--id-property', 'id', '--problems', problems]);
    // A unit in pieces still tiles: a warning, as at publish.
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/Contiguity warnings \(1\)/);
    expect(text.stdout).toMatch(/hub-a\s+detached-part\s+\d+(\.\d+)? ha\s+51\.80\d+, -2\.04\d+/);
    const drawn = JSON.parse(readFileSync(problems, 'utf8')) as {
      features: { geometry: { type: string } | null; properties: { kind: string; feature: string } }[];
    };
    expect(drawn.features.map((f) => [f.properties.kind, f.properties.feature, f.geometry?.type])).toEqual([
      ['detached-part', 'hub-a', 'MultiPolygon'],
    ]);

    // The same finding as validate's, at the same place.
    const json = JSON.parse((await run(['coverage', layer, '--id-property', 'id', '--json'])).stdout) as {
      detached: { kind: string; feature: string; location: [number, number] }[];
    };
    const validated = await run(['validate', layer, '--id-property', 'id', '--json']);
    expect(validated.code).toBe(1);
    const validateProblems = (
      JSON.parse(validated.stdout) as {
        problems: { kind: string; feature?: string; location?: [number, number] }[];
      }
    ).problems.filter((p) => p.kind === 'detached-part');
    expect(json.detached.map((d) => [d.kind, d.feature])).toEqual([['detached-part', 'hub-a']]);
    expect(validateProblems).toHaveLength(1);
    expect(validateProblems[0]!.feature).toBe('hub-a');
    expect(validateProblems[0]!.location![0]).toBeCloseTo(json.detached[0]!.location[0], 5);
    expect(validateProblems[0]!.location![1]).toBeCloseTo(json.detached[0]!.location[1], 5);
  });
});
