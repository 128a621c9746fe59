// `catchments assign`: bulk point-in-polygon of a CSV of points against any polygon layer, e.g.
// postcodes to wards or to hub catchments. Streams rows (a national file never sits in memory);
// writes each input row plus the assigned id and how it matched, with every cell defused against
// spreadsheet formulas.

import {
  type CsvDelimiter,
  openInput,
  openOutput,
  parseDelimiter,
  readCsv,
  STDIO,
} from '../../adapters/csv.js';
import { csvCell, isFormulaLike } from '../../core/csv-cell.js';
import { bngToWgs84 } from '../../core/geo/bng.js';
import { PolygonIndex } from '../../core/spatial/polygon-index.js';
import {
  type CliCommand,
  type CommandInput,
  createProgress,
  EXIT_OK,
  EXIT_USAGE,
  flag,
  formatTable,
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
  loadLayer,
} from '../layer-input.js';

/** How a row matched: in one polygon, on a boundary (lowest id wins), in none, or unusable coordinates. */
export type AssignMatch = 'inside' | 'boundary' | 'none' | 'invalid';

export interface AssignSummary {
  readonly rows: number;
  readonly matches: Record<AssignMatch, number>;
  readonly seconds: number;
  readonly rowsPerSecond: number;
}

export const assignCommand: CliCommand = {
  name: 'assign',
  summary: 'Bulk point-in-polygon: add the containing polygon id to every row of a CSV of points',
  options: {
    polygons: {
      type: 'string',
      valueName: 'layer',
      description: 'Polygon layer: GeoJSON (.gz too) or a zipped Shapefile',
    },
    'id-property': { type: 'string', valueName: 'P', description: 'Property holding each polygon id' },
    ...CRS_OPTION,
    points: {
      type: 'string',
      valueName: 'csv[.gz]',
      description: 'Headed CSV of points (gzip read transparently; - for standard input)',
    },
    delimiter: {
      type: 'string',
      valueName: 'd',
      description: 'Delimiter of --points: , ; or tab (default: detected from the header)',
    },
    lat: { type: 'string', valueName: 'col', description: 'Latitude column (default: lat)' },
    lng: { type: 'string', valueName: 'col', description: 'Longitude column (default: lng)' },
    easting: {
      type: 'string',
      valueName: 'col',
      description: 'British National Grid easting column (instead of lat/lng)',
    },
    northing: { type: 'string', valueName: 'col', description: 'British National Grid northing column' },
    out: {
      type: 'string',
      valueName: 'csv',
      description: 'Write the rows here (default, or -: standard output)',
    },
    json: { type: 'boolean', description: 'Print the summary as JSON' },
    ...LAYER_LIMIT_OPTIONS,
  },
  details: `Output columns: the input columns, then assigned_id and match, where match is
  inside    in exactly one polygon
  boundary  on a shared edge or in an overlap (the lowest id is assigned; see docs/semantics.md)
  none      in no polygon (assigned_id empty)
  invalid   the row's coordinates are missing or not numbers (assigned_id empty)
The output uses the input's delimiter; cells starting with = + - @ (other than plain numbers) get a
leading ' so a spreadsheet shows them as text. A file given to --out is written whole or not at all.
${LAYER_FORMATS_NOTE}
Examples:
  catchments assign --polygons wards.geojson --id-property WD13CD \\
    --points postcodes.csv --out assigned.csv
  catchments assign --polygons england-lsoa.geojson.gz --id-property LSOA11CD \\
    --points gb-postcodes.csv.gz --out gb-lsoa.csv            # national: 1.7 M rows, no caps offline
  zcat points.csv.gz | catchments assign --polygons wards.zip --id-property WD13CD --points - | head`,
  async run(input) {
    const polygonsFile = requiredOption(input, 'polygons');
    const idProperty = requiredOption(input, 'id-property');
    const pointsFile = requiredOption(input, 'points');
    const easting = stringOption(input, 'easting');
    const northing = stringOption(input, 'northing');
    if ((easting === undefined) !== (northing === undefined))
      throw new UsageError('give both --easting and --northing');
    const bng = easting !== undefined;
    const xColumn = bng ? easting! : (stringOption(input, 'lng') ?? 'lng');
    const yColumn = bng ? northing! : (stringOption(input, 'lat') ?? 'lat');
    const delimiter = delimiterOption(input);

    const polygons = await polygonLocator(input, polygonsFile, idProperty);
    const source = await openInput(pointsFile, input.io.stdin);
    const out = openOutput(stringOption(input, 'out') ?? STDIO, input.io.stdout, ',');
    let summary: AssignSummary;
    try {
      summary = await assignRows(input, source, out, {
        delimiter,
        xColumn,
        yColumn,
        bng,
        polygons,
      });
      await out.close();
    } catch (error) {
      await out.abandon();
      throw error;
    } finally {
      source.close();
    }
    // With rows on stdout, the summary goes to stderr so the CSV stays clean.
    const report = out.toStdout ? input.io.stderr : input.io.stdout;
    report.write(flag(input, 'json') ? `${JSON.stringify(summary)}\n` : formatSummary(summary));
    return summary.rows === 0 ? EXIT_USAGE : EXIT_OK;
  },
};

/**
 * The layer's point-in-polygon index, as a function. Built apart from the rows' loop so the parsed
 * layer (hundreds of MB for a national one) is garbage before the rows stream through.
 */
async function polygonLocator(
  input: CommandInput,
  file: string,
  idProperty: string,
): Promise<AssignPlan['polygons']> {
  const { features } = await loadLayer(input.io, file, {
    idProperty,
    crs: crsOption(input),
    limits: layerLimits(input),
  });
  const ids = features.map((f) => f.properties.id);
  // Sorted by id so the index's lowest-index tie rule means lowest id (as the API does).
  const order = ids.map((_, i) => i).sort((a, b) => (ids[a]! < ids[b]! ? -1 : ids[a]! > ids[b]! ? 1 : 0));
  const index = PolygonIndex.build(
    order.map((i) => features[i]!.geometry),
    { use: 'one-pass' },
  );
  const sortedIds = order.map((i) => ids[i]!);
  return { ids: sortedIds, assignment: (lng, lat) => index.assignment(lng, lat) };
}

function delimiterOption(input: CommandInput): CsvDelimiter | undefined {
  const text = stringOption(input, 'delimiter');
  if (text === undefined) return undefined;
  const delimiter = parseDelimiter(text);
  if (!delimiter) throw new UsageError(`--delimiter is , ; or tab, got "${text}"`);
  return delimiter;
}

interface AssignPlan {
  readonly delimiter: CsvDelimiter | undefined;
  readonly xColumn: string;
  readonly yColumn: string;
  readonly bng: boolean;
  readonly polygons: {
    /** Polygon ids, in index order. */
    readonly ids: readonly string[];
    /** -1 in no polygon, else 2 × its index + 1 on a boundary (PolygonIndex.assignment). */
    assignment(lng: number, lat: number): number;
  };
}

async function assignRows(
  input: CommandInput,
  source: Awaited<ReturnType<typeof openInput>>,
  out: ReturnType<typeof openOutput>,
  plan: AssignPlan,
): Promise<AssignSummary> {
  const table = await readCsv(source, plan.delimiter ? { delimiter: plan.delimiter } : {});
  const { header, delimiter: d } = table;
  const xi = header.indexOf(plan.xColumn);
  const yi = header.indexOf(plan.yColumn);
  if (xi < 0 || yi < 0) {
    const shown = header.length === 1 && /[,;\t]/.test(header[0]!) ? ' (is --delimiter right?)' : '';
    throw new UsageError(
      `${source.name} has no ${xi < 0 ? `"${plan.xColumn}"` : `"${plan.yColumn}"`} column (columns: ${header.join(', ')})${shown}; ` +
        'name them with --lat/--lng or --easting/--northing',
    );
  }
  const outputLine = (cells: readonly string[]) => {
    let line = '';
    for (let i = 0; i < cells.length; i++) line += (i === 0 ? '' : d) + csvCell(cells[i]!, d);
    return line;
  };
  await out.write(`${outputLine([...header, 'assigned_id', 'match'])}\n`);

  const matches: Record<AssignMatch, number> = { inside: 0, boundary: 0, none: 0, invalid: 0 };
  const progress = source.size
    ? createProgress(input.io, 'assign', source.size, { unit: 'bytes' })
    : createProgress(input.io, 'assign rows', 0);
  const started = performance.now();
  let count = 0;
  // Each id's output cell, encoded once.
  const idCells = plan.polygons.ids.map((id) => csvCell(id, d));
  for await (const { rows, texts } of table.batches()) {
    const lines = new Array<string>(rows.length + 1);
    for (let r = 0; r < rows.length; r++) {
      const fields = rows[r]!;
      let lng = coordinate(fields[xi]!);
      let lat = coordinate(fields[yi]!);
      if (plan.bng && Number.isFinite(lng) && Number.isFinite(lat)) {
        try {
          ({ lng, lat } = bngToWgs84(lng, lat));
        } catch {
          lng = Number.NaN;
        }
      }
      let tail: string;
      if (!Number.isFinite(lng) || !Number.isFinite(lat)) {
        matches.invalid++;
        tail = `${d}${d}invalid`;
      } else {
        const found = plan.polygons.assignment(lng, lat);
        if (found < 0) {
          matches.none++;
          tail = `${d}${d}none`;
        } else if ((found & 1) === 1) {
          matches.boundary++;
          tail = `${d}${idCells[found >> 1]}${d}boundary`;
        } else {
          matches.inside++;
          tail = `${d}${idCells[found >> 1]}${d}inside`;
        }
      }
      // A line read as is (no quotes in it) passes through unless a cell needs defusing.
      const text = texts?.[r];
      lines[r] = (text !== undefined && passesThrough(text, fields) ? text : outputLine(fields)) + tail;
    }
    lines[rows.length] = '';
    count += rows.length;
    await out.write(lines.join('\n'));
    progress.tick(source.size ? source.bytesRead() : count);
  }
  progress.done();
  const seconds = (performance.now() - started) / 1000;
  return { rows: count, matches, seconds, rowsPerSecond: count / Math.max(seconds, 1e-9) };
}

/** A coordinate cell as a number; empty or blank cells are NaN (Number would read them as 0). */
function coordinate(text: string): number {
  const value = Number(text);
  return value === 0 && text.trim() === '' ? Number.NaN : value;
}

/** Whether a line read as is can be written as is: no CR inside, no formula-like cell. */
function passesThrough(text: string, fields: readonly string[]): boolean {
  if (text.includes('\r')) return false;
  for (let i = 0; i < fields.length; i++) if (isFormulaLike(fields[i]!)) return false;
  return true;
}

function formatSummary(s: AssignSummary): string {
  const share = (n: number) => (s.rows === 0 ? '0.0%' : `${((100 * n) / s.rows).toFixed(1)}%`);
  return (
    formatTable(
      [
        ['match', 'rows', 'share'],
        ...(Object.entries(s.matches) as [AssignMatch, number][]).map(([m, n]) => [m, String(n), share(n)]),
        ['total', String(s.rows), '100%'],
      ],
      [1, 2],
    ) +
    `${s.rows} rows in ${s.seconds.toFixed(2)} s (${Math.round(s.rowsPerSecond).toLocaleString('en-GB')} rows/s)\n`
  );
}
