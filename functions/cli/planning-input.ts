// A planner's weights and capacities on the command line, shared by `impact` and `align`:
//   --weights births.csv --weights-key lsoa --weights-column births [--weights-key-column LSOA11CD]
//   [--census-layer lsoa.geojson --census-id LSOA11CD]      (census codes for a Code-Point directory)
//   --capacity capacity.csv [--under 0.8]
// read through the one CSV module (functions/adapters/weights-file.ts) and checked by the core
// (functions/core/weights/), plus the report sections that show them. Semantics: docs/impact.md.
import { buffer } from 'node:stream/consumers';
import { openInput } from '../adapters/csv.js';
import { readCapacityFile, readWeightsFile } from '../adapters/weights-file.js';
import type { CapacityChanges } from '../core/impact/capacity-changes.js';
import type { Layer, PostcodeRecord } from '../core/model.js';
import type { PostcodeDirectory } from '../core/postcode-directory.js';
import {
  type CapacityTable,
  DEFAULT_UNDER_SHARE,
  type LayerLoads,
  type Load,
} from '../core/weights/capacity.js';
import {
  layerCensusSource,
  type ResolvedWeights,
  resolveWeights,
  type WeightsReport,
} from '../core/weights/resolve.js';
import {
  isWeightKey,
  WEIGHT_KEYS,
  type WeightKey,
  type WeightsTable,
} from '../core/weights/weights-table.js';
import {
  type CliCommand,
  type CommandInput,
  formatTable,
  numberOption,
  stringOption,
  UsageError,
} from './framework.js';
import { fileSystemReason, loadLayer } from './layer-input.js';

export const PLANNING_OPTIONS: CliCommand['options'] = {
  weights: {
    type: 'string',
    valueName: 'csv',
    description: 'Weights per postcode or per OA/LSOA (e.g. births) to weigh caseloads and alignment by',
  },
  'weights-key': {
    type: 'string',
    valueName: 'key',
    description: `What --weights rows are keyed by: ${WEIGHT_KEYS.join('|')} (census codes are spread over their live postcodes)`,
  },
  'weights-column': {
    type: 'string',
    valueName: 'column',
    description: 'The column of --weights holding the counts, e.g. births',
  },
  'weights-key-column': {
    type: 'string',
    valueName: 'column',
    description: 'The column of --weights holding the keys (default: the one named like the key)',
  },
  'census-layer': {
    type: 'string',
    valueName: 'layer',
    description: 'OA or LSOA polygons giving postcodes their codes, for a directory without census columns',
  },
  'census-id': {
    type: 'string',
    valueName: 'property',
    description: 'Property of --census-layer holding the codes, e.g. LSOA11CD',
  },
  capacity: {
    type: 'string',
    valueName: 'csv',
    description:
      'Capacity per unit: unit_id,capacity[,layer], in the caseload measure (weights or postcodes)',
  },
  under: {
    type: 'string',
    valueName: 'share',
    description: `Flag units below this share of their capacity as under (default ${DEFAULT_UNDER_SHARE}; over is > 1)`,
  },
};

export const PLANNING_NOTE = `Weights and capacity (docs/impact.md): --weights births.csv --weights-key lsoa --weights-column births
  puts each LSOA's births equally on its live postcodes (the directory's lsoa11/lsoa21 column, or
  --census-layer); --capacity capacity.csv sets each unit's caseload against its capacity.`;

export interface CliPlanning {
  readonly weights?: WeightsTable;
  readonly capacity?: CapacityTable;
  readonly underShare?: number;
  /** The census areas' polygons, when given, and the file they came from. */
  readonly censusLayer?: { readonly layer: Layer; readonly file: string };
}

function weightsSpec(input: CommandInput): { key: WeightKey; column: string; keyColumn?: string } {
  const key = stringOption(input, 'weights-key');
  const column = stringOption(input, 'weights-column');
  if (key === undefined || column === undefined) {
    throw new UsageError(
      '--weights needs --weights-key (what the rows are keyed by) and --weights-column (the counts), e.g. --weights-key lsoa --weights-column births',
    );
  }
  if (!isWeightKey(key))
    throw new UsageError(`--weights-key must be one of ${WEIGHT_KEYS.join(', ')}, got "${key}"`);
  const keyColumn = stringOption(input, 'weights-key-column');
  return { key, column, ...(keyColumn !== undefined ? { keyColumn } : {}) };
}

function underShare(input: CommandInput): number | undefined {
  if (stringOption(input, 'under') === undefined) return undefined;
  const value = numberOption(input, 'under', DEFAULT_UNDER_SHARE);
  if (!(value > 0 && value <= 1)) throw new UsageError(`--under must be in (0, 1], got ${value}`);
  return value;
}

/** Reads the planning options; undefined when none is given. Every option's misuse is exit 2. */
export async function readPlanning(input: CommandInput): Promise<CliPlanning | undefined> {
  const weightsFile = stringOption(input, 'weights');
  const capacityFile = stringOption(input, 'capacity');
  const censusFile = stringOption(input, 'census-layer');
  const under = underShare(input);
  if (weightsFile === undefined) {
    for (const option of [
      'weights-key',
      'weights-column',
      'weights-key-column',
      'census-layer',
      'census-id',
    ]) {
      if (stringOption(input, option) !== undefined)
        throw new UsageError(`--${option} goes with --weights <csv>`);
    }
  }
  if (capacityFile === undefined && under !== undefined)
    throw new UsageError('--under goes with --capacity <csv>');
  if (weightsFile === undefined && capacityFile === undefined) return undefined;
  const planning: { -readonly [K in keyof CliPlanning]: CliPlanning[K] } = {};
  if (weightsFile !== undefined)
    planning.weights = await reading('weights', weightsFile, () =>
      readWeightsFile(weightsFile, weightsSpec(input), input.io.stdin),
    );
  if (capacityFile !== undefined)
    planning.capacity = await reading('capacity', capacityFile, () =>
      readCapacityFile(capacityFile, input.io.stdin),
    );
  if (under !== undefined) planning.underShare = under;
  if (censusFile !== undefined) {
    const idProperty = stringOption(input, 'census-id');
    if (idProperty === undefined)
      throw new UsageError(
        '--census-layer needs --census-id (the property holding the codes, e.g. LSOA11CD)',
      );
    planning.censusLayer = { layer: await loadLayer(input.io, censusFile, { idProperty }), file: censusFile };
  }
  return planning;
}

/** The weights on the directory's postcodes (codes from --census-layer when given). */
export function plannedWeights(
  planning: CliPlanning | undefined,
  directory: PostcodeDirectory,
  records: readonly PostcodeRecord[],
): ResolvedWeights | undefined {
  if (!planning?.weights) return undefined;
  const census = planning.censusLayer
    ? layerCensusSource(planning.censusLayer.layer, planning.censusLayer.file.split(/[\\/]/).pop()!, records)
    : undefined;
  return resolveWeights(planning.weights, records, {
    censusColumns: directory.censusColumns,
    ...(census ? { census } : {}),
  });
}

/**
 * The JSON body of the service's POST routes: the files' text as given (the service checks them
 * as the CLI does). --census-layer is for folders only: the service uses its directory's codes.
 */
export async function planningBody(input: CommandInput): Promise<Record<string, unknown> | undefined> {
  const weightsFile = stringOption(input, 'weights');
  const capacityFile = stringOption(input, 'capacity');
  if (stringOption(input, 'census-layer') !== undefined) {
    throw new UsageError(
      "--census-layer works on folders; a service puts weights on postcodes with its directory's census columns",
    );
  }
  const under = underShare(input);
  if (weightsFile === undefined && capacityFile === undefined) {
    if (under !== undefined) throw new UsageError('--under goes with --capacity <csv>');
    return undefined;
  }
  const text = (option: string, file: string) =>
    reading(option, file, async () => {
      const source = await openInput(file, input.io.stdin);
      try {
        return (await buffer(source.stream)).toString('utf8');
      } finally {
        source.close();
      }
    });
  return {
    ...(weightsFile !== undefined
      ? { weights: { csv: await text('weights', weightsFile), ...weightsSpec(input) } }
      : {}),
    ...(capacityFile !== undefined ? { capacity: { csv: await text('capacity', capacityFile) } } : {}),
    ...(under !== undefined ? { underShare: under } : {}),
  };
}

const n0 = (x: number) => Math.round(x).toLocaleString('en-GB');
const amount = (x: number) =>
  Number.isInteger(x) ? n0(x) : x.toLocaleString('en-GB', { maximumFractionDigits: 1 });
const percent = (x: number) => `${(x * 100).toFixed(1)}%`;
const whole = (x: number) => `${Number((x * 100).toFixed(1))}%`;

/** What the weights file matched, and the rows it could not place (the heaviest ten). */
export function describeWeights(r: WeightsReport): string[] {
  const out = [
    `Weights: ${r.column} by ${r.key}${r.censusSource ? ` (codes from ${r.censusSource})` : ''}, ${n0(r.rows)} rows, ${amount(r.total)} in all; ` +
      `${amount(r.matched.weight)} placed on ${n0(r.matched.postcodes)} live postcodes, ` +
      (r.unmatched.rows === 0
        ? 'every row placed'
        : `${amount(r.unmatched.weight)} in ${n0(r.unmatched.rows)} row(s) not placed`),
  ];
  const reasons = Object.entries(r.unmatched.byReason).filter(([, v]) => v.rows > 0);
  if (reasons.length > 0) {
    out.push(
      `  not placed: ${reasons.map(([k, v]) => `${k} ${n0(v.rows)} (${amount(v.weight)})`).join(', ')}`,
    );
    for (const u of r.unmatched.listed.slice(0, 10)) {
      out.push(`  - row ${u.row}: ${u.code} ${amount(u.weight)} (${u.reason})`);
    }
    if (r.unmatched.rows > 10) out.push(`  … ${n0(r.unmatched.rows - 10)} more (--json)`);
  }
  return out;
}

const loadCell = (l: Load | null) => (l === null ? '—' : `${amount(l.caseload)} (${percent(l.share)})`);
const flagCell = (l: Load | null) => (l === null ? '—' : l.flag === 'within' ? 'ok' : l.flag.toUpperCase());

/** Caseload against capacity per unit before and after (nothing for a layer given no capacity). */
export function describeCapacityChanges(noun: string, c: CapacityChanges): string[] {
  if (c.units.length === 0) return [];
  const out = [
    `Caseload vs capacity per ${noun} (${c.measure}; over > 100%, under < ${whole(c.underShare)}): ` +
      `over ${c.over.before} → ${c.over.after}, under ${c.under.before} → ${c.under.after}`,
  ];
  // Units flagged, added, removed or whose caseload changes; the rest are counted.
  const shown = c.units.filter(
    (u) =>
      u.before?.flag !== 'within' ||
      u.after?.flag !== 'within' ||
      Math.abs(u.before.caseload - u.after.caseload) > 1e-9,
  );
  if (shown.length > 0) {
    out.push(
      formatTable(
        [
          [noun, 'capacity', 'before', '', 'after', ''],
          ...shown.map((u) => [
            u.state === 'kept' ? u.id : `${u.id} (${u.state})`,
            amount(u.capacity),
            loadCell(u.before),
            flagCell(u.before),
            loadCell(u.after),
            flagCell(u.after),
          ]),
        ],
        [1, 2, 4],
      ).trimEnd(),
    );
  }
  if (shown.length < c.units.length) {
    out.push(
      `The other ${c.units.length - shown.length} are within capacity before and after, unchanged (--json lists all).`,
    );
  }
  if (c.withoutCapacity.length > 0) {
    out.push(
      `No capacity given for ${c.withoutCapacity.length} ${noun}(s): ${c.withoutCapacity.slice(0, 8).join(', ')}${c.withoutCapacity.length > 8 ? ', …' : ''}`,
    );
  }
  return out;
}

/** Caseload against capacity per unit of one layer (alignment: one state). */
export function describeLayerLoads(label: string, l: LayerLoads): string[] {
  const out = [
    `Caseload vs capacity, ${label} (${l.measure}; over > 100%, under < ${whole(l.underShare)}): ${l.over} over, ${l.under} under`,
  ];
  if (l.units.length > 0) {
    out.push(
      formatTable(
        [
          ['unit', 'capacity', 'caseload', 'share', ''],
          ...l.units.map((u) => [
            u.id,
            amount(u.capacity),
            amount(u.load.caseload),
            percent(u.load.share),
            flagCell(u.load),
          ]),
        ],
        [1, 2, 3],
      ).trimEnd(),
    );
  }
  if (l.withoutCapacity.length > 0) out.push(`No capacity given for ${l.withoutCapacity.length} unit(s)`);
  return out;
}

/** Reads a planning file; one that cannot be opened is a usage error naming the option (exit 2). */
async function reading<T>(option: string, file: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    const why = fileSystemReason(error);
    if (why === null) throw error;
    throw new UsageError(`--${option} ${file}: cannot read it: ${why}`);
  }
}
