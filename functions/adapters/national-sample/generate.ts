// The whole national sample run: load the sources, refuse if the store holds areas of the same ids
// that someone else published, then build and publish one district at a time (so only one area's
// layers are in memory at once). Used by `catchments national-sample` and the national benchmark.
import type { BoundarySetService } from '../../application/boundary-set-service.js';
import type { BoundaryStore } from '../../application/ports/boundary-store.js';
import { buildDistrictArea, type DistrictAreaSummary } from '../../core/national-sample/district-area.js';
import { areaIdOf, districtName } from '../../core/national-sample/district-plan.js';
import type { RoutingCounts } from '../../core/national-sample/postcode-routing.js';
import type { SeedMark } from '../store/seed-store.js';
import { type DistrictSelection, loadNationalSample, type NationalSources } from './load.js';
import { foreignAreas, type PublishOutcome, publishDistrictArea } from './publish.js';
import { NationalSourceError, type PostcodeReadCounts } from './sources.js';

export interface GenerateProgress {
  /** Bytes of the postcode file read so far (compressed bytes when it is gzipped). */
  onPostcodeBytes?(bytesRead: number): void;
  /** Called before the first area with the number of areas, then after each. */
  onAreas?(done: number, total: number): void;
}

export interface AreaResult {
  readonly summary: DistrictAreaSummary;
  readonly outcome: PublishOutcome;
}

export interface AreaFailure {
  readonly district: string;
  readonly message: string;
}

export interface GenerateReport {
  readonly areas: readonly AreaResult[];
  readonly failures: readonly AreaFailure[];
  readonly totals: {
    readonly areas: number;
    readonly hubs: number;
    readonly spokes: number;
    readonly patches: number;
    readonly teams: number;
    readonly postcodes: number;
    readonly misalignments: number;
  };
  readonly outcomes: Readonly<Record<PublishOutcome, number>>;
  readonly sources: {
    readonly lsoas: number;
    readonly districts: number;
    readonly postcodeFile: PostcodeReadCounts;
    readonly routing: RoutingCounts;
  };
  /** Areas in the store that are not districts of this run (e.g. the Gloucestershire sample). */
  readonly otherAreas: readonly string[];
  /** Seconds spent loading the sources, building the areas and publishing them. */
  readonly seconds: { readonly load: number; readonly build: number; readonly publish: number };
}

/** Areas of the same ids published by someone else: publishing would overwrite their work. */
export class ForeignAreaError extends Error {
  readonly code = 'foreign-areas';
  override readonly name = 'ForeignAreaError';
}

export async function generateNationalSample(options: {
  readonly sources: NationalSources;
  readonly selection: DistrictSelection;
  readonly service: BoundarySetService;
  readonly store: BoundaryStore;
  readonly progress?: GenerateProgress;
  /**
   * The embedded store's first-start mark. A store the generator publishes into is the national
   * sample's: marked as seeded before anything is published (unless it already is), so `npm start`
   * on it, even after an interrupted run, never adds the sample area on top of the districts.
   */
  readonly seedMark?: SeedMark;
  /** Clock for the phase timings (default performance.now). */
  readonly now?: () => number;
}): Promise<GenerateReport> {
  const { service, store, progress = {} } = options;
  const now = options.now ?? (() => performance.now());
  let t = now();
  const sample = await loadNationalSample(options.sources, options.selection, progress);
  const load = (now() - t) / 1000;

  const ids = sample.districts.map((code) => areaIdOf(code, districtName(code, sample.lsoasOf(code))));
  const foreign = await foreignAreas(store, ids);
  if (foreign.length > 0) {
    throw new ForeignAreaError(
      `The store already holds ${foreign.length} of these areas, published by someone else ` +
        `(${foreign
          .slice(0, 3)
          .map((f) => `${f.area} by ${f.publishedBy}`)
          .join(', ')}${foreign.length > 3 ? ', …' : ''}): ` +
        'the national sample never overwrites them. Use another --store folder.',
    );
  }

  if (options.seedMark && (await options.seedMark.seededAt()) === null) {
    await options.seedMark.markSeeded(new Date().toISOString(), ids);
  }
  const mine = new Set(ids);
  const otherAreas = (await store.pointers()).map((p) => p.area).filter((area) => !mine.has(area));

  const areas: AreaResult[] = [];
  const failures: AreaFailure[] = [];
  let build = 0;
  let publish = 0;
  progress.onAreas?.(0, sample.districts.length);
  for (const code of sample.districts) {
    try {
      t = now();
      const area = buildDistrictArea(sample.inputFor(code));
      const built = now();
      build += (built - t) / 1000;
      const outcome = await publishDistrictArea(service, store, area);
      publish += (now() - built) / 1000;
      areas.push({ summary: area.summary, outcome });
    } catch (error) {
      // One district that cannot be built or published does not stop the others; the report lists it.
      if (error instanceof NationalSourceError) throw error;
      failures.push({ district: code, message: (error as Error).message });
    }
    progress.onAreas?.(areas.length + failures.length, sample.districts.length);
  }

  const sum = (pick: (s: DistrictAreaSummary) => number) => areas.reduce((n, a) => n + pick(a.summary), 0);
  const outcomes: Record<PublishOutcome, number> = { published: 0, updated: 0, unchanged: 0 };
  for (const a of areas) outcomes[a.outcome]++;
  return {
    areas,
    failures,
    totals: {
      areas: areas.length,
      hubs: sum((s) => s.hubs),
      spokes: sum((s) => s.spokes),
      patches: sum((s) => s.patches),
      teams: sum((s) => s.teams),
      postcodes: sum((s) => s.postcodes),
      misalignments: sum((s) => s.misalignments.length),
    },
    outcomes,
    sources: {
      lsoas: sample.lsoas,
      districts: sample.allDistricts,
      postcodeFile: sample.postcodeFile,
      routing: sample.routing,
    },
    otherAreas,
    seconds: { load, build, publish },
  };
}
