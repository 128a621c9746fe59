// `catchments align`: how well two boundary layers line up (e.g. HV patches and CoC midwifery teams),
// where they do not, and what to move — with a third layer, the three-way report with the hub
// catchments. The engine is functions/core/alignment; semantics and the --json schema: docs/alignment.md.
// With a planner's weights (--postcodes directory + --weights) the scores are weighted by them, and
// with --capacity each unit's caseload is set against its capacity (docs/impact.md).
import { writeFile } from 'node:fs/promises';
import type { FeatureCollection, MultiPolygon } from 'geojson';
import { openInput, readCsv } from '../../adapters/csv.js';
import { readDirectoryFile } from '../../adapters/directory-file.js';
import { type AlignmentResult, alignLayers } from '../../core/alignment/align.js';
import type { WeightedPoint } from '../../core/alignment/points.js';
import { alignThreeWay, type ThreeWayResult } from '../../core/alignment/three-way.js';
import { livePoints } from '../../core/impact/redraw-impact.js';
import type { LayerCrs } from '../../core/layer-validation.js';
import { LAYER_NAMES, type Layer } from '../../core/model.js';
import {
  DEFAULT_UNDER_SHARE,
  type LayerLoads,
  loadsByLayer,
  type UnitWithWeight,
} from '../../core/weights/capacity.js';
import type { ResolvedWeights } from '../../core/weights/resolve.js';
import {
  type CliCommand,
  type CommandInput,
  createProgress,
  EXIT_FINDINGS,
  EXIT_OK,
  flag,
  formatTable,
  numberOption,
  requiredOption,
  stringOption,
  UsageError,
} from '../framework.js';
import { CRS_OPTION, crsOption, LAYER_FORMATS_NOTE, loadLayer } from '../layer-input.js';
import {
  type CliPlanning,
  describeLayerLoads,
  describeWeights,
  PLANNING_NOTE,
  PLANNING_OPTIONS,
  plannedWeights,
  readPlanning,
} from '../planning-input.js';

/** Reads a layer for alignment: any layer file the CLI reads, no size caps (see ../layer-input.ts). */
export function readLayerFile(
  io: CommandInput['io'],
  file: string,
  idProperty: string,
  nameProperty: string | undefined,
  crs?: LayerCrs,
): Promise<Layer> {
  return loadLayer(io, file, { idProperty, nameProperty, crs });
}

/**
 * Reads points from a CSV (gzip, - for standard input, any delimiter the CSV module reads): named
 * lat/lng columns, optional weight and row filter. Streamed, so only the points are kept.
 */
export async function readPointsFile(
  io: CommandInput['io'],
  file: string,
  columns: { lat: string; lng: string; weight?: string; filter?: string },
): Promise<WeightedPoint[]> {
  const source = await openInput(file, io.stdin);
  try {
    const { header, batches } = await readCsv(source);
    const col = (name: string) => {
      const i = header.indexOf(name);
      if (i < 0)
        throw new UsageError(`${source.name} has no column "${name}" (columns: ${header.join(', ')})`);
      return i;
    };
    const iLat = col(columns.lat);
    const iLng = col(columns.lng);
    const iW = columns.weight ? col(columns.weight) : -1;
    let filterCol = -1;
    let filterValue = '';
    if (columns.filter) {
      const eq = columns.filter.indexOf('=');
      if (eq <= 0) throw new UsageError(`--filter takes column=value, got "${columns.filter}"`);
      filterCol = col(columns.filter.slice(0, eq));
      filterValue = columns.filter.slice(eq + 1);
    }
    const progress = createProgress(io, 'reading points', source.size ?? 0, { unit: 'bytes' });
    const points: WeightedPoint[] = [];
    for await (const { rows } of batches()) {
      for (const f of rows) {
        if (filterCol >= 0 && f[filterCol] !== filterValue) continue;
        const lat = f[iLat] === '' ? Number.NaN : Number(f[iLat]);
        const lng = f[iLng] === '' ? Number.NaN : Number(f[iLng]);
        points.push(iW >= 0 ? { lat, lng, weight: Number(f[iW]) } : { lat, lng });
      }
      progress.tick(source.size ? source.bytesRead() : 0);
    }
    if (source.size) progress.done();
    return points;
  } finally {
    source.close();
  }
}

const NOUNS: Readonly<Record<string, string>> = {
  'hv-patches': 'patch',
  'coc-teams': 'team',
  catchments: 'catchment',
  outline: 'outline',
};

/** A unit noun from a file name: hv-patches.geojson, hv_patches-bng.zip → "patch". */
function nounFor(file: string, fallback: string): string {
  const base = file
    .split(/[\\/]/)
    .pop()!
    .toLowerCase()
    .replaceAll('_', '-')
    .replace(/\.geojson(\.gz)?$|\.json(\.gz)?$|\.zip$/, '')
    .replace(/-(bng|wgs84|27700|4326)$/, '');
  return NOUNS[base] ?? fallback;
}

/** patch → patches, team → teams, A unit → A units. */
function plural(noun: string): string {
  return /(ch|sh|s|x)$/.test(noun) ? `${noun}es` : `${noun}s`;
}

const n0 = (x: number) => Math.round(x).toLocaleString('en-GB');
const score = (x: number | null) => (x === null ? '—' : x.toFixed(3));
function area(m2: number): string {
  if (m2 >= 1e6) return `${(m2 / 1e6).toFixed(2)} km²`;
  if (m2 >= 1e4) return `${(m2 / 1e4).toFixed(1)} ha`;
  return `${m2 < 10 ? m2.toFixed(1) : Math.round(m2)} m²`;
}

export function describeAlignment(
  r: AlignmentResult,
  nouns: { a: string; b: string },
  labels: { a: string; b: string },
): string {
  const out: string[] = [];
  const pts = r.points;
  out.push(
    `Alignment of ${labels.a} (${r.a.units} ${plural(nouns.a)}) with ${labels.b} (${r.b.units} ${plural(nouns.b)})` +
      (pts ? `, weighted by ${n0(pts.inBoth)} of ${n0(pts.given)} points` : ', by area (no points given)'),
  );
  out.push('');
  const nestedA = r.unitsA.filter((u) => u.nested).length;
  const nestedB = r.unitsB.filter((u) => u.nested).length;
  out.push(
    formatTable(
      [
        ['score', `by ${r.scores.weightColumn ?? 'postcodes'}`, 'by area', 'nested units'],
        [
          `coterminosity (${r.scores.weightColumn ?? r.scores.basis})`,
          r.scores.basis !== 'area' ? score(r.scores.coterminosity) : '—',
          r.scores.basis === 'area' ? score(r.scores.coterminosity) : '—',
          '',
        ],
        [
          `${nouns.a} in ${nouns.b} (A→B)`,
          score(r.scores.aInB.byPostcodes),
          score(r.scores.aInB.byArea),
          `${nestedA} of ${r.a.units}`,
        ],
        [
          `${nouns.b} in ${nouns.a} (B→A)`,
          score(r.scores.bInA.byPostcodes),
          score(r.scores.bInA.byArea),
          `${nestedB} of ${r.b.units}`,
        ],
      ],
      [1, 2],
    ),
  );
  out.push(
    `Nested: share in the best fit ≥ ${r.threshold}. Coterminosity: share in pieces where either unit is the other's best fit.`,
  );
  out.push('');
  if (r.fragments.features.length === 0) {
    out.push(`No misaligned fragments: every ${nouns.a} lies in one ${nouns.b}, slivers aside.`);
  } else {
    out.push(
      `Misaligned fragments (${r.fragments.features.length}; parts of a ${nouns.a} outside its best ${nouns.b}), most postcodes first:`,
    );
    out.push(
      formatTable(
        [
          [nouns.a, `lies in ${nouns.b}`, `best ${nouns.b}`, 'postcodes', 'area', `share of ${nouns.a}`],
          ...r.fragments.features.slice(0, 15).map((f) => {
            const p = f.properties;
            return [
              p.aName,
              p.bName,
              p.bestFitOfA ?? '—',
              n0(p.postcodes),
              area(p.areaM2),
              `${(p.shareOfA * 100).toFixed(1)}%`,
            ];
          }),
        ],
        [3, 4, 5],
      ),
    );
    if (r.fragments.features.length > 15)
      out.push(`(${r.fragments.features.length - 15} more in --json / --fragments)`);
  }
  out.push('');
  if (r.fixes.length > 0) {
    out.push('Suggested fixes, best first:');
    for (const f of r.fixes) out.push(`  ${f.rank}. [${f.layer === 'a' ? labels.a : labels.b}] ${f.summary}`);
    out.push('');
  }
  const split = r.unitsA.filter((u) => !u.nested);
  if (split.length > 0) {
    out.push(`${plural(nouns.a)} not nested in one ${nouns.b} (${split.length}):`);
    out.push(
      formatTable(
        [
          [nouns.a, `best ${nouns.b}`, 'share (postcodes)', 'share (area)', 'also in'],
          ...split
            .slice(0, 20)
            .map((u) => [
              u.name,
              u.bestFit ?? '—',
              score(u.shareByPostcodes),
              score(u.shareByArea),
              u.splits.map((s) => `${s.id} (${n0(s.postcodes)})`).join(', '),
            ]),
        ],
        [2, 3],
      ),
    );
  }
  out.push(
    `Slivers (digitising noise, no postcodes, < ${(r.sliverRule.maxShare * 100).toFixed(0)}% of a unit and < ${area(r.sliverRule.maxAreaM2)}): ` +
      `${r.slivers.count} pieces, ${area(r.slivers.areaM2)} in all, largest ${area(r.slivers.largestM2)}.`,
  );
  if (r.stats.fallbacks.length > 0) {
    out.push(
      `Pairs measured by the polyclip fallback or not at all (invalid geometry): ${r.stats.fallbacks.map((f) => `${f.a}×${f.b} (${f.method})`).join(', ')}`,
    );
  }
  return `${out.join('\n')}\n`;
}

function describeThreeWay(r: ThreeWayResult): string {
  const out: string[] = [];
  out.push(
    `Three-way alignment: hub catchments ↔ HV patches ↔ CoC teams (weighted by ${r.weightColumn ?? r.basis})`,
  );
  out.push('');
  out.push(
    formatTable(
      [
        ['pair', 'coterminosity', 'A→B', 'B→A'],
        ...Object.entries(r.scores).map(([k, s]) => [
          k,
          score(s.coterminosity),
          score(s.aInB.byPostcodes ?? s.aInB.byArea),
          score(s.bInA.byPostcodes ?? s.bInA.byArea),
        ]),
      ],
      [1, 2, 3],
    ),
  );
  out.push(`All three agree on ${(r.agreement * 100).toFixed(1)}% of the ${r.weightColumn ?? r.basis}.`);
  out.push('');
  if (r.places.length === 0) out.push('No place where the three disagree.');
  else {
    out.push(`Places where the three disagree (${r.places.length}), most postcodes first:`);
    out.push(
      formatTable(
        [
          ['postcodes', 'area', 'near (lat, lng)', 'what disagrees'],
          ...r.places.map((p) => [
            n0(p.postcodes),
            area(p.areaM2),
            p.location ? `${p.location[1].toFixed(4)}, ${p.location[0].toFixed(4)}` : '—',
            p.description,
          ]),
        ],
        [0, 1],
      ),
    );
  }
  return `${out.join('\n')}\n`;
}

const labelOf = (file: string) => file.split(/[\\/]/).pop()!;

/** The layer a file holds, by its name (hv-patches.geojson → hv-patches); undefined for other names. */
function layerNameOf(file: string): string | undefined {
  const base = labelOf(file)
    .toLowerCase()
    .replaceAll('_', '-')
    .replace(/\.geojson(\.gz)?$|\.json(\.gz)?$|\.zip$/, '')
    .replace(/-(bng|wgs84|27700|4326)$/, '');
  return (LAYER_NAMES as readonly string[]).includes(base) ? base : undefined;
}

/** The weights' report and caseload against capacity per layer, for --json and for the report. */
function planningExtras(
  planning: CliPlanning | undefined,
  weights: ResolvedWeights | undefined,
  weightColumn: string | undefined,
  layers: readonly { layer: string; label: string; units: readonly UnitWithWeight[] }[],
): { json: Record<string, unknown>; text: string } | undefined {
  if (!planning) return undefined;
  const measure = weights?.report.column ?? weightColumn ?? 'points';
  const capacity = planning.capacity
    ? loadsByLayer(layers, planning.capacity, {
        measure,
        underShare: planning.underShare ?? DEFAULT_UNDER_SHARE,
      })
    : undefined;
  const lines: string[] = [];
  if (weights) lines.push('', ...describeWeights(weights.report));
  const loads: Record<string, LayerLoads> = {};
  for (const l of layers) {
    const layerLoads = capacity?.layers.get(l.layer);
    if (!layerLoads) continue;
    loads[l.layer] = layerLoads;
    if (layerLoads.units.length > 0) lines.push('', ...describeLayerLoads(l.label, layerLoads));
  }
  if (capacity && capacity.unknown.length > 0) {
    lines.push(
      '',
      `Capacity rows naming no unit of these layers (not used): ${capacity.unknown.map((e) => `row ${e.row} ${e.unit}`).join(', ')}`,
    );
  }
  return {
    json: {
      weights: weights?.report ?? null,
      capacity: capacity ? { layers: loads, unknown: capacity.unknown } : null,
    },
    text: lines.length > 0 ? `${lines.join('\n')}\n` : '',
  };
}

export const alignCommand: CliCommand = {
  name: 'align',
  summary:
    'How well two boundary layers align (e.g. HV patches vs CoC teams): scores, misaligned pieces, fixes',
  options: {
    a: { type: 'string', valueName: 'layer', description: 'Layer A, e.g. hv-patches.geojson (required)' },
    'a-id': {
      type: 'string',
      valueName: 'property',
      description: "Property holding A's feature ids (required)",
    },
    'a-name': {
      type: 'string',
      valueName: 'property',
      description: "Property holding A's names (default: name)",
    },
    b: { type: 'string', valueName: 'layer', description: 'Layer B, e.g. coc-teams.geojson (required)' },
    'b-id': {
      type: 'string',
      valueName: 'property',
      description: "Property holding B's feature ids (required)",
    },
    'b-name': {
      type: 'string',
      valueName: 'property',
      description: "Property holding B's names (default: name)",
    },
    c: {
      type: 'string',
      valueName: 'geojson',
      description: 'Hub catchments: gives the three-way report (A = patches, B = teams)',
    },
    'c-id': { type: 'string', valueName: 'property', description: "Property holding C's feature ids" },
    'c-name': {
      type: 'string',
      valueName: 'property',
      description: "Property holding C's names (default: name)",
    },
    ...CRS_OPTION,
    points: {
      type: 'string',
      valueName: 'csv[.gz]',
      description: 'Postcode points to weight by (headed CSV; - for standard input)',
    },
    postcodes: {
      type: 'string',
      valueName: 'csv[.gz]',
      description:
        'A postcode directory (import-postcodes format): its live postcodes are the points; --weights needs it',
    },
    lat: { type: 'string', valueName: 'column', description: 'Latitude column of --points (default: lat)' },
    lng: { type: 'string', valueName: 'column', description: 'Longitude column of --points (default: lng)' },
    weight: {
      type: 'string',
      valueName: 'column',
      description: 'Numeric weight column of --points (e.g. births)',
    },
    filter: {
      type: 'string',
      valueName: 'col=value',
      description: 'Keep only points rows where col equals value (e.g. status=live)',
    },
    threshold: {
      type: 'string',
      valueName: 'share',
      description: 'Share in the best fit that counts as nested (default 0.95)',
    },
    'max-fixes': { type: 'string', valueName: 'n', description: 'Suggested fixes to list (default 10)' },
    json: { type: 'boolean', description: 'Print the full result as JSON (schema in docs/alignment.md)' },
    fragments: {
      type: 'string',
      valueName: 'out.geojson',
      description: 'Write the misaligned fragments (or three-way places) as GeoJSON',
    },
    ...PLANNING_OPTIONS,
  },
  details: `${LAYER_FORMATS_NOTE}
Examples:
  catchments align --a data/gloucestershire/hv-patches.geojson --a-id id --b data/gloucestershire/coc-teams.geojson --b-id id \\
      --points data/gloucestershire/postcodes.csv.gz --filter status=live
  catchments align --a lsoa.geojson --a-id LSOA11CD --a-name LSOA11NM --b msoa.geojson --b-id MSOA11CD --json
  catchments align --a hv-patches.geojson --a-id id --b coc-teams.geojson --b-id id --c catchments.geojson --c-id id --points pc.csv
${PLANNING_NOTE}
  With --postcodes (a directory) instead of --points; a capacity row's layer is its file's name (hv-patches…).
  catchments align --a data/gloucestershire/hv-patches.geojson --a-id id --b data/gloucestershire/coc-teams.geojson --b-id id \\
      --postcodes data/gloucestershire/postcodes.csv.gz --weights data/planning/births-per-lsoa-illustrative.csv \\
      --weights-key lsoa --weights-column births --capacity data/planning/hv-patch-capacity-illustrative.csv
Exit codes: 0 aligned (no misaligned piece beyond slivers), 1 misaligned pieces found, 2 bad usage or input.`,
  async run(input) {
    if (input.positionals.length > 0) throw new UsageError(`unexpected argument "${input.positionals[0]}"`);
    const aFile = requiredOption(input, 'a');
    const bFile = requiredOption(input, 'b');
    const threshold = numberOption(input, 'threshold', 0.95);
    if (!(threshold > 0 && threshold <= 1))
      throw new UsageError(`--threshold must be in (0, 1], got ${threshold}`);
    const maxFixes = numberOption(input, 'max-fixes', 10);
    const crs = crsOption(input);
    const layerA = await readLayerFile(
      input.io,
      aFile,
      requiredOption(input, 'a-id'),
      stringOption(input, 'a-name'),
      crs,
    );
    const layerB = await readLayerFile(
      input.io,
      bFile,
      requiredOption(input, 'b-id'),
      stringOption(input, 'b-name'),
      crs,
    );
    const pointsFile = stringOption(input, 'points');
    const postcodesFile = stringOption(input, 'postcodes');
    const planning = await readPlanning(input);
    if (pointsFile && postcodesFile) throw new UsageError('give --points or --postcodes, not both');
    if (planning?.weights && !postcodesFile) {
      throw new UsageError(
        '--weights needs --postcodes <directory>: the weights go on its live postcodes (by postcode, or by their OA/LSOA codes)',
      );
    }
    let weights: ResolvedWeights | undefined;
    let points: WeightedPoint[] | undefined;
    if (postcodesFile) {
      const directory = await readDirectoryFile(postcodesFile);
      const records = [...directory.records()];
      weights = plannedWeights(planning, directory, records);
      points = livePoints(records, weights?.byPostcode);
    } else if (pointsFile) {
      points = await readPointsFile(input.io, pointsFile, {
        lat: stringOption(input, 'lat') ?? 'lat',
        lng: stringOption(input, 'lng') ?? 'lng',
        weight: stringOption(input, 'weight'),
        filter: stringOption(input, 'filter'),
      });
    }
    // Weighted points (a weights file, or --points with --weight) name their column as the basis.
    const weightColumn = weights?.report.column ?? (pointsFile ? stringOption(input, 'weight') : undefined);
    const named = points && weightColumn !== undefined ? { weightColumn } : {};
    if (planning?.capacity && !points) {
      throw new UsageError(
        '--capacity needs points to count caseloads: give --postcodes <directory> (or --points)',
      );
    }
    const extras = (layers: readonly { layer: string; label: string; units: readonly UnitWithWeight[] }[]) =>
      planningExtras(planning, weights, stringOption(input, 'weight'), layers);
    const cFile = stringOption(input, 'c');
    const out = stringOption(input, 'fragments');
    if (cFile) {
      const layerC = await readLayerFile(
        input.io,
        cFile,
        requiredOption(input, 'c-id'),
        stringOption(input, 'c-name'),
        crs,
      );
      const r = alignThreeWay(
        { hvPatches: layerA, cocTeams: layerB, catchments: layerC },
        { points, threshold, maxFixes, ...named },
      );
      if (out) {
        const fc: FeatureCollection<MultiPolygon | null> = {
          type: 'FeatureCollection',
          features: r.places.map(({ geometry, ...properties }) => ({
            type: 'Feature',
            geometry,
            properties,
          })),
        };
        await writeFile(out, `${JSON.stringify(fc)}\n`);
      }
      const planned = extras([
        { layer: 'hv-patches', label: labelOf(aFile), units: r.alignments['patches-teams'].unitsA },
        { layer: 'coc-teams', label: labelOf(bFile), units: r.alignments['patches-teams'].unitsB },
        { layer: 'catchments', label: labelOf(cFile), units: r.alignments['patches-catchments'].unitsB },
      ]);
      input.io.stdout.write(
        flag(input, 'json')
          ? `${JSON.stringify(planned ? { ...r, ...planned.json } : r)}\n`
          : describeThreeWay(r) + (planned?.text ?? ''),
      );
      return r.places.length > 0 ? EXIT_FINDINGS : EXIT_OK;
    }
    const nouns = { a: nounFor(aFile, 'A unit'), b: nounFor(bFile, 'B unit') };
    const r = alignLayers(layerA, layerB, { points, threshold, maxFixes, nouns, ...named });
    if (out) await writeFile(out, `${JSON.stringify(r.fragments)}\n`);
    // A capacity file's layer column names a layer by its file's name, or `a` / `b`.
    const [nameA, nameB] = [layerNameOf(aFile), layerNameOf(bFile)];
    const distinct = nameA !== nameB;
    const planned = extras([
      { layer: (distinct && nameA) || 'a', label: labelOf(aFile), units: r.unitsA },
      { layer: (distinct && nameB) || 'b', label: labelOf(bFile), units: r.unitsB },
    ]);
    input.io.stdout.write(
      flag(input, 'json')
        ? `${JSON.stringify(planned ? { ...r, ...planned.json } : r)}\n`
        : describeAlignment(r, nouns, { a: labelOf(aFile), b: labelOf(bFile) }) + (planned?.text ?? ''),
    );
    return r.misalignedPieces > 0 ? EXIT_FINDINGS : EXIT_OK;
  },
};
