// `catchments validate <layer>`: the upload checks of a boundary layer, then (when it could be read)
// each feature's OGC validity and contiguity — the validity function the coverage and publish checks
// call — run on a local file, so a GIS officer can fix a layer before sending it. Same kinds and wording
// as the API; no size caps unless asked for (--upload-limits, --max-*), since the caps protect the API,
// not this machine.
import { checkLayerGeometry } from '../../core/layer/geometry.js';
import {
  checkLayer,
  DEFAULT_LAYER_LIMITS,
  LAYER_PROBLEM_KINDS,
  type LayerCheckResult,
  type LayerProblem,
} from '../../core/layer-validation.js';
import {
  type CliCommand,
  EXIT_FINDINGS,
  EXIT_OK,
  flag,
  requiredOption,
  stringOption,
  UsageError,
} from '../framework.js';
import {
  CRS_OPTION,
  crsOption,
  LAYER_FORMATS_NOTE,
  LAYER_LIMIT_OPTIONS,
  layerLimits,
  OFFLINE_LAYER_LIMITS,
  readLayerInput,
} from '../layer-input.js';

export const validateCommand: CliCommand = {
  name: 'validate',
  summary:
    'Check a boundary layer (GeoJSON or zipped Shapefile: structure, coordinates, CRS, ids, size, OGC validity, contiguity)',
  args: '<layer>',
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
    ...CRS_OPTION,
    json: { type: 'boolean', description: 'Print { problems, features, vertices } as JSON' },
    'upload-limits': {
      type: 'boolean',
      description: "Also check the admin API's default size caps (as an upload would be)",
    },
    ...LAYER_LIMIT_OPTIONS,
  },
  details: `Examples:
  catchments validate hv-patches.geojson --id-property patch_id
  catchments validate catchments-bng.geojson --id-property hub_id --crs EPSG:27700
  catchments validate wards-bng.zip --id-property WD13CD          # a zipped Shapefile; its .prj gives the CRS
  catchments validate england-lsoa.geojson.gz --id-property LSOA11CD --json
  catchments validate redraw.geojson --id-property hub_id --upload-limits   # would the API take it?
${LAYER_FORMATS_NOTE}
Once the layer can be read, every feature is checked for OGC validity (self-intersections, rings that
touch or cross, holes outside, rings under 1 m²) and contiguity (parts apart from the main piece, unless
listed in its allowedIslands property). Problem kinds are listed in docs/layer-checks.md.
Exit codes: 0 no problems, 1 problems found, 2 bad usage or an unreadable or non-JSON file.`,
  async run(input) {
    if (input.positionals.length !== 1) {
      throw new UsageError(
        input.positionals.length === 0
          ? 'give the layer file to check'
          : `give one file, got ${input.positionals.length}`,
      );
    }
    const file = input.positionals[0]!;
    const idProperty = requiredOption(input, 'id-property');
    const nameProperty = stringOption(input, 'name-property');
    const limits = layerLimits(
      input,
      flag(input, 'upload-limits') ? DEFAULT_LAYER_LIMITS : OFFLINE_LAYER_LIMITS,
    );
    const { json, crs } = await readLayerInput(file, crsOption(input));
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
