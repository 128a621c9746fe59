// `catchments validate <geojson>`: the upload checks of a boundary layer, then (when it could be read)
// each feature's OGC validity and contiguity — the validity function the coverage and publish checks
// call — run on a local file, so a GIS officer can fix a layer before sending it. Same kinds and wording
// as the API.
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { checkLayerGeometry } from '../../core/layer/geometry.js';
import {
  checkLayer,
  LAYER_PROBLEM_KINDS,
  type LayerCheckResult,
  type LayerLimits,
  type LayerProblem,
  parseLayerCrs,
} from '../../core/layer-validation.js';
import {
  type CliCommand,
  type CommandInput,
  EXIT_FINDINGS,
  EXIT_OK,
  flag,
  requiredOption,
  stringOption,
  UsageError,
} from '../framework.js';

export const validateCommand: CliCommand = {
  name: 'validate',
  summary:
    'Check a GeoJSON boundary layer (structure, coordinates, CRS, ids, size, OGC validity, contiguity) before uploading it',
  args: '<geojson>',
  options: {
    'id-property': {
      type: 'string',
      valueName: 'name',
      description: "Property holding each feature's id (required)",
    },
    'name-property': {
      type: 'string',
      valueName: 'name',
      description: 'Property holding the display name (default: name)',
    },
    crs: {
      type: 'string',
      valueName: 'crs',
      description: 'EPSG:4326 (WGS84 lng/lat, default) or EPSG:27700 (BNG)',
    },
    json: { type: 'boolean', description: 'Print { problems, features, vertices } as JSON' },
    'max-features': {
      type: 'string',
      valueName: 'n',
      description: 'Raise or lower the feature limit (default 10,000)',
    },
    'max-vertices': {
      type: 'string',
      valueName: 'n',
      description: 'Vertex limit for the layer (default 500,000)',
    },
    'max-feature-vertices': {
      type: 'string',
      valueName: 'n',
      description: 'Vertex limit per feature (default 50,000)',
    },
  },
  details: `Examples:
  catchments validate hv-patches.geojson --id-property patch_id
  catchments validate catchments-bng.geojson --id-property hub_id --crs EPSG:27700
  catchments validate england-lsoa.geojson.gz --id-property LSOA11CD --max-features 40000 --max-vertices 2000000 --json
Once the layer can be read, every feature is checked for OGC validity (self-intersections, rings that
touch or cross, holes outside, rings under 1 m²) and contiguity (parts apart from the main piece, unless
listed in its allowedIslands property). Gzipped files (.gz) are read as they are. Problem kinds are
listed in docs/layer-checks.md.
Exit codes: 0 no problems, 1 problems found, 2 bad usage or an unreadable or non-JSON file.`,
  async run(input) {
    if (input.positionals.length !== 1) {
      throw new UsageError(
        input.positionals.length === 0
          ? 'give the GeoJSON file to check'
          : `give one file, got ${input.positionals.length}`,
      );
    }
    const file = input.positionals[0]!;
    const idProperty = requiredOption(input, 'id-property');
    const nameProperty = stringOption(input, 'name-property');
    const crsText = stringOption(input, 'crs');
    const crs = crsText === undefined ? undefined : parseLayerCrs(crsText);
    if (crsText !== undefined && crs === undefined) {
      throw new UsageError(`--crs must be EPSG:4326 or EPSG:27700, got "${crsText}"`);
    }
    const limits = readLimits(input);
    const json = await readJson(file);
    const read = checkLayer(json, {
      idProperty,
      ...(nameProperty ? { nameProperty } : {}),
      ...(crs ? { crs } : {}),
      limits,
    });
    const result: LayerCheckResult = read.layer
      ? { ...read, problems: [...read.problems, ...checkLayerGeometry(read.layer)] }
      : read;
    const { io } = input;
    if (flag(input, 'json')) {
      const body = {
        problems: result.problems,
        features: result.stats.features,
        vertices: result.stats.vertices,
      };
      io.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
    } else {
      io.stdout.write(formatReport(file, result));
    }
    return result.problems.length === 0 ? EXIT_OK : EXIT_FINDINGS;
  },
};

function readLimits(input: CommandInput): Partial<LayerLimits> {
  const limits: { -readonly [K in keyof LayerLimits]?: number } = {};
  const read = (option: string, key: keyof LayerLimits) => {
    const raw = stringOption(input, option);
    if (raw === undefined) return;
    const value = Number(raw.replaceAll(/[_,]/g, ''));
    if (!Number.isSafeInteger(value) || value < 1)
      throw new UsageError(`--${option} must be a positive whole number, got "${raw}"`);
    limits[key] = value;
  };
  read('max-features', 'maxFeatures');
  read('max-vertices', 'maxVerticesPerLayer');
  read('max-feature-vertices', 'maxVerticesPerPolygon');
  return limits;
}

/** Reads and parses the file; every way that can fail is the user's to fix (exit 2). */
async function readJson(file: string): Promise<unknown> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'it is a folder'
          : code === 'EACCES'
            ? 'permission denied'
            : (error as Error).message;
    throw new UsageError(`cannot read ${file}: ${why}`);
  }
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes);
    } catch (error) {
      throw new UsageError(`${file} looks gzipped but cannot be unpacked: ${(error as Error).message}`);
    }
  }
  const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
  try {
    return JSON.parse(text);
  } catch (error) {
    const hint = /^\s*</.test(text)
      ? ' (it looks like XML or HTML: is it a KML or GML file?)'
      : bytes.subarray(0, 4).toString('latin1') === 'PK\u0003\u0004'
        ? ' (it is a zip file: unzip it, or export the layer as GeoJSON)'
        : '';
    throw new UsageError(`${file} is not JSON${hint}: ${(error as Error).message}`);
  }
}

/** Problems grouped by kind, the most frequent kinds first, then a one-line summary. */
export function formatReport(file: string, result: LayerCheckResult): string {
  const { problems, stats } = result;
  const size = `${count(stats.features, 'feature')}, ${stats.verticesExact ? '' : 'at least '}${count(stats.vertices, 'vertex', 'vertices')}`;
  if (problems.length === 0) return `${file}: no problems (${size}).\n`;
  const byKind = new Map<string, LayerProblem[]>();
  for (const problem of problems) {
    const list = byKind.get(problem.kind);
    if (list) list.push(problem);
    else byKind.set(problem.kind, [problem]);
  }
  const order = (kind: string) =>
    kind === 'too-many-problems' ? Number.MAX_SAFE_INTEGER : LAYER_PROBLEM_KINDS.indexOf(kind as never);
  const kinds = [...byKind.keys()].sort((a, b) => {
    if (a === 'too-many-problems' || b === 'too-many-problems') return order(a) - order(b);
    return byKind.get(b)!.length - byKind.get(a)!.length || order(a) - order(b);
  });
  const lines: string[] = [];
  for (const kind of kinds) {
    const list = byKind.get(kind)!;
    lines.push(`${kind} (${list.length})`);
    for (const problem of list) {
      const where = [
        problem.feature === undefined ? 'layer' : `feature ${problem.feature}`,
        ...(problem.location ? [`at [${problem.location[0]}, ${problem.location[1]}]`] : []),
      ].join(' ');
      lines.push(`  ${where}`, `    ${problem.message}`);
    }
    lines.push('');
  }
  const tally = kinds.map((kind) => `${byKind.get(kind)!.length} ${kind}`).join(', ');
  lines.push(`${file}: ${count(problems.length, 'problem')} (${tally}) in ${size}.`);
  return `${lines.join('\n')}\n`;
}

function count(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-GB')} ${n === 1 ? one : many}`;
}
