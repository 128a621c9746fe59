// `catchments national-sample --store <dir>`: generates the illustrative national data set — one area
// per district of the LSOA layer, with hub catchments, spokes, HV patches, CoC teams and its postcodes —
// and publishes every area into an embedded store folder, which `CATCHMENTS_STORE_DIR=<dir> npm start`
// then serves. Deterministic; re-runs resume (areas already published with the same content are left).
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { type GenerateReport, generateNationalSample } from '../../adapters/national-sample/generate.js';
import type { DistrictSelection, NationalSources } from '../../adapters/national-sample/load.js';
import { DEFAULT_LSOA_PROPERTIES } from '../../adapters/national-sample/sources.js';
import { EmbeddedBoundaryStore } from '../../adapters/store/embedded-boundary-store.js';
import { BoundarySetService } from '../../application/boundary-set-service.js';
import { LIMITS } from '../../config.js';
import {
  type CliCommand,
  type CommandInput,
  createProgress,
  EXIT_FINDINGS,
  EXIT_OK,
  flag,
  formatTable,
  requiredOption,
  stringOption,
  UsageError,
} from '../framework.js';

export const LSOA_FILE_NAME = 'england-lsoa.geojson.gz';
export const POSTCODE_FILE_NAME = 'gb-postcodes.csv.gz';

export const nationalSampleCommand: CliCommand = {
  name: 'national-sample',
  summary: 'Generate the illustrative national data set (one area per district) into a local store',
  options: {
    store: {
      type: 'string',
      valueName: 'dir',
      description: 'Embedded store folder to publish into (required; created if missing)',
    },
    source: {
      type: 'string',
      valueName: 'dir',
      description: `Folder holding ${LSOA_FILE_NAME} and ${POSTCODE_FILE_NAME}`,
    },
    lsoas: { type: 'string', valueName: 'geojson[.gz]', description: 'The LSOA layer (instead of --source)' },
    postcodes: {
      type: 'string',
      valueName: 'csv[.gz]',
      description: 'The postcode file: postcode,lat,lng[,admin_district_code] (instead of --source)',
    },
    districts: {
      type: 'string',
      valueName: 'n|codes',
      description: 'Build the first n districts by code, or these district codes (comma-separated)',
    },
    'lsoa-id': {
      type: 'string',
      valueName: 'P',
      description: `LSOA code property (default ${DEFAULT_LSOA_PROPERTIES.id})`,
    },
    'lsoa-name': {
      type: 'string',
      valueName: 'P',
      description: `LSOA name property, "<district> <nnnX>" (default ${DEFAULT_LSOA_PROPERTIES.name})`,
    },
    'district-property': {
      type: 'string',
      valueName: 'P',
      description: `District code property of each LSOA (default ${DEFAULT_LSOA_PROPERTIES.district})`,
    },
    json: { type: 'boolean', description: 'Print the report as JSON' },
  },
  details: `Every area is made up — labelled illustrative, with the licence attributions — on real open
data: the district's 2011 LSOAs (ONS/OS boundaries, Open Government Licence) and its postcodes (OS
Code-Point Open). Hub catchments, HV patches and CoC teams are unions of whole LSOAs; hubs and spokes
sit on real postcodes. The same inputs give byte-identical areas. Nothing is written but the store.

Examples:
  catchments national-sample --source open-data --store .national-store
  catchments national-sample --source open-data --store /tmp/store --districts E07000078,E07000079
  catchments national-sample --lsoas england-lsoa.geojson.gz --postcodes gb-postcodes.csv.gz \\
    --store .national-store --districts 3
  CATCHMENTS_STORE_DIR=.national-store npm start

Publishing is atomic per area: an interrupted run leaves every area either at its previous version
or at the new one, and running the command again resumes (areas already holding the same content are
left as they are). Areas of the same ids that someone else published are never overwritten.
Exit codes: 0 every area published, 1 some districts failed (listed; the others were published),
2 bad usage, unreadable sources, or a store in use or holding someone else's areas.`,
  async run(input) {
    const sources = sourcesOf(input);
    const selection = selectionOf(stringOption(input, 'districts'));
    const storeDir = requiredOption(input, 'store');
    let store: EmbeddedBoundaryStore;
    try {
      store = await EmbeddedBoundaryStore.open(storeDir);
    } catch (error) {
      throw new UsageError(`cannot open the store ${storeDir}: ${(error as Error).message}`);
    }
    try {
      const service = new BoundarySetService({
        store,
        events: { publish: async () => {} },
        sliverToleranceM2: LIMITS.sliverToleranceM2.default,
        // One national routing build at the end, not one per area (docs/storage.md).
        routingRefresh: 'manual',
      });
      const reading = createProgress(input.io, 'Reading postcodes', statSync(sources.postcodeFile).size, {
        unit: 'bytes',
      });
      let publishing: ReturnType<typeof createProgress> | null = null;
      const started = performance.now();
      const report = await generateNationalSample({
        sources,
        selection,
        service,
        store,
        seedMark: store,
        progress: {
          onPostcodeBytes: (bytes) => reading.tick(bytes),
          onAreas: (done, total) => {
            if (!publishing) {
              reading.done();
              publishing = createProgress(input.io, 'Publishing areas', total);
            }
            publishing.tick(done);
            if (done === total) publishing.done();
          },
        },
      });
      const routing = createProgress(input.io, 'Building the national routing', 0);
      await service.routing.refresh();
      routing.done();
      const seconds = (performance.now() - started) / 1000;
      if (flag(input, 'json')) {
        input.io.stdout.write(
          `${JSON.stringify({ store: store.location, totalSeconds: seconds, ...report }, null, 2)}\n`,
        );
      } else {
        input.io.stdout.write(describe(report, store.location, seconds));
      }
      for (const f of report.failures) input.io.stderr.write(`${f.district}: ${f.message}\n`);
      return report.failures.length > 0 ? EXIT_FINDINGS : EXIT_OK;
    } finally {
      await store.close();
    }
  },
};

function sourcesOf(input: CommandInput): NationalSources {
  const source = stringOption(input, 'source');
  const lsoaFile = stringOption(input, 'lsoas') ?? (source ? path.join(source, LSOA_FILE_NAME) : undefined);
  const postcodeFile =
    stringOption(input, 'postcodes') ?? (source ? path.join(source, POSTCODE_FILE_NAME) : undefined);
  if (!lsoaFile || !postcodeFile) {
    throw new UsageError(
      `say where the open data is: --source <dir> holding ${LSOA_FILE_NAME} and ${POSTCODE_FILE_NAME}, ` +
        'or --lsoas <file> and --postcodes <file>',
    );
  }
  for (const [what, file] of [
    ['LSOA layer', lsoaFile],
    ['postcode file', postcodeFile],
  ] as const) {
    if (!existsSync(file) || !statSync(file).isFile())
      throw new UsageError(`the ${what} ${file} does not exist`);
  }
  return {
    lsoaFile,
    postcodeFile,
    lsoaProperties: {
      id: stringOption(input, 'lsoa-id') ?? DEFAULT_LSOA_PROPERTIES.id,
      name: stringOption(input, 'lsoa-name') ?? DEFAULT_LSOA_PROPERTIES.name,
      district: stringOption(input, 'district-property') ?? DEFAULT_LSOA_PROPERTIES.district,
    },
  };
}

/** `--districts 3` (the first 3 by code) or `--districts E07000078,E07000079`; absent: all. */
export function selectionOf(raw: string | undefined): DistrictSelection {
  if (raw === undefined) return { kind: 'all' };
  const text = raw.trim();
  if (/^[0-9]+$/.test(text)) {
    const count = Number(text);
    if (count < 1) throw new UsageError('--districts takes a count of at least 1, or district codes');
    return { kind: 'first', count };
  }
  const codes = text
    .split(',')
    .map((c) => c.trim())
    .filter(Boolean);
  if (codes.length === 0 || codes.some((c) => !/^[A-Za-z][0-9]{8}$/.test(c))) {
    throw new UsageError(
      `--districts "${raw}": give a count (e.g. 3) or district codes such as E07000078,E07000079`,
    );
  }
  return { kind: 'codes', codes };
}

function describe(report: GenerateReport, store: string, seconds: number): string {
  const n = (v: number) => v.toLocaleString('en-GB');
  const { totals, outcomes, sources } = report;
  let text = formatTable(
    [
      ['', 'count'],
      ['areas', n(totals.areas)],
      ['  published', n(outcomes.published)],
      ['  updated', n(outcomes.updated)],
      ['  unchanged', n(outcomes.unchanged)],
      ['  failed', n(report.failures.length)],
      ['hubs', n(totals.hubs)],
      ['spokes', n(totals.spokes)],
      ['HV patches', n(totals.patches)],
      ['CoC teams', n(totals.teams)],
      ['deliberate misalignments', n(totals.misalignments)],
      ['postcodes', n(totals.postcodes)],
    ],
    [1],
  );
  const r = sources.routing;
  text +=
    `\nSources: ${n(sources.lsoas)} LSOAs in ${n(sources.districts)} districts; ` +
    `${n(sources.postcodeFile.rows)} postcode rows, ${n(r.routed)} in the areas built ` +
    `(${n(r.nearest)} of them outside every LSOA, given to the nearest), ` +
    `${n(r.unplaced + r.otherDistricts)} elsewhere (other districts, Wales, Scotland), ` +
    `${n(sources.postcodeFile.withoutLocation)} without a location, ${n(sources.postcodeFile.rejected)} rejected.\n`;
  text +=
    `Took ${seconds.toFixed(1)} s (reading ${report.seconds.load.toFixed(1)} s, building ` +
    `${report.seconds.build.toFixed(1)} s, publishing ${report.seconds.publish.toFixed(1)} s).\n`;
  if (report.otherAreas.length > 0) {
    const k = report.otherAreas.length;
    text +=
      `\nNote: the store also holds ${k} other area${k === 1 ? '' : 's'} (${report.otherAreas.slice(0, 3).join(', ')}` +
      `${k > 3 ? ', …' : ''}). Where ${k === 1 ? 'it overlaps' : 'they overlap'} the national sample, postcodes ` +
      'are in two areas: give the national sample a store folder of its own.\n';
  }
  text += `\nServe it: CATCHMENTS_STORE_DIR=${store} npm start\n`;
  return text;
}
