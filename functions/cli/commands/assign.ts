// `catchments assign`: bulk point-in-polygon of a CSV of points against any polygon layer, e.g.
// postcodes to wards or to hub catchments. Streams rows; writes each input row plus the assigned id
// and how it matched.
import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { csvField, readHeadedCsv } from '../../adapters/csv.js';
import { bngToWgs84 } from '../../core/geo/bng.js';
import { checkLayer } from '../../core/layer-validation.js';
import { PolygonIndex } from '../../core/spatial/polygon-index.js';
import {
  type CliCommand,
  createProgress,
  EXIT_OK,
  EXIT_USAGE,
  flag,
  formatTable,
  requiredOption,
  stringOption,
  UsageError,
} from '../framework.js';

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
      valueName: 'geojson',
      description: 'Polygon layer (GeoJSON FeatureCollection, WGS84)',
    },
    'id-property': { type: 'string', valueName: 'P', description: 'Property holding each polygon id' },
    points: {
      type: 'string',
      valueName: 'csv[.gz]',
      description: 'Headed CSV of points (gzip read transparently)',
    },
    lat: { type: 'string', valueName: 'col', description: 'Latitude column (default: lat)' },
    lng: { type: 'string', valueName: 'col', description: 'Longitude column (default: lng)' },
    easting: {
      type: 'string',
      valueName: 'col',
      description: 'British National Grid easting column (instead of lat/lng)',
    },
    northing: { type: 'string', valueName: 'col', description: 'British National Grid northing column' },
    out: { type: 'string', valueName: 'csv', description: 'Write the rows here (default: standard output)' },
    json: { type: 'boolean', description: 'Print the summary as JSON' },
  },
  details: `Output columns: the input columns, then assigned_id and match, where match is
  inside    in exactly one polygon
  boundary  on a shared edge or in an overlap (the lowest id is assigned; see docs/semantics.md)
  none      in no polygon (assigned_id empty)
  invalid   the row's coordinates are missing or not numbers (assigned_id empty)
Example:
  catchments assign --polygons wards.geojson --id-property WD13CD \\
    --points postcodes.csv --out assigned.csv`,
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

    const checked = checkLayer(JSON.parse(await readFile(polygonsFile, 'utf8')) as unknown, { idProperty });
    if (!checked.layer) {
      const shown = checked.problems
        .slice(0, 10)
        .map((p) => `  ${p.kind}${p.feature ? ` [${p.feature}]` : ''}: ${p.message}`);
      throw new UsageError(`${polygonsFile} is not a usable polygon layer:\n${shown.join('\n')}`);
    }
    const features = checked.layer.features;
    const ids = features.map((f) => f.properties.id);
    // Sorted by id so the index's lowest-index tie rule means lowest id (as the API does).
    const order = ids.map((_, i) => i).sort((a, b) => (ids[a]! < ids[b]! ? -1 : ids[a]! > ids[b]! ? 1 : 0));
    const index = PolygonIndex.build(order.map((i) => features[i]!.geometry));
    const sortedIds = order.map((i) => ids[i]!);

    const { header, rows } = await readHeadedCsv(pointsFile);
    const xi = header.indexOf(xColumn);
    const yi = header.indexOf(yColumn);
    if (xi < 0 || yi < 0) {
      throw new UsageError(
        `${pointsFile} has no ${xi < 0 ? `"${xColumn}"` : `"${yColumn}"`} column (columns: ${header.join(', ')}); ` +
          'name them with --lat/--lng or --easting/--northing',
      );
    }
    const out: WriteStream | NodeJS.WritableStream = stringOption(input, 'out')
      ? createWriteStream(stringOption(input, 'out')!)
      : (input.io.stdout as NodeJS.WritableStream);
    const write = async (text: string) => {
      if (!out.write(text)) await once(out, 'drain');
    };
    await write(`${[...header, 'assigned_id', 'match'].map(csvField).join(',')}\n`);

    const matches: Record<AssignMatch, number> = { inside: 0, boundary: 0, none: 0, invalid: 0 };
    const progress = createProgress(input.io, 'assign', 0);
    const started = performance.now();
    let count = 0;
    let batch = '';
    for await (const row of rows) {
      count++;
      const x = Number(row.fields[xi]);
      const y = Number(row.fields[yi]);
      let lng = x;
      let lat = y;
      let match: AssignMatch;
      let assigned = '';
      if (
        row.fields[xi]?.trim() === '' ||
        row.fields[yi]?.trim() === '' ||
        !Number.isFinite(x) ||
        !Number.isFinite(y)
      ) {
        match = 'invalid';
      } else {
        if (bng) {
          try {
            ({ lng, lat } = bngToWgs84(x, y));
          } catch {
            lng = Number.NaN;
          }
        }
        if (!Number.isFinite(lng)) match = 'invalid';
        else {
          const m = index.match(lng, lat);
          match = m.index < 0 ? 'none' : m.onBoundary ? 'boundary' : 'inside';
          if (m.index >= 0) assigned = sortedIds[m.index]!;
        }
      }
      matches[match]++;
      batch += `${row.fields.map(csvField).join(',')},${csvField(assigned)},${match}\n`;
      if (batch.length > 65_536) {
        await write(batch);
        batch = '';
        progress.tick(count);
      }
    }
    await write(batch);
    progress.done();
    if (out !== input.io.stdout) {
      (out as WriteStream).end();
      await once(out, 'finish');
    }
    const seconds = (performance.now() - started) / 1000;
    const summary: AssignSummary = {
      rows: count,
      matches,
      seconds,
      rowsPerSecond: count / Math.max(seconds, 1e-9),
    };
    // With rows on stdout, the summary goes to stderr so the CSV stays clean.
    const report = out === input.io.stdout ? input.io.stderr : input.io.stdout;
    report.write(flag(input, 'json') ? `${JSON.stringify(summary)}\n` : formatSummary(summary));
    return count === 0 ? EXIT_USAGE : EXIT_OK;
  },
};

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
