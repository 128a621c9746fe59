// Boundary layers as the CLI reads them: GeoJSON, gzipped GeoJSON or a zipped Shapefile
// (functions/adapters/layer-file.ts), in WGS84 or British National Grid (from --crs or the
// Shapefile's .prj), through the same checks as the admin API's upload — but with no size caps by
// default. The caps protect the API (memory and time per request); on the planner's own machine a
// national layer (England's 32,844 LSOAs, 1.9 M vertices) is a normal input, as in mapshaper.
// --max-features / --max-vertices / --max-feature-vertices set caps, and `validate --upload-limits`
// applies the API's defaults.
import { LayerFileError, readLayerFile } from '../adapters/layer-file.js';
import { ShapefileError } from '../adapters/shapefile.js';
import {
  checkLayer,
  DEFAULT_LAYER_LIMITS,
  type LayerCrs,
  type LayerLimits,
  parseLayerCrs,
} from '../core/layer-validation.js';
import type { Layer } from '../core/model.js';
import { type CliCommand, type CommandInput, stringOption, UsageError } from './framework.js';

/** No caps: every limit as high as a count can go. */
export const OFFLINE_LAYER_LIMITS: LayerLimits = Object.freeze({
  maxFeatures: Number.MAX_SAFE_INTEGER,
  maxVerticesPerLayer: Number.MAX_SAFE_INTEGER,
  maxVerticesPerPolygon: Number.MAX_SAFE_INTEGER,
});

const count = (n: number) => n.toLocaleString('en-GB');

/** The cap options every layer-reading command takes. */
export const LAYER_LIMIT_OPTIONS: CliCommand['options'] = {
  'max-features': {
    type: 'string',
    valueName: 'n',
    description: `Refuse layers with more features (default: no cap; the API's is ${count(DEFAULT_LAYER_LIMITS.maxFeatures)})`,
  },
  'max-vertices': {
    type: 'string',
    valueName: 'n',
    description: `Refuse layers with more vertices (default: no cap; the API's is ${count(DEFAULT_LAYER_LIMITS.maxVerticesPerLayer)})`,
  },
  'max-feature-vertices': {
    type: 'string',
    valueName: 'n',
    description: `Refuse features with more vertices (default: no cap; the API's is ${count(DEFAULT_LAYER_LIMITS.maxVerticesPerPolygon)})`,
  },
};

export const CRS_OPTION: CliCommand['options'] = {
  crs: {
    type: 'string',
    valueName: 'crs',
    description: 'Coordinates of GeoJSON layers: EPSG:4326 (default) or EPSG:27700 (BNG, reprojected)',
  },
};

export const LAYER_FORMATS_NOTE =
  'Layers: GeoJSON (.gz read as is) or a zipped Shapefile (.shp, .dbf, .prj in one .zip; a .prj in\n' +
  'British National Grid is reprojected to WGS84). No size caps offline unless --max-* sets them.';

/** The layer caps given on the command line, over `base` (no caps by default). */
export function layerLimits(input: CommandInput, base: LayerLimits = OFFLINE_LAYER_LIMITS): LayerLimits {
  const limits: { -readonly [K in keyof LayerLimits]: number } = { ...base };
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

/** The --crs option: EPSG:4326 (default) or EPSG:27700, whose layers are reprojected on reading. */
export function crsOption(input: CommandInput): LayerCrs | undefined {
  const text = stringOption(input, 'crs');
  if (text === undefined) return undefined;
  const crs = parseLayerCrs(text);
  if (!crs)
    throw new UsageError(
      `--crs must be EPSG:4326 (WGS84 lng/lat) or EPSG:27700 (British National Grid), got "${text}"`,
    );
  return crs;
}

/**
 * Reads a layer file (unchecked) and settles its CRS: the file's own (.prj) or --crs, which must
 * agree when both are given. Every way reading can fail is the user's to fix (exit 2).
 */
export async function readLayerInput(
  file: string,
  crsGiven: LayerCrs | undefined,
): Promise<{ json: unknown; crs: LayerCrs | undefined }> {
  let decoded: Awaited<ReturnType<typeof readLayerFile>>;
  try {
    decoded = await readLayerFile(file);
  } catch (error) {
    if (error instanceof LayerFileError || error instanceof ShapefileError) {
      throw new UsageError(`${file}: ${error.message}`);
    }
    throw new UsageError(`cannot read ${file}: ${fileSystemReason(error) ?? (error as Error).message}`);
  }
  if (decoded.crs && crsGiven && decoded.crs !== crsGiven) {
    throw new UsageError(
      `${file}: its .prj says ${decoded.crs} but --crs says ${crsGiven}; drop --crs, the .prj is read`,
    );
  }
  return { json: decoded.json, crs: decoded.crs ?? crsGiven };
}

export interface LoadLayerOptions {
  readonly idProperty: string;
  readonly nameProperty?: string;
  readonly crs?: LayerCrs;
  readonly limits?: LayerLimits;
}

/**
 * Reads a layer and runs the upload checks on it (functions/core/layer-validation.ts), which
 * normalise properties.id / properties.name and reproject BNG. Blocking problems are a usage error
 * (exit 2); others are printed as notes.
 */
export async function loadLayer(
  io: CommandInput['io'],
  file: string,
  options: LoadLayerOptions,
): Promise<Layer> {
  const { json, crs } = await readLayerInput(file, options.crs);
  const checked = checkLayer(json, {
    idProperty: options.idProperty,
    nameProperty: options.nameProperty,
    limits: options.limits ?? OFFLINE_LAYER_LIMITS,
    crs,
  });
  if (!checked.layer) {
    const lines = checked.problems
      .slice(0, 10)
      .map((p) => `  - ${p.kind}${p.feature ? ` [${p.feature}]` : ''}: ${p.message}`);
    const more = checked.problems.length > 10 ? `\n  (${checked.problems.length - 10} more)` : '';
    throw new UsageError(`${file} cannot be used:\n${lines.join('\n')}${more}`);
  }
  for (const p of checked.problems.slice(0, 5)) io.stderr.write(`note: ${file}: ${p.kind}: ${p.message}\n`);
  return checked.layer;
}

/** Why a path the user gave cannot be read, in words (no such file, a folder…); null for other errors. */
export function fileSystemReason(error: unknown): string | null {
  switch ((error as NodeJS.ErrnoException | null)?.code) {
    case 'ENOENT':
      return 'no such file';
    case 'EISDIR':
      return 'it is a folder';
    case 'EACCES':
      return 'permission denied';
    default:
      return null;
  }
}
