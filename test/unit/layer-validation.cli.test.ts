import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { commands } from '../../functions/cli/commands/index.js';
import { validateCommand } from '../../functions/cli/commands/validate.js';
import { type CliIO, runCli } from '../../functions/cli/framework.js';
import { LAYER_PROBLEM_KINDS } from '../../functions/core/layer-validation.js';

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/layer-validation');
const fixture = (name: string) => path.join(fixtures, `${name}.geojson`);
const tmp = mkdtempSync(path.join(tmpdir(), 'validate-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function run(...args: string[]) {
  let stdout = '';
  let stderr = '';
  const io: CliIO = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    interactive: false,
    env: {},
  };
  const code = await runCli([validateCommand], ['validate', ...args], io);
  return { code, stdout, stderr };
}

describe('catchments validate', () => {
  it('is registered with the CLI', () => {
    expect(commands).toContain(validateCommand);
  });

  it('exits 0 with a one-line summary for a clean layer', async () => {
    const { code, stdout, stderr } = await run(fixture('clean'), '--id-property', 'id');
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toBe(`${fixture('clean')}: no problems (4 features, 30 vertices).\n`);
  });

  it('exits 1 and lists problems by kind (most frequent first) with feature, location and message', async () => {
    const { code, stdout } = await run(fixture('ids'), '--id-property', 'id');
    expect(code).toBe(1);
    const headings = stdout.split('\n').filter((line) => /^[a-z-]+ \(\d+\)$/.test(line));
    expect(headings).toEqual(['invalid-id (3)', 'missing-id (2)', 'empty-id (1)', 'duplicate-id (1)']);
    expect(stdout).toContain('  feature A at [-1.75, 51.86]\n    Id "A" is used by 2 features');
    const last = stdout.trimEnd().split('\n').at(-1)!;
    expect(last).toBe(
      `${fixture('ids')}: 7 problems (3 invalid-id, 2 missing-id, 1 empty-id, 1 duplicate-id) in 9 features, 45 vertices.`,
    );
  });

  it('names layer-level problems as such', async () => {
    const { code, stdout } = await run(fixture('missing-id-everywhere'), '--id-property', 'ward_code');
    expect(code).toBe(1);
    expect(stdout).toContain('missing-id (1)\n  layer\n    None of the 2 features');
  });

  it('--json prints { problems, features, vertices }', async () => {
    const { code, stdout } = await run(fixture('rings'), '--id-property', 'id', '--json');
    expect(code).toBe(1);
    const body = JSON.parse(stdout);
    expect(Object.keys(body)).toEqual(['problems', 'features', 'vertices']);
    expect(body.features).toBe(6);
    expect(body.vertices).toBe(4 + 3 + 5 + 4 + 5 + 1 + 5 + 4 + 5);
    expect(body.problems.map((p: { kind: string }) => p.kind)).toEqual([
      'ring-not-closed',
      'ring-too-short',
      'ring-not-closed',
      'ring-too-short',
      'ring-not-closed',
    ]);
    for (const p of body.problems) expect(LAYER_PROBLEM_KINDS).toContain(p.kind);
  });

  it('--json with no problems exits 0', async () => {
    const { code, stdout } = await run(fixture('clean'), '--id-property', 'id', '--json');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({ problems: [], features: 4, vertices: 30 });
  });

  it('--crs EPSG:27700 reprojects, and the BNG hint names the flag', async () => {
    const hinted = await run(fixture('looks-like-bng'), '--id-property', 'code');
    expect(hinted.code).toBe(1);
    expect(hinted.stdout).toContain('--crs EPSG:27700');
    const bngOnly = path.join(tmp, 'bng.geojson');
    const input = JSON.parse(readFileSync(fixture('looks-like-bng'), 'utf8'));
    writeFileSync(bngOnly, JSON.stringify({ ...input, features: input.features.slice(0, 2) }));
    const resent = await run(bngOnly, '--id-property', 'code', '--crs', '27700');
    expect(resent.code).toBe(0);
  });

  it('honours --name-property and raised limits', async () => {
    const capped = await run(fixture('clean'), '--id-property', 'id', '--max-features', '3');
    expect(capped.code).toBe(1);
    expect(capped.stdout).toContain('too-many-features (1)');
    const raised = await run(
      fixture('caps'),
      '--id-property',
      'id',
      '--max-feature-vertices',
      '7',
      '--name-property',
      'x',
    );
    expect(raised.code).toBe(0);
    const tight = await run(fixture('caps'), '--id-property', 'id', '--max-vertices', '10');
    expect(tight.code).toBe(1);
    expect(tight.stdout).toContain('too-many-vertices-in-layer');
  });

  it('has no size caps offline unless asked: --upload-limits applies the API defaults', async () => {
    // One feature of 60,001 vertices: over the API's 50,000 per feature, fine on a planner's machine.
    const ring = Array.from({ length: 60_000 }, (_, i) => {
      const a = (2 * Math.PI * i) / 60_000;
      return [-2.2 + 0.01 * Math.cos(a), 51.9 + 0.01 * Math.sin(a)];
    });
    ring.push(ring[0]!);
    const big = path.join(tmp, 'big.geojson');
    writeFileSync(
      big,
      JSON.stringify({
        type: 'FeatureCollection',
        features: [
          { type: 'Feature', properties: { id: 'big' }, geometry: { type: 'Polygon', coordinates: [ring] } },
        ],
      }),
    );
    const offline = await run(big, '--id-property', 'id');
    expect(offline.code).toBe(0);
    const upload = await run(big, '--id-property', 'id', '--upload-limits', '--json');
    expect(upload.code).toBe(1);
    const kinds = (JSON.parse(upload.stdout) as { problems: { kind: string }[] }).problems.map((p) => p.kind);
    expect(kinds).toEqual(['too-many-vertices-in-feature']);
  });

  it('reads gzipped files', async () => {
    const gz = path.join(tmp, 'clean.geojson.gz');
    writeFileSync(gz, gzipSync(readFileSync(fixture('clean'))));
    const { code } = await run(gz, '--id-property', 'id');
    expect(code).toBe(0);
  });

  it('exits 2 with a clear message for a missing file, a folder and a non-JSON file', async () => {
    const missing = await run(path.join(tmp, 'nope.geojson'), '--id-property', 'id');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`cannot read ${path.join(tmp, 'nope.geojson')}: no such file`);
    const folder = await run(tmp, '--id-property', 'id');
    expect(folder.code).toBe(2);
    expect(folder.stderr).toContain('it is a folder');
    const kml = path.join(tmp, 'layer.kml');
    writeFileSync(kml, '<?xml version="1.0"?><kml></kml>');
    const notJson = await run(kml, '--id-property', 'id');
    expect(notJson.code).toBe(2);
    expect(notJson.stderr).toContain(`${kml}: It is not JSON`);
    expect(notJson.stderr).toContain('It looks like XML or HTML: is it KML or GML?');
    expect(notJson.stdout).toBe('');
  });

  it('exits 2 for bad usage: no file, two files, no --id-property, an unknown --crs, a bad limit', async () => {
    const cases: string[][] = [
      ['--id-property', 'id'],
      [fixture('clean'), fixture('rings'), '--id-property', 'id'],
      [fixture('clean')],
      [fixture('clean'), '--id-property', 'id', '--crs', 'EPSG:3857'],
      [fixture('clean'), '--id-property', 'id', '--max-features', '0'],
      [fixture('clean'), '--id-property', 'id', '--unknown'],
    ];
    const messages = [
      'give the layer file',
      'give one file, got 2',
      '--id-property is required',
      '--crs must be',
      '--max-features must be',
    ];
    for (const [i, args] of cases.entries()) {
      const { code, stderr, stdout } = await run(...args);
      expect(code, args.join(' ')).toBe(2);
      expect(stdout).toBe('');
      if (messages[i]) expect(stderr).toContain(messages[i]);
    }
  });

  it('a valid JSON file that is not a layer is a finding (exit 1), not a usage error', async () => {
    const array = path.join(tmp, 'array.json');
    writeFileSync(array, '[1, 2, 3]');
    const { code, stdout } = await run(array, '--id-property', 'id');
    expect(code).toBe(1);
    expect(stdout).toContain('not-a-feature-collection (1)');
  });
});
