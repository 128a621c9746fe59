// `catchments load-postcodes <file> --store <dir> | --table <name> [--bucket <name>]`: loads the
// national postcode directory (e.g. 1.7 M rows of gb-postcodes.csv.gz) into a store, the supported
// route for a directory far over the admin API's body limit, then brings the national routing up to
// date. Also `catchments routing-refresh`, which only does the second part.
import {
  POSTCODE_FILE_FORMATS as FORMATS,
  isPostcodeFileFormat,
  type PostcodeFileFormat,
  readPostcodeFile,
} from '../../adapters/postcode-file.js';
import { POSTCODE_SOURCE_FORMATS } from '../../adapters/postcode-import.js';
import type { OpenedStore } from '../../adapters/store/open-store.js';
import { RoutingMaintainer } from '../../application/serving/routing-maintainer.js';
import { PostcodeDirectory } from '../../core/postcode-directory.js';
import { encodeDirectoryColumns } from '../../core/routing/directory-columns.js';
import {
  type CliCommand,
  type CommandInput,
  createProgress,
  EXIT_OK,
  flag,
  formatTable,
  stringOption,
  UsageError,
} from '../framework.js';

const STORE_OPTIONS = {
  store: { type: 'string', valueName: 'dir', description: 'Embedded store folder (what `npm start` serves)' },
  table: {
    type: 'string',
    valueName: 'name',
    description: 'DynamoDB table instead (region and credentials from the AWS environment)',
  },
  bucket: {
    type: 'string',
    valueName: 'name',
    description: "With --table: the deployment's blob bucket (stack output BlobBucketName)",
  },
  endpoint: { type: 'string', valueName: 'url', description: 'DynamoDB-compatible endpoint (local tests)' },
  's3-endpoint': { type: 'string', valueName: 'url', description: 'S3-compatible endpoint (local tests)' },
} as const;

async function openTarget(input: CommandInput): Promise<OpenedStore> {
  const dir = stringOption(input, 'store');
  const tableName = stringOption(input, 'table');
  if (!dir === !tableName) throw new UsageError('give exactly one of --store <dir> or --table <name>');
  const bucket = stringOption(input, 'bucket');
  if (bucket && !tableName)
    throw new UsageError('--bucket goes with --table (an embedded store keeps its own files)');
  // Loaded here, not at the top: the AWS SDK takes ~0.4 s of CPU to load, which every other command
  // (`catchments --help`, `assign`...) would pay for nothing.
  const { openStoreAt } = await import('../../adapters/store/open-store.js');
  try {
    return await openStoreAt({
      ...(dir ? { dir } : {}),
      ...(tableName ? { tableName } : {}),
      ...(bucket ? { bucket } : {}),
      ...(stringOption(input, 'endpoint') ? { dynamoEndpoint: stringOption(input, 'endpoint')! } : {}),
      ...(stringOption(input, 's3-endpoint') ? { s3Endpoint: stringOption(input, 's3-endpoint')! } : {}),
    });
  } catch (error) {
    throw new UsageError(`cannot open the store: ${(error as Error).message}`);
  }
}

async function readRecords(input: CommandInput, file: string, format: PostcodeFileFormat) {
  const reading = createProgress(input.io, 'Reading postcodes', 0);
  try {
    return await readPostcodeFile(file, format, (rows) => reading.tick(rows));
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`cannot read ${file}: ${(error as Error).message}`);
  } finally {
    reading.done();
  }
}

async function refreshRouting(input: CommandInput, opened: OpenedStore, full = false) {
  const building = createProgress(input.io, 'Building the national routing', 0);
  const result = await new RoutingMaintainer(opened.store).refresh({ full });
  building.done();
  return result;
}

export const loadPostcodesCommand: CliCommand = {
  name: 'load-postcodes',
  summary: 'Load the national postcode directory into a store (resumable), then rebuild the routing',
  args: '<csv[.gz]>',
  options: {
    format: {
      type: 'string',
      valueName: 'format',
      description: `${FORMATS.join(', ')} (default points: a headed CSV with postcode, lat, lng)`,
    },
    ...STORE_OPTIONS,
    json: { type: 'boolean', description: 'Print the summary as JSON' },
  },
  details: `The national directory replaces the store's previous one; areas' own directories (uploaded
per area) stay and fill in postcodes it lacks. Lookups serve it once the national routing is rebuilt,
which this command does at the end. Nothing is served half-loaded: the directory is written in 4 MB
pieces and switched to with one write; an interrupted run, started again with the same file, skips
the pieces already written.

Formats: points (postcode,lat,lng[,...]: gb-postcodes.csv.gz), directory (postcodes.csv.gz written by
import-postcodes), or ${POSTCODE_SOURCE_FORMATS.join(', ')} (the published products).

Examples:
  catchments load-postcodes gb-postcodes.csv.gz --store .local-store
  AWS_REGION=eu-west-2 catchments load-postcodes gb-postcodes.csv.gz --table catchments-prod \\
    --bucket <BlobBucketName output>

Exit codes: 0 loaded, 2 bad usage or an unreadable file (nothing changed).`,
  async run(input) {
    const [file] = input.positionals;
    if (!file || input.positionals.length > 1) throw new UsageError('give one postcode file');
    const format = stringOption(input, 'format') ?? 'points';
    if (!isPostcodeFileFormat(format)) {
      throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, got "${format}"`);
    }
    const opened = await openTarget(input);
    try {
      const started = performance.now();
      const records = await readRecords(input, file, format);
      if (records.length === 0) throw new UsageError(`${file} has no postcodes to load`);
      const directory = PostcodeDirectory.fromRecords(records);
      const bytes = encodeDirectoryColumns(directory.sortedColumns());
      const writing = createProgress(input.io, 'Writing the directory', bytes.length);
      const pointer = await opened.store.putNationalDirectory(
        bytes,
        { postcodes: directory.size, at: new Date().toISOString(), by: 'catchments load-postcodes' },
        (written) => writing.tick(written),
      );
      writing.done();
      const routing = await refreshRouting(input, opened);
      const seconds = (performance.now() - started) / 1000;
      const summary = {
        store: opened.description,
        postcodes: directory.size,
        withoutLocation: directory.counts.withoutLocation,
        stamp: pointer.stamp,
        bytes: bytes.length,
        resumedBytes: pointer.resumedBytes,
        routing: { action: routing.action, areas: routing.areasRead.length, ...routing.stats },
        seconds: Math.round(seconds * 10) / 10,
      };
      if (flag(input, 'json')) {
        input.io.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
      } else {
        const n = (v: number) => v.toLocaleString('en-GB');
        input.io.stdout.write(
          formatTable(
            [
              ['', ''],
              ['postcodes', n(summary.postcodes)],
              ['directory bytes', n(summary.bytes)],
              ['of which resumed', n(summary.resumedBytes)],
              ['routing', `${routing.action}, ${routing.areasRead.length} areas read`],
              ['postcodes claimed by an area', n(routing.stats?.claimed ?? 0)],
            ],
            [1],
          ) + `Loaded into ${opened.description} in ${seconds.toFixed(1)} s (stamp ${pointer.stamp}).\n`,
        );
      }
      return EXIT_OK;
    } finally {
      await opened.close();
    }
  },
};

export const routingRefreshCommand: CliCommand = {
  name: 'routing-refresh',
  summary: 'Bring the national routing up to date with every area and directory (after a crash)',
  options: {
    ...STORE_OPTIONS,
    rebuild: { type: 'boolean', description: 'Build it from every area even when it looks up to date' },
    json: { type: 'boolean', description: 'Print the result as JSON' },
  },
  details: `Publishing, rolling back and loading a directory refresh the routing themselves; run this after
one of them was interrupted, or to rebuild it (serving is exact meanwhile, only slower for the areas
published since). Idempotent: says "unchanged" when the routing is up to date.

Example:
  catchments routing-refresh --store .local-store`,
  async run(input) {
    if (input.positionals.length > 0) throw new UsageError('routing-refresh takes no arguments');
    const opened = await openTarget(input);
    try {
      const result = await refreshRouting(input, opened, flag(input, 'rebuild'));
      if (flag(input, 'json')) input.io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      else {
        input.io.stdout.write(
          `National routing ${result.action} (${result.areasRead.length} areas read) in ${(result.ms / 1000).toFixed(1)} s.\n`,
        );
      }
      return EXIT_OK;
    } finally {
      await opened.close();
    }
  },
};
